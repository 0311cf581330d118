import { createHash } from 'node:crypto';
import { rethrowFailure, verificationFailed } from '../diagnostics.js';
import { ConfigurationError } from '../errors.js';
import { ALGORITHMS } from './algorithms.js';
import {
  checkAudience,
  checkClock,
  checkLength,
  checkExpiry,
  checkFlag,
  checkIssuedAt,
  checkIssuer,
  checkLeeway,
  checkMaxTokenAge,
  checkText,
  checkTextList,
  checkTokenAge,
  checkTrustedAudiences,
  type Clock,
  type IdTokenClaims,
  isNumericDate,
} from './claims.js';
import { invalid, quote } from './failure.js';
import { DEFAULT_MAX_TOKEN_LENGTH, HeaderCache, type ParsedJwt, type ParseOptions, parseJwt } from './jwt.js';
import { checkRefreshedIdToken } from './refreshed-id-token.js';
import { type KeyHandle, SignatureVerifier } from './signature-verifier.js';
import { type VerifiedTokenCache, type VerifiedTokenCacheOptions, verifiedTokenCache } from './token-cache.js';

/** Options of a {@link TokenVerifier}. */
export interface TokenVerifierOptions {
  /** Verifies the signature: {@link AsymmetricSignatureVerifier} (JWKS) or {@link SymmetricSignatureVerifier}. */
  signatureVerifier: SignatureVerifier;
  /** The expected `iss`, exactly (Auth0: `https://{domain}/`, with the trailing slash). */
  issuer: string;
  /** The expected `aud`: the client id. */
  audience: string;
  /** Seconds of clock skew tolerated on `exp`, `iat`, `nbf` and `auth_time`; 0 to 300. @defaultValue 60 */
  leeway?: number;
  /**
   * The current time in epoch seconds, for tests; a reading that is not a finite number rejects the call with a
   * `ConfigurationError`. @defaultValue `() => Date.now() / 1000`
   */
  clock?: () => number;
  /** Longest token accepted, in characters; checked before anything else. @defaultValue 16384 */
  maxTokenLength?: number;
  /**
   * Oldest token accepted, in seconds since its `iat` (a positive finite number): a token issued longer ago
   * than `maxTokenAge + leeway` is rejected with `ERR_TOKEN_TOO_OLD`, whatever its `exp` says (jose's and
   * express-oauth2-jwt-bearer's `maxTokenAge`). Unlike the per-call `maxAge`, which bounds `auth_time` (when the
   * user last logged in), this bounds when the token was issued. @defaultValue no maximum
   */
  maxTokenAge?: number;
  /**
   * The audiences besides the client id that an ID token may also name (OIDC Core §3.1.3.7 step 3). When given,
   * every value of `aud` must be `audience` or one of these, else the token is rejected with
   * `ERR_TOKEN_AUD_UNTRUSTED`; `[]` trusts the client id alone. When absent, extra audiences are accepted, with
   * `azp` equal to the client id. @defaultValue any audience (no allowlist)
   */
  trustedAudiences?: readonly string[];
  /**
   * Opt-in verified-token cache: `true` or `{ maxEntries }`. A token seen again skips decoding and the
   * signature check; every claim check, per-call options included, still runs. @defaultValue false
   */
  cache?: boolean | VerifiedTokenCacheOptions;
}

/** What one ID token is checked against besides the configuration; absent options are not checked. */
export interface IdTokenVerifyOptions {
  /** The nonce sent in the authentication request. When absent, a token carrying a `nonce` is rejected. */
  nonce?: string;
  /** The `max_age` of the request, in seconds (`0` included): `auth_time` becomes required and bounded. */
  maxAge?: number;
  /**
   * The expected Auth0 organization: an id (`org_…`, matched against `org_id` exactly) or a name (matched
   * against `org_name` case-insensitively).
   */
  organization?: string;
  /** The access token returned with the ID token: `at_hash`, when present, must match it. */
  accessToken?: string;
  /**
   * The ID token came from the authorization endpoint with an access token (implicit or hybrid
   * `id_token token`): `at_hash` is then required (OIDC Core §3.2.2.10). Needs `accessToken`. @defaultValue false
   */
  requireAtHash?: boolean;
  /** The authorization code returned with the ID token (hybrid flow): `c_hash` is then required and must match. */
  code?: string;
  /**
   * For an ID token from a refresh response: the verified claims of the ID token it replaces. The new token
   * must keep their `iss`, `sub`, `aud`, `azp` and `auth_time` (OIDC Core §12.2), and may carry the original
   * `nonce` without `nonce` being passed again.
   */
  original?: IdTokenClaims;
  /**
   * The ID token comes from a refresh response and the one it replaces is not at hand: its `nonce`, if any, is
   * that of the original login and is not checked. Prefer `original`, which checks it and the claims that must
   * not change. @defaultValue false
   */
  refreshed?: boolean;
}

