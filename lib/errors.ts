/**
 * The whole error hierarchy of authn-client. Every error the library throws or rejects with is one of these
 * classes; each carries a stable string `code` (on the class and on the instance) and a `name` equal to its
 * class name. No error ever stores a secret (client secret, assertion, password, OTP, recovery code, refresh
 * token or HMAC key), a request body, or a raw axios / crypto error.
 *
 * ```text
 * AuthnError                         ERR_AUTHN
 * ├─ ConfigurationError              ERR_CONFIGURATION          invalid options, before any request
 * ├─ Auth0Error                      ERR_AUTH_API               the server answered with an HTTP error
 * │  └─ RateLimitError               ERR_RATE_LIMITED           429, or an OAuth `slow_down`
 * ├─ NetworkError                    ERR_NETWORK                no usable answer: refused, reset, DNS…
 * │  ├─ TimeoutError                 ERR_TIMEOUT                no answer within the timeout
 * │  ├─ KeySourceUnavailableError    ERR_KEY_SOURCE_UNAVAILABLE a JWKS/discovery document that is down or unusable
 * │  └─ StoreUnavailableError        ERR_STORE_UNAVAILABLE      a shared store (Redis) failed or did not answer in time
 * ├─ AuthorizationExpiredError       ERR_AUTHORIZATION_EXPIRED  a CIBA request expired before the user approved it
 * ├─ TokenValidationError            ERR_TOKEN_INVALID          the token is not acceptable (per-check `code`)
 * │  └─ JwksError                    ERR_JWKS                   no usable key for this token (weak, wrong type)
 * │     └─ KeyNotFoundError          ERR_JWKS_KEY_NOT_FOUND     no key with the token's `kid`
 * ├─ BearerError                     ERR_BEARER                 RFC 6750 answers of the API middleware
 * │  ├─ UnauthorizedError            ERR_BEARER_UNAUTHORIZED    401, no credentials
 * │  ├─ InvalidRequestError          ERR_BEARER_INVALID_REQUEST 400
 * │  ├─ InvalidTokenError            ERR_BEARER_INVALID_TOKEN   401
 * │  ├─ InsufficientScopeError       ERR_BEARER_INSUFFICIENT_SCOPE 403
 * │  └─ ServiceUnavailableError      ERR_BEARER_UNAVAILABLE     503, the key source is down
 * ├─ TokenResponseError              ERR_TOKEN_RESPONSE         a 2xx token response without a usable token
 * └─ LoginError                      ERR_LOGIN                  a login could not be finished (per-check `ERR_LOGIN_*`)
 * ```
 *
 * @packageDocumentation
 */

/** Options accepted by every error constructor. */
export interface AuthnErrorOptions {
  /** The underlying failure, already stripped of anything secret. */
  cause?: unknown;
}

/**
 * The base class of every error thrown by authn-client.
 *
 * @example
 * try {
 *   await getToken.clientCredentials({ audience });
 * } catch (err) {
 *   if (err instanceof AuthnError) console.error(err.code, err.message);
 * }
 */
export class AuthnError extends Error {
  /** The stable code of this class of error. */
  static readonly code: string = 'ERR_AUTHN';
  /** The stable code of this error; `switch` on it rather than on the message. */
  readonly code: string = (this.constructor as typeof AuthnError).code;

