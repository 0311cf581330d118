import { hash } from 'node:crypto';

/** The required members of each key type, in the lexicographic order RFC 7638 §3.2 hashes them in. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The JWK SHA-256 thumbprint of a public key (RFC 7638), base64url: what DPoP's `cnf.jkt` holds (RFC 9449 §6.1).
 * Only the required members count, each a string, in lexicographic order, without whitespace.
 *
 * @returns The thumbprint, or `undefined` for a key type other than RSA, EC and OKP, or a required member that
 *   is missing or not a string.
 * @example
 * const jkt = jwkThumbprint(publicKey.export({ format: 'jwk' })); // e.g. 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members =
    typeof jwk.kty === 'string' && Object.hasOwn(REQUIRED_MEMBERS, jwk.kty) ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const canonical: Record<string, string> = {};
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== 'string') return undefined;
    canonical[member] = value;
  }
  return hash('sha256', JSON.stringify(canonical), 'base64url');
}
