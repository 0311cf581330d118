import { expect } from 'chai';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { MemoryTransactionStore } from '../../lib/oidc/transaction-store.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

describe('MemoryTransactionStore', () => {
  it('consumes a transaction once, and refuses it while it is remembered', async () => {
    let now = 1_000_000;
    const store = new MemoryTransactionStore({ now: () => now });
    expect(await store.consume('tx-1', 600_000)).to.equal(true);
    expect(await store.consume('tx-1', 600_000)).to.equal(false);
    expect(await store.consume('tx-2', 600_000)).to.equal(true);
    now += 599_999;
    expect(await store.consume('tx-1', 600_000)).to.equal(false);
    now += 1;
    expect(await store.consume('tx-1', 600_000)).to.equal(true);
  });

  it('lets exactly one of two concurrent consumers win', async () => {
    const store = new MemoryTransactionStore();
    const results = await Promise.all([store.consume('tx', 1000), store.consume('tx', 1000)]);
    expect(results.sort()).to.deep.equal([false, true]);
  });

  it('stays within maxEntries by dropping expired entries, and refuses a new one when full of live ones', async () => {
    let now = 0;
    const store = new MemoryTransactionStore({ maxEntries: 3, now: () => now });
    await store.consume('short', 10);
    await store.consume('a', 1000);
    await store.consume('b', 1000);
    now = 20;
    await store.consume('c', 1000); // "short" has expired: it makes room
    expect(store.size).to.equal(3);
    const full = await rejectionOf(store.consume('d', 1000));
    expect(full).to.be.instanceOf(StoreUnavailableError);
    expect(full.message).to.equal(
      'MemoryTransactionStore is full: 3 transactions are remembered (maxEntries) and none has expired',
    );
    expect(await store.consume('a', 1000)).to.equal(false);
    now = 1020; // all expired
    expect(await store.consume('d', 1000)).to.equal(true);
    expect(await store.consume('a', 1000)).to.equal(true);
  });

  // A flood of logins that spends entries (GET /login, then GET /callback with its state and any code) must never
  // make a used transaction new again: a full store refuses new logins (503) until entries expire.
  it('does not forget a used transaction when flooded with 10 000 others', async () => {
    const store = new MemoryTransactionStore();
    expect(await store.consume('victim', 600_000)).to.equal(true);
    const flood = await Promise.allSettled(
      Array.from({ length: 10_000 }, (_, i) => store.consume(`attacker-${i}`, 600_000)),
    );
    expect(flood.filter((result) => result.status === 'rejected')).to.have.length(1);
    expect(await store.consume('victim', 600_000), 'the replayed transaction is accepted again').to.equal(false);
  });

  it('refuses bad options', () => {
    for (const [options, option] of [
      [{ maxEntries: 0 }, 'maxEntries'],
      [{ maxEntries: 1.5 }, 'maxEntries'],
      [{ now: 'later' }, 'now'],
    ] as const) {
      const err = thrownBy(() => new MemoryTransactionStore(options as never));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal(option);
    }
  });
});
