import { ConfigurationError } from '../errors.js';
import { invalid, quote, type TokenKind } from './failure.js';
import type { JwtPayload } from './jwt.js';

/** The claims of an OpenID Connect ID token, as {@link TokenVerifier} resolves them (all checked). */
export interface IdTokenClaims extends JwtPayload {
  /** Issuer: equal to the configured issuer. */
  iss: string;
  /** Subject: a non-empty string. */
  sub: string;
  /** Audience: the client id, or a list holding it. */
  aud: string | string[];
  /** Expiry, epoch seconds. */
  exp: number;
  /** Issue time, epoch seconds. */
  iat: number;
  /** Not-before time, epoch seconds. */
  nbf?: number;
  /** Authorized party: the client id when present. */
  azp?: string;
  /** The nonce of the authentication request. */
  nonce?: string;
  /** Time of the end-user authentication, epoch seconds. */
  auth_time?: number;
  /** Half hash of the access token issued with this ID token. */
  at_hash?: string;
  /** Half hash of the authorization code issued with this ID token. */
  c_hash?: string;
  /** Auth0 Organizations: the organization id (`org_…`). */
  org_id?: string;
  /** Auth0 Organizations: the organization name. */
  org_name?: string;
}

/** The claims of a JWT access token (RFC 9068, and Auth0's shape), as {@link AccessTokenVerifier} resolves them. */
export interface AccessTokenClaims extends JwtPayload {
  /** Issuer: one of the configured issuers. */
  iss: string;
  /** Audience: one of the configured audiences, or a list holding one. */
  aud: string | string[];
  /** Expiry, epoch seconds. */
  exp: number;
  /** Subject: the user, or `<client_id>@clients` for an Auth0 M2M token. */
  sub?: string;
  /** Issue time, epoch seconds. */
  iat?: number;
  /** Not-before time, epoch seconds. */
  nbf?: number;
  /** Space-separated scopes. */
  scope?: string;
  /** Auth0 RBAC permissions. */
  permissions?: string[];
  /** The client the token was issued to (Auth0). */
  azp?: string;
  /** The client the token was issued to (RFC 9068). */
  client_id?: string;
  /** Token id. */
  jti?: string;
}

/** Default of the `leeway` options, in seconds. */
export const DEFAULT_LEEWAY = 60;

/** Largest `leeway` accepted, in seconds. */
export const MAX_LEEWAY = 300;

/** The clock of a verifier: epoch seconds, fractions allowed. */
export type Clock = () => number;

/** The real clock, in epoch seconds. */
export const systemClock: Clock = () => Date.now() / 1000;

/**
 * Validates a `leeway` option: a finite number of seconds from 0 to 300 (a string such as `"60"` is refused,
 * since it would silently turn expiry checks off).
 *
 * @throws {ConfigurationError} otherwise.
 */
export function checkLeeway(value: unknown): number {
  if (value === undefined) return DEFAULT_LEEWAY;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_LEEWAY) {
    throw new ConfigurationError(`leeway must be a finite number of seconds from 0 to ${MAX_LEEWAY}`, 'leeway');
  }
  return value;
}

/**
 * Validates a `clock` option and returns it wrapped so that each reading is checked: a clock that returns
 * anything but a finite number (`NaN`, `undefined`, a string, a `Date`) would make every time comparison false
 * or meaningless, and expired tokens would pass.
 *
 * @throws {ConfigurationError} when it is not a function; the returned clock throws one when a reading is not
 *   a finite number.
 */
export function checkClock(value: unknown): Clock {
  if (value === undefined) return systemClock;
  if (typeof value !== 'function') throw new ConfigurationError('clock must be a function', 'clock');
  const clock = value as () => unknown;
  return () => {
    const now = clock();
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      throw new ConfigurationError('clock must return a finite number of epoch seconds', 'clock');
    }
    return now;
  };
}

/**
 * Validates a required text option (`issuer`, `audience`): a non-empty string.
 *
 * @throws {ConfigurationError} otherwise.
 */
