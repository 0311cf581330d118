import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** A compact JWS: three base64url segments (the signature may be empty only for `alg: none`, never used here). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Whether `value` has the shape of a compact JWT. Says nothing about its signature. */
export function isJwtShaped(value: string): boolean {
  return COMPACT_JWS.test(value);
}

/**
 * The payload of a JWT, decoded **without verifying** it: for reading the `exp` of a token we were handed by a
 * trusted party (our own token endpoint, our own file). `undefined` when it is not a JWT with a JSON object
 * payload.
 */
export function unverifiedPayload(token: string): Record<string, unknown> | undefined {
  if (!isJwtShaped(token)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(String(token.split('.')[1]), 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A numeric date claim (`exp`, `iat`) of an unverified JWT, in epoch ms; `undefined` when absent or not a number. */
export function unverifiedTime(token: string, claim: 'exp' | 'iat'): number | undefined {
  const value = unverifiedPayload(token)?.[claim];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

/** Signs `claims` as a compact JWS with `key`, putting `kid` in the header when given. */
export function signJwt(
  claims: Record<string, unknown>,
  key: KeyObject,
  algorithm: jwt.Algorithm,
  kid?: string,
): string {
  const header: jwt.JwtHeader = { alg: algorithm, typ: 'JWT', ...(kid !== undefined && { kid }) };
  return jwt.sign(claims, key, { algorithm, header });
}
