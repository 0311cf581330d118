import { ConfigurationError } from '../errors.js';

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
   * Most transactions remembered. When full, the expired ones are dropped first, then the oldest. @defaultValue
   * 10000
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
 * @throws {ConfigurationError} for a `maxEntries` that is not a positive integer.
 * @example
 * const client = await OidcClient.discover({ ...options, transactionStore: new MemoryTransactionStore() });
 */
export class MemoryTransactionStore implements TransactionStore {
  /** Most transactions remembered. */
  readonly maxEntries: number;
  readonly #now: () => number;
  /** Transaction id → epoch ms until which it is remembered, oldest first. */
  readonly #used = new Map<string, number>();

  constructor(options: MemoryTransactionStoreOptions = {}) {
    const { maxEntries = 10_000, now = Date.now } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new ConfigurationError('maxEntries must be a positive integer', 'maxEntries');
    }
    if (typeof now !== 'function') throw new ConfigurationError('now must be a function', 'now');
    this.maxEntries = maxEntries;
    this.#now = now;
  }

  /** Transactions remembered now (expired ones included until they are swept). */
  get size(): number {
    return this.#used.size;
  }

  consume(id: string, ttl: number): Promise<boolean> {
    const now = this.#now();
    const used = this.#used;
    const until = used.get(id);
    if (until !== undefined && now < until) return Promise.resolve(false);
    used.delete(id);
    if (used.size >= this.maxEntries) {
      for (const [key, expiry] of used) if (expiry <= now) used.delete(key);
      if (used.size >= this.maxEntries) used.delete(used.keys().next().value as string);
    }
    used.set(id, now + Math.max(1, ttl));
    return Promise.resolve(true);
  }
}
