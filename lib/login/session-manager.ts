import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '../errors.js';
import { Sealer } from '../oidc/seal.js';
import type { IdTokenClaims } from '../token-verifier/claims.js';
import { decodeJwt } from '../token-verifier/jwt.js';
import { deleteChunkedCookie, readChunkedCookie, writeChunkedCookie } from './chunked-cookie.js';
import type { CookieAttributes } from './cookies.js';
import { isOwnedBy, type Session, type SessionLifetime, type SessionOwner } from './session.js';
import type { SessionIdentity, SessionStore } from './session-store.js';

/** What a {@link SessionManager} needs. */
export interface SessionManagerOptions {
  /** The secrets that seal sessions (the first seals, all open). */
  secret: string | readonly string[];
  /** The lifetimes. */
  lifetime: SessionLifetime;
  /** Where sessions live; absent: in the cookie itself. */
  store?: SessionStore;
  /** Where back-channel logouts are remembered for cookie sessions (ignored when `store` is given). */
  logoutStore?: SessionStore;
  /** The cookie's name (its chunks add `.0`, `.1`, …). */
  name: string;
  /** The cookie's attributes, without `maxAge` (the session's expiry gives it). */
  attributes: CookieAttributes;
  /** The clock, in epoch seconds. */
  clock: () => number;
  /**
   * The app sessions must belong to (see {@link isOwnedBy}), asked when a request carries a session; absent:
   * sessions are not checked for it.
   */
  owner?: () => Promise<SessionOwner>;
}

/** The session of one request, once opened and checked. */
export interface ActiveSession {
  /** The session. */
  session: Session;
  /** The ID token's claims (decoded from it: it was verified when the login or the refresh received it). */
  claims: IdTokenClaims;
  /** The session's id in the store; absent for a cookie session. */
  id?: string;
  /** When it ends, in epoch seconds, as its cookie says (or will say once reissued). */
  expiresAt: number;
  /** Whether the answer must set the cookie again: new, changed, or renewed by the rolling lifetime. */
  reissue: boolean;
}

/** Every how many seconds at most a rolling session's cookie (and record) is renewed by requests. */
const RENEWAL = 60;

/** A time (epoch seconds) no session reaches: the seal of a record lasts until the session's absolute end. */
const LATEST = 2 ** 40;

/**
 * The most bytes a cookie session may take, its chunks together: the browser sends them with every request, and
 * Node refuses a request whose headers pass 16 KB (431) before any middleware can run, `/logout` included.
 */
export const SESSION_COOKIE_MAX_BYTES = 8192;

function isSession(value: unknown): value is Session {
  const session = value as Session | null;
  return (
    typeof session === 'object' &&
    session !== null &&
    typeof session.createdAt === 'number' &&
    typeof session.tokens === 'object' &&
    session.tokens !== null &&
    typeof session.tokens.idToken === 'string'
  );
}

