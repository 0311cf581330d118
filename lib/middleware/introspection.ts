import { createHash } from 'node:crypto';
import type { AuthenticationOptions } from '../authentication/base.js';
import { TokenIntrospection } from '../authentication/token-introspection.js';
import type { IntrospectionResponse } from '../authentication/types.js';
import { Auth0Error, ConfigurationError, KeySourceUnavailableError, TokenResponseError } from '../errors.js';
import { scopesOf } from '../token-verifier/access-token-verifier.js';
import {
  checkAudience,
  checkExpiry,
  checkIssuedAt,
  checkIssuer,
  checkTokenAge,
  type Clock,
} from '../token-verifier/claims.js';
import { invalid } from '../token-verifier/failure.js';

/**
 * How the middleware introspects the opaque access tokens of one issuer (RFC 7662): the client it introspects
 * as (a resource server's credentials, as any client object takes them) and the cache of the answers. Where the
 * provider is defaults to the middleware's issuer (its discovery document names the `introspection_endpoint`);
 * `issuer`, `endpoints`, `discoveryUri` or `domain` may say otherwise.
 */
export interface IntrospectionOptions extends AuthenticationOptions {
  /**
   * Longest time an answer is reused, in seconds: an active token is introspected again after this, or at its
   * `exp` if sooner — the most a revocation can go unnoticed. @defaultValue 60
   */
  maxCacheAge?: number;
  /** Answers kept at most; beyond, the oldest goes. @defaultValue 10000 */
  maxEntries?: number;
  /**
   * Seconds an `active: false` answer is reused, so that a flood of garbage tokens does not become a flood of
   * introspections (0: never). Other refusals are not reused. @defaultValue 5
   */
  inactiveCacheAge?: number;
  /**
   * Introspection requests in flight at most; a token that would need another is answered 503 (a
   * `KeySourceUnavailableError`) without one, so that the provider is never flooded on anyone's behalf.
   * @defaultValue 50
   */
  maxInFlight?: number;
}

/** The options of {@link IntrospectionOptions} that are the middleware's, not the introspecting client's. */
const CACHE_OPTIONS = ['maxCacheAge', 'maxEntries', 'inactiveCacheAge', 'maxInFlight'] as const;

/**
 * What the middleware puts on `req.auth` for an opaque access token checked by introspection: the answer of the
 * introspection endpoint as `payload`, the scopes it grants, and the token. There is no JOSE header.
 */
export interface IntrospectedAccessToken {
  /** Absent: an opaque token has no header. */
  header: undefined;
  /** The introspection answer (`active`, `sub`, `scope`, `client_id`, `aud`, `exp`…), checked. */
  payload: IntrospectionResponse;
  /** The scopes granted: `scope` (space-separated), `scp` and `permissions`, as for a JWT. */
  scopes: string[];
  /** The token itself. */
  token: string;
}

/** What every introspecting issuer shares: the middleware's claim settings. */
export interface IntrospectionSettings {
  /** The accepted audiences. */
  audiences: readonly string[];
  /** Seconds of clock skew tolerated. */
  leeway: number;
  /** Oldest token accepted, in seconds since its `iat`. */
  maxTokenAge: number | undefined;
  /** The clock, in epoch seconds. */
  clock: Clock;
}

const KIND = 'access token';

/**
 * The `token_type` values (RFC 7662 §2.2, lower-cased) that name an access token: the OAuth token types of RFC 6749
 * §7.1 (`Bearer`, RFC 9449's `DPoP`), and the names some providers use instead.
 */
const ACCESS_TOKEN_TYPES: ReadonlySet<string> = new Set([
  'bearer',
  'dpop',
  'access_token',
  'urn:ietf:params:oauth:token-type:access_token',
]);

/** The `token_use` values (Ory Hydra, AWS Cognito) that name an access token. */
const ACCESS_TOKEN_USES: ReadonlySet<string> = new Set(['access_token', 'access']);

