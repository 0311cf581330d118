import { createHash } from 'node:crypto';
import { channels } from '../diagnostics.js';
import type { OptionKeys } from '../did-you-mean.js';
import { AuthnError, ConfigurationError, NetworkError, TokenResponseError } from '../errors.js';
import { MemoryTokenStore } from './stores/memory.js';
import type { StoredToken, TokenStore } from './stores/token-store.js';

/** A token and its real expiry, as {@link AuthenticationProvider.getAccessToken} resolves to. */
export interface AccessToken {
  /** The bearer token. */
  accessToken: string;
  /** When the token expires, in epoch ms (not when it will be refreshed); `Infinity` when it never does. */
  expiresAt: number;
}

/**
 * Hands out a bearer token for API calls: the `AuthenticationProvider` of the OpenMetadata clients, with a cache
 * that refreshes ahead of expiry and spends one grant for any number of concurrent callers.
 *
 * @example
 * async function callApi(provider: AuthenticationProvider, url: string) {
 *   const token = await provider.authToken();
 *   const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
 *   if (res.status === 401) await provider.invalidate?.(token); // the next call gets a new token
 *   return res;
 * }
 */
export interface AuthenticationProvider {
  /** A valid token, from the cache when it can. */
  authToken(): Promise<string>;
  /** A valid token with its expiry in epoch ms. */
  getAccessToken(): Promise<AccessToken>;
  /**
   * Forgets the cached token (only if it is `accessToken`, when given), e.g. after the API it was sent to
   * answered 401, so that the next call gets a new one.
   */
  invalidate?(accessToken?: string): Promise<void>;
}

/**
 * Where a {@link CachedTokenProvider} gets its tokens: one grant per call of `fetchToken`. Implement it to
 * cache tokens of a grant this library does not know.
 *
 * @example
 * const source: TokenSource = {
 *   cacheKey: tokenCacheKey(['my-grant', 'https://idp.example.com/token', 'client-1']),
 *   async fetchToken() {
 *     const issuedAt = Date.now();
 *     const { token, ttl } = await myGrant();
 *     return { accessToken: token, issuedAt, expiresAt: issuedAt + ttl * 1000 };
 *   },
 * };
 * const provider = new CachedTokenProvider(source);
 */
export interface TokenSource {
  /** Identity of the tokens: two sources with the same key hand out interchangeable tokens. No secret in it. */
  readonly cacheKey: string;
  /** Where the tokens come from (the token endpoint URL), as diagnostics report it. No secret in it. */
  readonly endpoint?: string;
  /** Asks for a new token. Rejects with one of the library's errors. */
  fetchToken(): Promise<StoredToken>;
}

/** How a provider caches its tokens. */
export interface TokenCacheOptions {
  /**
   * Seconds before expiry at which a token is renewed, in the background while it is still valid. Capped at half
   * the token's lifetime, so that a short-lived token is not renewed on every call. @defaultValue 120
   */
  refreshSkew?: number;
  /** Where tokens are kept; a {@link RedisTokenStore} shares them across processes. @defaultValue a new {@link MemoryTokenStore} */
  store?: TokenStore;
  /** The clock, in epoch ms (for tests). @defaultValue `Date.now` */
  clock?: () => number;
  /**
   * Called with every failure the caller does not see: a background refresh that failed (the still-valid token
   * keeps being served and the refresh is retried with backoff) and a store that failed (the provider then asks
   * the token endpoint itself). Use it for logs and metrics; it must not throw.
   */
  onError?: (error: AuthnError) => void;
}

/** Every key of {@link TokenCacheOptions}, for the options objects that include them. */
export const TOKEN_CACHE_OPTION_KEYS: OptionKeys<TokenCacheOptions> = {
  refreshSkew: true,
  store: true,
  clock: true,
  onError: true,
};

/** Default of {@link TokenCacheOptions.refreshSkew}, in seconds (the OpenMetadata clients' 120 s). */
export const DEFAULT_REFRESH_SKEW = 120;
/** Milliseconds between two polls of the store by a process waiting for another one's grant (± 50 %). */
const POLL_INTERVAL = 50;
/** Polls before a waiter stops waiting for a holder that neither stores a token nor lets its lock expire. */
const MAX_POLLS = 600;
/** First wait before a failed background refresh is retried, doubled on each failure up to {@link MAX_BACKOFF}. */
const FIRST_BACKOFF = 1000;
const MAX_BACKOFF = 60_000;