const NO_OPTIONS: IdTokenVerifyOptions = Object.freeze({});
const KIND = 'ID token';

const TEXT_OPTIONS = ['nonce', 'organization', 'accessToken', 'code'] as const;

/** Publishes the failure of an asynchronous verification, and rejects with it. */
const failed = rethrowFailure(KIND);

function checkCallOptions(options: IdTokenVerifyOptions): void {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options must be an object');
  for (const name of TEXT_OPTIONS) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new ConfigurationError(`${name} must be a non-empty string when given`, name);
    }
  }
  checkFlag(options.refreshed, 'refreshed');
  if (checkFlag(options.requireAtHash, 'requireAtHash') && options.accessToken === undefined) {
    throw new ConfigurationError('requireAtHash needs the accessToken to check at_hash against', 'requireAtHash');
  }
  if (options.original !== undefined && (typeof options.original !== 'object' || options.original === null)) {
    throw new ConfigurationError('original must be the claims object of the ID token being replaced', 'original');
  }
  const { maxAge } = options;
  if (maxAge !== undefined && !(typeof maxAge === 'number' && Number.isFinite(maxAge) && maxAge >= 0)) {
    throw new ConfigurationError('maxAge must be a finite number of seconds, 0 or more', 'maxAge');
  }
}

/**
 * The OIDC `at_hash` / `c_hash` of a value: base64url of the left half of its hash under the token's alg. The
 * value is hashed as UTF-8, which is its ASCII octets for every real token or code, and unlike 'ascii' (the low
 * byte of each character) never makes two different strings hash alike.
 */
function halfHash(value: string, digest: string): string {
  const hash = createHash(digest).update(value, 'utf8').digest();
  return hash.subarray(0, hash.length / 2).toString('base64url');
}

/**
 * Verifies OpenID Connect ID tokens: the signature first (through the configured {@link SignatureVerifier}),
 * then the claims, in auth0-python's order and with its message texts, plus the checks it lacks. In order:
 * token present; structure, `alg`, header policy (`typ` absent / `JWT` / `application/jwt`; no `crit`,
 * `cty`, `zip`, `b64`), key, signature; no `events` claim; `iss`; `sub`; `aud` (with `trustedAudiences`, every value trusted); `exp` (valid iff
 * `now < exp + leeway`); `iat` (required, not in the future beyond the leeway); with `maxTokenAge`, `iat` not
 * older than `maxTokenAge + leeway`; `nbf`; `exp` not before
 * `iat`; `nonce` (required and equal when expected, refused when not); organization; `azp` (required with
 * several audiences, equal to the client whenever present); `auth_time` with `maxAge`; `at_hash`; `c_hash`;
 * and, for a refreshed ID token, the claims it must keep from the `original`.
 * Every failure is a {@link TokenValidationError} whose `code` names the check.
 *
 * `verify` always returns a promise and never throws synchronously; with the key cached it settles without
 * waiting on any I/O.
 *
 * @throws {ConfigurationError} from the constructor for a missing signature verifier, an empty issuer or
 *   audience, a leeway outside 0–300 s, or a bad `clock`, `maxTokenLength`, `maxTokenAge`, `trustedAudiences`
 *   or `cache`.
 * @example
 * const verifier = new TokenVerifier({
 *   signatureVerifier: new AsymmetricSignatureVerifier('https://tenant.auth0.com/.well-known/jwks.json'),
 *   issuer: 'https://tenant.auth0.com/',
 *   audience: clientId,
 * });
 * const claims = await verifier.verify(idToken, { nonce, maxAge: 3600 });
 */
export class TokenVerifier {
  /** The expected `iss`. */
  readonly issuer: string;
  /** The expected `aud` (the client id). */
  readonly audience: string;
  /** Seconds of clock skew tolerated. */
  readonly leeway: number;
  /** Oldest token accepted, in seconds since its `iat`; `undefined` for no maximum. */
  readonly maxTokenAge: number | undefined;
  /** The audiences an ID token may name besides the client id; `undefined` for no allowlist. */
  readonly trustedAudiences: readonly string[] | undefined;
  /** The signature verifier. */
  readonly signatureVerifier: SignatureVerifier;
  readonly #clock: Clock;
  readonly #issuers: readonly string[];
  readonly #audiences: readonly string[];
  /** The client id and the trusted audiences, when `trustedAudiences` is given. */
  readonly #trustedAudiences: readonly string[] | undefined;
  readonly #parse: ParseOptions;
  readonly #cache: VerifiedTokenCache | undefined;

