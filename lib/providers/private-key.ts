import { createPrivateKey, type JsonWebKey, KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { type ClientAssertionAlgorithm, curveAlgorithm } from '../authentication/client-authentication.js';
import { ConfigurationError } from '../errors.js';

/**
 * A private key as the providers accept it: PEM text, a JWK (JSON text or object, e.g. Okta's), a `KeyObject`,
 * or the path of a file holding PEM or JWK text.
 */
export type PrivateKeyInput = string | KeyObject | JsonWebKey;

/** A private key read from a {@link PrivateKeyInput}, with what its JWK said about itself. */
export interface PrivateKey {
  key: KeyObject;
  /** The JWK's `kid`, to put in the header of what it signs. */
  kid?: string;
  /** The algorithm the key signs with: the JWK's `alg` when it is one we sign with, else the key type's default. */
  alg: ClientAssertionAlgorithm;
}

const SIGNING_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);

function defaultAlg(key: KeyObject, option: string): ClientAssertionAlgorithm {
  const type = key.asymmetricKeyType;
  if ((type === 'rsa' || type === 'rsa-pss') && !((key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048)) {
    throw new ConfigurationError(`${option} must be an RSA key of at least 2048 bits`, option);
  }
  switch (type) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec': {
      const alg = curveAlgorithm(key.asymmetricKeyDetails?.namedCurve);
      if (alg !== undefined) return alg;
      break;
    }
  }
  throw new ConfigurationError(`${option} must be an RSA or EC (P-256, P-384, P-521) private key`, option);
}

function fromJwk(jwk: JsonWebKey, option: string): PrivateKey {
  if (typeof jwk.d !== 'string')
    throw new ConfigurationError(`${option} is a public JWK; a private one is needed`, option);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    // The parser's message may quote key material: say only what is wrong.
    throw new ConfigurationError(`${option} is not a usable private JWK`, option);
  }
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined;
  const alg =
    typeof jwk.alg === 'string' && SIGNING_ALGS.has(jwk.alg)
      ? (jwk.alg as ClientAssertionAlgorithm)
      : defaultAlg(key, option);
  return { key, alg, ...(kid !== undefined && { kid }) };
}

function fromText(text: string, option: string, fromFile: boolean): PrivateKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let jwk: unknown;
    try {
      jwk = JSON.parse(trimmed);
    } catch {
      throw new ConfigurationError(`${option} looks like a JWK but is not valid JSON`, option);
    }
    return readPrivateKey(jwk as JsonWebKey, option);
  }
  if (trimmed.includes('-----BEGIN')) {
    let key: KeyObject;
    try {
      key = createPrivateKey(trimmed);
    } catch {
      throw new ConfigurationError(`${option} is not a readable PEM private key`, option);
    }
    return { key, alg: defaultAlg(key, option) };
  }
  if (!fromFile && !trimmed.includes('\n') && existsSync(trimmed)) {
    let content: string;
    try {
      content = readFileSync(trimmed, 'utf8');
    } catch (failure) {
      const code = (failure as { code?: unknown }).code;
      throw new ConfigurationError(`${option} file ${trimmed} could not be read (${String(code)})`, option);
    }
    return fromText(content, option, true);
  }
  throw new ConfigurationError(`${option} is neither a PEM key, a JWK, nor the path of a file holding one`, option);
}

/**
 * Reads a private key from PEM text, a JWK (JSON text or object), a `KeyObject`, or a file path. Never quotes
 * the key in an error.
 *
 * @throws {ConfigurationError} when it is not a private RSA or EC key.
 */
export function readPrivateKey(input: PrivateKeyInput, option = 'privateKey'): PrivateKey {
  if (input instanceof KeyObject) {
    if (input.type !== 'private') throw new ConfigurationError(`${option} must be a private key`, option);
    return { key: input, alg: defaultAlg(input, option) };
  }
  if (typeof input === 'string') return fromText(input, option, false);
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return fromJwk(input, option);
  throw new ConfigurationError(`${option} must be PEM text, a JWK, a KeyObject or a file path`, option);
}
