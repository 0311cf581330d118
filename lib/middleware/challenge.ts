import type { ServerResponse } from 'node:http';
import {
  BearerError,
  ConfigurationError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidDpopProofError,
  InvalidTokenError,
  NetworkError,
  ServiceUnavailableError,
  StoreUnavailableError,
  TokenValidationError,
  UnauthorizedError,
} from '../errors.js';
import { DpopProofFailure } from './dpop.js';

/**
 * Characters allowed in a quoted `error_description`, `realm` or `scope` of a Bearer challenge (RFC 6750
 * §3: `%x20-21 / %x23-5B / %x5D-7E`): printable ASCII without `"` and `\`, so nothing needs escaping and no
 * value can break out of its quotes or forge a header.
 */
const SAFE = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** A scope token (RFC 6749 §3.3): printable ASCII without space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Whether `value` may appear inside the quotes of a challenge parameter as it is. */
export function isSafeParameter(value: string): boolean {
  return SAFE.test(value);
}

/**
 * Validates a text that goes into a challenge parameter or an error body, at configuration time.
 *
 * @throws {ConfigurationError} for a non-string, an empty string, or characters outside printable ASCII, `"`
 *   and `\` included.
 */
export function checkParameter(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '' || !SAFE.test(value)) {
    throw new ConfigurationError(
      `${option} must be a non-empty string of printable ASCII characters, without double quotes or backslashes`,
      option,
    );
  }
  return value;
}

/**
 * Validates scope names and splits space-separated ones: `['read:a write:a', 'admin']` → `['read:a',
 * 'write:a', 'admin']`.
 *
 * @throws {ConfigurationError} for no scope at all, or a scope with characters RFC 6749 §3.3 does not allow.
 */
export function checkScopes(scopes: ReadonlyArray<string | readonly string[]>, option: string): string[] {
  const list: string[] = [];
  for (const item of scopes.flat()) {
    if (typeof item !== 'string') throw new ConfigurationError(`${option} must be strings`, option);
    for (const scope of item.split(' ')) {
      if (scope === '') continue;
      if (!SCOPE_TOKEN.test(scope)) {
        throw new ConfigurationError(
          `${option}: ${JSON.stringify(scope)} is not a valid scope (RFC 6749 §3.3)`,
          option,
        );
      }
      if (!list.includes(scope)) list.push(scope);
    }
  }
  if (list.length === 0) throw new ConfigurationError(`${option} needs at least one scope`, option);
  return list;
}

/** The `error` and `error_description` parameters of a challenge, each when given. */
function errorParameters(error: string | undefined, description: string | undefined): string {
  return (
    (error === undefined ? '' : `, error="${error}"`) +
    (description === undefined ? '' : `, error_description="${description}"`)
  );
}

/** The value of a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3); every value is already safe. */
export function challenge(realm: string, error?: string, description?: string, scope?: string): string {
  const value = `Bearer realm="${realm}"${errorParameters(error, description)}`;
  return scope === undefined ? value : `${value}, scope="${scope}"`;
}

/**
 * The value of a `WWW-Authenticate: DPoP …` challenge (RFC 9449 §7.1): the accepted proof algorithms, and the
 * error when there is one; every value is already safe.
 */
export function dpopChallenge(algs: readonly string[], error?: string, description?: string): string {
  return `DPoP algs="${algs.join(' ')}"${errorParameters(error, description)}`;
}

/**
 * 401 without an error code: the request carries no credentials (RFC 6750 §3.1). With DPoP (`dpopAlgs`), the
 * DPoP challenge too, or alone when DPoP is `required`.
 */
export function unauthorized(realm: string, dpopAlgs?: readonly string[], dpopOnly = false): UnauthorizedError {
  const value =
    dpopAlgs === undefined
      ? challenge(realm)
      : dpopOnly
        ? dpopChallenge(dpopAlgs)
        : `${challenge(realm)}, ${dpopChallenge(dpopAlgs)}`;
  return new UnauthorizedError('authentication required', { headers: { 'WWW-Authenticate': value } });
}

