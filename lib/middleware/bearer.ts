import type { KeyObject } from 'node:crypto';
import { checkOptionKeys, optionKeys } from '../did-you-mean.js';
import { ConfigurationError, TokenValidationError, type UnauthorizedError } from '../errors.js';
import type { DiscoveryCache } from '../oidc/discovery.js';
import type { JwsAlgorithm } from '../token-verifier/algorithms.js';
import type { JwksFetcherOptions } from '../token-verifier/jwks-fetcher.js';
import type { OffloadMode } from '../token-verifier/offload.js';
import type { VerifiedTokenCacheOptions } from '../token-verifier/token-cache.js';
import { checkClock, checkFlag, checkLeeway } from '../token-verifier/claims.js';
import {
  checkParameter,
  invalidRequest,
  invalidToken,
  isSafeParameter,
  toBearerError,
  toDpopError,
  unauthorized,
} from './challenge.js';
import { type DpopCredentials, dpopCredentials, type DpopOptions, DpopProofVerifier, dpopSettings } from './dpop.js';
import type { IntrospectionOptions } from './introspection.js';
import {
  type BearerRequest,
  extractToken,
  headerTokenProblem,
  MalformedRequest,
  type TokenLocations,
} from './extract.js';
import {
  collectIssuers,
  type IssuerList,
  IssuerRouter,
  type IssuerResolver,
  type PublicKeyUrl,
  type RoutedResult,
  type TokenType,
} from './issuers.js';

/**
 * What the middleware puts on `req.auth` (Express, `node:http`) or `request.auth` (Fastify): the verified
 * token's header and claims, the scopes it grants (`scope`, `scp` and Auth0's `permissions`), and the token.
 * For ID tokens (`tokenType: 'id_token'`) the payload holds the ID token's claims; for an opaque access token
 * checked by introspection, the introspection answer, and `header` is `undefined`.
 */
export type AuthResult = RoutedResult;

