// Starts a redis-server for a describe block, or skips it with a printed reason when the machine has none —
// unless AUTHN_REQUIRE_REDIS is set (as in CI), which makes a missing redis-server a failure.
import { type RedisServer, redisServerBinary, startRedis } from './redis.js';

/** Starts redis-server in a `before` hook of `context`, or skips the block (fails under AUTHN_REQUIRE_REDIS). */
export async function startRedisOrSkip(context: Mocha.Context, what: string): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (binary === undefined) {
    if (process.env.AUTHN_REQUIRE_REDIS) throw new Error('AUTHN_REQUIRE_REDIS is set but there is no redis-server');
    console.warn(`    SKIPPED: ${what} need a redis-server binary (CI installs one).`);
    context.skip();
  }
  return startRedis(binary);
}