  constructor(message: string, options?: AuthnErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Invalid options: a missing `domain` or `clientId`, an HMAC secret that is too short, a leeway that is not a
 * number… Always thrown (or rejected) before any request is sent.
 *
 * @example
 * new GetToken({ domain: '', clientId: 'abc' }); // throws ConfigurationError
 */
export class ConfigurationError extends AuthnError {
  static override readonly code: string = 'ERR_CONFIGURATION';
  /** The option at fault, when there is one. */
  declare readonly option?: string;

  constructor(message: string, option?: string) {
    super(message);
    if (option !== undefined) this.option = option;
  }
}

/** The fields of an {@link Auth0Error}. */
export interface Auth0ErrorDetails {
  /** HTTP status of the response. */
  statusCode: number;
  /** The server's error code (`error`, `errorCode` or `code` of the body), or `a0.sdk.internal.unknown`. */
  errorCode: string;
  /** The parsed body: a JSON value, or the response text. */
  content?: unknown;
  /** The response headers, lower-cased. */
  headers?: Record<string, string>;
}

/**
 * The Authentication API (or the OpenID Provider) answered with an HTTP error. `message` is the server's
 * `error_description`, else `message`, `description`, `error`, else the response text.
 *
 * @example
 * try {
 *   await getToken.login({ username, password });
 * } catch (err) {
 *   if (err instanceof Auth0Error && err.errorCode === 'mfa_required') challenge(err.mfaToken);
 * }
 */
export class Auth0Error extends AuthnError {
  static override readonly code: string = 'ERR_AUTH_API';
  /** HTTP status of the response. */
  readonly statusCode: number;
  /** The server's error code, e.g. `invalid_grant`, `mfa_required`, `invalid_signup`. */
  readonly errorCode: string;
  /** The parsed response body (for an `mfa_required` error it holds the `mfa_token`). */
  declare readonly content?: unknown;
  /** The response headers, lower-cased. */
  declare readonly headers?: Record<string, string>;

  constructor(message: string, details: Auth0ErrorDetails) {
    super(message);
    this.statusCode = details.statusCode;
    this.errorCode = details.errorCode;
    if (details.content !== undefined) this.content = details.content;
    if (details.headers !== undefined) this.headers = details.headers;
  }

  /** The `mfa_token` of an `mfa_required` error, to pass to the MFA API. */
  get mfaToken(): string | undefined {
    const content = this.content as { mfa_token?: unknown } | undefined;
    return typeof content?.mfa_token === 'string' ? content.mfa_token : undefined;
  }
}

/** The fields of a {@link RateLimitError}. */
export interface RateLimitDetails extends Auth0ErrorDetails {
  /** Epoch seconds at which the limit resets (`x-ratelimit-reset`), when the server said. */
  resetAt?: number;
  /** Seconds to wait before trying again (`Retry-After`), when the server said. */
  retryAfter?: number;
}

/**
 * The server refused the request for its rate (HTTP 429), or asked a CIBA poller to `slow_down`.
 *
 * @example
 * catch (err) {
 *   if (err instanceof RateLimitError) setTimeout(retry, (err.retryAfter ?? 1) * 1000);
 * }
 */
export class RateLimitError extends Auth0Error {
  static override readonly code: string = 'ERR_RATE_LIMITED';
  /** Epoch seconds from `x-ratelimit-reset`, or `undefined` when the header was absent. */
  declare readonly resetAt?: number;
  /** Seconds from `Retry-After` (delta or HTTP date), or `undefined` when the header was absent. */
  declare readonly retryAfter?: number;

  constructor(message: string, details: RateLimitDetails) {
    super(message, details);
    if (details.resetAt !== undefined) this.resetAt = details.resetAt;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
  }
}

/**
 * The request did not get a usable answer: connection refused or reset, DNS failure, TLS failure, a redirect
 * to another origin. The request may or may not have reached the server.
 *
 * @example
 * catch (err) {
 *   if (err instanceof NetworkError) res.status(503).end();
 * }
 */
export class NetworkError extends AuthnError {
  static override readonly code: string = 'ERR_NETWORK';
  /**
   * Epoch ms at which the failing source will be tried again, when the thrower backs off: a `JwksFetcher` sets it
   * on the error of a failed fetch, and the API middleware turns it into the `Retry-After` of its 503.
   */
  retryAt?: number;
}

/** No answer arrived within the configured `timeout`. */
export class TimeoutError extends NetworkError {
  static override readonly code: string = 'ERR_TIMEOUT';
}

/**
 * A JWKS or discovery document could not be had: HTTP 5xx, an HTML page, invalid JSON, a key set that is not a
 * key set. The token may be fine; API middleware answers 503, not 401.
 */
export class KeySourceUnavailableError extends NetworkError {
  static override readonly code: string = 'ERR_KEY_SOURCE_UNAVAILABLE';
}

/**
 * A shared store (a Redis token, transaction, session or replay store) failed a command or did not answer within
 * its `storeTimeout`. What the caller does then is documented by each user of a store: a token provider asks the
 * token endpoint itself, for instance.
 *
 * @example
 * const provider = new ClientCredentialsProvider({ ...options, store, onError: (err) => {
 *   if (err instanceof StoreUnavailableError) metrics.increment('redis.unavailable');
 * } });
 */
export class StoreUnavailableError extends NetworkError {
  static override readonly code: string = 'ERR_STORE_UNAVAILABLE';
}

/**
 * A back-channel (CIBA) authentication request reached the `expires_in` the server gave before the user approved
 * it: `GetToken.pollBackchannelLogin` stops there instead of polling in vain. `errorCode` is `expired_token`, as
 * on the `Auth0Error` the server answers with when it notices first, so one check covers both.
 *
 * @example
 * try {
 *   await getToken.pollBackchannelLogin({ authReqId, interval, expiresIn });
 * } catch (err) {
 *   if (err instanceof AuthorizationExpiredError) console.warn('the user did not answer in time');
 * }
 */
export class AuthorizationExpiredError extends AuthnError {
  static override readonly code: string = 'ERR_AUTHORIZATION_EXPIRED';
  /** `expired_token`, the OAuth error code of the same condition (OpenID CIBA Core §11). */
  readonly errorCode: string = 'expired_token';
}

/**
 * A token was not accepted. The class `code` is `ERR_TOKEN_INVALID`; the instance `code` names the check that
 * failed (e.g. `ERR_TOKEN_ISS_MISMATCH`, `ERR_TOKEN_EXPIRED`) and `claim` the claim or header it was about.
 *
 * @example
 * try {
 *   await verifier.verify(idToken, { nonce });
 * } catch (err) {
 *   if (err instanceof TokenValidationError) console.warn('rejected:', err.code);
 * }
 */
export class TokenValidationError extends AuthnError {
  static override readonly code: string = 'ERR_TOKEN_INVALID';
  /** The name of the check that failed, e.g. `ERR_TOKEN_EXPIRED`; the class code when none was given. */
  declare readonly code: string;
  /** The claim or header parameter the failed check was about, e.g. `iss`, `aud`, `exp`, `alg`, `kid`. */
  declare readonly claim?: string;

  constructor(message: string, code?: string, claim?: string) {
    super(message);
    if (code !== undefined) this.code = code;
    if (claim !== undefined) this.claim = claim;
  }
}

/** The key set holds no key that may verify this token: the matching key is too weak or of the wrong type. */
export class JwksError extends TokenValidationError {
  static override readonly code: string = 'ERR_JWKS';
}

/** No usable key carries the token's `kid`, even after the refetch the cooldown allows. */
export class KeyNotFoundError extends JwksError {
  static override readonly code: string = 'ERR_JWKS_KEY_NOT_FOUND';
}

/** The fields of a {@link BearerError}. */
export interface BearerErrorDetails extends AuthnErrorOptions {
  /** Scopes the request lacked (for `insufficient_scope`). */
  scopes?: string[];
  /** Extra headers of the response, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/**
 * An RFC 6750 answer of the API middleware: `status` and `headers` (with a ready `WWW-Authenticate`) are set,
 * so an application error handler can shape the body. Messages never contain the token.
 */
export class BearerError extends AuthnError {
  static override readonly code: string = 'ERR_BEARER';
  /** The HTTP status to answer with. */
  readonly status: number = 401;
  /** The RFC 6750 error code (`invalid_request`, `invalid_token`, `insufficient_scope`), if any. */
  declare readonly error?: string;
  /** The headers to send, including `WWW-Authenticate`. */
  readonly headers: Record<string, string>;
  /** Scopes the request lacked (for `insufficient_scope`). */
  declare readonly scopes?: string[];

  constructor(message: string, details: BearerErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.headers = { ...details.headers };
    if (details.scopes !== undefined) this.scopes = details.scopes;
  }

  /** Same as `status`, for frameworks that read `statusCode`. */
  get statusCode(): number {
    return this.status;
  }

  /**
   * Whether the message may be shown to the client, as http-errors and Koa's default error handler read it:
   * `true` below 500 (the message is the short, fixed `error_description` the challenge already carries),
   * `false` for a 503, whose message concerns the server.
   */
  get expose(): boolean {
    return this.status < 500;
  }
}

/** 401: the request carried no credentials. */
export class UnauthorizedError extends BearerError {
  static override readonly code: string = 'ERR_BEARER_UNAUTHORIZED';
}

/** 400 `invalid_request`: a malformed `Authorization` header, or a token sent in more than one place. */
export class InvalidRequestError extends BearerError {
  static override readonly code: string = 'ERR_BEARER_INVALID_REQUEST';
  override readonly status: number = 400;
  override readonly error: string = 'invalid_request';
}

/** 401 `invalid_token`: the token is expired, forged, misdirected or malformed. */
export class InvalidTokenError extends BearerError {
  static override readonly code: string = 'ERR_BEARER_INVALID_TOKEN';
  override readonly error: string = 'invalid_token';
}

/**
 * 401 `invalid_dpop_proof` (RFC 9449 §7.1): a DPoP-bound token came with a proof that fails a check (signature,
 * method, URL, age, replay, access-token hash), or that another key signed.
 */
export class InvalidDpopProofError extends BearerError {
  static override readonly code: string = 'ERR_BEARER_INVALID_DPOP_PROOF';
  override readonly error: string = 'invalid_dpop_proof';
}

/** 403 `insufficient_scope`: the token is valid but lacks a required scope or claim. */
export class InsufficientScopeError extends BearerError {
  static override readonly code: string = 'ERR_BEARER_INSUFFICIENT_SCOPE';
  override readonly status: number = 403;
  override readonly error: string = 'insufficient_scope';
}

/** 503: the key source is down and no cached key can verify the token; try again after `Retry-After`. */
export class ServiceUnavailableError extends BearerError {
  static override readonly code: string = 'ERR_BEARER_UNAVAILABLE';
  override readonly status: number = 503;
}

/**
 * The token endpoint answered 2xx, but not with a usable token: no `access_token` (or, for Google, no
 * `id_token`), an `expires_in` that is not a positive number, or an `id_token` whose `exp` cannot be read.
 * The message names the member at fault and never quotes a token.
 *
 * @example
 * try {
 *   await provider.authToken();
 * } catch (err) {
 *   if (err instanceof TokenResponseError) console.error('the token endpoint misbehaves:', err.message);
 * }
 */
export class TokenResponseError extends AuthnError {
  static override readonly code: string = 'ERR_TOKEN_RESPONSE';
}

/**
 * Why a login could not be finished: the `code` of a {@link LoginError}. Each is stable; the HTTP status an
 * application should answer with is the error's `status`.
 *
 * | Code | Status | When |
 * | --- | --- | --- |
 * | `ERR_LOGIN_PROVIDER_ERROR` | 400 | the provider answered with an `error` (`access_denied`, `login_required`…) |
 * | `ERR_LOGIN_STATE_MISSING` | 400 | the response carries no `state` |
 * | `ERR_LOGIN_TRANSACTION_MISSING` | 400 | the browser sent no transaction (cookie lost, other browser) |
 * | `ERR_LOGIN_STATE_MISMATCH` | 400 | no transaction the browser sent is for this `state` (forged or foreign) |
 * | `ERR_LOGIN_TRANSACTION_INVALID` | 400 | a transaction was tampered with, sealed with an unknown secret, or for another client |
 * | `ERR_LOGIN_TRANSACTION_EXPIRED` | 400 | the transaction's lifetime has passed |
 * | `ERR_LOGIN_TRANSACTION_REPLAYED` | 400 | the transaction store has seen this transaction used before |
 * | `ERR_LOGIN_ISS_MISSING` | 400 | no `iss` parameter though the provider promises one (RFC 9207) |
 * | `ERR_LOGIN_ISS_MISMATCH` | 400 | the `iss` parameter names another issuer (RFC 9207: a mix-up) |
 * | `ERR_LOGIN_RESPONSE_INVALID` | 400 | a parameter the response type needs is missing, repeated, or in the wrong place |
 * | `ERR_LOGIN_TOKEN_REQUEST` | 400 | the token endpoint refused the code (`invalid_grant`…) |
 * | `ERR_LOGIN_ID_TOKEN_INVALID` | 400 | the ID token failed a check (the cause is the `TokenValidationError`) |
 * | `ERR_LOGIN_TOKEN_RESPONSE` | 502 | the token endpoint answered without an ID token, or with an unknown token type |
 * | `ERR_LOGIN_USERINFO` | 502 | the UserInfo endpoint refused the access token, or answered about another `sub` |
 * | `ERR_LOGIN_PROVIDER_UNAVAILABLE` | 503 | the token, key set or UserInfo endpoint could not be reached |
 * | `ERR_LOGIN_STORE_UNAVAILABLE` | 503 | the transaction store failed, so single use could not be checked |
 */
export type LoginErrorCode =
  | 'ERR_LOGIN_PROVIDER_ERROR'
  | 'ERR_LOGIN_STATE_MISSING'
  | 'ERR_LOGIN_TRANSACTION_MISSING'
  | 'ERR_LOGIN_STATE_MISMATCH'
  | 'ERR_LOGIN_TRANSACTION_INVALID'
  | 'ERR_LOGIN_TRANSACTION_EXPIRED'
  | 'ERR_LOGIN_TRANSACTION_REPLAYED'
  | 'ERR_LOGIN_ISS_MISSING'
  | 'ERR_LOGIN_ISS_MISMATCH'
  | 'ERR_LOGIN_RESPONSE_INVALID'
  | 'ERR_LOGIN_TOKEN_REQUEST'
  | 'ERR_LOGIN_ID_TOKEN_INVALID'
  | 'ERR_LOGIN_TOKEN_RESPONSE'
  | 'ERR_LOGIN_USERINFO'
  | 'ERR_LOGIN_PROVIDER_UNAVAILABLE'
  | 'ERR_LOGIN_STORE_UNAVAILABLE';

const LOGIN_ERROR_STATUS: Partial<Record<LoginErrorCode, number>> = {
  ERR_LOGIN_TOKEN_RESPONSE: 502,
  ERR_LOGIN_USERINFO: 502,
  ERR_LOGIN_PROVIDER_UNAVAILABLE: 503,
  ERR_LOGIN_STORE_UNAVAILABLE: 503,
};

/** The fields of a {@link LoginError}. */
export interface LoginErrorDetails extends AuthnErrorOptions {
  /** The OAuth error code the provider answered with (`access_denied`, `login_required`, `invalid_grant`…). */
  error?: string;
  /** The provider's human-readable explanation of `error`. */
  errorDescription?: string;
  /** The name of the login transaction (its cookie) the response was for, when the response named one. */
  transaction?: string;
}

/**
 * A login could not be finished (`OidcClient.finishLogin`). The class `code` is `ERR_LOGIN`; the instance
 * `code` says why ({@link LoginErrorCode}), `status` the HTTP status to answer the browser with, and `error` /
 * `errorDescription` carry the provider's own words when it sent any. `transaction` names the transaction
 * cookie the response was for, so that a callback can clear it. Messages never quote a token, a code or a
 * transaction value.
 *
 * @example
 * try {
 *   const { claims } = await client.finishLogin(callbackUrl, transactionCookies);
 * } catch (err) {
 *   if (err instanceof LoginError && err.error === 'login_required') return redirectToLogin();
 *   if (err instanceof LoginError) return res.status(err.status).send(err.code);
 *   throw err;
 * }
 */
export class LoginError extends AuthnError {
  static override readonly code: string = 'ERR_LOGIN';
  /** Why the login failed. */
  declare readonly code: LoginErrorCode;
  /** The HTTP status to answer with: 400 for a bad or refused response, 502 / 503 when the provider or store failed. */
  readonly status: number;
  /** The provider's OAuth error code, when it sent one. */
  declare readonly error?: string;
  /** The provider's explanation of `error`, when it sent one. */
  declare readonly errorDescription?: string;
  /** The name of the transaction cookie the response was for, when known. */
  declare readonly transaction?: string;

  constructor(message: string, code: LoginErrorCode, details: LoginErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = LOGIN_ERROR_STATUS[code] ?? 400;
    if (details.error !== undefined) this.error = details.error;
    if (details.errorDescription !== undefined) this.errorDescription = details.errorDescription;
    if (details.transaction !== undefined) this.transaction = details.transaction;
  }
}
