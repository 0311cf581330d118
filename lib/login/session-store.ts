/**
 * What a {@link SessionStore} keeps of one session: the session sealed by the web login (opaque to the store: a
 * dump of the store shows no token) and the two identifiers a back-channel logout names.
 */
export interface SessionRecord {
  /** The sealed session. */
  value: string;
  /** The user's subject identifier (`sub` of the ID token). */
  sub: string;
  /** The provider's session identifier (`sid` of the ID token), when it had one. */
  sid?: string;
}

/**
 * A back-channel logout (OIDC Back-Channel Logout 1.0): the provider's session `sid` ended, or, when the logout
 * token names no `sid`, every session of the user `sub`. Or a logout at the app of the cookie session `id`.
 */
export interface LogoutEvent {
  /** The user, when the logout token named one. */
  sub?: string;
  /** The provider's session, when the logout token named one. */
  sid?: string;
  /** The web login's own id of one cookie session: its logout at the app, so that no copy of the cookie is served. */
  id?: string;
}

/** The identifiers of a session whose logout is checked by {@link SessionStore.isEnded}. */
export interface SessionIdentity {
  /** The user. */
  sub: string;
  /** The provider's session, when the ID token had one. */
  sid?: string;
  /** The web login's own id of the session, when it has one (cookie sessions). */
  id?: string;
  /** When the session began, in epoch seconds: a logout ends only the sessions begun before it. */
  createdAt: number;
}

/** A lock on one session's refresh, taken by {@link SessionStore.lock}. */
export interface SessionStoreLock {
  /** Gives the lock up, if this holder still has it. */
  release(): Promise<void>;
}

/**
 * Where the web login keeps sessions when they should not travel in the browser's cookie (the cookie then holds
 * a sealed random id), and how it remembers back-channel logouts. {@link MemorySessionStore} keeps them in the
 * process (one replica, or development); {@link RedisSessionStore} shares them between replicas. Implement this
 * interface for another shared store.
 *
 * A store that cannot answer rejects (the built-in ones with a `StoreUnavailableError`); the web login then
 * answers 503 rather than treat the user as logged out or let a logged-out session through.
 *
 * @example
 * const store: SessionStore = new MemorySessionStore();
 * await store.set('id-1', { value: sealed, sub: 'user-1', sid: 'op-session-1' }, Date.now() / 1000 + 3600);
 * await store.endSessions({ sid: 'op-session-1' }, Date.now() / 1000, Date.now() / 1000 + 604_800); // 1 ended
 */
export interface SessionStore {
  /** The record of session `id`, or `undefined` when there is none (never was, expired, or ended). */
  get(id: string): Promise<SessionRecord | undefined>;
  /** Creates or replaces the record of session `id`, to be forgotten at `expiresAt` (epoch seconds). */
  set(id: string, record: SessionRecord, expiresAt: number): Promise<void>;
  /** Deletes the record of session `id` (a logout); nothing when there is none. */
  delete(id: string): Promise<void>;
  /**
   * Extends the life of the record of session `id`, whose `sub` and `sid` are `identity`, to `expiresAt` (epoch
   * seconds), without rewriting it; nothing when there is none (never recreates an ended session). Optional, but
   * a store without it has the whole record rewritten by each renewal of a rolling session, which can put back a
   * refresh token a concurrent refresh has just replaced.
   */
  touch?(id: string, identity: { sub: string; sid?: string }, expiresAt: number): Promise<void>;
  /**
   * Takes a short lock on the refresh of session `id` (shared by every replica that uses the store), or resolves
   * to `undefined` while another holder has it. Optional: without it, replicas that refresh one session at the
   * same moment each redeem its refresh token.
   */
  lock?(id: string): Promise<SessionStoreLock | undefined>;
  /**
   * Ends the sessions a logout names: deletes the records with its `sid` (or, without one, every record of its
   * `sub`), and remembers the logout under its most specific name (`id`, else `sid`, else `sub`), made at `at`,
   * until `until` (both epoch seconds), for {@link SessionStore.isEnded}, which cookie sessions consult. Resolves
   * to the number of records deleted.
   */
  endSessions(event: LogoutEvent, at: number, until: number): Promise<number>;
  /** Whether a logout made after the session began ended it (by its `id`, its `sid`, or its `sub`). */
  isEnded(session: SessionIdentity): Promise<boolean>;
}

/** Seconds a lock of {@link MemorySessionStore} lasts when its holder never releases it. */
const LOCK_SECONDS = 30;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** Options of a {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** The clock, in epoch seconds. @defaultValue `Date.now() / 1000` */
  clock?: () => number;
}

