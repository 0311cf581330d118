import { randomBytes } from 'node:crypto';

/**
 * Returns a new unguessable `state` value for an authorization request (32 random bytes, base64url): bind it to
 * the user's browser session and compare it at the callback to stop login CSRF (RFC 6749 §10.12).
 *
 * @example
 * const state = randomState();
 * session.state = state;
 * res.redirect(buildAuthorizeUrl({ domain, clientId, redirectUri, state }));
 */
export function randomState(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Returns a new unguessable `nonce` for an authentication request (32 random bytes, base64url): the ID token must
 * carry it back, which stops ID-token replay (OIDC Core §3.1.2.1, §15.5.2).
 *
 * @example
 * const nonce = randomNonce();
 * // … at the callback:
 * await tokenVerifier.verify(idToken, { nonce });
 */
export function randomNonce(): string {
  return randomBytes(32).toString('base64url');
}
