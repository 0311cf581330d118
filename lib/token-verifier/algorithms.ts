import { ConfigurationError } from '../errors.js';

/** The JWS algorithms a verifier may be configured with (RFC 7518 §3, RFC 8037 for `EdDSA` with Ed25519). */
export type JwsAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'HS256'
  | 'HS384'
  | 'HS512';

/** The asymmetric algorithms: verified with a public key from a JWKS. */
export type AsymmetricAlgorithm = Exclude<JwsAlgorithm, 'HS256' | 'HS384' | 'HS512'>;

/** The symmetric algorithms: verified with a shared secret. */
export type SymmetricAlgorithm = Extract<JwsAlgorithm, 'HS256' | 'HS384' | 'HS512'>;

/** What an algorithm needs of its key and how its signature is checked. */
export interface AlgorithmSpec {
  /** The key family: `rsa` (RS* and PS*), `ec`, `ed25519` or `hmac`. */
  readonly family: 'rsa' | 'ec' | 'ed25519' | 'hmac';
  /** The digest `node:crypto` takes (`null` for EdDSA, which hashes internally). */
  readonly digest: 'sha256' | 'sha384' | 'sha512' | null;
  /** The digest of `at_hash` / `c_hash` (OIDC Core §3.1.3.6; SHA-512 for Ed25519). */
  readonly claimHash: 'sha256' | 'sha384' | 'sha512';
  /** Bytes of the digest: the PSS salt length and the HMAC minimum key length. */
  readonly hashLength: number;
  /** RSASSA-PSS rather than PKCS#1 v1.5. */
  readonly pss: boolean;
  /** The JWK curve an EC or OKP key must have. */
  readonly curve?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  /** The exact signature length in bytes, when the algorithm fixes it (ES*, EdDSA, HS*). */
  readonly signatureLength?: number;
}

const rsa = (bits: 256 | 384 | 512, pss: boolean): AlgorithmSpec => ({
  family: 'rsa',
  digest: `sha${bits}`,
  claimHash: `sha${bits}`,
  hashLength: bits / 8,
  pss,
});

/** Every supported algorithm and what it requires. */
export const ALGORITHMS: Readonly<Record<JwsAlgorithm, AlgorithmSpec>> = Object.freeze({
  RS256: rsa(256, false),
  RS384: rsa(384, false),
  RS512: rsa(512, false),
  PS256: rsa(256, true),
  PS384: rsa(384, true),
  PS512: rsa(512, true),
  ES256: {
    family: 'ec',
    digest: 'sha256',
    claimHash: 'sha256',
    hashLength: 32,
    pss: false,
    curve: 'P-256',
    signatureLength: 64,
  },
  ES384: {
    family: 'ec',
    digest: 'sha384',
    claimHash: 'sha384',
    hashLength: 48,
    pss: false,
    curve: 'P-384',
    signatureLength: 96,
  },
  ES512: {
    family: 'ec',
    digest: 'sha512',
    claimHash: 'sha512',
    hashLength: 64,
    pss: false,
    curve: 'P-521',
    signatureLength: 132,
  },
  EdDSA: {
    family: 'ed25519',
    digest: null,
    claimHash: 'sha512',
    hashLength: 64,
    pss: false,
    curve: 'Ed25519',
    signatureLength: 64,
  },
  HS256: { family: 'hmac', digest: 'sha256', claimHash: 'sha256', hashLength: 32, pss: false, signatureLength: 32 },
  HS384: { family: 'hmac', digest: 'sha384', claimHash: 'sha384', hashLength: 48, pss: false, signatureLength: 48 },
  HS512: { family: 'hmac', digest: 'sha512', claimHash: 'sha512', hashLength: 64, pss: false, signatureLength: 64 },
});

/** Tells whether `value` names a supported algorithm (exact, case-sensitive). */
export function isAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && Object.hasOwn(ALGORITHMS, value);
}

/**
 * Validates an `algorithm` option (one algorithm or a non-empty list) against the kind of verifier it is for,
 * and returns it as a frozen list without duplicates.
 *
 * @throws {ConfigurationError} for anything else than supported algorithm names of the right kind.
 */
export function algorithmList<T extends JwsAlgorithm>(
  value: unknown,
  symmetric: boolean,
  option = 'algorithm',
): readonly T[] {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((alg) => typeof alg !== 'string' || alg === '')) {
    throw new ConfigurationError('algorithm must be specified.', option);
  }
  for (const alg of list) {
    if (!isAlgorithm(alg)) {
      throw new ConfigurationError(`algorithm "${String(alg)}" is not supported`, option);
    }
    if ((ALGORITHMS[alg].family === 'hmac') !== symmetric) {
      const kind = symmetric ? 'a symmetric (HS*)' : 'an asymmetric';
      throw new ConfigurationError(`algorithm "${alg}" cannot be used by ${kind} signature verifier`, option);
    }
  }
  return Object.freeze([...new Set(list as T[])]);
}