/** What a look in the store gives when the store failed: the renewal then does without the store. */
const STORE_FAILED = Symbol('store failed');
/** What a look in the store found: a token, none, or {@link STORE_FAILED}. */
type Look = StoredToken | undefined | typeof STORE_FAILED;

/**
 * How a renewal starts: `look` in the store first; the caller has just `looked` and found nothing; or `direct`,
 * the store failed and is not asked again (no lock, no write): the token endpoint is.
 */
type RenewalStart = 'look' | 'looked' | 'direct';

/** The processes' in-flight renewals, per store and key: providers sharing a store share one grant. */
const flights = new WeakMap<TokenStore, Map<string, Promise<StoredToken>>>();

/**
 * Builds a cache key from the parts that identify a token (grant, endpoint, client id, audience, scope…): a
 * SHA-256 over them, so keys have one shape and no part can run into the next. A part may be a list (several
 * resources), which never keys alike with a string. Never pass a secret.
 *
 * @example
 * const key = tokenCacheKey(['client_credentials', 'https://idp.example.com/token', 'client-1', undefined]);
 */
export function tokenCacheKey(parts: readonly (string | readonly string[] | undefined)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function asAuthnError(failure: unknown, what: string): AuthnError {
  if (failure instanceof AuthnError) return failure;
  const message = failure instanceof Error ? failure.message.split('\n')[0] : 'unknown failure';
  return new NetworkError(`${what} failed: ${message}`);
}

/**
 * The cache every token provider goes through: it hands out the cached token while it is valid, renews it
 * `refreshSkew` seconds before expiry in the background (callers keep getting the still-valid token, so they
 * never wait on the token endpoint after the first call), shares one grant between all concurrent callers, and
 * with a shared {@link TokenStore} that can lock, one grant between all the processes of a fleet.
 *
 * A failed background refresh keeps the valid token in service and is retried with backoff (reported to
 * `onError`, never an unhandled rejection); with no valid token left, the caller gets the grant's error.
 *
 * @throws {ConfigurationError} when `refreshSkew` is not a non-negative number of seconds.
 * @example
 * const provider = new CachedTokenProvider(mySource, { refreshSkew: 60 });
 * const token = await provider.authToken();
 */
export class CachedTokenProvider implements AuthenticationProvider {
  readonly #source: TokenSource;
  readonly #store: TokenStore;
  readonly #skew: number;
  readonly #clock: () => number;
  readonly #onError: ((error: AuthnError) => void) | undefined;
  #current: StoredToken | undefined;
  #refreshAt = 0;
  #retryAt = 0;
  #failures = 0;
  #renewing = false;
  #acquiring: Promise<StoredToken> | undefined;
  /** The last token invalidated: never adopted again from a store that still holds it. */
  #rejected: string | undefined;

  constructor(source: TokenSource, options: TokenCacheOptions = {}) {
    const { refreshSkew = DEFAULT_REFRESH_SKEW, store, clock, onError } = options;
    if (!(typeof refreshSkew === 'number' && Number.isFinite(refreshSkew) && refreshSkew >= 0)) {
      throw new ConfigurationError('refreshSkew must be a non-negative number of seconds', 'refreshSkew');
    }
    if (store !== undefined && (store === null || typeof store.get !== 'function')) {
      throw new ConfigurationError('store must be a TokenStore', 'store');
    }
    this.#source = source;
    this.#store = store ?? new MemoryTokenStore({ clock });
    this.#skew = refreshSkew * 1000;
    this.#clock = clock ?? Date.now;
    this.#onError = onError;
  }

  /**
   * A valid token, from the cache when it can; see {@link CachedTokenProvider}. Each call is published on
   * `authn-client:token:grant` ({@link DIAGNOSTICS_CHANNELS}) when someone listens.
   */
  authToken(): Promise<string> {
    const token = this.#cached();
    if (token !== undefined) {
      if (channels.tokenGrant.hasSubscribers) this.#published('hit', false, 0);
      return Promise.resolve(token.accessToken);
    }
    return this.#observed(this.#acquire(), false).then((fresh) => fresh.accessToken);
  }

  /** A valid token and its real expiry (epoch ms); see {@link CachedTokenProvider.authToken}. */
  getAccessToken(): Promise<AccessToken> {
    const cached = this.#cached();
    if (cached !== undefined && channels.tokenGrant.hasSubscribers) this.#published('hit', false, 0);
    const token = cached ?? this.#observed(this.#acquire(), false);
    return Promise.resolve(token).then(({ accessToken, expiresAt }) => ({ accessToken, expiresAt }));
  }

  /** `acquiring`, its end published on `authn-client:token:grant` when someone listens. */
  #observed<T>(acquiring: Promise<T>, background: boolean): Promise<T> {
    if (!channels.tokenGrant.hasSubscribers) return acquiring;
    const started = performance.now();
    return acquiring.then(
      (token) => {
        this.#published('miss', background, performance.now() - started);
        return token;
      },
      (failure: unknown) => {
        this.#published('miss', background, performance.now() - started, asAuthnError(failure, 'token grant'));
        throw failure;
      },
    );
  }

  #published(cache: 'hit' | 'miss', background: boolean, duration: number, error?: AuthnError): void {
    const endpoint = this.#source.endpoint;
    channels.tokenGrant.publish(
      error === undefined
        ? { endpoint, cache, background, duration }
        : { endpoint, cache, background, duration, error },
    );
  }

  /**
   * Forgets the cached token — only if it is `accessToken`, when given — here and in the store, so that the next
   * call gets another one (from the store if another process already renewed it, else from the token endpoint).
   * Call it when the API the token was sent to answers 401.
   */
  async invalidate(accessToken?: string): Promise<void> {
    const current = this.#current;
    const target = accessToken ?? current?.accessToken;
    if (accessToken === undefined || current?.accessToken === accessToken) {
      this.#current = undefined;
      this.#refreshAt = 0;
    }
    if (target !== undefined) this.#rejected = target;
    try {
      await this.#store.delete(this.#source.cacheKey, target);
    } catch (failure) {
      this.#report(asAuthnError(failure, 'token store delete'));
    }
  }

  /** The cached token when it is valid, starting a background renewal when it is due; else `undefined`. */
  #cached(): StoredToken | undefined {
    const token = this.#current;
    if (token === undefined) return undefined;
    const now = this.#clock();
    if (now >= token.expiresAt) return undefined;
    if (now >= this.#refreshAt && now >= this.#retryAt && !this.#renewing) this.#renewInBackground();
    return token;
  }

  #refreshAtOf(token: StoredToken): number {
    const lifetime = token.expiresAt - token.issuedAt;
    return token.expiresAt - Math.min(this.#skew, lifetime / 2);
  }

  #isFresh(token: Look): token is StoredToken {
    return (
      typeof token === 'object' && token.accessToken !== this.#rejected && this.#clock() < this.#refreshAtOf(token)
    );
  }

  #adopt(token: StoredToken): void {
    this.#current = token;
    this.#refreshAt = this.#refreshAtOf(token);
  }

  #report(error: AuthnError): void {
    try {
      this.#onError?.(error);
    } catch {
      // A throwing listener must not turn into an unhandled rejection.
    }
  }

  #backOff(): void {
    this.#failures += 1;
    const wait = Math.min(FIRST_BACKOFF * 2 ** (this.#failures - 1), MAX_BACKOFF);
    this.#retryAt = this.#clock() + wait * (0.8 + Math.random() * 0.4);
  }

  #renewInBackground(): void {
    this.#renewing = true;
    this.#observed(this.#renew(), true)
      .then(
        (token) => {
          this.#adopt(token);
          // A source that can only give the same old token (a JWT file not yet rotated) is asked again later.
          if (this.#isFresh(token)) {
            this.#failures = 0;
            this.#retryAt = 0;
          } else {
            this.#backOff();
          }
        },
        (failure: unknown) => {
          this.#backOff();
          this.#report(asAuthnError(failure, 'token refresh'));
        },
      )
      .finally(() => {
        this.#renewing = false;
      });
  }

  /** One lookup per provider for all its callers that have no valid token. */
  #acquire(): Promise<StoredToken> {
    this.#acquiring ??= this.#lookup().finally(() => {
      this.#acquiring = undefined;
    });
    return this.#acquiring;
  }

  async #lookup(): Promise<StoredToken> {
    const stored = await this.#storeGet();
    if (typeof stored === 'object' && stored.accessToken !== this.#rejected && this.#clock() < stored.expiresAt) {
      // Another process (or provider) holds a valid token: use it, and renew it in the background if it is due.
      this.#adopt(stored);
      this.#cached();
      return stored;
    }
    const token = await this.#renew(stored === STORE_FAILED ? 'direct' : 'looked');
    this.#adopt(token);
    this.#failures = 0;
    this.#retryAt = 0;
    return token;
  }

  /** One renewal per store and key in this process, whichever provider asks; `start` says how it begins. */
  #renew(start: RenewalStart = 'look'): Promise<StoredToken> {
    const key = this.#source.cacheKey;
    let perStore = flights.get(this.#store);
    if (perStore === undefined) {
      perStore = new Map();
      flights.set(this.#store, perStore);
    }
    let flight = perStore.get(key);
    if (flight === undefined) {
      const map = perStore;
      flight = this.#coordinate(start).finally(() => map.delete(key));
      perStore.set(key, flight);
    }
    return flight;
  }

  /**
   * Takes a fresh token from the store, or the store's lock and a grant, or waits for the lock's holder. Once a
   * store call has failed (a store that is down answers each call only at its deadline), the renewal does without
   * the store: it grants at once and does not store the token (availability wins over the grant quota).
   */
  async #coordinate(start: RenewalStart): Promise<StoredToken> {
    const store = this.#store;
    const key = this.#source.cacheKey;
    let stored: Look = start === 'look' ? await this.#storeGet() : undefined;
    if (start === 'direct' || stored === STORE_FAILED) return this.#grant(false);
    if (this.#isFresh(stored)) return stored;
    if (store.lock === undefined) return this.#grant(true);
    for (let polls = 0; ; polls++) {
      let lock;
      try {
        lock = await store.lock(key);
      } catch (failure) {
        this.#report(asAuthnError(failure, 'token store lock'));
        return this.#grant(false);
      }
      if (lock !== undefined) {
        try {
          // Someone may have stored a token between our look and our lock.
          stored = await this.#storeGet();
          if (this.#isFresh(stored)) return stored;
          return await this.#grant(stored !== STORE_FAILED);
        } finally {
          await lock.release().catch((failure: unknown) => this.#report(asAuthnError(failure, 'lock release')));
        }
      }
      // A holder that neither stores a token nor lets its lock expire is not waited for forever.
      if (polls >= MAX_POLLS) return this.#grant(true);
      await sleep(POLL_INTERVAL * (0.5 + Math.random()));
      stored = await this.#storeGet();
      if (stored === STORE_FAILED) return this.#grant(false);
      if (this.#isFresh(stored)) return stored;
    }
  }

  /**
   * Asks the source for a new token and, when `keep`, stores it with a time to live that ends before it
   * expires.
   */
  async #grant(keep: boolean): Promise<StoredToken> {
    let token: StoredToken;
    try {
      token = await this.#source.fetchToken();
    } catch (failure) {
      // Our sources reject only with the library's errors; a custom one might not.
      if (failure instanceof AuthnError) throw failure;
      const message = failure instanceof Error ? String(failure.message.split('\n')[0]) : 'unknown failure';
      throw new AuthnError(`token grant failed: ${message}`);
    }
    // A source that can only give the token we invalidated (a literal JWT) is believed.
    if (token.accessToken === this.#rejected) this.#rejected = undefined;
    const now = this.#clock();
    if (!(token.expiresAt > now)) {
      throw new TokenResponseError('the token endpoint returned a token that has already expired');
    }
    const lifetime = token.expiresAt - token.issuedAt;
    const ttl = token.expiresAt - now - Math.min(5000, lifetime / 10);
    if (keep && ttl > 0) {
      try {
        await this.#store.set(this.#source.cacheKey, token, ttl);
      } catch (failure) {
        this.#report(asAuthnError(failure, 'token store set'));
      }
    }
    return token;
  }

  /** Looks in the store; a failure is reported and gives {@link STORE_FAILED}. */
  async #storeGet(): Promise<Look> {
    try {
      return await this.#store.get(this.#source.cacheKey);
    } catch (failure) {
      this.#report(asAuthnError(failure, 'token store get'));
      return STORE_FAILED;
    }
  }
}
