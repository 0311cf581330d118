import type { JsonWebKey } from 'node:crypto';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { AxiosProxyConfig } from 'axios';
import {
  AuthnError,
  ConfigurationError,
  JwksError,
  KeyNotFoundError,
  KeySourceUnavailableError,
  NetworkError,
  TimeoutError,
} from '../errors.js';
import { channels } from '../diagnostics.js';
import { HttpClient } from '../http/http-client.js';
import { checkRemoteUrl } from '../http/url.js';
import { ALGORITHMS, type JwsAlgorithm } from './algorithms.js';
import { quote } from './failure.js';
import { fingerprint, importJwk, JwksKey, type UnusableKey } from './jwk.js';

/** Options of a {@link JwksFetcher}. */
export interface JwksFetcherOptions {
  /** Seconds a fetched key set stays fresh. @defaultValue 600 */
  cacheTtl?: number;
  /** Seconds between two refetches caused by an unknown `kid`, across all callers. @defaultValue 30 */
  cooldown?: number;
  /** Milliseconds before a JWKS request is abandoned with a `TimeoutError`. @defaultValue 5000 */
  timeout?: number;
  /**
   * Seconds after the last successful fetch during which the last good keys keep being used while refreshes
   * fail (stale-if-error). `0` turns stale-if-error off. @defaultValue 86400
   */
  maxStale?: number;
  /** Largest JWKS response read, in bytes. @defaultValue 524288 */
  maxResponseBytes?: number;
  /** Agent for an `http:` JWKS URL (loopback only). */
  httpAgent?: HttpAgent;
  /** Agent for an `https:` JWKS URL (keep-alive, custom CA, mTLS). */
  httpsAgent?: HttpsAgent;
  /** Proxy, as axios takes it; `false` ignores `HTTP(S)_PROXY`. */
  proxy?: AxiosProxyConfig | false;
}

/** A key set as fetched at one time. */
interface KeySet {
  /** Epoch ms of the successful fetch. */
  readonly fetchedAt: number;
  /** The usable keys. */
  readonly keys: readonly JwksKey[];
  /** The usable keys by `kid`; several when a JWKS repeats a `kid`. */
  readonly byKid: ReadonlyMap<string, readonly JwksKey[]>;
  /** The entries that were skipped, and why. */
  readonly unusable: readonly UnusableKey[];
}

/**
 * A JSON Web Key Set (RFC 7517 §5) given in configuration rather than fetched, for {@link JwksFetcher}'s
 * constructor: public keys as JWKs, e.g. `{ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] }`.
 */
export interface JsonWebKeySet {
  /** The keys. */
  readonly keys: readonly JsonWebKey[];
}

/** What a JWKS request got back, for diagnostics: the HTTP status, when an answer came. */
interface Answer {
  status: number | undefined;
}

/** The consecutive failures of the key source and when the next attempt is allowed. */
interface Failure {
  readonly error: AuthnError;
  readonly count: number;
  readonly retryAt: number;
}

/** Most keys tried for one token: with no `kid`, or a JWKS that repeats one. More candidates reject. */
export const MAX_CANDIDATES = 5;

/** First wait after a failed fetch (ms); it doubles with each failure up to {@link BACKOFF_MAX}. */
const BACKOFF_BASE = 1_000;
/** Longest wait between two attempts while the key source fails (ms). */
const BACKOFF_MAX = 30_000;

/** The numeric settings of a {@link JwksFetcher}, validated, defaults applied. */
export interface JwksSettings {
  readonly cacheTtl: number;
  readonly cooldown: number;
  readonly timeout: number;
  readonly maxStale: number;
  readonly maxResponseBytes: number;
}

/**
 * Validates the numeric options of a {@link JwksFetcher} and applies their defaults, so that a verifier that
 * creates fetchers later (after discovery) can refuse bad options at construction.
 *
 * @throws {ConfigurationError} for a value that is not a finite number in range.
 */
export function jwksSettings(options: JwksFetcherOptions = {}): JwksSettings {
  return {
    cacheTtl: seconds(options.cacheTtl, 'cacheTtl', 600, Number.MIN_VALUE),
    cooldown: seconds(options.cooldown, 'cooldown', 30, 0),
    timeout: seconds(options.timeout, 'timeout', 5_000, Number.MIN_VALUE),
    maxStale: seconds(options.maxStale, 'maxStale', 86_400, 0),
    maxResponseBytes: seconds(options.maxResponseBytes, 'maxResponseBytes', 524_288, 1),
  };
}

function seconds(value: unknown, option: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigurationError(`${option} must be a finite number${min > 0 ? ' above 0' : ' of at least 0'}`, option);
  }
  return value;
}