/**
 * Refuses an answer about another kind of token: the endpoint introspects refresh tokens too (RFC 7662 §2.1:
 * `token_type_hint` is only a hint), and a refresh token the provider gives the API's audience must not open the
 * API. An answer that names no kind passes.
 */
function checkTokenKind(payload: IntrospectionResponse): void {
  const { token_type: type, token_use: use } = payload;
  if (type !== undefined && !(typeof type === 'string' && ACCESS_TOKEN_TYPES.has(type.toLowerCase()))) {
    throw invalid(
      `the introspected token is not an access token (token_type ${JSON.stringify(String(type).slice(0, 50))})`,
      'ERR_TOKEN_NOT_ACCESS',
      'token_type',
    );
  }
  if (use !== undefined && !(typeof use === 'string' && ACCESS_TOKEN_USES.has(use))) {
    throw invalid(
      `the introspected token is not an access token (token_use ${JSON.stringify(String(use).slice(0, 50))})`,
      'ERR_TOKEN_NOT_ACCESS',
      'token_use',
    );
  }
}

/**
 * Whether a token is a JWS in compact form (three dot-separated segments), to be verified as a JWT; any other
 * token is opaque, for introspection.
 */
export function isCompactJws(token: string): boolean {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  return second > 0 && token.indexOf('.', second + 1) < 0;
}

function wholeNumber(value: unknown, option: string, fallback: number, least = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < least) {
    const what = least === 0 ? 'a whole number, 0 or more' : 'a positive integer';
    throw new ConfigurationError(`introspection.${option} must be ${what}`, `introspection.${option}`);
  }
  return value as number;
}

function inactive(): never {
  throw invalid('the access token is not active (token introspection)', 'ERR_TOKEN_INACTIVE', 'active');
}

/** A failure of the introspection endpoint: the token may be fine, so the middleware answers 503. */
function unavailable(error: unknown): unknown {
  if (error instanceof Auth0Error) {
    return new KeySourceUnavailableError(
      `the introspection endpoint answered HTTP ${error.statusCode} (${error.errorCode})`,
      { cause: error },
    );
  }
  return error instanceof TokenResponseError ? new KeySourceUnavailableError(error.message, { cause: error }) : error;
}

interface Entry {
  /** What the middleware puts on `req.auth`; absent for an `active: false` answer. */
  readonly result: IntrospectedAccessToken | undefined;
  /** Epoch seconds after which the answer is asked for again. */
  readonly until: number;
}

/**
 * Verifies the opaque access tokens of one issuer by introspection: `active` must be `true`, a `token_type` or
 * `token_use` (when the answer has one) must name an access token, then the checks a JWT gets — `iss` (when the answer names one) the issuer, `aud` one of the audiences, `exp`, `iat`, `nbf` and
 * `maxTokenAge` with the leeway. Answers are cached by a hash of the token (never the token itself) until the
 * token's `exp` and at most `maxCacheAge`, an `active: false` answer for `inactiveCacheAge`, for at most
 * `maxEntries` tokens; concurrent requests with one token share one introspection, and at most `maxInFlight` run
 * at once. An endpoint that fails or answers nonsense is a `KeySourceUnavailableError` (503):
 * only an answer about the token is a verdict on it.
 *
 * @internal
 */
export class OpaqueTokenVerifier {
  /** The issuer whose tokens this verifier introspects. */
  readonly issuer: string;
  /** The options it was built from, to tell whether a resolver's entry still matches. */
  readonly options: IntrospectionOptions;
  readonly #client: TokenIntrospection;
  readonly #settings: IntrospectionSettings;
  readonly #maxCacheAge: number;
  readonly #maxEntries: number;
  readonly #inactiveCacheAge: number;
  readonly #maxInFlight: number;
  readonly #cache = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<IntrospectedAccessToken>>();

