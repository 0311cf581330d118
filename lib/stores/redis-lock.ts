import { randomUUID } from 'node:crypto';
import type { RedisClientLike } from './redis-client.js';

/** A lock taken in Redis: its holder gives it up with `release`. */
export interface RedisLock {
  /** Gives the lock up, if this holder still has it (a lock taken over after it expired is left alone). */
  release(): Promise<void>;
}

/** Runs one Redis command under the store's deadline, as `storeCall` does (its failures are the store's). */
export type RedisCall = <T>(operation: string, command: () => Promise<T>) => Promise<T>;

// Deletes KEYS[1] only when it holds ARGV[1]: a holder releases its own lock, never one taken over since.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// Extends the lock KEYS[1] to ARGV[2] ms only while it is still held by ARGV[1].
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * Takes the lock `name` (`SET NX PX` with a random holder), or resolves to `undefined` when another holder has it.
 * The holder renews it every third of `ttl` while it holds it, so a long task keeps it and a holder that dies
 * blocks the others for at most `ttl` milliseconds. Every command goes through `call` (the store's deadline).
 *
 * @example
 * const lock = await takeRedisLock(redis, 'authn:token:key:lock', 5000, (operation, command) =>
 *   storeCall('Redis token store', operation, 1000, command));
 * if (lock !== undefined) try { await grant(); } finally { await lock.release(); }
 */
export async function takeRedisLock(
  redis: RedisClientLike,
  name: string,
  ttl: number,
  call: RedisCall,
): Promise<RedisLock | undefined> {
  const holder = randomUUID();
  const taken = await call('SET NX', () => redis.set(name, holder, 'PX', ttl, 'NX'));
  if (taken !== 'OK') return undefined;
  const renewal = setInterval(
    () => {
      redis.eval(RENEW, 1, name, holder, ttl).catch(() => undefined);
    },
    Math.floor(ttl / 3),
  );
  renewal.unref();
  let released = false;
  return {
    release: async (): Promise<void> => {
      if (released) return;
      released = true;
      clearInterval(renewal);
      await call('lock release', () => redis.eval(RELEASE, 1, name, holder));
    },
  };
}
