import type { KeyObject } from 'node:crypto';
import { rethrowFailure, verificationFailed } from '../diagnostics.js';
import { ConfigurationError, KeySourceUnavailableError } from '../errors.js';
import { DiscoveryCache, discoveryUrl } from '../oidc/discovery.js';
import {
  ALGORITHMS,
  type AsymmetricAlgorithm,
  isAlgorithm,
  type JwsAlgorithm,
  type SymmetricAlgorithm,
} from './algorithms.js';
import {
  type AccessTokenClaims,
  checkAudience,
  checkClock,
  checkExpiry,
  checkFlag,
  checkIssuedAt,
  checkIssuer,
  checkLeeway,
  checkLength,
  checkMaxTokenAge,
  checkText,
  checkTokenAge,
  type Clock,
} from './claims.js';
import { invalid } from './failure.js';
import { type JwksFetcher, type JwksFetcherOptions, jwksSettings } from './jwks-fetcher.js';
import {
  DEFAULT_MAX_TOKEN_LENGTH,
  HeaderCache,
  type JwtHeader,
  type JwtPayload,
  type ParsedJwt,
  type ParseOptions,
  parseJwt,
} from './jwt.js';
import { checkOffload, type OffloadMode } from './offload.js';
import {
  AsymmetricSignatureVerifier,
  type AsymmetricSignatureVerifierOptions,
  type KeyHandle,
  type SignatureVerifier,
  SymmetricSignatureVerifier,
} from './signature-verifier.js';
import { type VerifiedTokenCache, type VerifiedTokenCacheOptions, verifiedTokenCache } from './token-cache.js';

/** How the keys of one trusted issuer are found. With none of `jwksUri`, `jwks`, `secret`: by discovery. */
export interface IssuerOptions {
  /** The issuer, exactly as tokens carry it in `iss` (Auth0: `https://{domain}/`). */
  issuer: string;
  /** The issuer's JWKS URL; when absent, read from `{issuer}/.well-known/openid-configuration`. */
  jwksUri?: string;
  /** A key set to share with other verifiers (its cache options are its own). */
  jwks?: JwksFetcher;
  /** A shared secret, for an API whose tokens are signed HS256/384/512 (at least 32 bytes). */
  secret?: string | Uint8Array | KeyObject;
  /** The algorithms of this issuer. @defaultValue the verifier's `algorithms` */
  algorithms?: JwsAlgorithm | readonly JwsAlgorithm[];
}

/** Options of an {@link AccessTokenVerifier}: `issuer` (with `jwksUri`, `jwks` or `secret`) or `issuers`. */
export interface AccessTokenVerifierOptions {
  /** The one trusted issuer. */
  issuer?: string;
  /** Several trusted issuers, each with its own keys; a token is verified only with the keys of its `iss`. */
  issuers?: ReadonlyArray<string | IssuerOptions>;
  /** The API identifier(s): `aud` must hold one of them. */
  audience: string | readonly string[];
  /** With `issuer`: its JWKS URL (else discovered). */
  jwksUri?: string;
  /** With `issuer`: a key set to share. */
  jwks?: JwksFetcher;
  /** With `issuer`: a shared secret for HS* tokens. */
  secret?: string | Uint8Array | KeyObject;
  /** The algorithms accepted. @defaultValue `['RS256']`, or `['HS256']` for a secret */
  algorithms?: JwsAlgorithm | readonly JwsAlgorithm[];
  /** Seconds of clock skew tolerated on `exp`, `iat` and `nbf`; 0 to 300. @defaultValue 60 */
  leeway?: number;
  /**
   * The current time in epoch seconds, for tests; a reading that is not a finite number rejects the call with a
   * `ConfigurationError`. @defaultValue `() => Date.now() / 1000`
   */
  clock?: () => number;
  /** Longest token accepted, in characters. @defaultValue 16384 */
  maxTokenLength?: number;
  /**
   * Oldest token accepted, in seconds since its `iat` (a positive finite number): `iat` becomes required, and a
   * token issued longer ago than `maxTokenAge + leeway` is rejected with `ERR_TOKEN_TOO_OLD`, whatever its `exp`
   * says (jose's and express-oauth2-jwt-bearer's `maxTokenAge`, jsonwebtoken's `maxAge`). @defaultValue no maximum
   */
  maxTokenAge?: number;
  /**
   * Require `typ: at+jwt` (RFC 9068 §4). By default `JWT` and an absent `typ` are accepted too, as Auth0
   * access tokens carry `JWT`. Other types (`logout+jwt`, `dpop+jwt`, …) are always rejected. @defaultValue false
   */
  strictTyp?: boolean;
  /**
   * Hold tokens to the whole RFC 9068 profile (express-oauth2-jwt-bearer's `strict`): `typ` must be `at+jwt`
   * (as with `strictTyp`), and `sub`, `client_id`, `iat` and `jti` are required (§2.2) besides `iss`, `aud` and
   * `exp`, which always are. Auth0 access tokens carry `typ: JWT` and no `client_id`: leave it off for them.
   * @defaultValue false
   */
  strict?: boolean;
  /** Opt-in verified-token cache: `true` or `{ maxEntries }`. @defaultValue false */
  cache?: boolean | VerifiedTokenCacheOptions;
  /**
   * Where RS*, PS*, ES* and EdDSA signatures are checked: `auto` on libuv's thread pool while more than a few
   * verifications are in flight and inline below that, `always` on the pool, `never` inline. HS* is always
   * checked inline. The verdicts are the same in every mode. @defaultValue 'auto'
   */
  offload?: OffloadMode;
  /** Options of the key sets this verifier creates (`cacheTtl`, `cooldown`, `timeout`, `maxStale`, agents). */
  jwksOptions?: JwksFetcherOptions;
  /** Discovery cache to share between verifiers. @defaultValue a cache of this verifier's own */
  discovery?: DiscoveryCache;
}