/** Options of the API middleware (Express `auth()`, Fastify `fastifyAuth`, {@link BearerAuthenticator}). */
export interface BearerAuthOptions<R = BearerRequest> {
  /** The one trusted issuer, exactly as tokens carry it in `iss` (Auth0: `https://{domain}/`). */
  issuer?: string;
  /**
   * Several trusted issuers (each a string, keys found by discovery, or `{ issuer, jwksUri | secret,
   * algorithms }`), or a resolver `(req) => issuers` for multi-tenant APIs. A token's `iss` must be one of
   * them, exactly, before any key is fetched; it is verified with the keys of that issuer only.
   */
  issuers?: IssuerList | IssuerResolver<R>;
  /**
   * OpenMetadata-style JWKS URLs, each bound to its issuer: `[{ issuer, jwksUri }]`. Merged with `issuer` /
   * `issuers`. A bare URL is refused: a key set never vouches for another issuer's tokens.
   */
  publicKeyUrls?: readonly PublicKeyUrl[];
  /** The API identifier(s) (for ID tokens: the client ids): `aud` must hold one of them. */
  audience: string | readonly string[];
  /** With `issuer`: its JWKS URL. @defaultValue read from the issuer's discovery document */
  jwksUri?: string;
  /** With `issuer`: a shared secret, for tokens signed HS256/384/512 (at least 32 bytes). */
  secret?: string | Uint8Array | KeyObject;
  /**
   * With `issuer` (or inside one `issuers` entry): introspect its opaque access tokens (RFC 7662) — a token that
   * is not a JWT goes to the issuer's introspection endpoint, with the resource server's client credentials
   * given here. `active` is required, then the same `iss`, `aud`, `exp`, `nbf`, `iat` and `maxTokenAge` checks
   * as for a JWT; answers are cached until the token's `exp`, at most `maxCacheAge` seconds (60) and
   * `maxEntries` tokens (10000); an endpoint that is down is answered 503. @defaultValue off
   */
  introspection?: IntrospectionOptions;
  /** The algorithms accepted. @defaultValue `['RS256']` (`['HS256']` with a secret) */
  algorithms?: JwsAlgorithm | readonly JwsAlgorithm[];
  /** Seconds of clock skew tolerated on `exp`, `iat` and `nbf`; 0 to 300. @defaultValue 60 */
  leeway?: number;
  /**
   * Oldest token accepted, in seconds since its `iat` (a positive finite number), for every issuer: `iat`
   * becomes required, and a token issued longer ago than `maxTokenAge + leeway` is answered 401
   * `invalid_token`, whatever its `exp` says (express-oauth2-jwt-bearer's `maxTokenAge`). @defaultValue no maximum
   */
  maxTokenAge?: number;
  /**
   * The kind of token the API accepts: access tokens (RFC 9068, Auth0's), or ID tokens (an API fronting a
   * single-page app that sends its ID token, as OpenMetadata's). @defaultValue 'access_token'
   */
  tokenType?: TokenType;
  /**
   * When false, a request without a token goes on without `req.auth` (a token that is present must still be
   * valid). @defaultValue true
   */
  credentialsRequired?: boolean;
  /** The `realm` of the `WWW-Authenticate` challenges. @defaultValue the first audience, else `'api'` */
  realm?: string;
  /** A query parameter that may carry the token, e.g. `'access_token'` (RFC 6750 §2.3). @defaultValue none */
  tokenQueryParameter?: string;
  /** A cookie that may carry the token (mind CSRF: the browser sends it on its own). @defaultValue none */
  tokenCookie?: string;
  /**
   * Seconds in the `Retry-After` of a 503 when the key source is down and does not say when it will be tried
   * again. A `JwksFetcher` does say: the time left in its backoff (1 s, then 2, 4… up to 30), or in its refetch
   * cooldown when an unknown `kid` waits for that; so does a `DiscoveryCache`.
   * @defaultValue 5
   */
  retryAfter?: number;
  /**
   * Opt-in verified-token cache: a token seen again skips decoding and its signature check; every claim
   * check still runs. `true` or `{ maxEntries }`. @defaultValue false
   */
  cache?: boolean | VerifiedTokenCacheOptions;
  /**
   * Where RS*, PS*, ES* and EdDSA signatures are checked: `auto` on libuv's thread pool while requests pile up
   * (more than a few verifications in flight) and on the event loop's thread below that, `always` on the pool,
   * `never` on the event loop's thread. HS* is always checked inline. @defaultValue 'auto'
   */
  offload?: OffloadMode;
  /** Require `typ: at+jwt` on access tokens (RFC 9068 §4). @defaultValue false */
  strictTyp?: boolean;
  /**
   * Hold access tokens to the whole RFC 9068 profile, as express-oauth2-jwt-bearer's `strict` does: `typ: at+jwt`,
   * and `sub`, `client_id`, `iat` and `jti` required. Not for Auth0 access tokens (`typ: JWT`, no `client_id`);
   * ignored for ID tokens. @defaultValue false
   */
  strict?: boolean;
  /**
   * Accept tokens bound to a key (a `cnf` claim, RFC 7800: DPoP's `jkt`, RFC 8705's `x5t#S256`) as bearer
   * tokens. Such a token is only good with a proof of possession of that key, which this middleware does not
   * check; so by default it is refused (401 `invalid_token`), lest a stolen bound token work as a bearer one.
   * Set it only when something in front checks the binding (a proxy that terminates mutual TLS and compares the
   * certificate). @defaultValue false
   */
  acceptBoundTokens?: boolean;
  /**
   * DPoP (RFC 9449): `true` accepts `Authorization: DPoP <token>` with its `DPoP` proof besides bearer tokens;
   * an object tunes it (`required` refuses bearer tokens; `algorithms`, `proofMaxAge`, `url`,
   * `maxReplayEntries`). A DPoP-bound token is only accepted with a valid proof of its key. @defaultValue false
   */
  dpop?: boolean | DpopOptions<R>;
  /** Longest token accepted, in characters. @defaultValue 16384 */
  maxTokenLength?: number;
  /** The current time in epoch seconds, for tests. @defaultValue `() => Date.now() / 1000` */
  clock?: () => number;
  /** Options of the key sets (`cacheTtl`, `cooldown`, `timeout`, `maxStale`, agents, proxy). */
  jwksOptions?: JwksFetcherOptions;
  /** A discovery cache to share with other verifiers. @defaultValue one of this middleware's own */
  discovery?: DiscoveryCache;
}