/**
 * The answer to a token presented with the DPoP scheme that failed: a refused token becomes 401
 * `invalid_token` and a failed proof 401 `invalid_dpop_proof`, each with a DPoP challenge; a key source that is
 * down is the usual 503, and so is a replay store that is down (a proof not checked for replay is not accepted).
 */
export function toDpopError(error: unknown, realm: string, retryAfter: number, algs: readonly string[]): unknown {
  if (error instanceof StoreUnavailableError) {
    return unavailable(retryAfter, error, 'the DPoP proof cannot be checked now; the replay store is unavailable');
  }
  if (error instanceof DpopProofFailure) {
    return new InvalidDpopProofError(error.message, {
      cause: error,
      headers: { 'WWW-Authenticate': dpopChallenge(algs, 'invalid_dpop_proof', error.message) },
    });
  }
  const answer = toBearerError(error, realm, retryAfter);
  if (!(answer instanceof InvalidTokenError)) return answer;
  return new InvalidTokenError(answer.message, {
    cause: answer.cause,
    headers: { 'WWW-Authenticate': dpopChallenge(algs, 'invalid_token', answer.message) },
  });
}

/** 400 `invalid_request`: malformed credentials. */
export function invalidRequest(realm: string, description: string): InvalidRequestError {
  return new InvalidRequestError(description, {
    headers: { 'WWW-Authenticate': challenge(realm, 'invalid_request', description) },
  });
}

/** 401 `invalid_token`. */
export function invalidToken(realm: string, description: string, cause?: unknown): InvalidTokenError {
  return new InvalidTokenError(description, {
    cause,
    headers: { 'WWW-Authenticate': challenge(realm, 'invalid_token', description) },
  });
}

/**
 * 403 `insufficient_scope`; for a scope check, `scope` is the challenge's `scope` (the scopes needed) and
 * `lacked` the error's `scopes` (the ones the token lacks).
 */
export function insufficientScope(
  realm: string,
  description: string,
  scope?: readonly string[],
  lacked: readonly string[] | undefined = scope,
): InsufficientScopeError {
  return new InsufficientScopeError(description, {
    scopes: lacked === undefined ? undefined : [...lacked],
    headers: { 'WWW-Authenticate': challenge(realm, 'insufficient_scope', description, scope?.join(' ')) },
  });
}

/**
 * 503 with `Retry-After`: the key source (or, with `description` saying so, another source the check needs) is
 * down and nothing cached could decide. The delay is the seconds until the source is tried again when the error
 * says (`NetworkError.retryAt`, at least 1), else `retryAfter`.
 */
export function unavailable(
  retryAfter: number,
  cause?: unknown,
  description = 'the token cannot be verified now; the key source is unavailable',
): ServiceUnavailableError {
  const retryAt = cause instanceof NetworkError ? cause.retryAt : undefined;
  const seconds = retryAt === undefined ? retryAfter : Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
  return new ServiceUnavailableError(description, {
    cause,
    headers: { 'Retry-After': String(seconds) },
  });
}

const MALFORMED = 'the token is malformed';
const NO_KEY = 'no key of the token issuer may verify it';

