import { expect } from 'chai';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { Sealer } from '../../lib/oidc/seal.js';
import { COOKIE_MAX_BYTES } from '../../lib/login/cookies.js';
import { type Session, SessionLifetime } from '../../lib/login/session.js';
import {
  type ActiveSession,
  SESSION_COOKIE_MAX_BYTES,
  SessionManager,
  type SessionManagerOptions,
} from '../../lib/login/session-manager.js';
import { MemorySessionStore, type SessionRecord, type SessionStore } from '../../lib/login/session-store.js';
import { signJwt } from '../helpers/jwt.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';

const SECRET = 'a-session-secret-of-at-least-32-characters';
const idToken = (claims: object = {}) =>
  signJwt({ sub: 'user-1', sid: 'sid-1', ...claims }, { alg: 'HS256', key: 'k' });
const session = (createdAt: number, extra: Partial<Session['tokens']> = {}): Session => ({
  tokens: { idToken: idToken(), accessToken: 'at-1', refreshToken: 'rt-1', ...extra },
  createdAt,
});

/** The cookies a browser holds after the answer's Set-Cookie lines. */
function jar(lines: readonly string[], before: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const cookies = new Map(before);
  for (const line of lines) {
    const pair = line.split(';')[0]!;
    const equals = pair.indexOf('=');
    if (line.includes('Max-Age=0;')) cookies.delete(pair.slice(0, equals));
    else cookies.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  return cookies;
}

describe('SessionManager', () => {
  let now: number;
  const manager = (extra: Partial<SessionManagerOptions> = {}) =>
    new SessionManager({
      secret: SECRET,
      lifetime: new SessionLifetime({ rollingDuration: 3600, absoluteDuration: 86_400 }),
      name: 'appSession',
      attributes: { sameSite: 'Lax', secure: false },
      clock: () => now,
      ...extra,
    });

  beforeEach(() => {
    now = 1_000_000_000;
  });

  /** Logs a session in and returns the browser's cookies afterwards. */
  async function loggedIn(sessions: SessionManager, value = session(now)): Promise<Map<string, string>> {
    const active = await sessions.create(value);
    return jar(sessions.cookieLines(active, new Map()));
  }

  describe('in the cookie', () => {
    it('seals the session into an HttpOnly cookie that expires with it, and opens it on the next request', async () => {
      const sessions = manager();
      const active = await sessions.create(session(now));
      const [line] = sessions.cookieLines(active, new Map());
      expect(line).to.match(/^appSession=v1\.[\w-]+; Max-Age=3600; Expires=.+; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(line).not.to.include('rt-1');
      const loaded = await sessions.load(jar([line!]));
      expect(loaded?.session).to.deep.equal({ ...session(now), id: active.session.id });
      expect(loaded?.claims).to.include({ sub: 'user-1', sid: 'sid-1' });
      expect(loaded?.id).to.equal(undefined);
    });

    it('sets nothing on an answer whose session neither changed nor needs renewing', async () => {
      const sessions = manager();
      const cookies = await loggedIn(sessions);
      const loaded = await sessions.load(cookies);
      expect(sessions.cookieLines(loaded, cookies)).to.deep.equal([]);
    });

    it('renews a rolling session once its expiry would move on by a minute', async () => {
      const sessions = manager();
      const cookies = await loggedIn(sessions);
      now += 59;
      expect(sessions.cookieLines(await sessions.load(cookies), cookies)).to.deep.equal([]);
      now += 1;
      const renewed = await sessions.load(cookies);
      expect(renewed?.expiresAt).to.equal(now + 3600);
      expect(sessions.cookieLines(renewed, cookies)[0]).to.match(/Max-Age=3600;/);
    });

    it('ends a session unused for its rolling duration', async () => {
      const sessions = manager();
      const cookies = await loggedIn(sessions);
      now += 3600;
      expect(await sessions.load(cookies)).to.equal(undefined);
    });

    it('ends a session at its absolute duration however active it was', async () => {
      const sessions = manager();
      let cookies = await loggedIn(sessions);
      let active: ActiveSession | undefined;
      do {
        now += 3000;
        active = await sessions.load(cookies);
        if (active !== undefined) cookies = jar(sessions.cookieLines(active, cookies), cookies);
      } while (active !== undefined && now < 1_000_000_000 + 200_000);
      expect(now - 1_000_000_000).to.be.within(86_400, 86_400 + 3000);
    });

    it('deletes a cookie that holds no session any more (expired, tampered, or from another secret)', async () => {
      const sessions = manager();
      const cookies = await loggedIn(sessions);
      const other = manager({ secret: 'another-secret-of-at-least-32-characters!' });
      expect(await other.load(cookies)).to.equal(undefined);
      expect(other.cookieLines(undefined, cookies)).to.deep.equal([
        'appSession=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax',
      ]);
      // The second-to-last character changes, whatever it was (the last may carry only padding bits).
      const sealed = cookies.get('appSession')!;
      const changed = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`;
      expect(changed).to.not.equal(sealed);
      const tampered = new Map([['appSession', changed]]);
      expect(await sessions.load(tampered)).to.equal(undefined);
      expect(manager().cookieLines(undefined, new Map())).to.deep.equal([]);
    });

    it('opens a session sealed with a secret rotated out of first place', async () => {
      const cookies = await loggedIn(manager());
      const rotated = manager({ secret: ['the-new-secret-of-at-least-32-characters', SECRET] });
      expect((await rotated.load(cookies))?.session.tokens.accessToken).to.equal('at-1');
    });

    it('does not take a sealed value of another purpose (a login transaction) for a session', async () => {
      const transaction = new Sealer(SECRET, 'transaction').seal(session(now), now + 600);
      expect(await manager().load(new Map([['appSession', transaction]]))).to.equal(undefined);
    });

    it('refuses a sealed session without the members of a session, or whose ID token does not decode', async () => {
      const sealer = new Sealer(SECRET, 'session');
      for (const payload of [{ tokens: {} }, null, { tokens: { idToken: 'nope' }, createdAt: now }]) {
        expect(await manager().load(new Map([['appSession', sealer.seal(payload, now + 60)]]))).to.equal(undefined);
      }
    });

    it('splits a session too large for one cookie into chunks, each within 4096 bytes, and reads it back', async () => {
      const sessions = manager();
      const large = { ...session(now), userinfo: { picture: 'p'.repeat(5000) } };
      const lines = sessions.cookieLines(await sessions.create(large), new Map());
      expect(lines.length).to.equal(2);
      for (const line of lines) expect(line.length).to.be.at.most(COOKIE_MAX_BYTES);
      expect((await sessions.load(jar(lines)))?.session).to.deep.equal(large);
    });

    it('refuses to start a cookie session larger than 8 KB, naming session.store, which takes it', async () => {
      const large = { ...session(now), userinfo: { groups: 'g'.repeat(SESSION_COOKIE_MAX_BYTES) } };
      const error = await rejectionOf(manager().create(large));
      expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'session.store' });
      expectNoSecrets(error, ['rt-1', 'at-1', SECRET]);
      const fits = { ...session(now), userinfo: { groups: 'g'.repeat(SESSION_COOKIE_MAX_BYTES / 2) } };
      expect(await manager().create(fits)).to.include({ reissue: true });
      expect(await manager({ store: new MemorySessionStore() }).create(large)).to.have.property('id');
    });

    it('reissues the cookie after a change of the session (a refresh)', async () => {
      const sessions = manager();
      const cookies = await loggedIn(sessions);
      const active = (await sessions.load(cookies)) as ActiveSession;
      active.session.tokens = { ...active.session.tokens, accessToken: 'at-2', refreshToken: 'rt-2' };
      await sessions.save(active);
      const after = jar(sessions.cookieLines(active, cookies), cookies);
      expect((await sessions.load(after))?.session.tokens).to.include({ accessToken: 'at-2', refreshToken: 'rt-2' });
    });

    it('ends a cookie session that a back-channel logout recorded in the logout store', async () => {
      const logoutStore = new MemorySessionStore({ clock: () => now });
      const sessions = manager({ logoutStore });
      const cookies = await loggedIn(sessions);
      await logoutStore.endSessions({ sid: 'other' }, now, now + 60);
      expect(await sessions.load(cookies)).not.to.equal(undefined);
      await logoutStore.endSessions({ sid: 'sid-1' }, now, now + 60);
      expect(await sessions.load(cookies)).to.equal(undefined);
    });

    it('refuses a session that is not of its owner, in the cookie or in the store', async () => {
      const ours = { tokens: { idToken: idToken({ iss: 'https://op.example.com', aud: 'web' }) }, createdAt: now };
      const owner = (clientId: string) => () => Promise.resolve({ clientId, issuer: 'https://op.example.com' });
      for (const store of [undefined, new MemorySessionStore({ clock: () => now })]) {
        const cookies = await loggedIn(manager({ store, owner: owner('web') }), ours);
        expect(await manager({ store, owner: owner('web') }).load(cookies)).to.not.equal(undefined);
        expect(await manager({ store, owner: owner('other-app') }).load(cookies)).to.equal(undefined);
      }
    });

    // /logout only asked the browser to drop its cookie: a copy (a shared computer's profile, a log, malware)
    // stayed a session, renewed by each use, up to its absolute lifetime.
    it('records a logout in the logout store, so that a copy of the cookie is refused and the next login served', async () => {
      const logoutStore = new MemorySessionStore({ clock: () => now });
      const sessions = manager({ logoutStore });
      const cookies = await loggedIn(sessions);
      const active = await sessions.load(cookies);
      expect(active?.session.id).to.match(/^[\w-]{43}$/);
      await sessions.destroy(active, cookies);
      expect(await sessions.load(cookies)).to.equal(undefined);
      expect(await sessions.load(await loggedIn(sessions))).to.not.equal(undefined);
    });

    it('can end a cookie session only by deleting the cookie when there is no logout store', async () => {
      const sessions = manager();
      const cookies = await loggedIn(sessions);
      await sessions.destroy(await sessions.load(cookies), cookies);
      expect(await sessions.load(cookies)).to.not.equal(undefined);
    });

    it('checks a session without sid against the logouts of its user', async () => {
      const logoutStore = new MemorySessionStore({ clock: () => now });
      const sessions = manager({ logoutStore });
      const cookies = await loggedIn(sessions, { ...session(now), tokens: { idToken: idToken({ sid: undefined }) } });
      await logoutStore.endSessions({ sub: 'user-1' }, now, now + 60);
      expect(await sessions.load(cookies)).to.equal(undefined);
    });

    it('deletes its cookie and chunks on logout', async () => {
      const sessions = manager();
      const cookies = jar(
        sessions.cookieLines(await sessions.create({ ...session(now), userinfo: { x: 'x'.repeat(5000) } }), new Map()),
      );
      const lines = await sessions.destroy(await sessions.load(cookies), cookies);
      expect(jar(lines, cookies).size).to.equal(0);
    });
  });

  describe('in a store', () => {
    let store: MemorySessionStore;
    beforeEach(() => {
      store = new MemorySessionStore({ clock: () => now });
    });

    it('keeps the session in the store, sealed, and only its sealed random id in the cookie', async () => {
      const sessions = manager({ store });
      const active = await sessions.create(session(now));
      expect(active.id).to.match(/^[\w-]{43}$/);
      const cookies = jar(sessions.cookieLines(active, new Map()));
      expect(cookies.get('appSession')!.length).to.be.below(200);
      expect(cookies.get('appSession')).not.to.include(active.id);
      const record = await store.get(active.id!);
      expect(record).to.include({ sub: 'user-1', sid: 'sid-1' });
      expect(record?.value).to.match(/^v1\./).and.not.include('rt-1');
      expect((await sessions.load(cookies))?.session).to.deep.equal(session(now));
    });

    it('does not open a record copied from the store as a session cookie', async () => {
      const active = await manager({ store }).create(session(now));
      const record = await store.get(active.id!);
      expect(await manager().load(new Map([['appSession', record!.value]]))).to.equal(undefined);
    });

    it('renews the record of a rolling session along with its cookie', async () => {
      const sessions = manager({ store });
      const cookies = await loggedIn(sessions);
      now += 600;
      const active = await sessions.load(cookies);
      expect(active?.expiresAt).to.equal(now + 3600);
      now += 3599;
      expect(await store.get(active!.id!)).not.to.equal(undefined);
    });

    // A request that loaded the session while another refreshed it renewed the record with what it had read:
    // written last, it put the rotated-away refresh token back, and every later refresh failed.
    it('renews a record without rewriting it, so that a concurrent refresh keeps its rotated refresh token', async () => {
      let hold: Promise<void> | undefined;
      let release: () => void = () => undefined;
      /** The renewal's write (whichever it is) waits until the concurrent refresh has been saved. */
      const held = async () => {
        const wait = hold;
        hold = undefined;
        await wait;
      };
      class SlowStore extends MemorySessionStore {
        override async set(id: string, value: SessionRecord, expiresAt: number): Promise<void> {
          await held();
          return super.set(id, value, expiresAt);
        }
        override async touch(id: string, identity: { sub: string }, expiresAt: number): Promise<void> {
          await held();
          return super.touch(id, identity, expiresAt);
        }
      }
      const slow = new SlowStore({ clock: () => now });
      const sessions = manager({ store: slow });
      const cookies = await loggedIn(sessions);
      now += 120;
      hold = new Promise((resolve) => (release = resolve));
      const renewing = sessions.load(cookies); // read rt-1; its renewal waits on the store
      await new Promise((resolve) => setImmediate(resolve));
      const refreshing = (await sessions.load(cookies))!;
      refreshing.session.tokens = { ...refreshing.session.tokens, refreshToken: 'rt-2' };
      await sessions.save(refreshing);
      release();
      await renewing;
      expect((await sessions.load(cookies))?.session.tokens.refreshToken).to.equal('rt-2');
    });

    it('rewrites the record to renew it in a store without touch', async () => {
      const plain = new MemorySessionStore({ clock: () => now });
      const sets: number[] = [];
      const store: SessionStore = {
        get: (id) => plain.get(id),
        set: (id, value, expiresAt) => (sets.push(expiresAt), plain.set(id, value, expiresAt)),
        delete: (id) => plain.delete(id),
        endSessions: (event, at, until) => plain.endSessions(event, at, until),
        isEnded: (identity) => plain.isEnded(identity),
      };
      const sessions = manager({ store });
      const cookies = await loggedIn(sessions);
      now += 600;
      await sessions.load(cookies);
      expect(sets).to.deep.equal([1_000_000_000 + 3600, now + 3600]);
    });

    it('has no session once the record is gone (ended by a back-channel logout on another replica)', async () => {
      const sessions = manager({ store });
      const cookies = await loggedIn(sessions);
      await store.endSessions({ sid: 'sid-1' }, now, now + 60);
      expect(await sessions.load(cookies)).to.equal(undefined);
    });

    it('deletes the record on logout', async () => {
      const sessions = manager({ store });
      const cookies = await loggedIn(sessions);
      const active = await sessions.load(cookies);
      await sessions.destroy(active, cookies);
      expect(await store.get(active!.id!)).to.equal(undefined);
      expect(store.size).to.equal(0);
    });

    it('stores a session without sid under its user only', async () => {
      const sessions = manager({ store });
      const active = await sessions.create({ ...session(now), tokens: { idToken: idToken({ sid: undefined }) } });
      expect(await store.get(active.id!)).to.have.keys('value', 'sub');
    });

    it('rejects, rather than guess, when the store is down', async () => {
      const down: SessionStore = Object.assign(new MemorySessionStore(), {
        get: () => Promise.reject(new StoreUnavailableError('Redis session store: GET failed: down')),
      });
      const cookies = await loggedIn(manager({ store }));
      const error = await rejectionOf(manager({ store: down }).load(cookies));
      expect(error).to.be.instanceOf(StoreUnavailableError);
    });

    it('ignores a cookie that does not hold a session id', async () => {
      const sealed = new Sealer(SECRET, 'session').seal({ id: 7 }, now + 60);
      expect(await manager({ store }).load(new Map([['appSession', sealed]]))).to.equal(undefined);
    });
  });
});
