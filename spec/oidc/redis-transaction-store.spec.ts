import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { RedisTransactionStore } from '../../lib/oidc/redis-transaction-store.js';
import type { RedisClientLike } from '../../lib/stores/redis-client.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';
import { useRedis } from '../helpers/use-redis.js';

describe('RedisTransactionStore (against a real redis-server)', function () {
  this.timeout(30_000);
  const used = useRedis('the Redis transaction-store tests');

  it('accepts an ioredis client as it is, with its defaults', () => {
    const client: RedisClientLike = used().redis;
    const store = new RedisTransactionStore(client);
    expect([store.prefix, store.storeTimeout]).to.deep.equal(['authn:tx:', 1000]);
  });

  it('consumes a transaction once, under its prefix, for the time it was given', async () => {
    const { redis } = used();
    const store = new RedisTransactionStore(redis, { prefix: 'shop:tx:' });
    expect(await store.consume('tx-1', 60_000)).to.equal(true);
    expect(await store.consume('tx-1', 60_000)).to.equal(false);
    expect(await redis.pttl('shop:tx:tx-1')).to.be.within(59_000, 60_000);
    expect(await redis.keys('*')).to.deep.equal(['shop:tx:tx-1']);
  });

  it('forgets a transaction once its time has passed', async () => {
    const store = new RedisTransactionStore(used().redis);
    expect(await store.consume('tx-1', 50)).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.consume('tx-1', 50)).to.equal(true);
  });

  it('lets exactly one of many concurrent consumers on separate connections win', async () => {
    const { server } = used();
    const clients = Array.from({ length: 4 }, () => new Redis(server.port, '127.0.0.1'));
    try {
      const stores = clients.map((client) => new RedisTransactionStore(client));
      const results = await Promise.all(
        stores.flatMap((store) => [store.consume('tx', 5000), store.consume('tx', 5000)]),
      );
      expect(results.filter(Boolean)).to.have.length(1);
    } finally {
      await Promise.all(clients.map((client) => client.quit()));
    }
  });

  it('rejects with a StoreUnavailableError when Redis cannot be reached or does not answer in time', async () => {
    const closed = new Redis(used().server.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    closed.disconnect();
    const err = await rejectionOf(new RedisTransactionStore(closed).consume('tx', 1000));
    expect(err).to.be.instanceOf(StoreUnavailableError);
    expect(err.message).to.match(/^Redis transaction store: SET NX failed: /);

    const silent: RedisClientLike = {
      get: () => new Promise(() => undefined),
      set: () => new Promise(() => undefined),
      del: () => new Promise(() => undefined),
      eval: () => new Promise(() => undefined),
    };
    const slow = await rejectionOf(new RedisTransactionStore(silent, { storeTimeout: 20 }).consume('tx', 1000));
    expect(slow.message).to.equal('Redis transaction store: SET NX did not answer within 20 ms');
  });

  it('refuses a client without the commands it needs, and bad options', () => {
    const { redis } = used();
    for (const [make, option] of [
      [() => new RedisTransactionStore({} as never), 'client'],
      [() => new RedisTransactionStore(null as never), 'client'],
      [() => new RedisTransactionStore(redis, { prefix: 5 as never }), 'prefix'],
      [() => new RedisTransactionStore(redis, { storeTimeout: 0 }), 'storeTimeout'],
    ] as const) {
      const err = thrownBy(make);
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal(option);
    }
  });
});