/** Short, fixed descriptions of the verifier's failure codes: never a value taken from the token. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  ERR_TOKEN_MISSING: MALFORMED,
  ERR_TOKEN_MALFORMED: MALFORMED,
  ERR_TOKEN_TOO_LARGE: 'the token is too large',
  ERR_TOKEN_KID_INVALID: MALFORMED,
  ERR_TOKEN_HEADER_UNSUPPORTED: MALFORMED,
  ERR_TOKEN_CRIT_UNSUPPORTED: MALFORMED,
  ERR_TOKEN_TYP_INVALID: 'the token type is not accepted',
  ERR_TOKEN_ALG_NOT_ALLOWED: 'the token signing algorithm is not accepted',
  ERR_TOKEN_SIGNATURE_INVALID: 'the token signature is invalid',
  ERR_JWKS: NO_KEY,
  ERR_JWKS_KEY_NOT_FOUND: 'no key of the token issuer has its key ID',
  ERR_JWKS_KEY_UNUSABLE: NO_KEY,
  ERR_JWKS_KEY_MISMATCH: NO_KEY,
  ERR_JWKS_AMBIGUOUS: NO_KEY,
  ERR_TOKEN_ISS_MISSING: 'the token has no issuer',
  ERR_TOKEN_ISS_MISMATCH: 'the token issuer is not trusted',
  ERR_TOKEN_AUD_MISSING: 'the token has no audience',
  ERR_TOKEN_AUD_MISMATCH: 'the token is meant for another audience',
  ERR_TOKEN_AUD_UNTRUSTED: 'the token is also meant for an untrusted audience',
  ERR_TOKEN_EXP_MISSING: 'the token has no expiry',
  ERR_TOKEN_EXPIRED: 'the token has expired',
  ERR_TOKEN_NOT_YET_VALID: 'the token is not valid yet',
  ERR_TOKEN_IAT_FUTURE: 'the token is issued in the future',
  ERR_TOKEN_IAT_MISSING: 'the token has no issue time',
  ERR_TOKEN_TOO_OLD: 'the token was issued too long ago',
};

/** The `error_description` of a token the verifier refused. */
export function describeRejection(error: TokenValidationError): string {
  const known = DESCRIPTIONS[error.code];
  if (known !== undefined) return known;
  const claim = error.claim;
  return claim !== undefined && SCOPE_TOKEN.test(claim)
    ? `the token ${claim} claim is invalid`
    : 'the token is invalid';
}

/**
 * Maps a verification failure to the answer of RFC 6750 §3: a refused token ({@link TokenValidationError},
 * key errors included) to 401 `invalid_token`; a key source that is down ({@link NetworkError}, timeouts
 * included) to 503 with `Retry-After`. A {@link BearerError} is returned as it is; anything else (a
 * `ConfigurationError`, an issuer resolver's own error) too, for the application's error handler (500).
 *
 * @example
 * verifier.verifyComplete(token).catch((err) => next(toBearerError(err, 'api', 5)));
 */
export function toBearerError(error: unknown, realm: string, retryAfter: number): unknown {
  if (error instanceof BearerError) return error;
  if (error instanceof TokenValidationError) return invalidToken(realm, describeRejection(error), error);
  if (error instanceof NetworkError) return unavailable(retryAfter, error);
  return error;
}

/** The JSON body of a {@link BearerError} answer. */
export interface AuthErrorBody {
  /** The RFC 6750 code, `unauthorized` when no credentials came, `temporarily_unavailable` for a 503. */
  error: string;
  /** The short description, also the error's `message`. Never holds the token. */
  error_description: string;
}

/**
 * The body the default error handlers send: `{ error, error_description }`, never the token, never a stack.
 *
 * @example
 * authErrorBody(err); // { error: 'invalid_token', error_description: 'the token has expired' }
 */
export function authErrorBody(error: BearerError): AuthErrorBody {
  const code = error.error ?? (error.status === 503 ? 'temporarily_unavailable' : 'unauthorized');
  return { error: code, error_description: error.message };
}

/**
 * Writes a {@link BearerError} answer on a `node:http` response (Express's included): its status, its headers
 * (`WWW-Authenticate`, `Retry-After`), `Cache-Control: no-store`, and the JSON {@link authErrorBody}. When the
 * headers are already sent, it only ends the response.
 *
 * @example
 * http.createServer((req, res) => {
 *   authenticator.authenticate(req).then(
 *     (auth) => res.end(`hello ${auth?.payload.sub}`),
 *     (err) => (err instanceof BearerError ? writeAuthError(res, err) : res.writeHead(500).end()),
 *   );
 * });
 */
export function writeAuthError(res: ServerResponse, error: BearerError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(authErrorBody(error));
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