  constructor(issuer: string, options: IntrospectionOptions, settings: IntrospectionSettings) {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError('introspection must be an object of options', 'introspection');
    }
    this.issuer = issuer;
    this.options = options;
    this.#settings = settings;
    this.#maxCacheAge = wholeNumber(options.maxCacheAge, 'maxCacheAge', 60);
    this.#maxEntries = wholeNumber(options.maxEntries, 'maxEntries', 10_000);
    this.#inactiveCacheAge = wholeNumber(options.inactiveCacheAge, 'inactiveCacheAge', 5, 0);
    this.#maxInFlight = wholeNumber(options.maxInFlight, 'maxInFlight', 50);
    const client = Object.fromEntries(
      Object.entries(options).filter(([name]) => !(CACHE_OPTIONS as readonly string[]).includes(name)),
    ) as AuthenticationOptions;
    const located = ['domain', 'issuer', 'discoveryUri', 'endpoints'].some(
      (name) => client[name as keyof typeof client] != null,
    );
    this.#client = new TokenIntrospection(located ? client : { ...client, issuer });
  }

  /**
   * Verifies an opaque token; resolves to what the middleware puts on `req.auth`.
   *
   * @throws {TokenValidationError} (rejects) when the token is not active or a claim check fails.
   * @throws {NetworkError} (rejects; `KeySourceUnavailableError`, `TimeoutError`) when the endpoint fails, or
   *   `maxInFlight` introspections are under way.
   */
  async verify(token: string): Promise<IntrospectedAccessToken> {
    const key = createHash('sha256').update(token).digest('base64url');
    const hit = this.#cache.get(key);
    if (hit !== undefined) {
      if (this.#settings.clock() < hit.until) return hit.result === undefined ? inactive() : { ...hit.result };
      this.#cache.delete(key);
    }
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      if (this.#pending.size >= this.#maxInFlight) {
        throw new KeySourceUnavailableError(
          `${this.#maxInFlight} introspections are under way (maxInFlight): this token is not introspected now`,
        );
      }
      pending = this.#introspect(token, key);
      this.#pending.set(key, pending);
      const forget = () => this.#pending.delete(key);
      pending.then(forget, forget);
    }
    return pending.then((result) => ({ ...result }));
  }

  async #introspect(token: string, key: string): Promise<IntrospectedAccessToken> {
    let answer: IntrospectionResponse;
    try {
      answer = await this.#client.introspect(token, { tokenTypeHint: 'access_token' });
    } catch (error) {
      throw unavailable(error);
    }
    const payload = Object.freeze({ ...answer });
    const now = this.#settings.clock();
    if (payload.active === false && this.#inactiveCacheAge > 0) {
      this.#remember(key, { result: undefined, until: now + this.#inactiveCacheAge });
    }
    const result: IntrospectedAccessToken = { header: undefined, payload, scopes: scopesOf(payload), token };
    this.#remember(key, { result, until: Math.min(this.#check(payload, now), now + this.#maxCacheAge) });
    return result;
  }

  #remember(key: string, entry: Entry): void {
    if (this.#cache.size >= this.#maxEntries) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, entry);
  }

  /**
   * The checks of an active token's answer; returns until when they hold: its `exp`, and with `maxTokenAge` the
   * end of its allowed age.
   */
  #check(payload: IntrospectionResponse, now: number): number {
    if (payload.active !== true) inactive();
    checkTokenKind(payload);
    const { audiences, leeway, maxTokenAge } = this.#settings;
    if (payload.iss !== undefined) checkIssuer(payload, [this.issuer], KIND);
    checkAudience(payload, audiences, KIND);
    const exp = payload.exp === undefined ? Infinity : checkExpiry(payload, now, leeway, KIND);
    checkIssuedAt(payload, exp, now, leeway, KIND, false);
    if (maxTokenAge === undefined) return exp;
    checkTokenAge(payload, now, maxTokenAge, leeway, KIND);
    return Math.min(exp, (payload.iat as number) + maxTokenAge + leeway);
  }
}
