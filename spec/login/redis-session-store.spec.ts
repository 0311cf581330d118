import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { RedisSessionStore } from '../../lib/login/redis-session-store.js';
import type { RedisClientLike } from '../../lib/stores/redis-client.js';
import type { RedisServer } from '../helpers/redis.js';
import { startRedisOrSkip } from '../helpers/redis-required.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';
import { behavesAsSessionStore } from '../helpers/session-store-contract.js';

describe('RedisSessionStore (against a real redis-server)', function () {
  this.timeout(30_000);
  let server: RedisServer | undefined;
  let redis: Redis;
  let store: RedisSessionStore;

  before(async function () {
    server = await startRedisOrSkip(this, 'the Redis session-store tests');
    redis = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  });

  beforeEach(async () => {
    await redis.flushall();
    store = new RedisSessionStore(redis);
  });

  after(async () => {
    await redis?.quit();
    await server?.stop();
  });

  behavesAsSessionStore(() => store);

  it('writes under its prefix, with the session lifetime as time to live, and indexes sub and sid', async () => {
    const shop = new RedisSessionStore(redis, { prefix: 'shop:' });
    await shop.set('id-1', { value: 'v1.x', sub: 'user-1', sid: 'sid-1' }, Date.now() / 1000 + 60);
    expect((await redis.keys('*')).sort()).to.deep.equal(['shop:s:id-1', 'shop:sid:sid-1', 'shop:sub:user-1']);
    expect(await redis.pttl('shop:s:id-1')).to.be.within(59_000, 60_000);
    expect(await redis.pttl('shop:sub:user-1')).to.be.within(59_000, 60_000);
    expect(await redis.smembers('shop:sid:sid-1')).to.deep.equal(['id-1']);
  });

  it('keeps an index as long as its longest-lived session', async () => {
    await store.set('long', { value: 'v', sub: 'user-1' }, Date.now() / 1000 + 600);
    await store.set('short', { value: 'v', sub: 'user-1' }, Date.now() / 1000 + 60);
    expect(await redis.pttl('authn:session:sub:user-1')).to.be.above(590_000);
  });

  it('reads a record it did not write as none', async () => {
    await redis.set('authn:session:s:bad', 'not json');
    await redis.set('authn:session:s:partial', '{"value":1}');
    expect(await store.get('bad')).to.equal(undefined);
    expect(await store.get('partial')).to.equal(undefined);
  });

  it('shares sessions and logouts between two clients of the same Redis (two replicas)', async () => {
    const other = new Redis(server!.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      const replica = new RedisSessionStore(other);
      await store.set('id-1', { value: 'v', sub: 'user-1', sid: 'sid-1' }, Date.now() / 1000 + 60);
      expect(await replica.endSessions({ sid: 'sid-1' }, Date.now() / 1000, Date.now() / 1000 + 60)).to.equal(1);
      expect(await store.get('id-1')).to.equal(undefined);
      expect(await store.isEnded({ sub: 'user-1', sid: 'sid-1', createdAt: 0 })).to.equal(true);
    } finally {
      await other.quit();
    }
  });

  it('rejects with a StoreUnavailableError within storeTimeout when Redis does not answer', async () => {
    const stalled: RedisClientLike = {
      get: () => new Promise(() => undefined),
      set: () => new Promise(() => undefined),
      del: () => new Promise(() => undefined),
      eval: () => new Promise(() => undefined),
    };
    const slow = new RedisSessionStore(stalled, { storeTimeout: 30 });
    for (const call of [
      () => slow.get('id'),
      () => slow.set('id', { value: 'v', sub: 'u' }, Date.now() / 1000 + 60),
      () => slow.delete('id'),
      () => slow.endSessions({ sid: 's' }, 0, 60),
      () => slow.isEnded({ sub: 'u', createdAt: 0 }),
    ]) {
      const error = await rejectionOf(call());
      expect(error).to.be.instanceOf(StoreUnavailableError);
      expect(error.message).to.match(/^Redis session store: .+ did not answer within 30 ms$/);
    }
  });

  it('rejects with a StoreUnavailableError when Redis is gone', async () => {
    const gone = new Redis(1, '127.0.0.1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    gone.on('error', () => undefined);
    const error = await rejectionOf(new RedisSessionStore(gone).get('id'));
    expect(error).to.be.instanceOf(StoreUnavailableError);
    expect(error.message).to.match(/^Redis session store: GET failed: /);
    gone.disconnect();
  });

  it('refuses a client without the commands, a prefix that is not a string and a bad storeTimeout', () => {
    expect(thrownBy(() => new RedisSessionStore({} as RedisClientLike))).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => new RedisSessionStore(redis, { prefix: 1 as unknown as string })).message).to.equal(
      'prefix must be a string',
    );
    expect((thrownBy(() => new RedisSessionStore(redis, { storeTimeout: 0 })) as ConfigurationError).option).to.equal(
      'storeTimeout',
    );
  });
});
