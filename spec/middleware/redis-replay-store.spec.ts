import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { RedisReplayStore } from '../../lib/middleware/redis-replay-store.js';
import type { RedisClientLike } from '../../lib/stores/redis-client.js';
import { DEFAULT_STORE_TIMEOUT } from '../../lib/stores/store-call.js';
import type { RedisServer } from '../helpers/redis.js';
import { startRedisOrSkip } from '../helpers/redis-required.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

describe('RedisReplayStore (against a real redis-server)', function () {
  this.timeout(30_000);
  let server: RedisServer | undefined;
  let redis: Redis;

  before(async function () {
    server = await startRedisOrSkip(this, 'the Redis replay-store tests');
    redis = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  });

  beforeEach(async () => {
    await redis.flushall();
  });

  after(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it('remembers an id once, under its prefix and a SHA-256 of the id, with the time to live given', async () => {
    const store = new RedisReplayStore(redis, { prefix: 'orders:dpop:' });
    expect(await store.remember('jkt:jti-1', 60_000)).to.equal(true);
    expect(await store.remember('jkt:jti-1', 60_000)).to.equal(false);
    const key = `orders:dpop:${createHash('sha256').update('jkt:jti-1').digest('base64url')}`;
    expect(await redis.keys('*')).to.deep.equal([key]);
    expect(await redis.pttl(key)).to.be.within(59_000, 60_000);
  });

  it('forgets an id when its time to live has passed', async () => {
    const store = new RedisReplayStore(redis);
    expect(await store.remember('jkt:short', 50)).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.remember('jkt:short', 50)).to.equal(true);
  });

  it('lets exactly one of several replicas accept the same proof at the same time', async () => {
    const clients = Array.from({ length: 4 }, () => new Redis(server!.port, '127.0.0.1'));
    try {
      const replicas = clients.map((client) => new RedisReplayStore(client));
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => replicas[i % 4]!.remember('jkt:the-same-jti', 60_000)),
      );
      expect(answers.filter(Boolean)).to.have.length(1);
    } finally {
      await Promise.all(clients.map((client) => client.quit()));
    }
  });

  it('rejects with StoreUnavailableError when Redis fails or stalls past storeTimeout', async () => {
    const closed = new Redis(server!.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    closed.disconnect();
    const failed = await rejectionOf(new RedisReplayStore(closed).remember('jkt:a', 1000));
    expect(failed).to.be.instanceOf(StoreUnavailableError);
    expect(failed.message).to.match(/^Redis replay store: SET NX failed: /);
    const stalled: RedisClientLike = {
      get: () => Promise.resolve(null),
      set: () => new Promise(() => undefined),
      del: () => Promise.resolve(0),
      eval: () => Promise.resolve(0),
    };
    const started = Date.now();
    const late = await rejectionOf(new RedisReplayStore(stalled, { storeTimeout: 50 }).remember('jkt:a', 1000));
    expect(late.message).to.equal('Redis replay store: SET NX did not answer within 50 ms');
    expect(Date.now() - started).to.be.below(1000);
  });

  it('refuses a client without the commands it needs, and bad options', () => {
    expect(new RedisReplayStore(redis).storeTimeout).to.equal(DEFAULT_STORE_TIMEOUT);
    expect(new RedisReplayStore(redis).prefix).to.equal('authn:replay:');
    for (const [client, options, option] of [
      [{}, {}, 'client'],
      [null, {}, 'client'],
      [redis, { prefix: 5 }, 'prefix'],
      [redis, { storeTimeout: 0 }, 'storeTimeout'],
    ] as const) {
      const err = thrownBy(() => new RedisReplayStore(client as never, options as never)) as ConfigurationError;
      expect([err.constructor, err.option]).to.deep.equal([ConfigurationError, option]);
    }
  });
});
