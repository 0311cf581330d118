import { type RedisClientLike, redisStoreBase } from '../stores/redis-client.js';
import { takeRedisLock } from '../stores/redis-lock.js';
import { storeCall } from '../stores/store-call.js';
import {
  keysOf,
  type LogoutEvent,
  logoutKey,
  type SessionIdentity,
  type SessionRecord,
  type SessionStore,
  type SessionStoreLock,
} from './session-store.js';

/** Options of a {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /**
   * Prefix of every key the store writes. On a Redis Cluster give it a hash tag (`{sessions}:`): a back-channel
   * logout touches the records of a user in one script, so all keys must live in one slot.
   * @defaultValue 'authn:session:'
   */
  prefix?: string;
  /** Milliseconds one Redis command may take before the request is answered 503. @defaultValue 1000 */
  storeTimeout?: number;
}

const STORE = 'Redis session store';

/** Milliseconds a refresh lock outlives a holder that died (a live holder renews it). */
const LOCK_TTL = 5000;

// KEYS[1] the record, KEYS[2..] its indexes (sub, sid); ARGV: the record, its TTL in ms, the session id.
// The indexes live as long as their longest-lived session.
const SET = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[3])
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return 1`;

// KEYS[1] the record, KEYS[2..] its indexes; ARGV[1]: its new TTL in ms. Extends the record's life, and its indexes'
// to at least as long, only when the record still exists (a session ended meanwhile stays ended).
const TOUCH = `if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 2, #KEYS do
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return 1`;

// KEYS[1] the index a logout names, KEYS[2] its logout mark; ARGV: the record key prefix, the logout time, the
// mark's TTL in ms. Deletes every record of the index and the index, sets the mark; the number of records deleted.
const END = `local ended = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do ended = ended + redis.call('DEL', ARGV[1] .. id) end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return ended`;

// KEYS: the logout marks of a session; ARGV[1]: when it began. 1 when a mark is not older than the session.
const ENDED = `for i = 1, #KEYS do
  local at = redis.call('GET', KEYS[i])
  if at and tonumber(ARGV[1]) <= tonumber(at) then return 1 end
end
return 0`;

function ttlOf(expiresAt: number): number {
  return Math.max(1, Math.min(2 ** 31 - 1, Math.ceil(expiresAt * 1000 - Date.now())));
}

function parse(value: string | null): SessionRecord | undefined {
  if (value === null) return undefined;
  try {
    const record = JSON.parse(value) as Partial<SessionRecord>;
    if (typeof record.value !== 'string' || typeof record.sub !== 'string') return undefined;
    return typeof record.sid === 'string'
      ? { value: record.value, sub: record.sub, sid: record.sid }
      : { value: record.value, sub: record.sub };
  } catch {
    return undefined;
  }
}

/**
 * A {@link SessionStore} on Redis, shared by every replica that uses the same Redis and prefix: any replica serves
 * any session, and a back-channel logout received by one ends the session on all. Records hold the session
 * sealed (a dump of Redis shows no token) and live as long as the session; a record's `sub` and `sid` are
 * indexed in Redis sets for back-channel logout, and each logout is remembered as a mark for cookie sessions.
 *
 * Every command runs under `storeTimeout`; a failure or a late answer rejects with a `StoreUnavailableError`
 * (the web login answers 503). Pass a client you created (and will close); the store never closes it.
 *
 * @throws {ConfigurationError} when the client lacks the commands, or an option is invalid.
 * @example
 * import { Redis } from 'ioredis';
 * const store = new RedisSessionStore(new Redis(process.env.REDIS_URL!), { prefix: 'shop:session:' });
 * app.use(oidcAuth({ ...options, session: { store } }));
 */
export class RedisSessionStore implements SessionStore {
  /** The prefix of every key this store writes. */
  readonly prefix: string;
  /** Milliseconds one command may take. */
  readonly storeTimeout: number;
  readonly #redis: RedisClientLike;

  constructor(client: RedisClientLike, options: RedisSessionStoreOptions = {}) {
    ({
      redis: this.#redis,
      prefix: this.prefix,
      storeTimeout: this.storeTimeout,
    } = redisStoreBase('RedisSessionStore', client, options, 'authn:session:'));
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    return parse(await this.#call('GET', () => this.#redis.get(this.#record(id))));
  }

  async set(id: string, record: SessionRecord, expiresAt: number): Promise<void> {
    const keys = [this.#record(id), ...keysOf(record).map((key) => this.prefix + key)];
    const value = JSON.stringify(record);
    await this.#call('SET', () => this.#redis.eval(SET, keys.length, ...keys, value, ttlOf(expiresAt), id));
  }

  async touch(id: string, identity: { sub: string; sid?: string }, expiresAt: number): Promise<void> {
    const keys = [this.#record(id), ...keysOf(identity).map((key) => this.prefix + key)];
    await this.#call('renewal', () => this.#redis.eval(TOUCH, keys.length, ...keys, ttlOf(expiresAt)));
  }

  async lock(id: string): Promise<SessionStoreLock | undefined> {
    return takeRedisLock(this.#redis, `${this.prefix}lock:${id}`, LOCK_TTL, (operation, command) =>
      this.#call(operation, command),
    );
  }

  async delete(id: string): Promise<void> {
    await this.#call('DEL', () => this.#redis.del(this.#record(id)));
  }

  async endSessions(event: LogoutEvent, at: number, until: number): Promise<number> {
    const key = logoutKey(event);
    if (key === undefined) return 0;
    const keys = [this.prefix + key, `${this.prefix}ended:${key}`];
    const ended = await this.#call('logout', () =>
      this.#redis.eval(END, 2, ...keys, this.#record(''), Math.floor(at), ttlOf(until)),
    );
    return Number(ended);
  }

  async isEnded(session: SessionIdentity): Promise<boolean> {
    const marks = keysOf(session).map((key) => `${this.prefix}ended:${key}`);
    const ended = await this.#call('logout check', () =>
      this.#redis.eval(ENDED, marks.length, ...marks, Math.floor(session.createdAt)),
    );
    return Number(ended) === 1;
  }

  #record(id: string): string {
    return `${this.prefix}s:${id}`;
  }

  #call<T>(operation: string, command: () => Promise<T>): Promise<T> {
    return storeCall(STORE, operation, this.storeTimeout, command);
  }
}