/** Every option of {@link BearerAuthOptions}. */
const OPTION_KEYS = optionKeys<BearerAuthOptions>({
  issuer: true,
  issuers: true,
  publicKeyUrls: true,
  audience: true,
  jwksUri: true,
  secret: true,
  introspection: true,
  algorithms: true,
  leeway: true,
  maxTokenAge: true,
  tokenType: true,
  realm: true,
  credentialsRequired: true,
  tokenQueryParameter: true,
  tokenCookie: true,
  retryAfter: true,
  cache: true,
  strictTyp: true,
  strict: true,
  acceptBoundTokens: true,
  dpop: true,
  maxTokenLength: true,
  offload: true,
  clock: true,
  jwksOptions: true,
  discovery: true,
});

/** express-oauth2-jwt-bearer's names of options that have other names here (docs/middleware.md). */
const OTHER_NAMES = {
  issuerBaseURL: 'issuer',
  tokenSigningAlg: 'algorithms',
  clockTolerance: 'leeway',
  authRequired: 'credentialsRequired',
};

/**
 * The realm of the middleware that produced a result, stored on the result under this unexported symbol:
 * setting a property costs a few ns, an entry in a WeakMap keyed by a short-lived object ~0.4 µs with its
 * garbage collection, per request. It shows in `util.inspect(req.auth)`, never in JSON.
 */
const REALM = Symbol('authn-client.realm');

/** A result tagged with the realm of the middleware that produced it. */
type Tagged = { [REALM]?: string };

/** The realm of each request let through without a token (there is no result to tag), for the claim checks. */
const REALMS = new WeakMap<object, string>();

/** The default `realm`: a value used as it is, or `'api'`. */
export const DEFAULT_REALM = 'api';

/**
 * 401 `invalid_token` for a token bound to a key (`cnf`) presented as a bearer token: RFC 9449 §7.1 and RFC 8705
 * §3 make the resource server check the proof of possession, which a bearer presentation does not carry.
 */
function boundToken(realm: string): Error {
  const cause = new TokenValidationError(
    'Confirmation (cnf) claim binds the token to a key; it needs a proof of possession and cannot be used as a bearer token',
    'ERR_TOKEN_CNF_BOUND',
    'cnf',
  );
  return invalidToken(realm, 'the token is bound to a key and cannot be used as a bearer token', cause);
}

/**
 * The realm of the middleware that produced `auth` (or let `req` through without a token), for the challenges
 * of the claim checks that run after it.
 */
export function realmOf(auth: object | undefined, req?: object): string {
  return (auth !== undefined && (auth as Tagged)[REALM]) || (req !== undefined && REALMS.get(req)) || DEFAULT_REALM;
}

function defaultRealm(audience: unknown): string {
  const first = typeof audience === 'string' ? audience : Array.isArray(audience) ? audience[0] : undefined;
  return typeof first === 'string' && first !== '' && isSafeParameter(first) ? first : DEFAULT_REALM;
}

function optionalName(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\w.~-]+$/.test(value)) {
    throw new ConfigurationError(`${option} must be a name of letters, digits, "_", ".", "~" or "-"`, option);
  }
  return value;
}