/** A verified access token and what middleware needs of it. */
export interface VerifiedAccessToken {
  /** The decoded header. */
  header: JwtHeader;
  /** The checked claims. */
  payload: AccessTokenClaims;
  /** The scopes granted: `scope` (space-separated), `scp` (Azure, Okta) and `permissions` (Auth0 RBAC). */
  scopes: string[];
  /** The token itself. */
  token: string;
}

const KIND = 'access token';

/** Publishes the failure of an asynchronous verification, and rejects with it. */
const failed = rethrowFailure(KIND);

/** How one trusted issuer's signatures are verified: known at construction, or after discovery. */
class TrustedIssuer {
  readonly issuer: string;
  readonly algorithms: readonly JwsAlgorithm[];
  verifier: SignatureVerifier | undefined;
  readonly #discovery: () => DiscoveryCache;
  readonly #options: AsymmetricSignatureVerifierOptions;
  #pending: Promise<SignatureVerifier> | undefined;

  constructor(
    issuer: string,
    algorithms: readonly JwsAlgorithm[],
    verifier: SignatureVerifier | undefined,
    discovery: () => DiscoveryCache,
    options: AsymmetricSignatureVerifierOptions,
  ) {
    this.issuer = issuer;
    this.algorithms = algorithms;
    this.verifier = verifier;
    this.#discovery = discovery;
    this.#options = options;
  }

