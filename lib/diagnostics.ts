/**
 * Events on `node:diagnostics_channel`, for metrics and traces (OpenTelemetry or any other) without a dependency
 * of ours: JWKS fetches, refetches refused by the cooldown, stale keys served, token grants of the providers,
 * and verification failures. Each channel's name starts with `authn-client:`; each message type is an interface
 * below. Nothing is built or published while a channel has no subscriber. No message holds a token, a secret or
 * a key.
 *
 * @packageDocumentation
 */
import { channel } from 'node:diagnostics_channel';
import { AuthnError, TokenValidationError } from './errors.js';

/**
 * The names of the channels authn-client publishes on, all under the prefix `authn-client:`.
 *
 * @example
 * import { subscribe } from 'node:diagnostics_channel';
 * import { DIAGNOSTICS_CHANNELS, type JwksFetchMessage } from 'authn-client';
 *
 * subscribe(DIAGNOSTICS_CHANNELS.jwksFetch, (message) => {
 *   const { url, status, duration, keys } = message as JwksFetchMessage;
 *   console.log(`JWKS ${url}: ${status ?? 'no answer'} in ${duration.toFixed(1)} ms, ${keys} keys`);
 * });
 */
export const DIAGNOSTICS_CHANNELS = Object.freeze({
  /** A JWKS request ended, well or not: {@link JwksFetchMessage}. */
  jwksFetch: 'authn-client:jwks:fetch',
  /** A token named a `kid` the keys lack, and the refetch cooldown refused to fetch them again: {@link JwksCooldownMessage}. */
  jwksCooldown: 'authn-client:jwks:cooldown',
  /** A token was verified with keys past their TTL, as their refresh fails (stale-if-error): {@link JwksStaleMessage}. */
  jwksStale: 'authn-client:jwks:stale',
  /** A token provider handed out a token, from its cache or after a grant, or renewed one: {@link TokenGrantMessage}. */
  tokenGrant: 'authn-client:token:grant',
  /** A token verification failed: {@link VerificationFailureMessage}. */
  verificationFailure: 'authn-client:verification:failure',
});

/** What `authn-client:jwks:fetch` publishes when a JWKS request ends. */
export interface JwksFetchMessage {
  /** The JWKS URL. */
  readonly url: string;
  /** The HTTP status of the answer; `undefined` when none came (timeout, connection refused). */
  readonly status: number | undefined;
  /** Milliseconds from the request to the key set, or to the failure. */
  readonly duration: number;
  /** The usable keys of the set received; 0 when the fetch failed. */
  readonly keys: number;
  /** The entries of the set skipped as unusable (weak RSA, `use: enc`, …). */
  readonly unusable: number;
  /** Why the fetch failed (`NetworkError` or a subclass); absent when it succeeded. */
  readonly error?: AuthnError;
}

/** What `authn-client:jwks:cooldown` publishes when the refetch cooldown keeps an unknown `kid` from a fetch. */
export interface JwksCooldownMessage {
  /** The JWKS URL. */
  readonly url: string;
  /** The `kid` the token named (`undefined` for a token without one). */
  readonly kid: string | undefined;
  /** When a refetch is allowed again, epoch ms. */
  readonly retryAt: number;
}

/** What `authn-client:jwks:stale` publishes when keys past their TTL verify a token because refreshes fail. */
export interface JwksStaleMessage {
  /** The JWKS URL. */
  readonly url: string;
  /** Milliseconds since the keys in use were fetched. */
  readonly age: number;
  /** The failure of the last refresh. */
  readonly error: AuthnError;
}

/** What `authn-client:token:grant` publishes for each token a provider hands out, and for each renewal. */
export interface TokenGrantMessage {
  /** The token endpoint (or, before a discovery answered, the discovery URL); `undefined` for a source without one. */
  readonly endpoint: string | undefined;
  /**
   * `hit`: a valid token from the provider's cache, without waiting; `miss`: the caller waited, for a token from
   * the store or a grant (or, `background`, a renewal no caller waited for).
   */
  readonly cache: 'hit' | 'miss';
  /** True for a renewal ahead of expiry, in the background. */
  readonly background: boolean;
  /** Milliseconds the caller waited (0 for a hit), or the renewal took. */
  readonly duration: number;
  /** Why the call (or the renewal) failed; absent when it succeeded. */
  readonly error?: AuthnError;
}

/** What `authn-client:verification:failure` publishes when a token is refused or cannot be verified. */
export interface VerificationFailureMessage {
  /** The kind of token: `ID token`, `access token`, `logout token`, or `token` (a signature checked alone). */
  readonly kind: 'ID token' | 'access token' | 'logout token' | 'token';
  /** The error's stable code: which check failed (`ERR_TOKEN_EXPIRED`, …), or why no key could decide. */
  readonly code: string;
  /** The claim or header member at fault, when the failure names one (`exp`, `aud`, `kid`, …). */
  readonly claim?: string;
  /** The error the verifier rejected with; it never holds the token. */
  readonly error: AuthnError;
}

const jwksFetches = channel(DIAGNOSTICS_CHANNELS.jwksFetch);
const jwksCooldowns = channel(DIAGNOSTICS_CHANNELS.jwksCooldown);
const jwksStales = channel(DIAGNOSTICS_CHANNELS.jwksStale);
const tokenGrants = channel(DIAGNOSTICS_CHANNELS.tokenGrant);
const failures = channel(DIAGNOSTICS_CHANNELS.verificationFailure);

/**
 * The channels, for the library's own publishers: check `hasSubscribers` before building a message, so that
 * nobody pays for one when nobody listens.
 *
 * @example
 * if (channels.jwksStale.hasSubscribers) channels.jwksStale.publish({ url, age, error });
 */
export const channels = {
  jwksFetch: jwksFetches,
  jwksCooldown: jwksCooldowns,
  jwksStale: jwksStales,
  tokenGrant: tokenGrants,
} as const;

/**
 * Publishes a verification failure (when someone listens) and returns the error, for `throw` or a rejection.
 * Only the library's own errors are published: an issuer resolver's error is the application's.
 *
 * @example
 * return Promise.reject(verificationFailed('access token', error));
 */
export function verificationFailed(kind: VerificationFailureMessage['kind'], error: unknown): unknown {
  if (failures.hasSubscribers && error instanceof AuthnError) {
    const message: VerificationFailureMessage =
      error instanceof TokenValidationError && error.claim !== undefined
        ? { kind, code: error.code, claim: error.claim, error }
        : { kind, code: error.code, error };
    failures.publish(message);
  }
  return error;
}

/**
 * A rejection handler for the asynchronous end of a verification of `kind`: publishes the failure (when someone
 * listens) and rejects with it again.
 *
 * @example
 * const failed = rethrowFailure('ID token');
 * return pending.then(accept, failed);
 */
export function rethrowFailure(kind: VerificationFailureMessage['kind']): (error: unknown) => never {
  return (error) => {
    throw verificationFailed(kind, error);
  };
}