function keyLabel(alg: JwsAlgorithm | undefined): string {
  if (alg === undefined) return 'Public Key';
  const family = ALGORITHMS[alg].family;
  return `${family === 'rsa' ? 'RSA' : family === 'ec' ? 'EC' : 'OKP'} Public Key`;
}

function notFound(kid: string | undefined, alg: JwsAlgorithm | undefined): KeyNotFoundError {
  const message =
    kid === undefined
      ? `no ${keyLabel(alg)} was found for a token without a key ID (kid)`
      : `${keyLabel(alg)} with ID ${quote(kid)} was not found.`;
  return new KeyNotFoundError(message, undefined, 'kid');
}

/**
 * Picks the keys that may verify a token with this `kid` and `alg`. Returns `undefined` when the set does not
 * know the `kid` (a refetch may help) and throws when it knows it but no key may be used for `alg`.
 */
function select(set: KeySet, kid: string | undefined, alg: JwsAlgorithm | undefined): readonly JwksKey[] | undefined {
  const named = kid === undefined ? set.keys : set.byKid.get(kid);
  if (named === undefined) {
    const skipped = set.unusable.find((entry) => entry.kid === kid);
    if (skipped !== undefined) {
      throw new JwksError(
        `the key with ID ${quote(kid)} cannot be used: ${skipped.reason}`,
        'ERR_JWKS_KEY_UNUSABLE',
        'kid',
      );
    }
    return undefined;
  }
  if (named.length === 0) return undefined;
  // The common case (every named key suits alg) hands out the frozen list itself, allocating nothing.
  const candidates = alg === undefined || allSuit(named, alg) ? named : named.filter((key) => key.suits(alg));
  if (candidates.length === 0) {
    const subject = kid === undefined ? 'no key of the key set' : `the key with ID ${quote(kid)}`;
    const first = named[0] as JwksKey;
    throw new JwksError(
      `${subject} may verify ${alg}: ${describe(first)}${first.alg ? ` for ${first.alg}` : ''}`,
      'ERR_JWKS_KEY_MISMATCH',
      'alg',
    );
  }
  if (candidates.length > MAX_CANDIDATES) {
    throw new JwksError(
      `${candidates.length} keys could verify this token; tokens must name their key with a key ID (kid)`,
      'ERR_JWKS_AMBIGUOUS',
      'kid',
    );
  }
  return candidates;
}

/**
 * Imports a key set given in configuration, or says why it cannot be used: not a `{ keys: [...] }` object, or
 * no entry usable (each entry's reason is given).
 */
function localKeySet(jwks: object, build: (entries: readonly unknown[]) => KeySet): KeySet {
  const { keys } = jwks as { keys?: unknown };
  if (!Array.isArray(keys)) {
    throw new ConfigurationError(
      'jwksUrl must be a JWKS URL or a JSON Web Key Set: an object with a keys array',
      'jwksUrl',
    );
  }
  const set = build(keys);
  if (set.keys.length === 0) {
    const reasons = set.unusable.map(
      (entry) => `${entry.kid === undefined ? 'a key' : quote(entry.kid)}: ${entry.reason}`,
    );
    throw new ConfigurationError(
      `the local key set has no usable key${reasons.length === 0 ? '' : ` (${reasons.join('; ')})`}`,
      'jwksUrl',
    );
  }
  return set;
}

/** Tells whether every key of the list may verify `alg` (a loop: no closure on the verification hot path). */
function allSuit(keys: readonly JwksKey[], alg: JwsAlgorithm): boolean {
  for (let i = 0; i < keys.length; i++) if (!(keys[i] as JwksKey).suits(alg)) return false;
  return true;
}

function describe(key: JwksKey): string {
  return key.kty === 'RSA' ? 'it is an RSA key' : `it is an ${key.kty} key on ${key.curve}`;
}

