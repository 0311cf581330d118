import { ConfigurationError } from '../errors.js';
import { SingleUseIds } from '../stores/single-use-ids.js';

/**
 * Remembers which login transactions were used, so that a transaction presented again — a replayed callback, on
 * this replica or any other — is refused (OIDC Core §3.1.3.7 step 11: a nonce is used once).
 * {@link MemoryTransactionStore} covers one process; {@link RedisTransactionStore} a fleet.
 *
 * @example
 * const store: TransactionStore = new RedisTransactionStore(new Redis(process.env.REDIS_URL!));
 * const client = await OidcClient.discover({ ...options, transactionStore: store });
 */
export interface TransactionStore {
  /**
   * Marks the transaction `id` used for `ttl` milliseconds (its remaining lifetime, after which it cannot be
   * presented anyway). Resolves to `true` the first time, and to `false` for the same id while it is remembered.
   * It must be atomic: of two concurrent calls with the same id, one resolves `true`.
   *
   * @throws {StoreUnavailableError} (rejects) when the store cannot answer; the login then fails closed.
   */
  consume(id: string, ttl: number): Promise<boolean>;
}

/** Options of a {@link MemoryTransactionStore}. */
export interface MemoryTransactionStoreOptions {
  /**
   * Most transactions remembered. When full, the expired ones are dropped; when none has, a new login is refused
   * (`ERR_LOGIN_STORE_UNAVAILABLE`, 503) rather than a used transaction forgotten. Size it above the logins
   * finished within `transactionMaxAge`. @defaultValue 10000
   */
  maxEntries?: number;
  /** The current time in epoch milliseconds, for tests. @defaultValue Date.now */
  now?: () => number;
}

/**
 * A {@link TransactionStore} in this process's memory: a replay reaching the same process is refused. Behind
 * several replicas use {@link RedisTransactionStore}, which every replica shares. `OidcClient` uses one of these
 * when given no store.
 *
 * It fails closed: full of transactions that have not expired (a flood of logins), it refuses new ones with a
 * `StoreUnavailableError` (the login answers 503) rather than forget a used one, which would then be accepted
 * again. Where logins face the internet at a rate that could fill it, use the Redis store.
 *
 * @throws {ConfigurationError} for a `maxEntries` that is not a positive integer.
 * @example
 * const client = await OidcClient.discover({ ...options, transactionStore: new MemoryTransactionStore() });
 */
export class MemoryTransactionStore implements TransactionStore {
  readonly #now: () => number;
  /** The transactions used, until they expire. */
  readonly #used: SingleUseIds;

  constructor(options: MemoryTransactionStoreOptions = {}) {
    const { maxEntries = 10_000, now = Date.now } = options;
    this.#used = new SingleUseIds(maxEntries, 'MemoryTransactionStore', 'transactions');
    if (typeof now !== 'function') throw new ConfigurationError('now must be a function', 'now');
    this.#now = now;
  }

  /** Most transactions remembered. */
  get maxEntries(): number {
    return this.#used.maxEntries;
  }

  /** Transactions remembered now (expired ones included until they are swept). */
  get size(): number {
    return this.#used.size;
  }

  async consume(id: string, ttl: number): Promise<boolean> {
    return this.#used.use(id, ttl, this.#now());
  }
}
