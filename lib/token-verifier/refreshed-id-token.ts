import { invalid, quote } from './failure.js';
import type { JwtPayload } from './jwt.js';

/** The claims an ID token from a refresh response must carry over from the one it replaces (OIDC Core §12.2). */
const KEPT_CLAIMS = ['iss', 'sub', 'aud', 'azp', 'auth_time'] as const;

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, i) => value === b[i]);
  return a === b;
}

/**
 * Checks an ID token from a refresh response against the verified claims of the ID token it replaces (OIDC
 * Core §12.2): the same `iss`, `sub` and `aud`; the same `azp` (none added, none dropped); the same `auth_time`
 * when it has one; and a `nonce`, if any, equal to the original's.
 *
 * @throws {TokenValidationError} `ERR_TOKEN_REFRESH_MISMATCH` naming the first claim that changed.
 */
export function checkRefreshedIdToken(payload: JwtPayload, original: JwtPayload): void {
  for (const claim of KEPT_CLAIMS) {
    if (claim === 'auth_time' && payload.auth_time === undefined) continue;
    if (!same(payload[claim], original[claim])) throw changed(claim, original[claim], payload[claim]);
  }
  if (payload.nonce !== undefined && payload.nonce !== original.nonce) {
    throw changed('nonce', original.nonce, payload.nonce);
  }
}

function changed(claim: string, before: unknown, after: unknown) {
  return invalid(
    `the ${claim} claim of the refreshed ID token differs from the original ID token; expected ${quote(before)}, found ${quote(after)}`,
    'ERR_TOKEN_REFRESH_MISMATCH',
    claim,
  );
}