/**
 * Fetches a JSON Web Key Set and keeps it, imported once into `KeyObject`s, for verifiers to look keys up
 * without I/O.
 *
 * - A key set stays fresh for `cacheTtl` seconds; the first lookup after that waits for a refetch.
 * - Concurrent callers share one in-flight request.
 * - An unknown `kid` refetches at most once per `cooldown` seconds, counted from the last request of any kind
 *   and shared by all callers: a flood of random `kid`s costs at most one request per cooldown, and a real key
 *   rotation resolves once the cooldown allows.
 * - Stale-if-error: when a refetch fails, the last good keys keep being used for up to `maxStale` seconds
 *   after they were fetched, while refetches are retried in the background with backoff (1 s doubling to
 *   30 s). With no usable keys, lookups fail with the source's error during that backoff, without a request.
 * - Each entry is imported once; unusable entries (unknown `kty`, `use: enc`, `oct`, private keys, RSA under
 *   2048 bits, invalid material…) are skipped and remembered, so one bad key never breaks the set and a token
 *   that names one gets a precise {@link JwksError}.
 * - A token without `kid` is tried against every key that suits its algorithm, up to five; a set with more
 *   candidates rejects it. The same holds for a `kid` the set repeats.
 *
 * Requests go through the library transport without telemetry, with `timeout`, without 429 retries, following
 * same-origin redirects only, reading at most `maxResponseBytes`.
 *
 * Given a {@link JsonWebKeySet} instead of a URL, it holds those keys for good and never makes a request (what
 * jose's `createLocalJWKSet` does): for an issuer whose public keys come with the configuration. The same
 * rules apply to the entries, and a `kid` it does not hold fails at once with {@link KeyNotFoundError}.
 *
 * @throws {ConfigurationError} from the constructor for a URL that is not `https:` (or `http:` to a loopback
 *   host), for invalid options, and for a local key set that is not a key set, has no usable key, or comes
 *   with options (they are about fetching).
 * @example
 * const jwks = new JwksFetcher('https://tenant.auth0.com/.well-known/jwks.json', { cacheTtl: 600 });
 * const key = await jwks.getKey('NjVBRjY5MDlCMUIwNzU4RTA2QzZFMDQ4QzQ2MDAyQjVDNjk1RTM2Qg', 'RS256');
 * crypto.verify('sha256', data, key.key, signature);
 *
 * // Keys from configuration, never fetched:
 * const local = new JwksFetcher({ keys: [{ ...createPublicKey(pem).export({ format: 'jwk' }), kid: 'k1' }] });
 */
export class JwksFetcher {
  /** The JWKS URL; `''` for a local key set. */
  readonly url: string;
  /** Seconds a fetched key set stays fresh. */
  readonly cacheTtl: number;
  /** Seconds between two refetches caused by an unknown `kid`. */
  readonly cooldown: number;
  /** Milliseconds before a request is abandoned. */
  readonly timeout: number;
  /** Seconds the last good keys are used for while refreshes fail. */
  readonly maxStale: number;
  /** The transport; none for a local key set, which never fetches. */
  readonly #http: HttpClient | undefined;
  #set: KeySet | undefined;
  #inflight: Promise<KeySet> | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #failure: Failure | undefined;
  #fetchCount = 0;

