import { expect } from 'chai';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { isRedisClient, markOnce, type RedisClientLike, redisStoreBase } from '../../lib/stores/redis-client.js';
import { DEFAULT_STORE_TIMEOUT } from '../../lib/stores/store-call.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

/** A client of one process's memory, enough for `SET NX PX`. */
function fakeRedis(): RedisClientLike & { keys: Map<string, string> } {
  const keys = new Map<string, string>();
  return {
    keys,
    get: async (key) => keys.get(key) ?? null,
    set: async (key, value, _px, _ms, nx) => {
      if (nx === 'NX' && keys.has(key)) return null;
      keys.set(key, value);
      return 'OK';
    },
    del: async (key) => Number(keys.delete(key)),
    eval: async () => 0,
  };
}

describe('Redis client', () => {
  it('tells a client with get, set, del and eval from anything else', () => {
    expect(isRedisClient(fakeRedis())).to.equal(true);
    expect(isRedisClient({ get: () => undefined })).to.equal(false);
    expect(isRedisClient(null)).to.equal(false);
  });

  describe('redisStoreBase', () => {
    it('takes the client, the prefix (or the default) and the store timeout (or the default)', () => {
      const redis = fakeRedis();
      expect(redisStoreBase('TestStore', redis, {}, 'authn:test:')).to.deep.equal({
        redis,
        prefix: 'authn:test:',
        storeTimeout: DEFAULT_STORE_TIMEOUT,
      });
      expect(redisStoreBase('TestStore', redis, { prefix: 'p:', storeTimeout: 50 }, 'x:')).to.include({
        prefix: 'p:',
        storeTimeout: 50,
      });
    });

    it('refuses a client without the commands (naming the store), a prefix that is not a string, a bad timeout', () => {
      const client = thrownBy(() => redisStoreBase('TestStore', {}, {}, 'x:'));
      expect(client).to.be.instanceOf(ConfigurationError).and.include({ option: 'client' });
      expect(client.message).to.equal('TestStore needs an ioredis client (get, set, del, eval)');
      const prefix = thrownBy(() => redisStoreBase('TestStore', fakeRedis(), { prefix: 1 }, 'x:'));
      expect(prefix).to.be.instanceOf(ConfigurationError).and.include({ option: 'prefix' });
      const timeout = thrownBy(() => redisStoreBase('TestStore', fakeRedis(), { storeTimeout: -1 }, 'x:'));
      expect(timeout).to.be.instanceOf(ConfigurationError).and.include({ option: 'storeTimeout' });
    });
  });

  describe('markOnce', () => {
    it('marks a key once: true the first time, false while the mark lives', async () => {
      const redis = fakeRedis();
      expect(await markOnce(redis, 'Test store', 100, 'k', 0.2)).to.equal(true);
      expect(await markOnce(redis, 'Test store', 100, 'k', 1000)).to.equal(false);
      expect(await markOnce(redis, 'Test store', 100, 'other', 1000)).to.equal(true);
    });

    it('rejects with a StoreUnavailableError naming the store when Redis fails', async () => {
      const redis = { ...fakeRedis(), set: () => Promise.reject(new Error('down')) };
      const error = await rejectionOf(markOnce(redis, 'Test store', 100, 'k', 1000));
      expect(error).to.be.instanceOf(StoreUnavailableError);
      expect(error.message).to.equal('Test store: SET NX failed: down');
    });
  });
});
