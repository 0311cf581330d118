import { expect } from 'chai';
import type { RedisClientLike } from '../../lib/stores/redis-client.js';
import { type RedisCall, takeRedisLock } from '../../lib/stores/redis-lock.js';
import { storeCall } from '../../lib/stores/store-call.js';

/** A client that records its commands and answers SET NX as Redis would. */
function fakeRedis(): RedisClientLike & { commands: unknown[][]; keys: Map<string, string> } {
  const keys = new Map<string, string>();
  const commands: unknown[][] = [];
  return {
    keys,
    commands,
    get: async (key) => keys.get(key) ?? null,
    set: async (key, value, ...rest) => {
      commands.push(['SET', key, ...rest]);
      if (keys.has(key)) return null;
      keys.set(key, value);
      return 'OK';
    },
    del: async (key) => Number(keys.delete(key)),
    eval: async (script, _count, key, holder) => {
      commands.push(['EVAL', key]);
      if (script.includes("'DEL'") && keys.get(String(key)) === holder) return Number(keys.delete(String(key)));
      return 0;
    },
  };
}

const call: RedisCall = (operation, command) => storeCall('Test store', operation, 100, command);

describe('takeRedisLock', () => {
  it('takes a free lock with SET NX PX, and none while another holder has it', async () => {
    const redis = fakeRedis();
    const lock = await takeRedisLock(redis, 'lock:a', 3000, call);
    expect(lock).to.not.equal(undefined);
    expect(redis.commands[0]).to.deep.equal(['SET', 'lock:a', 'PX', 3000, 'NX']);
    expect(await takeRedisLock(redis, 'lock:a', 3000, call)).to.equal(undefined);
    await lock!.release();
    await lock!.release();
    expect(redis.keys.has('lock:a')).to.equal(false);
    expect(redis.commands.filter(([name]) => name === 'EVAL')).to.have.length(1);
  });

  it('renews the lock while it is held, and stops once it is released', async () => {
    const redis = fakeRedis();
    const lock = await takeRedisLock(redis, 'lock:b', 150, call);
    await new Promise((resolve) => setTimeout(resolve, 130));
    const renewals = redis.commands.filter(([name]) => name === 'EVAL').length;
    expect(renewals).to.be.at.least(1);
    await lock!.release();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(redis.commands.filter(([name]) => name === 'EVAL').length).to.equal(renewals + 1);
  });
});
