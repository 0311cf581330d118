import { constants, createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';
import { ALGORITHMS, type AsymmetricAlgorithm, isAlgorithm, type JwsAlgorithm } from './algorithms.js';
import { checkOnPool, offloadThreshold, type PoolKey } from './offload.js';
import { type Pkcs1Digest, pkcs1SignatureCheck } from './rsa-pkcs1.js';
import { latin1Bytes } from './scratch.js';

/** Smallest RSA modulus accepted, in bits (RFC 7518 §3.3). */
export const MIN_RSA_BITS = 2048;

/** JWK members that only a private or symmetric key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The public members each key type is imported from; anything else in the JWK never reaches `node:crypto`. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

const CURVES: Readonly<Record<string, readonly string[]>> = {
  EC: ['P-256', 'P-384', 'P-521'],
  OKP: ['Ed25519'],
};

/** Checks a signature over an ASCII signing input. */
type SignatureCheck = (data: string, signature: Buffer) => boolean;

/** How a key checks the signatures of one algorithm: inline, or on the thread pool with these parameters. */
interface AlgorithmCheck {
  /** The check on the event loop's thread. */
  readonly inline: SignatureCheck;
  /** The digest `crypto.verify` takes (`null` for EdDSA). */
  readonly digest: string | null;
  /** The key as `crypto.verify` takes it for this algorithm (padding, salt length, signature encoding). */
  readonly key: PoolKey;
  /** The exact length of a signature. */
  readonly length: number;
  /** Checks waiting on the pool from which `auto` sends one more there (see `offloadThreshold`). */
  readonly threshold: number;
}

/** A JWKS entry that was skipped, and why; kept so that a token naming it gets a precise error. */
export interface UnusableKey {
  /** The entry's `kid`, when it had a string one. */
  readonly kid: string | undefined;
  /** Why the entry cannot verify anything, e.g. `RSA key of 1024 bits; at least 2048 are required`. */
  readonly reason: string;
}

/**
 * A public key imported once from a JWKS entry into a `KeyObject`, with the rules of RFC 8725 §3.1 bound to
 * it: it verifies only algorithms that suit its type and curve, only its own `alg` when the JWK names one, and
 * the exact `node:crypto` parameters of each algorithm are built once and reused.
 *
 * @example
 * const key = await new JwksFetcher('https://tenant.auth0.com/.well-known/jwks.json').getKey(kid, 'RS256');
 * key.suits('RS256'); // true
 */
export class JwksKey {
  /** The JWK's `kid`, if it had one. */
  readonly kid: string | undefined;
  /** The JWK's own `alg`, if it named one: then it verifies that algorithm only. */
  readonly alg: AsymmetricAlgorithm | undefined;
  /** The JWK key type. */
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** The curve of an EC or OKP key. */
  readonly curve: string | undefined;
  /** The imported public key. */
  readonly key: KeyObject;
  /** The JWKS entry as JSON text: equal for the same entry in two fetches, so it is imported only once. */
  readonly fingerprint: string;
  readonly #checks = new Map<JwsAlgorithm, AlgorithmCheck | null>();
  /** The algorithm looked up last and its check: a key verifies one algorithm in practice, so no Map lookup. */
  #lastAlg: JwsAlgorithm | undefined;
  #lastCheck: AlgorithmCheck | null = null;
  #retired = false;
  /** Epoch ms until which the key set holding this key is fresh; a key outside any set stays fresh. */
  #freshUntil = Number.POSITIVE_INFINITY;

  /** @internal Use {@link importJwk}. */
  constructor(fields: {
    kid: string | undefined;
    alg: AsymmetricAlgorithm | undefined;
    kty: 'RSA' | 'EC' | 'OKP';
    curve: string | undefined;
    key: KeyObject;
    fingerprint: string;
  }) {
    this.kid = fields.kid;
    this.alg = fields.alg;
    this.kty = fields.kty;
    this.curve = fields.curve;
    this.key = fields.key;
    this.fingerprint = fields.fingerprint;
  }

  /**
   * False once a refreshed key set no longer holds this key, and while the set that holds it is past its TTL
   * (until a refetch confirms the key): verified-token caches then verify again what it verified, and that
   * verification refetches the set, so a key removed at the source stops counting within the TTL.
   */
  get active(): boolean {
    return !this.#retired && (this.#freshUntil === Number.POSITIVE_INFINITY || Date.now() < this.#freshUntil);
  }

  /** @internal The `JwksFetcher` holding this key fetched a set with it, fresh until `freshUntil` (epoch ms). */
  hold(freshUntil: number): void {
    this.#freshUntil = freshUntil;
  }

  /** @internal The `JwksFetcher` that held this key fetched a set without it. */
  retire(): void {
    this.#retired = true;
  }

  /** Tells whether this key may verify `alg`: its type and curve suit it, and its own `alg` (if any) equals it. */
  suits(alg: JwsAlgorithm): boolean {
    return this.#check(alg) !== null;
  }

  /**
   * Verifies `signature` over `data` with `alg`; false (never a throw) for a wrong signature, a signature of
   * the wrong length, or an algorithm this key does not suit.
   */
  verify(alg: JwsAlgorithm, data: string, signature: Buffer): boolean {
    const check = this.#check(alg);
    return check !== null && check.inline(data, signature);
  }

  /**
   * Verifies `signature` over `data` with `alg` as {@link JwksKey.verify} does, with the same verdicts, on libuv's
   * thread pool (`crypto.verify` with a callback, RS* included); calls `done` with the verdict on the event
   * loop's thread, synchronously when there is nothing to check (a wrong length, an algorithm this key does not
   * suit).
   *
   * @example
   * key.verifyOnPool('RS256', signingInput, signature, (valid) => console.log(valid));
   */
  verifyOnPool(alg: JwsAlgorithm, data: string, signature: Buffer, done: (valid: boolean) => void): void {
    const check = this.#check(alg);
    if (check === null || signature.length !== check.length) done(false);
    else checkOnPool(check.digest, data, check.key, signature, done);
  }

  /**
   * @internal Checks waiting on the thread pool from which `offload: 'auto'` sends one of this key's `alg` checks
   * there too: 32 for RSA under 3072 bits, fewer for a dearer check (see `offloadThreshold`).
   */
  offloadThreshold(alg: JwsAlgorithm): number {
    return this.#check(alg)?.threshold ?? 0;
  }

  #check(alg: JwsAlgorithm): AlgorithmCheck | null {
    if (alg === this.#lastAlg) return this.#lastCheck;
    let check = this.#checks.get(alg);
    if (check === undefined) {
      check = this.#build(alg);
      this.#checks.set(alg, check);
    }
    this.#lastAlg = alg;
    this.#lastCheck = check;
    return check;
  }

  #build(alg: JwsAlgorithm): AlgorithmCheck | null {
    const spec = ALGORITHMS[alg];
    if (this.alg !== undefined && this.alg !== alg) return null;
    const { key } = this;
    const digest = spec.digest;
    switch (spec.family) {
      case 'rsa': {
        if (this.kty !== 'RSA') return null;
        const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
        const length = Math.ceil(bits / 8);
        const threshold = offloadThreshold(bits);
        if (!spec.pss) {
          // Inline, the cheaper encode-and-compare of rsa-pkcs1.ts; on the pool, crypto.verify's own PKCS#1 v1.5.
          const inline = pkcs1SignatureCheck(key, digest as Pkcs1Digest, length);
          return inline === null ? null : { inline, digest, key, length, threshold };
        }
        const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
        return checkOf(digest, options, length, threshold);
      }
      case 'ec': {
        if (this.kty !== 'EC' || this.curve !== spec.curve) return null;
        const options = { key, dsaEncoding: 'ieee-p1363' as const };
        return checkOf(digest, options, spec.signatureLength as number, offloadThreshold(undefined));
      }
      case 'ed25519': {
        if (this.kty !== 'OKP' || this.curve !== 'Ed25519') return null;
        return checkOf(null, key, 64, offloadThreshold(undefined));
      }
      default:
        return null;
    }
  }
}