/**
 * The framework-neutral core of the API middleware: finds the bearer token of a request (RFC 6750 §2),
 * verifies it with the keys of its issuer, and answers with the errors of RFC 6750 §3, each a
 * {@link BearerError} carrying `status` and ready `headers`:
 *
 * - no token, or an `Authorization` header of another scheme → 401 {@link UnauthorizedError},
 *   `WWW-Authenticate: Bearer realm="…"` (or, with `credentialsRequired: false`, no result);
 * - malformed credentials (a badly formed token, a repeated header, a token in two places)
 *   → 400 {@link InvalidRequestError} `invalid_request`;
 * - a token refused (expired, forged, another issuer or audience) → 401 {@link InvalidTokenError}
 *   `invalid_token` with a short, fixed `error_description` (never the token; the verifier's error is `cause`);
 * - the key source down and no cached key able to decide → 503 {@link ServiceUnavailableError} with
 *   `Retry-After` (the token may well be valid).
 *
 * The Express and Fastify adapters and {@link withAuth} are thin layers over it.
 *
 * @throws {ConfigurationError} from the constructor for invalid options, or an unknown one (named with the closest
 *   known one: `unknown option "issuerBaseURL"; did you mean issuer?`).
 * @example
 * const authenticator = new BearerAuthenticator({
 *   issuer: 'https://tenant.auth0.com/',
 *   audience: 'https://api.example.com',
 * });
 * http.createServer(async (req, res) => {
 *   try {
 *     const auth = await authenticator.authenticate(req);
 *     res.end(`hello ${auth?.payload.sub}`);
 *   } catch (err) {
 *     if (err instanceof BearerError) writeAuthError(res, err);
 *     else res.writeHead(500).end();
 *   }
 * });
 */
export class BearerAuthenticator<R extends BearerRequest = BearerRequest> {
  /** The `realm` of the challenges. */
  readonly realm: string;
  /** Whether a request without a token is refused. */
  readonly credentialsRequired: boolean;
  /** Seconds in the `Retry-After` of a 503. */
  readonly retryAfter: number;
  /** The kind of token accepted. */
  readonly tokenType: TokenType;
  /** The issuers of a static configuration (empty with a resolver). */
  readonly issuers: readonly string[];
  readonly #locations: TokenLocations;
  readonly #router: IssuerRouter<R>;
  readonly #fail: (error: unknown) => never;
  readonly #remember: (auth: AuthResult) => AuthResult;
  /** Tokens come from the Authorization header only: their b64token syntax is checked if verification fails. */
  readonly #headerOnly: boolean;
  /** The DPoP proof checks, when DPoP is on. */
  readonly #dpop: DpopProofVerifier<R> | undefined;
  readonly #clock: () => number;

