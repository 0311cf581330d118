import { ConfigurationError } from '../errors.js';
import { checkStoreTimeout, storeCall } from './store-call.js';

/**
 * The commands the library's Redis-backed stores need from a Redis client. An `ioredis` `Redis` (or `Cluster`,
 * when all keys of one record hash to one slot) instance fits; the type is written here so that the library does
 * not depend on `ioredis` — it is an optional peer dependency, imported by you, never by us.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const client: RedisClientLike = new Redis(process.env.REDIS_URL!);
 */
export interface RedisClientLike {
  /** `GET key`: the value, or `null`. */
  get(key: string): Promise<string | null>;
  /** `SET key value PX ms [NX]`: resolves to `'OK'`, or `null` when `NX` found the key taken. */
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number, nx?: 'NX'): Promise<unknown>;
  /** `DEL key`: the number of keys removed. */
  del(key: string): Promise<number>;
  /** `EVAL script numkeys …`: runs a Lua script atomically (compare-and-delete, compare-and-renew). */
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * Tells whether `client` has the commands of {@link RedisClientLike}.
 *
 * @example
 * if (!isRedisClient(client)) throw new ConfigurationError('RedisTokenStore needs an ioredis client', 'client');
 */
export function isRedisClient(client: unknown): client is RedisClientLike {
  return (
    client !== null &&
    typeof client === 'object' &&
    ['get', 'set', 'del', 'eval'].every((name) => typeof (client as Record<string, unknown>)[name] === 'function')
  );
}

/** What every Redis store is built from: its client, the prefix of its keys, and its deadline per command. */
export interface RedisStoreBase {
  /** The client, checked to have the commands. */
  readonly redis: RedisClientLike;
  /** The prefix of every key the store writes. */
  readonly prefix: string;
  /** Milliseconds one command may take. */
  readonly storeTimeout: number;
}

/**
 * Checks what every Redis store's constructor takes — an ioredis client, a `prefix` (default `defaultPrefix`) and a
 * `storeTimeout` — naming the store in its errors.
 *
 * @throws {ConfigurationError} when the client lacks the commands, or `prefix` or `storeTimeout` is invalid.
 * @example
 * const { redis, prefix, storeTimeout } = redisStoreBase('RedisSessionStore', client, options, 'authn:session:');
 */
export function redisStoreBase(
  store: string,
  client: unknown,
  options: { readonly prefix?: unknown; readonly storeTimeout?: unknown },
  defaultPrefix: string,
): RedisStoreBase {
  if (!isRedisClient(client)) {
    throw new ConfigurationError(`${store} needs an ioredis client (get, set, del, eval)`, 'client');
  }
  const { prefix = defaultPrefix } = options;
  if (typeof prefix !== 'string') throw new ConfigurationError('prefix must be a string', 'prefix');
  return { redis: client, prefix, storeTimeout: checkStoreTimeout(options.storeTimeout) };
}

/**
 * Marks `key` used for `ttl` milliseconds (`SET key 1 PX ttl NX`, under `storeTimeout`): `true` the first time,
 * `false` while the mark lives. Atomic: of two replicas that mark one key at once, exactly one gets `true`.
 *
 * @throws {StoreUnavailableError} (rejects) when Redis fails or does not answer in time.
 * @example
 * if (!(await markOnce(redis, 'Redis transaction store', 1000, `authn:tx:${id}`, 600_000))) refuseReplay();
 */
export async function markOnce(
  redis: RedisClientLike,
  store: string,
  storeTimeout: number,
  key: string,
  ttl: number,
): Promise<boolean> {
  const px = Math.max(1, Math.ceil(ttl));
  const answer = await storeCall(store, 'SET NX', storeTimeout, () => redis.set(key, '1', 'PX', px, 'NX'));
  return answer === 'OK';
}