/** The check of an algorithm that goes through `crypto.verify` both inline and on the pool. */
function checkOf(digest: string | null, key: PoolKey, length: number, threshold: number): AlgorithmCheck {
  return {
    inline: (data, signature) => signature.length === length && safely(digest, data, key, signature),
    digest,
    key,
    length,
    threshold,
  };
}

function safely(digest: string | null, data: string, key: PoolKey, signature: Buffer): boolean {
  try {
    // verify() is synchronous: the shared scratch buffer may hold the signing input for the call.
    return verify(digest, latin1Bytes(data), key, signature);
  } catch {
    return false;
  }
}

/** Identifies a JWKS entry across fetches: its JSON text, so that an unchanged entry is not imported again. */
export function fingerprint(entry: unknown): string {
  return JSON.stringify(entry) ?? '';
}

function unusable(kid: string | undefined, reason: string): UnusableKey {
  return { kid, reason };
}

/**
 * Imports one JWKS entry, or says why it cannot be used: not an object, a non-string `kid`, a key type other
 * than RSA / EC / OKP (an `oct` secret included), private key material, `use` other than `sig`, `key_ops`
 * without `verify`, an `alg` that is unknown or does not suit the key, an unsupported curve, invalid key
 * material (an EC point off its curve…), an RSA modulus under 2048 bits, or an RSA public exponent that is even or
 * below 3 (RFC 8017 §3.1).
 *
 * @example
 * const result = importJwk({ kty: 'RSA', kid: 'k1', n, e: 'AQAB' });
 * if (result instanceof JwksKey) use(result.key);
 */
