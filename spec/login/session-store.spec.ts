import { expect } from 'chai';
import { keysOf, logoutKey, MemorySessionStore } from '../../lib/login/session-store.js';
import { behavesAsSessionStore } from '../helpers/session-store-contract.js';

describe('MemorySessionStore', () => {
  let store: MemorySessionStore;
  beforeEach(() => {
    store = new MemorySessionStore();
  });

  behavesAsSessionStore(() => store);

  it('drops expired records in a sweep every 1000 writes', async () => {
    let clock = 0;
    const swept = new MemorySessionStore({ clock: () => clock });
    await swept.set('old', { value: 'v', sub: 'user-0', sid: 's-0' }, 10);
    await swept.endSessions({ sid: 'gone' }, 0, 10);
    clock = 20;
    for (let i = 0; i < 998; i++) await swept.set(`id-${i}`, { value: 'v', sub: `user-${i}` }, 1000);
    expect(swept.size).to.equal(999); // nothing has read 'old' since it expired
    await swept.set('id-998', { value: 'v', sub: 'user-998' }, 1000);
    expect(swept.size).to.equal(999);
    expect(await swept.get('old')).to.equal(undefined);
    expect(await swept.isEnded({ sub: 'x', sid: 'gone', createdAt: 0 })).to.equal(false);
  });
});

describe('session store keys', () => {
  it('indexes a session by sub and sid', () => {
    expect(keysOf({ sub: 'u', sid: 's' })).to.deep.equal(['sub:u', 'sid:s']);
    expect(keysOf({ sub: 'u' })).to.deep.equal(['sub:u']);
    expect(keysOf({ sub: 'u', sid: 's', id: 'i' })).to.deep.equal(['sub:u', 'sid:s', 'id:i']);
  });

  it('ends by the id of a logout at the app, else by sid when a logout names one, else by sub', () => {
    expect(logoutKey({ sub: 'u', sid: 's', id: 'i' })).to.equal('id:i');
    expect(logoutKey({ sub: 'u', sid: 's' })).to.equal('sid:s');
    expect(logoutKey({ sub: 'u' })).to.equal('sub:u');
    expect(logoutKey({})).to.equal(undefined);
  });
});
