import { ConfigurationError } from '../errors.js';
import type { LoginTokens } from '../oidc/tokens.js';
import type { IdTokenClaims } from '../token-verifier/claims.js';
import type { ActiveSession } from './session-manager.js';

/** The claims of an ID token that are about the token, not the user: left out of `req.oidc.user`. */
const PROTOCOL_CLAIMS: ReadonlySet<string> = new Set([
  'aud',
  'iss',
  'iat',
  'exp',
  'nbf',
  'nonce',
  'azp',
  'auth_time',
  's_hash',
  'at_hash',
  'c_hash',
]);

/** What a context needs to refresh its session's tokens. */
export interface TokenRefresher {
  /**
   * Redeems the session's refresh token (or takes the tokens a concurrent refresh of the session got), puts the
   * new tokens into `active` and records them (its store record now; its cookie with the answer).
   */
  refresh(active: ActiveSession): Promise<void>;
}

/**
 * The access token of a session, as `req.oidc.accessToken` gives it: the token, when it expires, and a way to get
 * a new one with the refresh token. (An interface, so that the ESM and CommonJS typings of the package agree.)
 *
 * @example
 * const token: OidcAccessToken | undefined = req.oidc.accessToken;
 * if (token?.isExpired()) await token.refresh();
 */
export interface OidcAccessToken {
  /** The access token. */
  readonly token: string;
  /** Its type, e.g. `Bearer`. */
  readonly tokenType: string;
  /** When it expires, in epoch ms; `undefined` when the provider did not say. */
  readonly expiresAt: number | undefined;
  /** Whether the token has expired (`false` when its lifetime is unknown). */
  isExpired(): boolean;
  /** Gets new tokens with the refresh token; see {@link SessionAccessToken.refresh}. */
  refresh(): Promise<OidcAccessToken>;
}

/**
 * What the web login tells the application about a request, as `req.oidc` (Express) and `request.oidc` (Fastify)
 * hold it; {@link OidcContext} is the implementation. (An interface, so that the ESM and CommonJS typings of the
 * package agree.)
 *
 * @example
 * const oidc: OidcRequestContext = req.oidc;
 * if (oidc.isAuthenticated()) console.log(oidc.user?.sub);
 */
export interface OidcRequestContext {
  /** Whether the request has a valid session. */
  isAuthenticated(): boolean;
  /** The user's claims; `undefined` when logged out. */
  readonly user: Record<string, unknown> | undefined;
  /** The ID token; `undefined` when logged out. */
  readonly idToken: string | undefined;
  /** All the claims of the ID token; `undefined` when logged out. */
  readonly idTokenClaims: IdTokenClaims | undefined;
  /** The access token; `undefined` when logged out or when the provider issued none. */
  readonly accessToken: OidcAccessToken | undefined;
}

/**
 * The access token of a session (`req.oidc.accessToken`): the token, when it expires, and a way to get a new one
 * with the refresh token.
 *
 * @example
 * if (req.oidc.accessToken?.isExpired()) await req.oidc.accessToken.refresh();
 */
export class SessionAccessToken implements OidcAccessToken {
  /** The access token. */
  readonly token: string;
  /** Its type, e.g. `Bearer`. @defaultValue 'Bearer' when the provider said none */
  readonly tokenType: string;
  /** When it expires, in epoch ms; `undefined` when the provider did not say. */
  readonly expiresAt: number | undefined;
  readonly #context: OidcContext;

  /** @internal */
  constructor(context: OidcContext, tokens: LoginTokens) {
    this.token = tokens.accessToken as string;
    this.tokenType = tokens.tokenType ?? 'Bearer';
    this.expiresAt = tokens.expiresAt;
    this.#context = context;
  }

  /**
   * Whether the token has expired (`false` when its lifetime is unknown).
   *
   * @example
   * if (req.oidc.accessToken?.isExpired()) await req.oidc.accessToken.refresh();
   */
  isExpired(): boolean {
    return this.expiresAt !== undefined && Date.now() >= this.expiresAt;
  }