export function importJwk(entry: unknown): JwksKey | UnusableKey {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return unusable(undefined, 'the entry is not a JSON object');
  }
  const jwk = entry as Record<string, unknown>;
  const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
  if (jwk.kid !== undefined && kid === undefined) return unusable(undefined, 'its kid is not a string');
  const { use, alg } = jwk;
  const kty = String(jwk.kty);
  if (kty === 'oct') return unusable(kid, 'symmetric (oct) keys are never used to verify tokens');
  const members = typeof jwk.kty === 'string' && Object.hasOwn(PUBLIC_MEMBERS, kty) ? PUBLIC_MEMBERS[kty] : undefined;
  if (members === undefined) return unusable(kid, `key type ${JSON.stringify(kty)} is not supported`);
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) {
    return unusable(kid, 'it holds private key material');
  }
  if (use !== undefined && use !== 'sig') return unusable(kid, `its use is ${JSON.stringify(String(use))}, not "sig"`);
  const ops = jwk.key_ops;
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) {
    return unusable(kid, 'its key_ops do not include "verify"');
  }
  const curves = CURVES[kty];
  const curve = typeof jwk.crv === 'string' ? jwk.crv : undefined;
  if (curves !== undefined && (curve === undefined || !curves.includes(curve))) {
    return unusable(kid, `curve ${JSON.stringify(String(jwk.crv))} is not supported for ${kty} keys`);
  }
  if (alg !== undefined && (!isAlgorithm(alg) || ALGORITHMS[alg].family === 'hmac')) {
    return unusable(kid, `its alg ${JSON.stringify(String(alg))} is not a supported signature algorithm`);
  }
  const material: Record<string, unknown> = { kty };
  for (const member of members) material[member] = jwk[member];
  let key: KeyObject;
  try {
    const imported = createPublicKey({ key: material as JsonWebKey, format: 'jwk' });
    // Imported again from its SPKI encoding: OpenSSL verifies with a key built that way about 1 % faster (RSA)
    // than with one assembled from JWK members, and this runs once per key while verify() runs per token.
    key = createPublicKey({ key: imported.export({ format: 'der', type: 'spki' }), format: 'der', type: 'spki' });
  } catch {
    return unusable(kid, `its ${kty} key material is invalid`);
  }
  if (kty === 'RSA') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return unusable(kid, `RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are required`);
    // RFC 8017 §3.1: e is odd and at least 3. With e = 1, s^e mod n = s, and anyone can "sign" anything.
    const e = key.asymmetricKeyDetails?.publicExponent ?? 0n;
    if (e < 3n || e % 2n === 0n)
      return unusable(kid, `RSA key with public exponent ${e}; it must be odd and at least 3`);
  }
  const result = new JwksKey({
    kid,
    alg: alg as AsymmetricAlgorithm | undefined,
    kty: kty as JwksKey['kty'],
    curve,
    key,
    fingerprint: fingerprint(entry),
  });
  if (alg !== undefined && !result.suits(alg as JwsAlgorithm)) {
    return unusable(kid, `its alg "${String(alg)}" does not suit a ${kty} key${curve ? ` on ${curve}` : ''}`);
  }
  return result;
}