  /** The verifier, discovering the JWKS URL on first use (shared by concurrent callers). */
  resolve(): Promise<SignatureVerifier> {
    this.#pending ??= this.#discovery()
      .get(this.issuer)
      .then((metadata) => {
        if (typeof metadata.jwks_uri !== 'string') {
          throw new KeySourceUnavailableError(`the discovery document of "${this.issuer}" has no jwks_uri`);
        }
        const algorithm = this.algorithms as readonly AsymmetricAlgorithm[];
        this.verifier = new AsymmetricSignatureVerifier(metadata.jwks_uri, { ...this.#options, algorithm });
        return this.verifier;
      })
      .catch((error: unknown) => {
        this.#pending = undefined;
        throw error;
      });
    return this.#pending;
  }
}

function algorithmsOf(value: unknown, fallback: JwsAlgorithm): readonly JwsAlgorithm[] {
  if (value === undefined) return [fallback];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every(isAlgorithm)) {
    throw new ConfigurationError('algorithms must be supported JWS algorithm names', 'algorithms');
  }
  return list as JwsAlgorithm[];
}

/** Requires a claim of the RFC 9068 profile to be a non-empty string. */
function requireText(payload: JwtPayload, claim: string, name: string, code: string): void {
  const value = payload[claim];
  if (typeof value !== 'string' || value === '') {
    throw invalid(`${name} (${claim}) claim must be a string present in the access token`, code, claim);
  }
}

/** Adds the scopes of one claim: a space-separated string, or an array of strings. */
function addScopes(scopes: Set<string>, claim: unknown): void {
  if (typeof claim === 'string') {
    for (const scope of claim.split(' ')) if (scope !== '') scopes.add(scope);
  } else if (Array.isArray(claim)) {
    for (const scope of claim) if (typeof scope === 'string' && scope !== '') scopes.add(scope);
  }
}

/**
 * The scopes an access token grants: `scope` (RFC 9068, space-separated), `scp` (Azure AD string, Okta
 * array) and `permissions` (Auth0 RBAC), without duplicates. Malformed claims grant nothing.
 *
 * @example
 * scopesOf({ scope: 'read:a write:a', permissions: ['read:a', 'admin'] }); // ['read:a', 'write:a', 'admin']
 */
export function scopesOf(payload: Record<string, unknown>): string[] {
  const scopes = new Set<string>();
  addScopes(scopes, payload.scope);
  addScopes(scopes, payload.scp);
  addScopes(scopes, payload.permissions);
  return [...scopes];
}

/**
 * Verifies JWT access tokens (RFC 9068, and Auth0's) for an API: one or several trusted issuers, each with its
 * own keys (a JWKS given as `jwksUri` or found through the issuer's discovery document, or an HS* secret).
 * In order: token present; structure, `alg` in the allowlist, header policy (`typ` `at+jwt`, `JWT` or absent,
 * only `at+jwt` with `strictTyp` or `strict`; no `crit`, `cty`, `zip`, `b64`); `iss` in the allowlist —
 * **before any request**, so a token naming another issuer never makes us contact anyone; the signature, with a
 * key of that issuer only; `sub` (a string when present; with `strict`, `sub`, `client_id` and `jti` required
 * non-empty strings); `aud` holding one of the audiences; `exp` (required; valid iff `now < exp + leeway`);
 * `iat` (not in the future beyond the leeway; required with `strict`; with `maxTokenAge`, required and not older
 * than `maxTokenAge + leeway`); `nbf`; `exp` not before `iat`. A token carrying an `events` claim (an OIDC logout
 * token or another security event token, RFC 8417 §2.2) is never an access token, even untyped and with an
 * `aud` the API accepts (Azure AD access tokens for an app's own API carry its client id, as ID and logout
 * tokens of that app do).
 *
 * Building one is cheap (no I/O until the first token), so middleware with a dynamic issuer list can keep one
 * per issuer, sharing key sets through `jwks` and discovery through `discovery`. With `offload` (`auto` by
 * default), asymmetric signatures are checked on libuv's thread pool while verifications pile up.
 *
 * @throws {ConfigurationError} from the constructor for no issuer, an empty issuer or audience, a bad leeway or
 *   `maxTokenAge`, algorithms that do not suit the key source, a non-`https:` JWKS URL or issuer, an unknown
 *   `offload`.
 * @example
 * const verifier = new AccessTokenVerifier({
 *   issuer: 'https://tenant.auth0.com/',
 *   audience: 'https://api.example.com',
 * });
 * const { payload, scopes } = await verifier.verifyComplete(accessToken);
 */
export class AccessTokenVerifier {
  /** The trusted issuers. */
  readonly issuers: readonly string[];
  /** The accepted audiences. */
  readonly audiences: readonly string[];
  /** Seconds of clock skew tolerated. */
  readonly leeway: number;
  /** Oldest token accepted, in seconds since its `iat`; `undefined` for no maximum. */
  readonly maxTokenAge: number | undefined;
  /** Whether tokens are held to the whole RFC 9068 profile (`strict`). */
  readonly strict: boolean;
  /** Where RS*, PS*, ES* and EdDSA signatures are checked. */
  readonly offload: OffloadMode;
  readonly #trusted = new Map<string, TrustedIssuer>();
  readonly #clock: Clock;
  readonly #parse: ParseOptions;
  readonly #cache: VerifiedTokenCache | undefined;
  #discovery: DiscoveryCache | undefined;

