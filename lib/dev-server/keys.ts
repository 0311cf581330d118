import { createHash, createPrivateKey, generateKeyPair, type JsonWebKey, KeyObject } from 'node:crypto';
import { ConfigurationError } from '../errors.js';

/** A private RSA key as the dev server accepts it: a `KeyObject`, PEM text (PKCS#8 or PKCS#1), or a private JWK. */
export type DevServerKey = KeyObject | string | JsonWebKey;

/** An imported RSA signing key of the dev server. */
export interface SigningKey {
  /** The key id published in the JWKS and put in the header of every JWT the key signs. */
  kid: string;
  /** The private key. */
  privateKey: KeyObject;
  /** The private key as a JWK with `kid`, `alg: RS256` and `use: sig`, as oidc-provider's keystore takes it. */
  privateJwk: JsonWebKey;
  /** The public key as a JWK with `kid`, `alg: RS256` and `use: sig`, as the JWKS publishes it. */
  publicJwk: JsonWebKey;
}

/** RFC 7638 thumbprint of an RSA JWK: SHA-256 of its required members in lexicographic order, base64url. */
export function rsaThumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Generates a new RSA-2048 private key without blocking the event loop. */
export function generateRsaKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, _publicKey, privateKey) => {
      if (error) reject(new ConfigurationError(`could not generate an RSA key: ${error.message}`));
      else resolve(privateKey);
    });
  });
}

/**
 * Reads one private RSA key, checks it can sign RS256 safely (RSA, at least 2048 bits) and derives its JWKs.
 * The `kid` is the JWK's own `kid` when it has one, else its RFC 7638 thumbprint.
 *
 * @throws {ConfigurationError} when the key is unreadable, public, not RSA or shorter than 2048 bits; the message
 *   never quotes the key.
 */
export function importRsaKey(input: DevServerKey, option: string): SigningKey {
  let privateKey: KeyObject;
  try {
    if (typeof input === 'string') privateKey = createPrivateKey(input);
    else if (input instanceof KeyObject) privateKey = input;
    else privateKey = createPrivateKey({ key: input, format: 'jwk' });
  } catch {
    throw new ConfigurationError(
      `${option} is not a readable private key (PEM text, KeyObject or private JWK)`,
      option,
    );
  }
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new ConfigurationError(`${option} must be a private RSA key`, option);
  }
  if ((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new ConfigurationError(`${option} must be an RSA key of at least 2048 bits`, option);
  }
  const jwk = privateKey.export({ format: 'jwk' });
  const given = typeof input === 'string' || input instanceof KeyObject ? undefined : input.kid;
  const kid = typeof given === 'string' && given !== '' ? given : rsaThumbprint(jwk);
  const { n, e } = jwk;
  return {
    kid,
    privateKey,
    privateJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' },
    publicJwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' },
  };
}