export function checkText(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${option} is required and must be a non-empty string`, option);
  }
  return value;
}

/**
 * Validates a boolean option: `fallback` when absent.
 *
 * @throws {ConfigurationError} for anything but a boolean (a string such as `"true"` included).
 */
export function checkFlag(value: unknown, option: string, fallback = false): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigurationError(`${option} must be a boolean`, option);
  return value;
}

/**
 * Validates a `maxTokenAge` option: a positive finite number of seconds, or absent (no maximum age).
 *
 * @throws {ConfigurationError} otherwise (a string such as `"3600"` included).
 */
export function checkMaxTokenAge(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError('maxTokenAge must be a positive finite number of seconds', 'maxTokenAge');
  }
  return value;
}

/**
 * Validates an optional list of texts (`trustedAudiences`): absent, or an array of non-empty strings (possibly
 * empty). Returns a frozen copy.
 *
 * @throws {ConfigurationError} otherwise (a single string included).
 */
export function checkTextList(value: unknown, option: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
    throw new ConfigurationError(`${option} must be a list of non-empty strings`, option);
  }
  return Object.freeze([...(value as string[])]);
}

/** Validates a positive-integer option (`maxTokenLength`). @throws {ConfigurationError} otherwise. */
export function checkLength(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new ConfigurationError(`${option} must be a positive integer`, option);
  }
  return value as number;
}

/** A NumericDate: a finite number (fractions allowed, RFC 7519 §2). */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Checks `iss`: a string present, then in `issuers` (exact). */
export function checkIssuer(payload: JwtPayload, issuers: readonly string[], kind: TokenKind): string {
  const { iss } = payload;
  if (typeof iss !== 'string') {
    throw invalid(`Issuer (iss) claim must be a string present in the ${kind}`, 'ERR_TOKEN_ISS_MISSING', 'iss');
  }
  if (!issuers.includes(iss)) {
    throw invalid(
      `Issuer (iss) claim mismatch in the ${kind}; expected ${expected(issuers)}, found ${quote(iss)}`,
      'ERR_TOKEN_ISS_MISMATCH',
      'iss',
    );
  }
  return iss;
}

/** Checks `aud`: a string or an array of strings, holding one of `audiences` (exact). */
export function checkAudience(payload: JwtPayload, audiences: readonly string[], kind: TokenKind): void {
  const { aud } = payload;
  if (Array.isArray(aud)) {
    if (!aud.every((item) => typeof item === 'string')) audienceMissing(kind);
    if (!aud.some((item: string) => audiences.includes(item))) {
      throw invalid(
        `Audience (aud) claim mismatch in the ${kind}; expected ${expected(audiences)} but was not one of ${quote(aud.join(', '))}`,
        'ERR_TOKEN_AUD_MISMATCH',
        'aud',
      );
    }
  } else if (typeof aud === 'string') {
    if (!audiences.includes(aud)) {
      throw invalid(
        `Audience (aud) claim mismatch in the ${kind}; expected ${expected(audiences)} but found ${quote(aud)}`,
        'ERR_TOKEN_AUD_MISMATCH',
        'aud',
      );
    }
  } else {
    audienceMissing(kind);
  }
}

/**
 * Checks that every value of `aud` is trusted (OIDC Core §3.1.3.7 step 3: "additional audiences not trusted by
 * the Client"); `trusted` holds the client id and the configured trusted audiences. Runs after
 * {@link checkAudience}, which checked the shape.
 */
export function checkTrustedAudiences(payload: JwtPayload, trusted: readonly string[], kind: TokenKind): void {
  const { aud } = payload;
  for (const item of Array.isArray(aud) ? (aud as unknown[]) : [aud]) {
    if (typeof item !== 'string' || !trusted.includes(item)) {
      throw invalid(
        `Audience (aud) claim holds an untrusted audience in the ${kind}; ${quote(item)} is neither the client id nor a trusted audience`,
        'ERR_TOKEN_AUD_UNTRUSTED',
        'aud',
      );
    }
  }
}

function audienceMissing(kind: TokenKind): never {
  throw invalid(
    `Audience (aud) claim must be a string or array of strings present in the ${kind}`,
    'ERR_TOKEN_AUD_MISSING',
    'aud',
  );
}

function expected(values: readonly string[]): string {
  return values.length === 1 ? quote(values[0]) : `one of ${values.map((value) => quote(value)).join(', ')}`;
}

/** Checks `exp`: a NumericDate present, and `now < exp + leeway` (equality rejects). */
export function checkExpiry(payload: JwtPayload, now: number, leeway: number, kind: TokenKind): number {
  const { exp } = payload;
  if (!isNumericDate(exp)) {
    throw invalid(
      `Expiration Time (exp) claim must be a number present in the ${kind}`,
      'ERR_TOKEN_EXP_MISSING',
      'exp',
    );
  }
  if (now >= exp + leeway) {
    throw invalid(
      `Expiration Time (exp) claim error in the ${kind}; current time (${now}) is after expiration time (${exp + leeway})`,
      'ERR_TOKEN_EXPIRED',
      'exp',
    );
  }
  return exp;
}

/**
 * Checks `iat` (a NumericDate, present when `required`, not after `now + leeway`), then `nbf` (when present: a
 * NumericDate not after `now + leeway`), then that `exp` is not before `iat`.
 */
export function checkIssuedAt(
  payload: JwtPayload,
  exp: number,
  now: number,
  leeway: number,
  kind: TokenKind,
  required: boolean,
): void {
  const { iat, nbf } = payload;
  if (iat !== undefined || required) {
    if (!isNumericDate(iat)) {
      throw invalid(`Issued At (iat) claim must be a number present in the ${kind}`, 'ERR_TOKEN_IAT_MISSING', 'iat');
    }
    if (iat > now + leeway) {
      throw invalid(
        `Issued At (iat) claim error in the ${kind}; current time (${now}) is before issued at time (${iat - leeway})`,
        'ERR_TOKEN_IAT_FUTURE',
        'iat',
      );
    }
  }
  if (nbf !== undefined) {
    if (!isNumericDate(nbf)) {
      throw invalid(`Not Before (nbf) claim must be a number in the ${kind}`, 'ERR_TOKEN_NBF_INVALID', 'nbf');
    }
    if (nbf > now + leeway) {
      throw invalid(
        `Not Before (nbf) claim error in the ${kind}; current time (${now}) is before not before time (${nbf - leeway})`,
        'ERR_TOKEN_NOT_YET_VALID',
        'nbf',
      );
    }
  }
  if (isNumericDate(iat) && exp < iat) {
    throw invalid(
      `Expiration Time (exp) claim error in the ${kind}; expiration time (${exp}) is before issued at time (${iat})`,
      'ERR_TOKEN_EXP_BEFORE_IAT',
      'exp',
    );
  }
}

/**
 * Checks the age of a token against `maxTokenAge` (seconds): `iat` a NumericDate present, and
 * `now - iat ≤ maxTokenAge + leeway` (equality passes).
 */
export function checkTokenAge(
  payload: JwtPayload,
  now: number,
  maxTokenAge: number,
  leeway: number,
  kind: TokenKind,
): void {
  const { iat } = payload;
  if (!isNumericDate(iat)) {
    throw invalid(
      `Issued At (iat) claim must be a number present in the ${kind} when a maximum token age is configured`,
      'ERR_TOKEN_IAT_MISSING',
      'iat',
    );
  }
  const age = now - iat;
  if (age > maxTokenAge + leeway) {
    throw invalid(
      `Issued At (iat) claim is too old in the ${kind}; the token was issued ${age} seconds ago, the maximum age is ${maxTokenAge} seconds`,
      'ERR_TOKEN_TOO_OLD',
      'iat',
    );
  }
}