  constructor(jwksUrl: string | JsonWebKeySet, options: JwksFetcherOptions = {}) {
    if (typeof jwksUrl === 'object' && jwksUrl !== null) {
      const given = Object.keys(options ?? {}).find((name) => options[name as keyof JwksFetcherOptions] !== undefined);
      if (given !== undefined) {
        throw new ConfigurationError(`${given} does not apply to a local key set: it is never fetched`, given);
      }
      this.url = '';
      this.cacheTtl = Number.POSITIVE_INFINITY;
      this.cooldown = Number.POSITIVE_INFINITY;
      this.timeout = 0;
      this.maxStale = Number.POSITIVE_INFINITY;
      this.#http = undefined;
      this.#set = localKeySet(jwksUrl, (entries) => this.#build(entries));
      return;
    }
    const url = checkRemoteUrl(jwksUrl, 'jwksUrl');
    this.url = url.href;
    const { cacheTtl, cooldown, timeout, maxStale, maxResponseBytes } = jwksSettings(options);
    this.cacheTtl = cacheTtl;
    this.cooldown = cooldown;
    this.timeout = timeout;
    this.maxStale = maxStale;
    this.#http = new HttpClient({
      baseURL: url.origin,
      telemetry: false,
      timeout: this.timeout,
      retry: { maxRetries: 0 },
      maxResponseBytes,
      httpAgent: options.httpAgent,
      httpsAgent: options.httpsAgent,
      proxy: options.proxy,
    });
  }

  /** Requests made so far, successful or not. */
  get fetchCount(): number {
    return this.#fetchCount;
  }

  /** True while the keys are within `cacheTtl` of their fetch. */
  get fresh(): boolean {
    return this.#set !== undefined && Date.now() < this.#set.fetchedAt + this.cacheTtl * 1000;
  }

  /** True while keys older than `cacheTtl` are being used because refreshes fail. */
  get stale(): boolean {
    return this.#set !== undefined && this.#failure !== undefined && !this.fresh;
  }

  /** The usable keys of the current set (empty before the first fetch). */
  get keys(): readonly JwksKey[] {
    return this.#set?.keys ?? [];
  }

  /** The entries of the current set that were skipped, and why. */
  get unusableKeys(): readonly UnusableKey[] {
    return this.#set?.unusable ?? [];
  }

  /** The error of the last request if it failed, `undefined` once one succeeds. */
  get lastError(): AuthnError | undefined {
    return this.#failure?.error;
  }

  /**
   * Resolves to a key with this `kid` (any key when `kid` is `undefined`) that may verify `alg` when given,
   * fetching the key set as the cache policy allows.
   *
   * @throws {KeyNotFoundError} when no key has this `kid`, even after the refetch the cooldown allows.
   * @throws {JwksError} when the key exists but may not verify `alg`, or is unusable.
   * @throws {NetworkError} (`TimeoutError`, `KeySourceUnavailableError`) when the key source is down and no
   *   cached key can decide.
   */
  async getKey(kid: string | undefined, alg?: JwsAlgorithm): Promise<JwksKey> {
    const keys = await this.candidates(kid, alg);
    return keys[0] as JwksKey;
  }

  /**
   * The keys that may verify a token with this `kid` and `alg`, at most five: synchronously when the cached
   * set can answer (the verification hot path), else a promise. Fails like {@link JwksFetcher.getKey} (by
   * throwing when synchronous); never returns an empty list.
   */
  candidates(kid: string | undefined, alg?: JwsAlgorithm): readonly JwksKey[] | Promise<readonly JwksKey[]> {
    const set = this.#set;
    const now = Date.now();
    if (set !== undefined && now < set.fetchedAt + this.cacheTtl * 1000) {
      return select(set, kid, alg) ?? this.#unknown(kid, alg, now);
    }
    const failure = this.#failure;
    if (failure !== undefined) {
      if (set !== undefined && now < set.fetchedAt + this.maxStale * 1000) {
        // Stale-if-error: the last refresh failed; keep answering from the last good keys and retry in the
        // background once the backoff allows.
        if (now >= failure.retryAt) this.#fetch().catch(() => undefined);
        if (channels.jwksStale.hasSubscribers) {
          channels.jwksStale.publish({ url: this.url, age: now - set.fetchedAt, error: failure.error });
        }
        return select(set, kid, alg) ?? this.#unknown(kid, alg, now);
      }
      if (now < failure.retryAt) throw failure.error;
    }
    return this.#fetch().then(
      (fetched) => select(fetched, kid, alg) ?? this.#unknown(kid, alg, Date.now()),
      (error: unknown) => {
        const last = this.#set;
        if (last === undefined) throw error;
        return select(last, kid, alg) ?? this.#unknown(kid, alg, Date.now());
      },
    );
  }

  /** Fetches the key set now, whatever the TTL and the cooldown; concurrent callers share the request. */
  async reload(): Promise<void> {
    await this.#fetch();
  }

  /** An unknown `kid`: wait for a fetch in flight, or refetch once if the cooldown and the backoff allow. */
  #unknown(kid: string | undefined, alg: JwsAlgorithm | undefined, now: number): Promise<readonly JwksKey[]> {
    if (this.#http === undefined) return Promise.reject(notFound(kid, alg));
    const inflight = this.#inflight;
    const failure = this.#failure;
    const allowed =
      now >= this.#lastAttemptAt + this.cooldown * 1000 && (failure === undefined || now >= failure.retryAt);
    if (inflight === undefined && !allowed) {
      const cooldownEnd = this.#lastAttemptAt + this.cooldown * 1000;
      if (now < cooldownEnd && channels.jwksCooldown.hasSubscribers) {
        channels.jwksCooldown.publish({ url: this.url, kid, retryAt: cooldownEnd });
      }
      // The keys in hand cannot decide: the source is failing (503), or it answered recently (401).
      return Promise.reject(failure === undefined ? notFound(kid, alg) : this.#sourceDown(failure));
    }
    return (inflight ?? this.#fetch()).then(
      (set) => {
        const keys = select(set, kid, alg);
        if (keys === undefined) throw notFound(kid, alg);
        return keys;
      },
      (error: unknown) => {
        throw this.#failure === undefined ? error : this.#sourceDown(this.#failure);
      },
    );
  }

  /**
   * The error of a failing key source for a `kid` the keys in hand lack. Such a `kid` is looked up again after
   * the backoff and after the cooldown: when the cooldown ends later, a new error (the failure as its cause)
   * says so in `retryAt`, for the middleware's `Retry-After`.
   */
  #sourceDown(failure: Failure): AuthnError {
    const cooldownEnd = this.#lastAttemptAt + this.cooldown * 1000;
    if (cooldownEnd <= failure.retryAt) return failure.error;
    const waiting = new KeySourceUnavailableError(
      `JWKS ${this.url} is failing; an unknown key ID is looked up again once the refetch cooldown is over`,
      { cause: failure.error },
    );
    waiting.retryAt = cooldownEnd;
    return waiting;
  }

  /** Starts a request, or joins the one in flight; a local key set has nothing to fetch. */
  #fetch(): Promise<KeySet> {
    if (this.#http === undefined) return Promise.resolve(this.#set as KeySet);
    if (this.#inflight !== undefined) return this.#inflight;
    this.#lastAttemptAt = Date.now();
    this.#fetchCount++;
    const started = performance.now();
    const answer: Answer = { status: undefined };
    const inflight = this.#download(this.#http, answer).then(
      (set) => {
        this.#inflight = undefined;
        this.#failure = undefined;
        this.#replace(set);
        this.#fetched(started, answer, set, undefined);
        return set;
      },
      (error: unknown) => {
        this.#inflight = undefined;
        const typed = error instanceof AuthnError ? error : new NetworkError(`GET ${this.url} failed`);
        const count = (this.#failure?.count ?? 0) + 1;
        const retryAt = Date.now() + Math.min(BACKOFF_BASE * 2 ** (count - 1), BACKOFF_MAX);
        if (typed instanceof NetworkError) typed.retryAt = retryAt;
        this.#failure = { error: typed, count, retryAt };
        const last = this.#set;
        if (last !== undefined && Date.now() >= last.fetchedAt + this.maxStale * 1000) this.#replace(undefined);
        this.#fetched(started, answer, undefined, typed);
        throw typed;
      },
    );
    this.#inflight = inflight;
    return inflight;
  }

  /** Publishes the end of a request on `authn-client:jwks:fetch`, when someone listens. */
  #fetched(started: number, answer: Answer, set: KeySet | undefined, error: AuthnError | undefined): void {
    if (!channels.jwksFetch.hasSubscribers) return;
    const { status } = answer;
    const duration = performance.now() - started;
    channels.jwksFetch.publish(
      set === undefined
        ? { url: this.url, status, duration, keys: 0, unusable: 0, error }
        : { url: this.url, status, duration, keys: set.keys.length, unusable: set.unusable.length },
    );
  }

  /** Installs a new set (or none), retiring the keys that left it and holding the others until its TTL. */
  #replace(set: KeySet | undefined): void {
    const kept = new Set(set?.keys);
    for (const key of this.#set?.keys ?? []) if (!kept.has(key)) key.retire();
    if (set !== undefined) for (const key of set.keys) key.hold(set.fetchedAt + this.cacheTtl * 1000);
    this.#set = set;
  }

  /** Fetches and imports the key set; `answer` gets the HTTP status, when one comes. */
  async #download(http: HttpClient, answer: Answer): Promise<KeySet> {
    const signal = AbortSignal.timeout(this.timeout);
    let response;
    try {
      response = await http.send({
        method: 'GET',
        url: this.url,
        headers: { Accept: 'application/jwk-set+json, application/json' },
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw new TimeoutError(`GET ${this.url} timed out after ${this.timeout} ms`);
      throw error;
    }
    answer.status = response.status;
    if (response.status < 200 || response.status > 299) {
      throw new KeySourceUnavailableError(`JWKS ${this.url} answered HTTP ${response.status}`);
    }
    const body = response.body as { keys?: unknown } | null;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.keys)) {
      throw new KeySourceUnavailableError(`JWKS ${this.url} did not answer with a JSON Web Key Set`);
    }
    return this.#build(body.keys as unknown[]);
  }

  /** Imports the entries of a fetched set, reusing the `KeyObject` of every key the current set already has. */
  #build(entries: readonly unknown[]): KeySet {
    const previous = new Map((this.#set?.keys ?? []).map((key) => [key.fingerprint, key]));
    const keys: JwksKey[] = [];
    const unusable: UnusableKey[] = [];
    const byKid = new Map<string, JwksKey[]>();
    for (const entry of entries) {
      const key = previous.get(fingerprint(entry)) ?? importJwk(entry);
      if (!(key instanceof JwksKey)) {
        unusable.push(key);
        continue;
      }
      keys.push(key);
      if (key.kid !== undefined) {
        const list = byKid.get(key.kid);
        if (list === undefined) byKid.set(key.kid, [key]);
        else list.push(key);
      }
    }
    // Callers get these lists as they are: frozen, so that none can change what the next lookup finds.
    for (const list of byKid.values()) Object.freeze(list);
    return { fetchedAt: Date.now(), keys: Object.freeze(keys), byKid, unusable: Object.freeze(unusable) };
  }
}
