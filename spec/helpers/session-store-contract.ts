// The behaviour every SessionStore must have, run against MemorySessionStore and RedisSessionStore alike.
import { expect } from 'chai';
import type { SessionRecord, SessionStore } from '../../lib/login/session-store.js';

const now = () => Math.floor(Date.now() / 1000);
const record = (sub: string, sid?: string): SessionRecord => ({
  value: `v1.sealed-${sub}-${sid ?? ''}`,
  sub,
  ...(sid && { sid }),
});

/** Registers the contract's tests; `store()` gives the store under test (fresh for each test). */
export function behavesAsSessionStore(store: () => SessionStore): void {
  it('keeps a record until it is deleted', async () => {
    await store().set('a', record('user-1', 'sid-1'), now() + 60);
    expect(await store().get('a')).to.deep.equal(record('user-1', 'sid-1'));
    await store().delete('a');
    expect(await store().get('a')).to.equal(undefined);
    await store().delete('never-there');
  });

  it('replaces a record set again under the same id', async () => {
    await store().set('a', record('user-1'), now() + 60);
    await store().set('a', { ...record('user-1'), value: 'v1.newer' }, now() + 60);
    expect((await store().get('a'))?.value).to.equal('v1.newer');
  });

  it('forgets a record at its expiry', async () => {
    await store().set('a', record('user-1'), Date.now() / 1000 + 0.05);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store().get('a')).to.equal(undefined);
  });

  it('extends the life of a record without rewriting it, and never brings an ended one back', async () => {
    await store().set('a', record('user-1', 'sid-1'), Date.now() / 1000 + 0.05);
    await store().touch!('a', { sub: 'user-1', sid: 'sid-1' }, Date.now() / 1000 + 60);
    await store().touch!('gone', { sub: 'user-1' }, Date.now() / 1000 + 60);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store().get('a')).to.deep.equal(record('user-1', 'sid-1'));
    expect(await store().get('gone')).to.equal(undefined);
    expect(await store().endSessions({ sid: 'sid-1' }, now(), now() + 60)).to.equal(1);
  });

  it("locks the refresh of a session for one holder at a time, and only that session's", async () => {
    const lock = await store().lock!('a');
    expect(lock).to.not.equal(undefined);
    expect(await store().lock!('a')).to.equal(undefined);
    const other = await store().lock!('b');
    expect(other).to.not.equal(undefined);
    await lock!.release();
    await lock!.release();
    const again = await store().lock!('a');
    expect(again).to.not.equal(undefined);
    await Promise.all([again!.release(), other!.release()]);
  });

  it('ends the session a logout names by sid, and only that one', async () => {
    await store().set('a', record('user-1', 'sid-1'), now() + 60);
    await store().set('b', record('user-1', 'sid-2'), now() + 60);
    expect(await store().endSessions({ sub: 'user-1', sid: 'sid-1' }, now(), now() + 60)).to.equal(1);
    expect(await store().get('a')).to.equal(undefined);
    expect(await store().get('b')).to.deep.equal(record('user-1', 'sid-2'));
  });

  it('ends every session of the user when the logout names no sid', async () => {
    await store().set('a', record('user-1', 'sid-1'), now() + 60);
    await store().set('b', record('user-1'), now() + 60);
    await store().set('c', record('user-2', 'sid-3'), now() + 60);
    expect(await store().endSessions({ sub: 'user-1' }, now(), now() + 60)).to.equal(2);
    expect(await store().get('a')).to.equal(undefined);
    expect(await store().get('b')).to.equal(undefined);
    expect(await store().get('c')).to.deep.equal(record('user-2', 'sid-3'));
  });

  it('ends nothing for a logout that names neither sub nor sid, or no known session', async () => {
    expect(await store().endSessions({}, now(), now() + 60)).to.equal(0);
    expect(await store().endSessions({ sid: 'unknown' }, now(), now() + 60)).to.equal(0);
  });

  it('counts no session deleted before the logout', async () => {
    await store().set('a', record('user-1', 'sid-1'), now() + 60);
    await store().delete('a');
    expect(await store().endSessions({ sid: 'sid-1' }, now(), now() + 60)).to.equal(0);
  });

  it('remembers a logout for the sessions begun before it, by sid or by sub', async () => {
    const at = now();
    await store().endSessions({ sid: 'sid-1' }, at, at + 60);
    await store().endSessions({ sub: 'user-2' }, at, at + 60);
    expect(await store().isEnded({ sub: 'user-1', sid: 'sid-1', createdAt: at - 10 })).to.equal(true);
    expect(await store().isEnded({ sub: 'user-2', createdAt: at - 10 })).to.equal(true);
    expect(await store().isEnded({ sub: 'user-2', sid: 'other', createdAt: at })).to.equal(true);
    expect(await store().isEnded({ sub: 'user-1', sid: 'sid-2', createdAt: at - 10 })).to.equal(false);
    expect(await store().isEnded({ sub: 'user-2', createdAt: at + 1 })).to.equal(false);
    expect(await store().isEnded({ sub: 'user-1', sid: 'sid-1', createdAt: at + 1 })).to.equal(false);
  });

  it('remembers a logout at the app of one cookie session by its id, and ends no other session of the user', async () => {
    const at = now();
    await store().set('id-1', { value: 'v', sub: 'user-1', sid: 'sid-1' }, at + 60);
    expect(await store().endSessions({ id: 'cookie-1', sub: 'user-1', sid: 'sid-1' }, at, at + 60)).to.equal(0);
    expect(await store().get('id-1')).to.not.equal(undefined);
    expect(await store().isEnded({ sub: 'user-1', sid: 'sid-1', id: 'cookie-1', createdAt: at - 10 })).to.equal(true);
    expect(await store().isEnded({ sub: 'user-1', sid: 'sid-1', id: 'cookie-2', createdAt: at - 10 })).to.equal(false);
    expect(await store().isEnded({ sub: 'user-1', sid: 'sid-1', createdAt: at - 10 })).to.equal(false);
  });

  it('forgets a logout after the time it was to be remembered', async () => {
    await store().endSessions({ sid: 'sid-1' }, now(), Date.now() / 1000 + 0.05);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store().isEnded({ sub: 'user-1', sid: 'sid-1', createdAt: 0 })).to.equal(false);
  });
}