function claimsOf(idToken: string): IdTokenClaims | undefined {
  try {
    const { payload } = decodeJwt(idToken);
    return typeof payload.sub === 'string' ? (payload as IdTokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** What a logout store knows a cookie session by: its user, the provider's session, its own id. */
function identityOf(session: Session, claims: IdTokenClaims): SessionIdentity {
  return {
    sub: claims.sub,
    createdAt: session.createdAt,
    ...(typeof claims.sid === 'string' && { sid: claims.sid }),
    ...(session.id !== undefined && { id: session.id }),
  };
}

/**
 * Reads, checks, writes and ends the sessions of the web login: sealed (AES-256-GCM, purpose `session`) into the
 * session cookie — split into chunks past one cookie's size — or kept in a {@link SessionStore} as a sealed record
 * (purpose `session-record`, so that a record copied from the store never opens as a cookie) whose random id the
 * cookie carries, sealed too. A session ends at its rolling or absolute expiry, by logout, or by a back-channel
 * logout recorded in the store.
 *
 * @throws {ConfigurationError} for a missing or short secret.
 * @example
 * const sessions = new SessionManager({ secret, lifetime: new SessionLifetime(), name: 'appSession',
 *   attributes: { sameSite: 'Lax', secure: true }, clock: () => Date.now() / 1000 });
 * const active = await sessions.load(parseCookies(req.headers.cookie));
 */
export class SessionManager {
  readonly #options: SessionManagerOptions;
  readonly #cookie: Sealer;
  readonly #record: Sealer;

  constructor(options: SessionManagerOptions) {
    this.#options = options;
    this.#cookie = new Sealer(options.secret, 'session');
    this.#record = new Sealer(options.secret, 'session-record');
  }

  /**
   * The session the request's cookie holds, if it is valid and not ended: `undefined` for none, a cookie that
   * does not open, a record no longer in the store, a session of another app (client or issuer), or a session
   * past its expiry or ended by a back-channel logout. A rolling session is renewed (its record rewritten) when its expiry moves on by a minute or more.
   *
   * @throws {StoreUnavailableError} (rejects) when the store fails: the session can be neither trusted nor denied.
   */
  async load(cookies: ReadonlyMap<string, string>): Promise<ActiveSession | undefined> {
    const { name, store, logoutStore, lifetime, clock, owner } = this.#options;
    const sealed = readChunkedCookie(name, cookies);
    if (sealed === undefined) return undefined;
    const now = clock();
    const opened = this.#cookie.open<unknown>(sealed, now);
    if (!opened.ok) return undefined;
    let session: unknown = opened.payload;
    let id: string | undefined;
    if (store !== undefined) {
      id = (opened.payload as { id?: unknown } | null)?.id as string | undefined;
      if (typeof id !== 'string') return undefined;
      const record = await store.get(id);
      const value = record === undefined ? undefined : this.#record.open<unknown>(record.value, now);
      session = value?.ok === true ? value.payload : undefined;
    }
    if (!isSession(session)) return undefined;
    const claims = claimsOf(session.tokens.idToken);
    const expiresAt = lifetime.expiresAt(session.createdAt, now);
    if (claims === undefined || expiresAt <= now) return undefined;
    if (owner !== undefined && !isOwnedBy(claims, await owner())) return undefined;
    if (store === undefined && logoutStore !== undefined && (await logoutStore.isEnded(identityOf(session, claims)))) {
      return undefined;
    }
    const active: ActiveSession = { session, claims, expiresAt: opened.expiresAt, reissue: false };
    if (id !== undefined) active.id = id;
    const rolling = lifetime.rollingDuration;
    if (rolling !== false && expiresAt - opened.expiresAt >= Math.min(RENEWAL, rolling / 10)) {
      active.expiresAt = expiresAt;
      await this.#renew(active);
    }
    return active;
  }

  /**
   * Starts a session for a login that just finished: a new random id and record when sessions live in a store.
   *
   * @throws {ConfigurationError} (rejects), naming `session.store`, for a cookie session larger than
   *   {@link SESSION_COOKIE_MAX_BYTES}.
   * @throws {StoreUnavailableError} (rejects) when the store fails.
   */
  async create(session: Session): Promise<ActiveSession> {
    const claims = claimsOf(session.tokens.idToken) as IdTokenClaims;
    const expiresAt = this.#options.lifetime.expiresAt(session.createdAt, this.#options.clock());
    const active: ActiveSession = { session, claims, expiresAt, reissue: true };
    if (this.#options.store !== undefined) {
      active.id = randomBytes(32).toString('base64url');
    } else {
      session.id ??= randomBytes(32).toString('base64url');
      const bytes = this.#cookie.seal(session, expiresAt).length;
      if (bytes > SESSION_COOKIE_MAX_BYTES) {
        throw new ConfigurationError(
          `the session of this login needs ${bytes} bytes of cookies, more than the ${SESSION_COOKIE_MAX_BYTES} ` +
            'a browser may send back with every request: configure session.store to keep sessions on the server',
          'session.store',
        );
      }
    }
    await this.save(active);
    return active;
  }

  /**
   * Renews a rolling session: reissues its cookie and extends its record's life in the store, without writing
   * the record (a renewal that read the session before a concurrent refresh, written after it, would put the
   * rotated-away refresh token back). A store without `touch` has its record rewritten.
   */
  async #renew(active: ActiveSession): Promise<void> {
    const { store } = this.#options;
    if (store?.touch === undefined || active.id === undefined) return this.save(active);
    active.reissue = true;
    const { sub, sid } = active.claims;
    await store.touch(active.id, typeof sid === 'string' ? { sub, sid } : { sub }, active.expiresAt);
  }

  /**
   * The session as its record in the store holds it now (another replica may have refreshed it since this request
   * loaded it); `undefined` for a cookie session, or a record gone or unreadable.
   *
   * @throws {StoreUnavailableError} (rejects) when the store fails.
   */
  async current(active: ActiveSession): Promise<Session | undefined> {
    const { store, clock } = this.#options;
    if (store === undefined || active.id === undefined) return undefined;
    const record = await store.get(active.id);
    const opened = record === undefined ? undefined : this.#record.open<unknown>(record.value, clock());
    return opened?.ok === true && isSession(opened.payload) ? opened.payload : undefined;
  }

  /** Takes new tokens into the request's session (and its claims), and marks its cookie for reissue; no write. */
  adopt(active: ActiveSession, tokens: Session['tokens']): void {
    active.session.tokens = tokens;
    active.claims = claimsOf(tokens.idToken) ?? active.claims;
    active.reissue = true;
  }

  /**
   * Records a change of the session (new tokens): writes its record when sessions live in a store, and marks
   * the cookie for reissue.
   *
   * @throws {StoreUnavailableError} (rejects) when the store fails.
   */
  async save(active: ActiveSession): Promise<void> {
    active.claims = claimsOf(active.session.tokens.idToken) ?? active.claims;
    active.reissue = true;
    const { store } = this.#options;
    if (store === undefined || active.id === undefined) return;
    const { claims } = active;
    // The record's seal lasts as long as the session can (renewals extend the record's life in the store without
    // rewriting it); the rolling expiry is the cookie's and the store's.
    const value = this.#record.seal(active.session, this.#options.lifetime.expiresAt(active.session.createdAt, LATEST));
    const record =
      typeof claims.sid === 'string' ? { value, sub: claims.sub, sid: claims.sid } : { value, sub: claims.sub };
    await store.set(active.id, record, active.expiresAt);
  }

  /**
   * The `Set-Cookie` lines the answer needs: the session cookie when it must be (re)issued; its deletion when
   * the request carried a session cookie that no longer holds a session; nothing otherwise. Synchronous, so that
   * it can run as the answer's headers are written.
   */
  cookieLines(active: ActiveSession | undefined, cookies: ReadonlyMap<string, string>): string[] {
    const { name, attributes, store, clock } = this.#options;
    if (active === undefined) return deleteChunkedCookie(name, attributes, cookies);
    if (!active.reissue) return [];
    active.reissue = false;
    const payload = store === undefined ? active.session : { id: active.id };
    const maxAge = Math.round(active.expiresAt - clock());
    return writeChunkedCookie(name, this.#cookie.seal(payload, active.expiresAt), { ...attributes, maxAge }, cookies);
  }

  /**
   * Ends a session (logout): deletes its record from the store, or, for a cookie session with a logout store,
   * records its logout there (so that a copy of the cookie is refused on every replica); and returns the
   * `Set-Cookie` lines that delete its cookie.
   *
   * @throws {StoreUnavailableError} (rejects) when the store fails.
   */
  async destroy(active: ActiveSession | undefined, cookies: ReadonlyMap<string, string>): Promise<string[]> {
    const { store, logoutStore, lifetime, clock, name, attributes } = this.#options;
    if (active?.id !== undefined) {
      await store?.delete(active.id);
    } else if (active?.session.id !== undefined && store === undefined && logoutStore !== undefined) {
      const now = clock();
      await logoutStore.endSessions({ id: active.session.id }, now, now + lifetime.longest());
    }
    return deleteChunkedCookie(name, attributes, cookies);
  }
}