/**
 * A {@link SessionStore} in this process's memory: for one replica, or development. Sessions do not survive a
 * restart and are not seen by other replicas; use {@link RedisSessionStore} behind a load balancer. Expired
 * entries are dropped as they are met and in a sweep every 1000 writes.
 *
 * @example
 * app.use(oidcAuth({ ...options, session: { store: new MemorySessionStore() } }));
 */
export class MemorySessionStore implements SessionStore {
  readonly #records = new Map<string, Entry<SessionRecord>>();
  readonly #index = new Map<string, Set<string>>();
  readonly #logouts = new Map<string, Entry<number>>();
  readonly #locks = new Map<string, Entry<true>>();
  readonly #clock: () => number;
  #writes = 0;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#clock = options.clock ?? (() => Date.now() / 1000);
  }

  /** How many records the store holds, counting expired ones not yet dropped. */
  get size(): number {
    return this.#records.size;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    return this.#live(this.#records, id)?.value;
  }

  async set(id: string, record: SessionRecord, expiresAt: number): Promise<void> {
    this.#records.set(id, { value: { ...record }, expiresAt });
    for (const key of keysOf(record)) {
      const ids = this.#index.get(key) ?? new Set<string>();
      ids.add(id);
      this.#index.set(key, ids);
    }
    if (++this.#writes % 1000 === 0) this.#sweep();
  }

  async touch(id: string, _identity: { sub: string; sid?: string }, expiresAt: number): Promise<void> {
    const entry = this.#live(this.#records, id);
    if (entry !== undefined) entry.expiresAt = expiresAt;
  }

  async lock(id: string): Promise<SessionStoreLock | undefined> {
    if (this.#live(this.#locks, id) !== undefined) return undefined;
    const entry: Entry<true> = { value: true, expiresAt: this.#clock() + LOCK_SECONDS };
    this.#locks.set(id, entry);
    return {
      release: async () => {
        if (this.#locks.get(id) === entry) this.#locks.delete(id);
      },
    };
  }

  async delete(id: string): Promise<void> {
    const record = this.#records.get(id)?.value;
    this.#records.delete(id);
    if (record !== undefined) for (const key of keysOf(record)) this.#index.get(key)?.delete(id);
  }

  async endSessions(event: LogoutEvent, at: number, until: number): Promise<number> {
    const key = logoutKey(event);
    if (key === undefined) return 0;
    let ended = 0;
    for (const id of this.#index.get(key) ?? []) {
      if (this.#live(this.#records, id) !== undefined) ended++;
      await this.delete(id);
    }
    this.#index.delete(key);
    this.#logouts.set(key, { value: at, expiresAt: until });
    return ended;
  }

  async isEnded(session: SessionIdentity): Promise<boolean> {
    return keysOf(session).some((key) => {
      const at = this.#live(this.#logouts, key)?.value;
      return at !== undefined && session.createdAt <= at;
    });
  }

  /** The entry under `key` unless it has expired (an expired one is dropped). */
  #live<T>(map: Map<string, Entry<T>>, key: string): Entry<T> | undefined {
    const entry = map.get(key);
    if (entry === undefined || entry.expiresAt > this.#clock()) return entry;
    map.delete(key);
    return undefined;
  }

  #sweep(): void {
    const now = this.#clock();
    for (const [id, entry] of this.#records) if (entry.expiresAt <= now) void this.delete(id);
    for (const [key, entry] of this.#logouts) if (entry.expiresAt <= now) this.#logouts.delete(key);
    for (const [key, ids] of this.#index) if (ids.size === 0) this.#index.delete(key);
  }
}

/**
 * The keys under which a session or a logout is indexed: `sub:…`, `sid:…` and `id:…`.
 *
 * @example
 * keysOf({ sub: 'user-1', sid: 'abc' }); // ['sub:user-1', 'sid:abc']
 */
export function keysOf(identity: { sub?: string; sid?: string; id?: string }): string[] {
  const keys: string[] = [];
  if (identity.sub !== undefined) keys.push(`sub:${identity.sub}`);
  if (identity.sid !== undefined) keys.push(`sid:${identity.sid}`);
  if (identity.id !== undefined) keys.push(`id:${identity.id}`);
  return keys;
}

/**
 * The one key a logout ends: the `id` of a logout at the app (that cookie session only); for a back-channel
 * logout its `sid` when it names one (that session only, OIDC Back-Channel Logout 1.0 §2.4), else its `sub`
 * (every session of the user); `undefined` when it names none.
 *
 * @example
 * logoutKey({ sub: 'user-1', sid: 'abc' }); // 'sid:abc'
 */
export function logoutKey(event: LogoutEvent): string | undefined {
  if (event.id !== undefined) return `id:${event.id}`;
  if (event.sid !== undefined) return `sid:${event.sid}`;
  if (event.sub !== undefined) return `sub:${event.sub}`;
  return undefined;
}
