import { createHash } from 'node:crypto';
import type { LoginErrorCode } from '../errors.js';
import type { OidcResponseType } from './oidc-client-options.js';
import { Sealer } from './seal.js';

/**
 * The name of every login transaction cookie starts with this: `authn_tx_` followed by 22 characters derived
 * from the login's `state`. One cookie per login, so parallel logins in several tabs never overwrite each other.
 */
export const TRANSACTION_COOKIE_PREFIX = 'authn_tx_';

const NAME = /^authn_tx_[A-Za-z0-9_-]{22}$/;

/**
 * Tells whether a cookie name is the name of a login transaction, so that a callback can pick the transaction
 * cookies among all the cookies of a request.
 *
 * @example
 * const values = Object.entries(cookies).filter(([name]) => isTransactionCookie(name)).map(([, value]) => value);
 */
export function isTransactionCookie(name: string): boolean {
  return typeof name === 'string' && NAME.test(name);
}

/**
 * The cookie name of the login whose authorization request carried `state`: `authn_tx_` and the first 22
 * characters of base64url(SHA-256(state)). A callback can compute it from the response's `state` and read or
 * clear exactly that cookie.
 *
 * @example
 * const name = transactionName(new URL(req.url, baseUrl).searchParams.get('state') ?? '');
 * const value = cookies[name];
 */
export function transactionName(state: string): string {
  return (
    TRANSACTION_COOKIE_PREFIX + createHash('sha256').update(String(state), 'utf8').digest('base64url').slice(0, 22)
  );
}

/**
 * What `OidcClient.startLogin` hands back besides the URL: the cookie that carries the login until the callback.
 * Set it as `name=value` with `Max-Age=maxAge`, `HttpOnly`, `Path` covering the callback, and `SameSite=Lax`
 * — or `SameSite=None; Secure` when `sameSite` is `'none'`.
 */
export interface LoginTransaction {
  /** The cookie name, unique to this login ({@link transactionName} of its state). */
  name: string;
  /** The sealed transaction (AES-256-GCM): opaque, cookie-safe text that reveals nothing of the login. */
  value: string;
  /** Seconds the transaction stays valid; the cookie's `Max-Age`. */
  maxAge: number;
  /**
   * `'none'` when the provider answers with a cross-site POST (`form_post`): a `SameSite=Lax` cookie would not be
   * sent with it, so the cookie must be `SameSite=None; Secure`. `'lax'` otherwise.
   */
  sameSite: 'lax' | 'none';
}

/**
 * The transactions a callback may be for, as `OidcClient.finishLogin` takes them: the request's cookies (a map of
 * name to value, in which the one named {@link transactionName} of the response's state is used), or the values
 * of its transaction cookies (one, or a list).
 */
export type TransactionValues = string | readonly string[] | ReadonlyMap<string, string>;

/** What a transaction remembers between the authorization request and the callback (sealed, never in clear). */
export interface TransactionPayload {
  /** The client the login is for: a transaction of another client sharing the secret does not open here. */
  clientId: string;
  /** The `state` sent; the response must echo it. */
  state: string;
  /** The response type asked for. */
  responseType: OidcResponseType;
  /** The `nonce` sent, when one was. */
  nonce?: string;
  /** The PKCE code verifier, when PKCE was used. */
  codeVerifier?: string;
  /** The `max_age` sent, in seconds. */
  maxAge?: number;
  /** The `organization` sent; the ID token must name it. */
  organization?: string;
  /** Where the application wants the user to land afterwards. */
  returnTo?: string;
  /** When the login started, epoch seconds. */
  createdAt: number;
}

/** The transaction found for a callback, or why none was. */
export type FoundTransaction =
  { ok: true; payload: TransactionPayload; expiresAt: number } | { ok: false; code: LoginErrorCode };

/**
 * Seals login transactions under the `transaction` purpose of a {@link Sealer} and finds, among the values a
 * browser sent back, the one for a callback's `state`.
 *
 * @internal
 */
export class TransactionSealer {
  readonly #sealer: Sealer;

  constructor(secret: string | readonly string[]) {
    this.#sealer = new Sealer(secret, 'transaction');
  }

  /** Seals `payload` for `maxAge` seconds from its `createdAt`. */
  seal(payload: TransactionPayload, maxAge: number, sameSite: 'lax' | 'none'): LoginTransaction {
    return {
      name: transactionName(payload.state),
      value: this.#sealer.seal(payload, payload.createdAt + maxAge),
      maxAge,
      sameSite,
    };
  }

  /**
   * Finds the transaction for `state` and `clientId`: in a map of the request's cookies, the one named
   * {@link transactionName} of the state; in a list of values, whichever opens to that state (each is opened,
   * which costs as little as the bytes the request carried). When none is, the reason given is, in this order: no
   * transaction at all; one that has expired (most likely the login's own); one that could not be opened or
   * belongs to another client; else none is for this state.
   */
  find(
    state: string,
    values: readonly unknown[] | ReadonlyMap<string, unknown>,
    clientId: string,
    now: number,
  ): FoundTransaction {
    const candidates = values instanceof Map ? named(values, state) : (values as readonly unknown[]);
    if (candidates.length === 0) {
      const others = values instanceof Map && [...values.keys()].some(isTransactionCookie);
      return { ok: false, code: others ? 'ERR_LOGIN_STATE_MISMATCH' : 'ERR_LOGIN_TRANSACTION_MISSING' };
    }
    let expired = false;
    let invalid = false;
    for (const value of candidates) {
      const opened = this.#sealer.open<TransactionPayload>(value, now);
      if (!opened.ok) {
        if (opened.reason === 'expired') expired = true;
        else invalid = true;
        continue;
      }
      const payload = opened.payload;
      if (payload === null || typeof payload !== 'object' || payload.state !== state) continue;
      if (payload.clientId !== clientId) {
        invalid = true;
        continue;
      }
      return { ok: true, payload, expiresAt: opened.expiresAt };
    }
    if (expired) return { ok: false, code: 'ERR_LOGIN_TRANSACTION_EXPIRED' };
    return { ok: false, code: invalid ? 'ERR_LOGIN_TRANSACTION_INVALID' : 'ERR_LOGIN_STATE_MISMATCH' };
  }
}

/** The value of the cookie named after `state` among `cookies`, as a list of none or one. */
function named(cookies: ReadonlyMap<string, unknown>, state: string): unknown[] {
  const value = cookies.get(transactionName(state));
  return value === undefined ? [] : [value];
}
