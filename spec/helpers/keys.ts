import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AsymmetricAlgorithm } from '../../lib/token-verifier/algorithms.js';

/** A key pair generated once per test run. */
export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The private key as PKCS#8 PEM text. */
  privatePem: string;
}

const cache = new Map<string, TestKeyPair>();

function pair(name: string, make: () => { privateKey: KeyObject; publicKey: KeyObject }): TestKeyPair {
  let keys = cache.get(name);
  if (keys === undefined) {
    const { privateKey, publicKey } = make();
    keys = { privateKey, publicKey, privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
    cache.set(name, keys);
  }
  return keys;
}

/**
 * An RSA key pair (2048 bits and exponent 65537 unless asked otherwise), shared by the specs that ask for the
 * same name.
 */
export function rsaKeys(name = 'rsa', modulusLength = 2048, publicExponent = 65_537): TestKeyPair {
  return pair(`${name}:${modulusLength}:${publicExponent}`, () =>
    generateKeyPairSync('rsa', { modulusLength, publicExponent }),
  );
}

/** An EC key pair on the given curve. */
export function ecKeys(namedCurve: 'P-256' | 'P-384' | 'P-521' = 'P-256', name = 'ec'): TestKeyPair {
  return pair(`${name}:${namedCurve}`, () => generateKeyPairSync('ec', { namedCurve }));
}

/** An Ed25519 key pair. */
export function edKeys(name = 'ed'): TestKeyPair {
  return pair(name, () => generateKeyPairSync('ed25519'));
}

/** Every asymmetric algorithm with a key pair that suits it: RSA for RS* and PS*, the curve of each ES*, Ed25519. */
export function keysByAlgorithm(): readonly (readonly [AsymmetricAlgorithm, TestKeyPair])[] {
  return [
    ['RS256', rsaKeys()],
    ['RS384', rsaKeys()],
    ['RS512', rsaKeys()],
    ['PS256', rsaKeys()],
    ['PS384', rsaKeys()],
    ['PS512', rsaKeys()],
    ['ES256', ecKeys('P-256')],
    ['ES384', ecKeys('P-384')],
    ['ES512', ecKeys('P-521')],
    ['EdDSA', edKeys()],
  ];
}
