import { markOnce, type RedisClientLike, redisStoreBase } from '../stores/redis-client.js';
import type { TransactionStore } from './transaction-store.js';

/** Options of a {@link RedisTransactionStore}. */
export interface RedisTransactionStoreOptions {
  /** Prefix of every key the store writes. @defaultValue 'authn:tx:' */
  prefix?: string;
  /** Milliseconds one Redis command may take before the login fails with a 503 (1–60000). @defaultValue 1000 */
  storeTimeout?: number;
}

/**
 * A {@link TransactionStore} on Redis, shared by every replica that uses the same Redis and prefix: a login
 * transaction is marked used by one atomic `SET key 1 PX ttl NX`, so a callback replayed to any replica, even
 * concurrently, is refused. Keys expire with the transaction; nothing else is stored (the key is derived from the
 * login's `state`, which the browser saw anyway).
 *
 * When Redis fails or does not answer within `storeTimeout`, `consume` rejects with a `StoreUnavailableError`, and
 * `finishLogin` fails closed (`ERR_LOGIN_STORE_UNAVAILABLE`, 503): a login is refused rather than finished without
 * the single-use check. Pass a client you created (and will close); the store never closes it.
 *
 * @throws {ConfigurationError} when the client lacks the commands, or an option is invalid.
 * @example
 * import { Redis } from 'ioredis';
 * const transactionStore = new RedisTransactionStore(new Redis(process.env.REDIS_URL!), { prefix: 'shop:tx:' });
 * const client = await OidcClient.discover({ ...options, transactionStore });
 */
export class RedisTransactionStore implements TransactionStore {
  /** The prefix of every key this store writes. */
  readonly prefix: string;
  /** Milliseconds one command may take. */
  readonly storeTimeout: number;
  readonly #redis: RedisClientLike;

  constructor(client: RedisClientLike, options: RedisTransactionStoreOptions = {}) {
    ({
      redis: this.#redis,
      prefix: this.prefix,
      storeTimeout: this.storeTimeout,
    } = redisStoreBase('RedisTransactionStore', client, options, 'authn:tx:'));
  }

  async consume(id: string, ttl: number): Promise<boolean> {
    return markOnce(this.#redis, 'Redis transaction store', this.storeTimeout, this.prefix + id, ttl);
  }
}
