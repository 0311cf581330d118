import { ConfigurationError } from '../errors.js';
import { isRedisClient, type RedisClientLike } from '../stores/redis-client.js';
import { checkStoreTimeout, storeCall } from '../stores/store-call.js';
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
    if (!isRedisClient(client)) {
      throw new ConfigurationError('RedisTransactionStore needs an ioredis client (get, set, del, eval)', 'client');
    }
    const { prefix = 'authn:tx:' } = options;
    if (typeof prefix !== 'string') throw new ConfigurationError('prefix must be a string', 'prefix');
    this.prefix = prefix;
    this.storeTimeout = checkStoreTimeout(options.storeTimeout);
    this.#redis = client;
  }

  async consume(id: string, ttl: number): Promise<boolean> {
    const px = Math.max(1, Math.ceil(ttl));
    const answer = await storeCall('Redis transaction store', 'SET NX', this.storeTimeout, () =>
      this.#redis.set(this.prefix + id, '1', 'PX', px, 'NX'),
    );
    return answer === 'OK';
  }
}