  constructor(options: BearerAuthOptions<R>) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
    checkOptionKeys(options, OPTION_KEYS, { aliases: OTHER_NAMES });
    const tokenType = options.tokenType ?? 'access_token';
    if (tokenType !== 'access_token' && tokenType !== 'id_token') {
      throw new ConfigurationError('tokenType must be "access_token" or "id_token"', 'tokenType');
    }
    this.tokenType = tokenType;
    this.credentialsRequired = checkFlag(options.credentialsRequired, 'credentialsRequired', true);
    this.realm = options.realm === undefined ? defaultRealm(options.audience) : checkParameter(options.realm, 'realm');
    const retryAfter = options.retryAfter ?? 5;
    if (!Number.isSafeInteger(retryAfter) || retryAfter < 0) {
      throw new ConfigurationError('retryAfter must be a whole number of seconds, 0 or more', 'retryAfter');
    }
    this.retryAfter = retryAfter;
    this.#locations = {
      query: optionalName(options.tokenQueryParameter, 'tokenQueryParameter'),
      cookie: optionalName(options.tokenCookie, 'tokenCookie'),
    };
    this.#headerOnly = this.#locations.query === undefined && this.#locations.cookie === undefined;
    this.#router = new IssuerRouter<R>(collectIssuers<R>(options), {
      tokenType,
      audience: options.audience,
      algorithms: options.algorithms,
      leeway: options.leeway,
      maxTokenAge: options.maxTokenAge,
      clock: options.clock,
      maxTokenLength: options.maxTokenLength,
      strictTyp: options.strictTyp,
      strict: options.strict,
      cache: options.cache,
      offload: options.offload,
      jwksOptions: options.jwksOptions,
      discovery: options.discovery,
    });
    this.issuers = this.#router.issuers;
    const realm = this.realm;
    this.#fail = (error) => {
      throw toBearerError(error, realm, retryAfter);
    };
    const acceptBound = checkFlag(options.acceptBoundTokens, 'acceptBoundTokens');
    const dpop = dpopSettings<R>(options.dpop);
    this.#clock = checkClock(options.clock);
    this.#dpop =
      dpop === undefined ? undefined : new DpopProofVerifier<R>(dpop, checkLeeway(options.leeway), this.#clock);
    this.#remember = (auth) => {
      if (auth.payload.cnf !== undefined && !acceptBound) throw boundToken(realm);
      (auth as Tagged)[REALM] = realm;
      return auth;
    };
  }

  /**
   * Finds and verifies the bearer token of a request. Resolves to the {@link AuthResult}, or to `undefined`
   * when the request carries no token and `credentialsRequired` is false.
   *
   * @throws {BearerError} (rejects) as described on the class; anything else (a `ConfigurationError` from a
   *   discovery document naming another issuer, an issuer resolver's own error) is passed on as it is.
   */
  authenticate(req: R): Promise<AuthResult | undefined> {
    const dpop = this.#dpop;
    if (dpop !== undefined) {
      const credentials = dpopCredentials(req);
      if (credentials instanceof MalformedRequest) {
        return Promise.reject(invalidRequest(this.realm, credentials.description));
      }
      if (credentials !== undefined) return this.#authenticateDpop(dpop, credentials, req);
    }
    const found = extractToken(req, this.#locations, true);
    if (typeof found === 'string') {
      // With DPoP required, a bearer token is a request without the credentials it needs (RFC 9449 §7.2).
      if (dpop?.settings.required === true) return Promise.reject(this.#unauthorized());
      const verified = this.#router.verify(found, req);
      if (!this.#headerOnly) return verified.then(this.#remember, this.#fail);
      // A token that is not a b64token never passes verification (parsing refuses it before any I/O or
      // resolver call); it is answered as the malformed request it is, as when the syntax is checked first.
      return verified.then(this.#remember, (error: unknown) => {
        const problem = headerTokenProblem(found);
        throw problem === undefined
          ? toBearerError(error, this.realm, this.retryAfter)
          : invalidRequest(this.realm, problem.description);
      });
    }
    if (found instanceof MalformedRequest) return Promise.reject(invalidRequest(this.realm, found.description));
    if (this.credentialsRequired) return Promise.reject(this.#unauthorized());
    REALMS.set(req, this.realm);
    return Promise.resolve(undefined);
  }

  /** 401 without credentials: the Bearer challenge, with or (DPoP required) instead of the DPoP one. */
  #unauthorized(): UnauthorizedError {
    const settings = this.#dpop?.settings;
    return unauthorized(this.realm, settings?.algorithms, settings?.required);
  }

  /** A token presented with the DPoP scheme: verified as any token, then bound to the proof's key. */
  #authenticateDpop(dpop: DpopProofVerifier<R>, credentials: DpopCredentials, req: R): Promise<AuthResult> {
    const { realm, retryAfter } = this;
    const algs = dpop.settings.algorithms;
    return this.#router
      .verify(credentials.token, req)
      .then(async (auth) => {
        await dpop.verify(credentials.proof, credentials.token, auth.payload, req, this.#clock());
        (auth as Tagged)[REALM] = realm;
        return auth;
      })
      .catch((error: unknown) => {
        throw toDpopError(error, realm, retryAfter, algs);
      });
  }

  /**
   * Verifies a token obtained some other way (a WebSocket subprotocol, a message header) with the same
   * issuers, keys and errors as {@link BearerAuthenticator.authenticate}. `req` is what an issuer resolver
   * receives (give it when `issuers` is a resolver).
   *
   * @throws {BearerError} (rejects) 401 `invalid_token` or 503, as on the class.
   */
  verify(token: string, req?: R): Promise<AuthResult> {
    if (typeof token !== 'string' || token === '') return Promise.reject(unauthorized(this.realm));
    return this.#router.verify(token, req as R).then(this.#remember, this.#fail);
  }
}
