import { expect } from 'chai';
import { MemoryTokenStore } from '../../../lib/providers/stores/memory.js';

describe('MemoryTokenStore', () => {
  let now: number;
  const clock = () => now;
  const token = { accessToken: 'a', issuedAt: 0, expiresAt: 100_000 };
  beforeEach(() => {
    now = 1000;
  });

  it('returns what was set until its time to live has passed', async () => {
    const store = new MemoryTokenStore({ clock });
    await store.set('k', token, 5000);
    now += 4999;
    expect(await store.get('k')).to.deep.equal(token);
    now += 1;
    expect(await store.get('k')).to.equal(undefined);
    expect(store.size).to.equal(0);
  });

  it('hands out copies, so a caller cannot change what is stored', async () => {
    const store = new MemoryTokenStore({ clock });
    await store.set('k', { ...token }, 5000);
    const copy = (await store.get('k'))!;
    copy.accessToken = 'changed';
    expect((await store.get('k'))!.accessToken).to.equal('a');
  });

  it('deletes unconditionally, or only the token it is asked to', async () => {
    const store = new MemoryTokenStore({ clock });
    await store.set('k', token, 5000);
    await store.delete('k', 'other');
    expect(await store.get('k')).to.deep.equal(token);
    await store.delete('k', 'a');
    expect(await store.get('k')).to.equal(undefined);
    await store.set('k', token, 5000);
    await store.delete('k');
    expect(await store.get('k')).to.equal(undefined);
  });

  it('drops expired entries when a new one is set', async () => {
    const store = new MemoryTokenStore({ clock });
    await store.set('old', token, 10);
    now += 20;
    await store.set('new', token, 10);
    expect(store.size).to.equal(1);
  });

  it('keeps a token without expiry for good', async () => {
    const store = new MemoryTokenStore();
    await store.set('k', { ...token, expiresAt: Infinity }, Infinity);
    expect((await store.get('k'))!.expiresAt).to.equal(Infinity);
  });
});