  constructor(options: AccessTokenVerifierOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
    const { issuer, issuers } = options;
    const single = issuer !== undefined;
    if (single === (issuers !== undefined)) {
      throw new ConfigurationError('give either issuer or issuers', single ? 'issuers' : 'issuer');
    }
    if (!single && (!Array.isArray(issuers) || issuers.length === 0)) {
      throw new ConfigurationError('issuers must be a non-empty list', 'issuers');
    }
    if (!single && (options.jwksUri ?? options.jwks ?? options.secret) !== undefined) {
      throw new ConfigurationError('jwksUri, jwks and secret go inside each issuers entry', 'issuers');
    }
    this.#discovery = options.discovery;
    this.offload = checkOffload(options.offload);
    const jwksOptions = { ...options.jwksOptions };
    jwksSettings(jwksOptions);
    const entries: IssuerOptions[] = single
      ? [{ issuer, jwksUri: options.jwksUri, jwks: options.jwks, secret: options.secret }]
      : (issuers ?? []).map((entry) => (typeof entry === 'string' ? { issuer: entry } : entry));
    const all = new Set<JwsAlgorithm>();
    for (const entry of entries) {
      const trusted = this.#trust(entry, options.algorithms, jwksOptions);
      for (const alg of trusted.algorithms) all.add(alg);
    }
    this.issuers = Object.freeze([...this.#trusted.keys()]);
    const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience;
    if (!Array.isArray(audiences) || audiences.length === 0) {
      throw new ConfigurationError('audience is required and must be a non-empty string or list', 'audience');
    }
    this.audiences = Object.freeze(audiences.map((audience) => checkText(audience, 'audience')));
    this.leeway = checkLeeway(options.leeway);
    this.maxTokenAge = checkMaxTokenAge(options.maxTokenAge);
    this.strict = checkFlag(options.strict, 'strict');
    const typed = this.strict || checkFlag(options.strictTyp, 'strictTyp');
    this.#clock = checkClock(options.clock);
    this.#parse = {
      algorithms: [...all],
      maxLength: checkLength(options.maxTokenLength, 'maxTokenLength', DEFAULT_MAX_TOKEN_LENGTH),
      kind: KIND,
      types: new Set(typed ? ['at+jwt'] : ['at+jwt', 'jwt']),
      untyped: !typed,
      headers: new HeaderCache(),
    };
    this.#cache = verifiedTokenCache(options.cache);
  }

  #trust(entry: IssuerOptions, defaults: unknown, jwksOptions: JwksFetcherOptions): TrustedIssuer {
    if (typeof entry !== 'object' || entry === null) {
      throw new ConfigurationError('each issuers entry must be a string or { issuer, … }', 'issuers');
    }
    const issuer = checkText(entry.issuer, 'issuer');
    if (this.#trusted.has(issuer)) throw new ConfigurationError(`issuer "${issuer}" is listed twice`, 'issuers');
    const sources = [entry.jwksUri, entry.jwks, entry.secret].filter((source) => source !== undefined).length;
    if (sources > 1) {
      throw new ConfigurationError(`give one of jwksUri, jwks and secret for issuer "${issuer}"`, 'issuers');
    }
    const fallback = entry.secret === undefined ? 'RS256' : 'HS256';
    const algorithms = algorithmsOf(entry.algorithms ?? defaults, fallback);
    let verifier: SignatureVerifier | undefined;
    if (entry.secret !== undefined) {
      verifier = new SymmetricSignatureVerifier(entry.secret, {
        algorithm: algorithms as readonly SymmetricAlgorithm[],
      });
    } else if (entry.jwks !== undefined || entry.jwksUri !== undefined) {
      verifier = new AsymmetricSignatureVerifier(entry.jwks ?? (entry.jwksUri as string), {
        ...(entry.jwks === undefined ? jwksOptions : {}),
        algorithm: algorithms as readonly AsymmetricAlgorithm[],
        offload: this.offload,
      });
    } else {
      // Discovery happens on first use; check now what can be checked without I/O.
      discoveryUrl(issuer);
      if (algorithms.some((alg) => ALGORITHMS[alg].family === 'hmac')) {
        throw new ConfigurationError(`HS* algorithms need a secret for issuer "${issuer}"`, 'algorithms');
      }
    }
    const { timeout, httpAgent, httpsAgent, proxy } = jwksOptions;
    const trusted = new TrustedIssuer(
      issuer,
      verifier?.algorithms ?? algorithms,
      verifier,
      () => (this.#discovery ??= new DiscoveryCache({ timeout, httpAgent, httpsAgent, proxy })),
      { ...jwksOptions, offload: this.offload },
    );
    this.#trusted.set(issuer, trusted);
    return trusted;
  }

  /**
   * Verifies an access token and resolves to its claims.
   *
   * @throws {TokenValidationError} (rejects) when the token is not acceptable; `code` names the check.
   * @throws {JwksError} / {@link KeyNotFoundError} (rejects) when no key of the issuer may verify it.
   * @throws {NetworkError} (rejects; `TimeoutError`, `KeySourceUnavailableError`) when the issuer's key source
   *   or discovery document is down and no cached key can decide.
   * @throws {ConfigurationError} (rejects) when the discovery document names another issuer.
   *
   * Every failure is also published on `authn-client:verification:failure` ({@link DIAGNOSTICS_CHANNELS}).
   */
  verify(token: string): Promise<AccessTokenClaims> {
    try {
      const result = this.#run(token);
      if (result instanceof Promise) return result.then((jwt) => jwt.payload as AccessTokenClaims, failed);
      return Promise.resolve(result.payload as AccessTokenClaims);
    } catch (error) {
      return Promise.reject(verificationFailed(KIND, error));
    }
  }

  /**
   * Verifies an access token like {@link AccessTokenVerifier.verify} and resolves to its header, claims,
   * scopes and the token itself.
   */
  verifyComplete(token: string): Promise<VerifiedAccessToken> {
    try {
      const result = this.#run(token);
      return result instanceof Promise ? result.then(complete, failed) : Promise.resolve(complete(result));
    } catch (error) {
      return Promise.reject(verificationFailed(KIND, error));
    }
  }

  /** Verifies a token; returns it, or a promise of it when a key or a discovery document must be fetched. */
  #run(token: string): ParsedJwt | Promise<ParsedJwt> {
    if (typeof token !== 'string' || token === '') {
      throw invalid('Access token is required but missing.', 'ERR_TOKEN_MISSING');
    }
    const now = this.#clock();
    const cached = this.#cache?.get(token, now);
    if (cached !== undefined) return this.#check(cached, now);
    const jwt = parseJwt(token, this.#parse);
    const trusted = this.#trusted.get(checkIssuer(jwt.payload, this.issuers, KIND)) as TrustedIssuer;
    const verifier = trusted.verifier;
    if (verifier === undefined) return trusted.resolve().then((resolved) => this.#signed(jwt, resolved, undefined));
    return this.#signed(jwt, verifier, now);
  }

  /** Verifies the signature, then the claims at `now` (read again after any wait). */
  #signed(jwt: ParsedJwt, verifier: SignatureVerifier, now: number | undefined): ParsedJwt | Promise<ParsedJwt> {
    const key = verifier.verifyParsed(jwt);
    if (key instanceof Promise) return key.then((verifiedBy) => this.#accept(jwt, verifiedBy, this.#clock()));
    return this.#accept(jwt, key, now ?? this.#clock());
  }

  #accept(jwt: ParsedJwt, key: KeyHandle, now: number): ParsedJwt {
    this.#check(jwt, now);
    this.#cache?.set(jwt, key, jwt.payload.exp as number);
    return jwt;
  }

  /**
   * Checks the claims of a token whose signature is verified; returns it. `iss` was checked before the
   * signature, and a cached token's frozen claims passed that check against this same immutable allowlist.
   */
  #check(jwt: ParsedJwt, now: number): ParsedJwt {
    const payload = jwt.payload;
    if (payload.events !== undefined) {
      throw invalid(
        'Events (events) claim must not be present in an access token; it marks a logout or security event token',
        'ERR_TOKEN_EVENTS_UNEXPECTED',
        'events',
      );
    }
    if (this.strict) {
      requireText(payload, 'sub', 'Subject', 'ERR_TOKEN_SUB_MISSING');
      requireText(payload, 'client_id', 'Client ID', 'ERR_TOKEN_CLIENT_ID_MISSING');
      requireText(payload, 'jti', 'JWT ID', 'ERR_TOKEN_JTI_MISSING');
    } else if (payload.sub !== undefined && typeof payload.sub !== 'string') {
      throw invalid('Subject (sub) claim must be a string in the access token', 'ERR_TOKEN_SUB_INVALID', 'sub');
    }
    checkAudience(payload, this.audiences, KIND);
    const exp = checkExpiry(payload, now, this.leeway, KIND);
    checkIssuedAt(payload, exp, now, this.leeway, KIND, this.strict);
    if (this.maxTokenAge !== undefined) checkTokenAge(payload, now, this.maxTokenAge, this.leeway, KIND);
    return jwt;
  }
}

function complete(jwt: ParsedJwt): VerifiedAccessToken {
  return {
    header: jwt.header,
    payload: jwt.payload as AccessTokenClaims,
    scopes: scopesOf(jwt.payload),
    token: jwt.token,
  };
}
