import { expect } from 'chai';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { MemoryReplayStore } from '../../lib/middleware/replay-store.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

describe('MemoryReplayStore', () => {
  let now = 1_700_000_000_000;
  const clock = () => now;

  it('says true the first time an id is remembered, and false while it is', async () => {
    const store = new MemoryReplayStore({ clock });
    expect(await store.remember('jkt:a', 1000)).to.equal(true);
    expect(await store.remember('jkt:a', 1000)).to.equal(false);
    expect(await store.remember('jkt:b', 1000)).to.equal(true);
    now += 999;
    expect(await store.remember('jkt:a', 1000)).to.equal(false);
  });

  it('forgets an id once its time to live has passed', async () => {
    const store = new MemoryReplayStore({ clock });
    await store.remember('jkt:a', 1000);
    now += 1000;
    expect(await store.remember('jkt:a', 1000)).to.equal(true);
    expect(await store.remember('jkt:a', 1000)).to.equal(false);
  });

  it('holds at most maxEntries ids by dropping the expired ones, and refuses a new one when full of live ones', async () => {
    const store = new MemoryReplayStore({ clock, maxEntries: 3 });
    await store.remember('old', 10);
    await store.remember('a', 60_000);
    await store.remember('b', 60_000);
    now += 10;
    await store.remember('c', 60_000); // "old" has expired: it makes room
    expect(store.size).to.equal(3);
    const full = await rejectionOf(store.remember('d', 60_000)); // full of live ids: none is forgotten
    expect(full).to.be.instanceOf(StoreUnavailableError);
    expect(full.message).to.equal(
      'MemoryReplayStore is full: 3 proofs are remembered (maxEntries) and none has expired',
    );
    expect(await store.remember('a', 60_000)).to.equal(false);
    now += 60_000;
    expect(await store.remember('d', 60_000)).to.equal(true);
  });

  it('does not forget a live proof when flooded with 10 000 others', async () => {
    const store = new MemoryReplayStore();
    expect(await store.remember('jkt:victim-jti', 300_000)).to.equal(true);
    const flood = await Promise.allSettled(
      Array.from({ length: 10_000 }, (_, i) => store.remember(`jkt:attacker-${i}`, 300_000)),
    );
    expect(flood.filter((result) => result.status === 'rejected')).to.have.length(1);
    expect(await store.remember('jkt:victim-jti', 300_000), 'the replayed proof is accepted again').to.equal(false);
  });

  it('refuses a maxEntries that is not a whole number above 0', () => {
    expect(new MemoryReplayStore().maxEntries).to.equal(10_000);
    for (const maxEntries of [0, -1, 1.5, Number.NaN, '10']) {
      const err = thrownBy(() => new MemoryReplayStore({ maxEntries: maxEntries as never })) as ConfigurationError;
      expect([err.constructor, err.option]).to.deep.equal([ConfigurationError, 'maxEntries']);
    }
  });
});
