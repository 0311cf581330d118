import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { MemoryTransactionStore } from '../../lib/oidc/transaction-store.js';
import { thrownBy } from '../helpers/secrets.js';

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

  it('stays within maxEntries, dropping expired entries first and then the oldest', async () => {
    let now = 0;
    const store = new MemoryTransactionStore({ maxEntries: 3, now: () => now });
    await store.consume('short', 10);
    await store.consume('a', 1000);
    await store.consume('b', 1000);
    now = 20;
    await store.consume('c', 1000);
    expect(store.size).to.equal(3);
    expect(await store.consume('a', 1000)).to.equal(false);
    await store.consume('d', 1000);
    expect(store.size).to.equal(3);
    expect(await store.consume('b', 1000)).to.equal(false);
    expect(await store.consume('a', 1000)).to.equal(true);
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
