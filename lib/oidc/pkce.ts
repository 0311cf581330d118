import { createHash, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../errors.js';

/** A PKCE code verifier and its `S256` challenge (RFC 7636). */
export interface PkcePair {
  /** The secret the client keeps and sends to the token endpoint as `code_verifier`. */
  codeVerifier: string;
  /** `BASE64URL(SHA-256(codeVerifier))`, sent to `/authorize` as `code_challenge`. */
  codeChallenge: string;
  /** Always `S256`: the `plain` method protects nothing and is not offered. */
  codeChallengeMethod: 'S256';
}

/** RFC 7636 §4.1: 43 to 128 characters from the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Returns a new random PKCE code verifier: 32 random bytes, base64url-encoded (43 characters, 256 bits).
 *
 * @example
 * const codeVerifier = randomPkceVerifier();
 * const codeChallenge = pkceChallenge(codeVerifier);
 */
export function randomPkceVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Computes the `S256` code challenge of a verifier: `BASE64URL(SHA-256(ASCII(codeVerifier)))` (RFC 7636 §4.2).
 *
 * @throws {ConfigurationError} when the verifier is not 43–128 characters of `[A-Za-z0-9-._~]`.
 * @example
 * pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'); // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 */
export function pkceChallenge(codeVerifier: string): string {
  if (typeof codeVerifier !== 'string' || !VERIFIER.test(codeVerifier)) {
    throw new ConfigurationError(
      'a PKCE code verifier must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" or "~"',
      'codeVerifier',
    );
  }
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/**
 * Creates a fresh PKCE pair for one authorization request: keep `codeVerifier` with the transaction, send
 * `codeChallenge` and `codeChallengeMethod` to `/authorize`.
 *
 * @example
 * const { codeVerifier, codeChallenge } = createPkcePair();
 * const url = buildAuthorizeUrl({ domain, clientId, redirectUri, state, codeChallenge });
 * // … later, at the callback:
 * await getToken.authorizationCodePkce({ code, codeVerifier, redirectUri });
 */
export function createPkcePair(): PkcePair {
  const codeVerifier = randomPkceVerifier();
  return { codeVerifier, codeChallenge: pkceChallenge(codeVerifier), codeChallengeMethod: 'S256' };
}
