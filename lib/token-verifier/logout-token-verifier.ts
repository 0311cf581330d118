import { rethrowFailure } from '../diagnostics.js';
import { ConfigurationError } from '../errors.js';
import {
  checkAudience,
  checkClock,
  checkExpiry,
  checkIssuedAt,
  checkIssuer,
  checkLeeway,
  checkText,
  checkTokenAge,
  type Clock,
} from './claims.js';
import { invalid } from './failure.js';
import { DEFAULT_MAX_TOKEN_LENGTH, HeaderCache, type JwtPayload, type ParseOptions, parseJwt } from './jwt.js';
import { SignatureVerifier } from './signature-verifier.js';

/** The `events` member that makes a token a back-channel logout token (OIDC Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** The claims of a logout token, as {@link LogoutTokenVerifier} resolves them (all checked). */
export interface LogoutTokenClaims extends JwtPayload {
  /** Issuer: equal to the configured issuer. */
  iss: string;
  /** Audience: the client id, or a list holding it. */
  aud: string | string[];
  /** Issue time, epoch seconds, within the accepted age. */
  iat: number;
  /** Expiry, epoch seconds. */
  exp: number;
  /** The token's unique id. */
  jti: string;
  /** Holds the member {@link BACKCHANNEL_LOGOUT_EVENT} with an object value. */
  events: Record<string, unknown>;
  /** The user to log out (at least one of `sub` and `sid` is present). */
  sub?: string;
  /** The provider session to log out (at least one of `sub` and `sid` is present). */
  sid?: string;
}

/** Options of a {@link LogoutTokenVerifier}. */
export interface LogoutTokenVerifierOptions {
  /** Verifies the signature: the same verifier as the ID tokens of this client. */
  signatureVerifier: SignatureVerifier;
  /** The expected `iss`, exactly. */
  issuer: string;
  /** The expected `aud`: the client id. */
  audience: string;
  /** Seconds of clock skew tolerated on `exp` and `iat`; 0 to 300. @defaultValue 60 */
  leeway?: number;
  /** Oldest token accepted, in seconds since its `iat` (plus the leeway). @defaultValue 120 */
  maxTokenAge?: number;
  /** The current time in epoch seconds, for tests. @defaultValue `() => Date.now() / 1000` */
  clock?: () => number;
}

const KIND = 'logout token';

/** Publishes the failure of a verification, and rejects with it. */
const failed = rethrowFailure(KIND);

function text(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Verifies back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.6): the signature with the
 * client's ID-token keys, `typ` absent, `JWT` or `logout+jwt`; then `iss`, `aud`, `exp` (required), `iat`
 * (required, not older than `maxTokenAge`); a `sub` or a `sid`; an `events` claim holding the back-channel logout
 * event; no `nonce` (so an ID token is never taken for a logout token, nor the reverse); a `jti`. Every failure
 * is a {@link TokenValidationError} whose `code` names the check.
 *
 * A replayed logout token is not refused: it ends sessions that are already ended, and refusing it would stop a
 * provider that retries after a failure of yours.
 *
 * @throws {ConfigurationError} from the constructor for a missing signature verifier, issuer or audience, or a
 *   bad `leeway`, `maxTokenAge` or `clock`.
 * @example
 * const verifier = new LogoutTokenVerifier({ signatureVerifier, issuer, audience: clientId });
 * const { sub, sid } = await verifier.verify(req.body.logout_token);
 */
export class LogoutTokenVerifier {
  /** The expected `iss`. */
  readonly issuer: string;
  /** The expected `aud`. */
  readonly audience: string;
  /** Seconds of clock skew tolerated. */
  readonly leeway: number;
  /** Oldest token accepted, in seconds since its `iat`. */
  readonly maxTokenAge: number;
  readonly #signatureVerifier: SignatureVerifier;
  readonly #clock: Clock;
  readonly #parse: ParseOptions;

  constructor(options: LogoutTokenVerifierOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
    if (!(options.signatureVerifier instanceof SignatureVerifier)) {
      throw new ConfigurationError('signatureVerifier must be an instance of SignatureVerifier.', 'signatureVerifier');
    }
    this.#signatureVerifier = options.signatureVerifier;
    this.issuer = checkText(options.issuer, 'issuer');
    this.audience = checkText(options.audience, 'audience');
    this.leeway = checkLeeway(options.leeway);
    const { maxTokenAge = 120 } = options;
    if (!(typeof maxTokenAge === 'number' && Number.isFinite(maxTokenAge) && maxTokenAge > 0)) {
      throw new ConfigurationError('maxTokenAge must be a positive finite number of seconds', 'maxTokenAge');
    }
    this.maxTokenAge = maxTokenAge;
    this.#clock = checkClock(options.clock);
    this.#parse = {
      algorithms: this.#signatureVerifier.algorithms,
      maxLength: DEFAULT_MAX_TOKEN_LENGTH,
      kind: KIND,
      types: new Set(['jwt', 'logout+jwt']),
      untyped: true,
      headers: new HeaderCache(),
    };
  }

  /**
   * Verifies a logout token and resolves to its claims.
   *
   * @throws {TokenValidationError} (rejects) when the token is not acceptable; `code` names the check.
   * @throws {NetworkError} (rejects) when the key source is down and no cached key can decide.
   * Each refusal is published on `authn-client:verification:failure` ({@link DIAGNOSTICS_CHANNELS}) when someone
   * listens.
   */
  verify(token: string): Promise<LogoutTokenClaims> {
    return this.#claims(token).catch(failed);
  }

  async #claims(token: string): Promise<LogoutTokenClaims> {
    if (!text(token)) throw invalid('Logout token is required but missing.', 'ERR_TOKEN_MISSING');
    const jwt = parseJwt(token, this.#parse);
    await this.#signatureVerifier.verifyParsed(jwt);
    const payload = jwt.payload;
    const now = this.#clock();
    checkIssuer(payload, [this.issuer], KIND);
    checkAudience(payload, [this.audience], KIND);
    const exp = checkExpiry(payload, now, this.leeway, KIND);
    checkIssuedAt(payload, exp, now, this.leeway, KIND, true);
    checkTokenAge(payload, now, this.maxTokenAge, this.leeway, KIND);
    const { sub, sid } = payload;
    if (
      (sub === undefined && sid === undefined) ||
      (sub !== undefined && !text(sub)) ||
      (sid !== undefined && !text(sid))
    ) {
      throw invalid(
        'Subject (sub) or Session ID (sid) claim must be a string present in the logout token',
        'ERR_TOKEN_SUB_SID_MISSING',
        'sub',
      );
    }
    const events = payload.events as Record<string, unknown> | undefined;
    const event = events !== null && typeof events === 'object' ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined;
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw invalid(
        `Events (events) claim must be an object holding the member ${BACKCHANNEL_LOGOUT_EVENT} with an object value in the logout token`,
        'ERR_TOKEN_EVENTS_MISSING',
        'events',
      );
    }
    if (payload.nonce !== undefined) {
      throw invalid(
        'Nonce (nonce) claim must not be present in the logout token',
        'ERR_TOKEN_NONCE_UNEXPECTED',
        'nonce',
      );
    }
    if (!text(payload.jti)) {
      throw invalid('JWT ID (jti) claim must be a string present in the logout token', 'ERR_TOKEN_JTI_MISSING', 'jti');
    }
    return payload as LogoutTokenClaims;
  }
}
