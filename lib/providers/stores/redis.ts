import { ConfigurationError } from '../../errors.js';
import { type RedisClientLike, redisStoreBase } from '../../stores/redis-client.js';
import { takeRedisLock } from '../../stores/redis-lock.js';
import { storeCall } from '../../stores/store-call.js';
import type { StoredToken, TokenStore, TokenStoreLock } from './token-store.js';

/** Options of a {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /** Prefix of every key the store writes (tokens and their locks). @defaultValue 'authn:token:' */
  prefix?: string;
  /**
   * Milliseconds a lock lives if its holder stops renewing it (it renews it every third of this while its grant
   * runs), so a waiter takes over this long after a holder dies. @defaultValue 5000
   */
  lockTtl?: number;
  /**
   * Milliseconds one Redis command may take before the store stops waiting for it and the provider does without
   * it, whatever the client's own retry settings (ioredis queues commands while it is disconnected).
   * @defaultValue 1000
   */
  storeTimeout?: number;
}

/** Longest time to live Redis is given (`PX` takes up to 2^63, but a token kept a month is already odd). */
const MAX_TTL = 2 ** 31 - 1;

// Deletes the token KEYS[1] only when its accessToken is ARGV[1].
const DELETE_IF = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, t = pcall(cjson.decode, v)
if (not ok) or type(t) ~= 'table' or t.accessToken == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** The name of the store in the messages of its failures. */
const STORE = 'Redis token store';

function parse(value: string | null): StoredToken | undefined {
  if (value === null) return undefined;
  try {
    const token = JSON.parse(value) as { accessToken?: unknown; expiresAt?: unknown; issuedAt?: unknown };
    if (typeof token.accessToken !== 'string' || token.accessToken === '') return undefined;
    // JSON has no Infinity: a token that never expires is stored with `expiresAt: null`.
    const expiresAt = token.expiresAt === null ? Infinity : token.expiresAt;
    if (typeof expiresAt !== 'number' || typeof token.issuedAt !== 'number') return undefined;
    return { accessToken: token.accessToken, expiresAt, issuedAt: token.issuedAt };
  } catch {
    return undefined;
  }
}

/**
 * A {@link TokenStore} on Redis, shared by every process and replica that uses the same Redis and prefix.
 * Tokens are stored with a time to live that ends before they expire. Its `lock` is a `SET NX PX` with a random
 * value per holder, renewed while the grant runs and released only by its holder (compare-and-delete), so that
 * a fleet spends one grant per token lifetime and a holder that dies blocks the others for at most `lockTtl`.
 *
 * Pass a client you created (and will close); the store never closes it. Every command runs under the store's
 * own deadline (`storeTimeout`); a failure, or no answer in time, rejects with a `StoreUnavailableError`, and the
 * providers then ask the token endpoint themselves rather than fail or wait.
 *
 * @throws {ConfigurationError} when the client lacks the commands, or an option is invalid.
 * @example
 * import { Redis } from 'ioredis';
 * const store = new RedisTokenStore(new Redis(process.env.REDIS_URL!), { prefix: 'orders:' });
 * const provider = new ClientCredentialsProvider({ domain, clientId, clientSecret, audience, store });
 */
export class RedisTokenStore implements TokenStore {
  /** The prefix of every key this store writes. */
  readonly prefix: string;
  /** Milliseconds a lock outlives a holder that stopped renewing it. */
  readonly lockTtl: number;
  /** Milliseconds one command may take. */
  readonly storeTimeout: number;
  readonly #redis: RedisClientLike;

  constructor(client: RedisClientLike, options: RedisTokenStoreOptions = {}) {
    ({
      redis: this.#redis,
      prefix: this.prefix,
      storeTimeout: this.storeTimeout,
    } = redisStoreBase('RedisTokenStore', client, options, 'authn:token:'));
    const { lockTtl = 5000 } = options;
    if (!(Number.isInteger(lockTtl) && lockTtl >= 100 && lockTtl <= 600_000)) {
      throw new ConfigurationError('lockTtl must be an integer from 100 to 600000 milliseconds', 'lockTtl');
    }
    this.lockTtl = lockTtl;
  }

  /** Runs one command under the store's deadline. */
  #call<T>(operation: string, command: () => Promise<T>): Promise<T> {
    return storeCall(STORE, operation, this.storeTimeout, command);
  }

  async get(key: string): Promise<StoredToken | undefined> {
    return parse(await this.#call('GET', () => this.#redis.get(this.prefix + key)));
  }

  async set(key: string, token: StoredToken, ttl: number): Promise<void> {
    const value = JSON.stringify({
      accessToken: token.accessToken,
      expiresAt: Number.isFinite(token.expiresAt) ? token.expiresAt : null,
      issuedAt: token.issuedAt,
    });
    const px = Math.max(1, Math.min(MAX_TTL, Math.floor(ttl)));
    await this.#call('SET', () => this.#redis.set(this.prefix + key, value, 'PX', px));
  }

  async delete(key: string, accessToken?: string): Promise<void> {
    const name = this.prefix + key;
    await this.#call('DEL', () =>
      accessToken === undefined ? this.#redis.del(name) : this.#redis.eval(DELETE_IF, 1, name, accessToken),
    );
  }

  async lock(key: string): Promise<TokenStoreLock | undefined> {
    // Kept while the grant runs, however long the token endpoint takes; a dead holder stops renewing it.
    return takeRedisLock(this.#redis, `${this.prefix}${key}:lock`, this.lockTtl, (operation, command) =>
      this.#call(operation, command),
    );
  }
}