  constructor(options: TokenVerifierOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
    if (!(options.signatureVerifier instanceof SignatureVerifier)) {
      throw new ConfigurationError('signatureVerifier must be an instance of SignatureVerifier.', 'signatureVerifier');
    }
    this.signatureVerifier = options.signatureVerifier;
    this.issuer = checkText(options.issuer, 'issuer');
    this.audience = checkText(options.audience, 'audience');
    this.leeway = checkLeeway(options.leeway);
    this.maxTokenAge = checkMaxTokenAge(options.maxTokenAge);
    this.trustedAudiences = checkTextList(options.trustedAudiences, 'trustedAudiences');
    this.#clock = checkClock(options.clock);
    this.#issuers = [this.issuer];
    this.#audiences = [this.audience];
    this.#trustedAudiences =
      this.trustedAudiences === undefined ? undefined : [this.audience, ...this.trustedAudiences];
    this.#parse = {
      algorithms: this.signatureVerifier.algorithms,
      maxLength: checkLength(options.maxTokenLength, 'maxTokenLength', DEFAULT_MAX_TOKEN_LENGTH),
      kind: KIND,
      types: new Set(['jwt']),
      untyped: true,
      headers: new HeaderCache(),
    };
    this.#cache = verifiedTokenCache(options.cache);
  }

  /**
   * Verifies an ID token and resolves to its claims.
   *
   * @throws {TokenValidationError} (rejects) when the token is not acceptable; `code` names the check.
   * @throws {JwksError} / {@link KeyNotFoundError} (rejects) when no key of the set may verify it.
   * @throws {NetworkError} (rejects; `TimeoutError`, `KeySourceUnavailableError`) when the key source is down
   *   and no cached key can decide.
   * @throws {ConfigurationError} (rejects) for invalid per-call options, such as an empty `nonce`.
   *
   * Every failure is also published on `authn-client:verification:failure` ({@link DIAGNOSTICS_CHANNELS}).
   */
  verify(token: string, options: IdTokenVerifyOptions = NO_OPTIONS): Promise<IdTokenClaims> {
    try {
      if (typeof token !== 'string' || token === '') {
        throw invalid('ID token is required but missing.', 'ERR_TOKEN_MISSING');
      }
      if (options !== NO_OPTIONS) checkCallOptions(options);
      const now = this.#clock();
      const cached = this.#cache?.get(token, now);
      if (cached !== undefined) return Promise.resolve(this.#check(cached, options, now));
      const jwt = parseJwt(token, this.#parse);
      const key = this.signatureVerifier.verifyParsed(jwt);
      if (key instanceof Promise) {
        return key.then((verifiedBy) => this.#accept(jwt, verifiedBy, options, this.#clock()), failed);
      }
      return Promise.resolve(this.#accept(jwt, key, options, now));
    } catch (error) {
      return Promise.reject(verificationFailed(KIND, error));
    }
  }

  #accept(jwt: ParsedJwt, key: KeyHandle, options: IdTokenVerifyOptions, now: number): IdTokenClaims {
    const claims = this.#check(jwt, options, now);
    this.#cache?.set(jwt, key, claims.exp);
    return claims;
  }

  /** Checks the claims of a token whose signature is verified, in auth0-python's order; returns them. */
  #check(jwt: ParsedJwt, options: IdTokenVerifyOptions, now: number): IdTokenClaims {
    const payload = jwt.payload;
    const leeway = this.leeway;
    if (payload.events !== undefined) {
      throw invalid(
        'Events (events) claim must not be present in an ID token; it marks a logout or security event token',
        'ERR_TOKEN_EVENTS_UNEXPECTED',
        'events',
      );
    }
    checkIssuer(payload, this.#issuers, KIND);
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw invalid('Subject (sub) claim must be a string present in the ID token', 'ERR_TOKEN_SUB_MISSING', 'sub');
    }
    checkAudience(payload, this.#audiences, KIND);
    if (this.#trustedAudiences !== undefined) checkTrustedAudiences(payload, this.#trustedAudiences, KIND);
    const exp = checkExpiry(payload, now, leeway, KIND);
    checkIssuedAt(payload, exp, now, leeway, KIND, true);
    if (this.maxTokenAge !== undefined) checkTokenAge(payload, now, this.maxTokenAge, leeway, KIND);
    const fromRefresh = options.original !== undefined || options.refreshed === true;
    if (!fromRefresh || options.nonce !== undefined) this.#checkNonce(payload.nonce, options.nonce);
    if (options.organization !== undefined) this.#checkOrganization(payload, options.organization);
    this.#checkAuthorizedParty(payload);
    if (options.maxAge !== undefined) this.#checkAuthTime(payload.auth_time, options.maxAge, now);
    if (options.requireAtHash === true && payload.at_hash === undefined) {
      throw invalid(
        'Access Token Hash (at_hash) claim must be a string present in the ID token when it comes with an access token',
        'ERR_TOKEN_AT_HASH_MISSING',
        'at_hash',
      );
    }
    if (options.accessToken !== undefined && payload.at_hash !== undefined) {
      if (payload.at_hash !== halfHash(options.accessToken, ALGORITHMS[jwt.header.alg].claimHash)) {
        throw invalid(
          'Access Token Hash (at_hash) claim mismatch in the ID token; it does not match the access token',
          'ERR_TOKEN_AT_HASH_MISMATCH',
          'at_hash',
        );
      }
    }
    if (options.code !== undefined) {
      if (typeof payload.c_hash !== 'string') {
        throw invalid(
          'Code Hash (c_hash) claim must be a string present in the ID token when a code is given',
          'ERR_TOKEN_C_HASH_MISSING',
          'c_hash',
        );
      }
      if (payload.c_hash !== halfHash(options.code, ALGORITHMS[jwt.header.alg].claimHash)) {
        throw invalid(
          'Code Hash (c_hash) claim mismatch in the ID token; it does not match the authorization code',
          'ERR_TOKEN_C_HASH_MISMATCH',
          'c_hash',
        );
      }
    }
    if (options.original !== undefined) checkRefreshedIdToken(payload, options.original);
    return payload as IdTokenClaims;
  }

  #checkNonce(claim: unknown, expected: string | undefined): void {
    if (expected === undefined) {
      if (claim !== undefined) {
        throw invalid(
          'Nonce (nonce) claim must not be present in the ID token when no nonce was expected',
          'ERR_TOKEN_NONCE_UNEXPECTED',
          'nonce',
        );
      }
      return;
    }
    if (typeof claim !== 'string') {
      throw invalid('Nonce (nonce) claim must be a string present in the ID token', 'ERR_TOKEN_NONCE_MISSING', 'nonce');
    }
    if (claim !== expected) {
      throw invalid(
        `Nonce (nonce) claim mismatch in the ID token; expected ${quote(expected)}, found ${quote(claim)}`,
        'ERR_TOKEN_NONCE_MISMATCH',
        'nonce',
      );
    }
  }

  #checkOrganization(payload: IdTokenClaims | Record<string, unknown>, organization: string): void {
    if (organization.startsWith('org_')) {
      const { org_id: claim } = payload;
      if (typeof claim !== 'string') {
        throw invalid(
          'Organization (org_id) claim must be a string present in the ID token',
          'ERR_TOKEN_ORG_ID_MISSING',
          'org_id',
        );
      }
      if (claim !== organization) {
        throw invalid(
          `Organization (org_id) claim mismatch in the ID token; expected ${quote(organization)}, found ${quote(claim)}`,
          'ERR_TOKEN_ORG_ID_MISMATCH',
          'org_id',
        );
      }
      return;
    }
    const { org_name: claim } = payload;
    if (typeof claim !== 'string') {
      throw invalid(
        'Organization (org_name) claim must be a string present in the ID token',
        'ERR_TOKEN_ORG_NAME_MISSING',
        'org_name',
      );
    }
    if (claim.toLowerCase() !== organization.toLowerCase()) {
      throw invalid(
        `Organization (org_name) claim mismatch in the ID token; expected ${quote(organization)}, found ${quote(claim)}`,
        'ERR_TOKEN_ORG_NAME_MISMATCH',
        'org_name',
      );
    }
  }

  #checkAuthorizedParty(payload: Record<string, unknown>): void {
    const { azp, aud } = payload;
    const several = Array.isArray(aud) && aud.length > 1;
    if (azp === undefined && !several) return;
    if (typeof azp !== 'string') {
      throw invalid(
        several
          ? 'Authorized Party (azp) claim must be a string present in the ID token when Audience (aud) claim has multiple values'
          : 'Authorized Party (azp) claim must be a string in the ID token',
        'ERR_TOKEN_AZP_MISSING',
        'azp',
      );
    }
    if (azp !== this.audience) {
      throw invalid(
        `Authorized Party (azp) claim mismatch in the ID token; expected ${quote(this.audience)}, found ${quote(azp)}`,
        'ERR_TOKEN_AZP_MISMATCH',
        'azp',
      );
    }
  }

  #checkAuthTime(authTime: unknown, maxAge: number, now: number): void {
    if (!isNumericDate(authTime)) {
      throw invalid(
        'Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified',
        'ERR_TOKEN_AUTH_TIME_MISSING',
        'auth_time',
      );
    }
    const latest = authTime + maxAge + this.leeway;
    if (now > latest) {
      throw invalid(
        `Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (${now}) is after last auth at (${latest})`,
        'ERR_TOKEN_AUTH_TIME_TOO_OLD',
        'auth_time',
      );
    }
  }
}
