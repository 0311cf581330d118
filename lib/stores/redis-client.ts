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
