import { ConfigurationError } from '../errors.js';
import { TENANT_PLACEHOLDER } from '../oidc/id-tokens.js';
import type { LoginTokens } from '../oidc/tokens.js';
import type { IdTokenClaims } from '../token-verifier/claims.js';

/** A logged-in user's session: sealed into the session cookie, or into the record of a {@link SessionStore}. */
export interface Session {
  /** The tokens of the login, as the latest refresh left them (the rotated refresh token included). */
  tokens: LoginTokens;
  /** The userinfo response, when the login fetched it (`fetchUserinfo`). */
  userinfo?: Record<string, unknown>;
  /** When the login happened, in epoch seconds: the start of the absolute lifetime. */
  createdAt: number;
  /**
   * A cookie session's own random id (256 bits), under which its logout at the app is remembered in the logout
   * store (`backchannelLogout.store`), so that a copy of the cookie is refused after `/logout`.
   */
  id?: string;
}

/** How long a session lives. */
export interface SessionLifetimeOptions {
  /**
   * Seconds a session lives after the last request that used it (each request extends it); `false`: no rolling
   * expiry, only the absolute one. @defaultValue 86400 (one day, as express-openid-connect)
   */
  rollingDuration?: number | false;
  /**
   * Seconds a session lives after the login, however active; `false`: no absolute limit (then
   * `rollingDuration` is required). @defaultValue 604800 (seven days, as express-openid-connect)
   */
  absoluteDuration?: number | false;
}

function duration(value: unknown, option: string, fallback: number): number | false {
  if (value === undefined) return fallback;
  if (value === false) return false;
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) {
    throw new ConfigurationError(`${option} must be a positive whole number of seconds, or false`, option);
  }
  return value;
}

/**
 * The lifetimes of sessions: a rolling one, renewed by every request, and an absolute one, counted from the
 * login. A session ends at whichever comes first.
 *
 * @throws {ConfigurationError} for a duration that is not a positive whole number of seconds, or both `false`.
 * @example
 * const lifetime = new SessionLifetime({ rollingDuration: 3600, absoluteDuration: 86_400 });
 * const expiresAt = lifetime.expiresAt(session.createdAt, Date.now() / 1000);
 */
export class SessionLifetime {
  /** Seconds after the last request, or `false`. */
  readonly rollingDuration: number | false;
  /** Seconds after the login, or `false`. */
  readonly absoluteDuration: number | false;

  constructor(options: SessionLifetimeOptions = {}) {
    this.rollingDuration = duration(options.rollingDuration, 'session.rollingDuration', 86_400);
    this.absoluteDuration = duration(options.absoluteDuration, 'session.absoluteDuration', 604_800);
    if (this.rollingDuration === false && this.absoluteDuration === false) {
      throw new ConfigurationError(
        'session.rollingDuration and session.absoluteDuration cannot both be false: a session must end',
        'session.absoluteDuration',
      );
    }
  }

  /**
   * When a session begun at `createdAt` ends if it is used at `now` (both epoch seconds): the earlier of
   * `now + rollingDuration` and `createdAt + absoluteDuration`.
   *
   * @example
   * lifetime.expiresAt(session.createdAt, Math.floor(Date.now() / 1000));
   */
  expiresAt(createdAt: number, now: number): number {
    const rolling = this.rollingDuration === false ? Infinity : now + this.rollingDuration;
    const absolute = this.absoluteDuration === false ? Infinity : createdAt + this.absoluteDuration;
    return Math.min(rolling, absolute);
  }

  /**
   * The longest a session can live: how long a back-channel logout must be remembered to end every session that
   * began before it. Without an absolute limit a session may roll on for ever; a logout is then remembered for
   * 30 days.
   *
   * @example
   * await store.endSessions(event, now + lifetime.longest());
   */
  longest(): number {
    return this.absoluteDuration === false ? 30 * 86_400 : this.absoluteDuration;
  }
}

/** The app a session belongs to: the client its ID token was issued to, and the issuer (or issuer template). */
export interface SessionOwner {
  /** The client id. */
  readonly clientId: string;
  /** The issuer, or the issuer template with `{tenantid}` (Entra ID multi-tenant). */
  readonly issuer: string;
}

/**
 * Whether a session's ID token was issued to `owner`: its `aud` names the client id, and its `iss` is the issuer
 * (an issuer template filled with the token's `tid`). Two apps that share a secret never accept each other's
 * sessions.
 *
 * @example
 * if (!isOwnedBy(claims, { clientId: client.clientId, issuer: client.issuer })) return undefined;
 */
export function isOwnedBy(claims: IdTokenClaims, owner: SessionOwner): boolean {
  const audiences: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const tenant = typeof claims.tid === 'string' ? claims.tid : undefined;
  const template = owner.issuer.includes(TENANT_PLACEHOLDER);
  if (template && tenant === undefined) return false;
  const issuer = template ? owner.issuer.replace(TENANT_PLACEHOLDER, tenant as string) : owner.issuer;
  return audiences.includes(owner.clientId) && claims.iss === issuer;
}
