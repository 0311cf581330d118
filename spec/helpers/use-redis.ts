// Mocha hooks that start a throw-away redis-server for the calling `describe` (skipped, with a notice, on a machine
// without the binary unless AUTHN_REQUIRE_REDIS is set), give an ioredis client to it, and empty it before each test.
import { Redis } from 'ioredis';
import type { RedisServer } from './redis.js';
import { startRedisOrSkip } from './redis-required.js';

/** The running server and a client connected to it. */
export interface UsedRedis {
  server: RedisServer;
  redis: Redis;
}

/** Registers the hooks; returns an accessor for the server and its client. */
export function useRedis(what: string): () => UsedRedis {
  let used: UsedRedis | undefined;
  before(async function () {
    const server = await startRedisOrSkip(this, what);
    used = { server, redis: new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 }) };
  });
  beforeEach(async () => {
    await used?.redis.flushall();
  });
  after(async () => {
    await used?.redis.quit();
    await used?.server.stop();
  });
  return () => {
    if (used === undefined) throw new Error('redis-server has not started');
    return used;
  };
}