  /**
   * Gets new tokens with the session's refresh token, stores them in the session (a rotated refresh token
   * replaces the old one; a new ID token is checked against the login's, OIDC Core §12.2) and resolves to the
   * new access token, also found at `req.oidc.accessToken` from then on. Calls made while one is under way share
   * it.
   *
   * @throws {ConfigurationError} (rejects) when the session has no refresh token (ask for `offline_access`).
   * @throws {Auth0Error} (rejects) when the provider refuses the refresh token (`invalid_grant`…).
   * @throws {TokenValidationError} (rejects) when the new ID token fails a check.
   * @example
   * const { token } = await req.oidc.accessToken!.refresh();
   */
  refresh(): Promise<SessionAccessToken> {
    return this.#context.refreshTokens();
  }

  /** Keeps the token out of logs: `util.inspect` and `JSON.stringify` show only its type and expiry. @internal */
  toJSON(): { tokenType: string; expiresAt: number | undefined } {
    return { tokenType: this.tokenType, expiresAt: this.expiresAt };
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SessionAccessToken { tokenType: '${this.tokenType}', expiresAt: ${String(this.expiresAt)} }`;
  }
}

/**
 * What the web login tells the application about a request (`req.oidc` on Express and Fastify): whether the
 * user is logged in, who they are, and their tokens.
 *
 * @example
 * app.get('/', (req, res) => {
 *   res.send(req.oidc.isAuthenticated() ? `Hello ${String(req.oidc.user?.name)}` : 'Logged out');
 * });
 */
export class OidcContext implements OidcRequestContext {
  readonly #active: ActiveSession | undefined;
  readonly #refresher: TokenRefresher;
  #refreshing: Promise<SessionAccessToken> | undefined;

  /** @internal */
  constructor(active: ActiveSession | undefined, refresher: TokenRefresher) {
    this.#active = active;
    this.#refresher = refresher;
  }

  /**
   * Whether the request has a valid session.
   *
   * @example
   * if (!req.oidc.isAuthenticated()) return res.redirect('/login');
   */
  isAuthenticated(): boolean {
    return this.#active !== undefined;
  }

  /**
   * The user: the ID token's claims without those about the token itself (`iss`, `aud`, `exp`, `nonce`…; `sub`,
   * `sid` and the profile claims stay), and the userinfo response when the login fetched it (`fetchUserinfo`).
   * `undefined` when logged out.
   */
  get user(): Record<string, unknown> | undefined {
    const active = this.#active;
    if (active === undefined) return undefined;
    const user: Record<string, unknown> = {};
    for (const [claim, value] of Object.entries(active.claims)) if (!PROTOCOL_CLAIMS.has(claim)) user[claim] = value;
    return { ...user, ...active.session.userinfo };
  }

  /** The ID token of the session, `undefined` when logged out. */
  get idToken(): string | undefined {
    return this.#active?.session.tokens.idToken;
  }

  /** All the claims of the ID token, `undefined` when logged out. */
  get idTokenClaims(): IdTokenClaims | undefined {
    return this.#active?.claims;
  }

  /** The access token, `undefined` when logged out or when the provider issued none. */
  get accessToken(): SessionAccessToken | undefined {
    const tokens = this.#active?.session.tokens;
    return tokens?.accessToken === undefined ? undefined : new SessionAccessToken(this, tokens);
  }

  /** Refreshes the session's tokens (see {@link SessionAccessToken.refresh}). @internal */
  refreshTokens(): Promise<SessionAccessToken> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<SessionAccessToken> {
    const active = this.#active;
    if (active?.session.tokens.refreshToken === undefined) {
      throw new ConfigurationError('the session has no refresh token: ask for the offline_access scope', 'scope');
    }
    await this.#refresher.refresh(active);
    return this.accessToken as SessionAccessToken;
  }

  /**
   * Keeps the tokens out of logs: `util.inspect` and `JSON.stringify` show whether the request is authenticated,
   * and the user's `sub`. @internal
   */
  toJSON(): { authenticated: boolean; sub: string | undefined } {
    return { authenticated: this.isAuthenticated(), sub: this.#active?.claims.sub };
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `OidcContext ${JSON.stringify(this.toJSON())}`;
  }
}
