// Hand-made JWTs for the verifier specs: base64url + node:crypto only, so that tokens a JWT library would
// refuse to produce (duplicate members, bad UTF-8, wrong signature encodings, alg confusion) can be built.
import { constants, createHash, createHmac, type KeyObject, sign as cryptoSign } from 'node:crypto';

/** base64url without padding of bytes, a string (UTF-8), or a value (as its JSON text). */
export function b64url(value: Uint8Array | string | object): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64url');
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

/** A signing key: a private `KeyObject` for RS/PS/ES/EdDSA, the secret (text or bytes) for HS. */
export type SigningKey = KeyObject | string | Uint8Array;

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/**
 * Signs `input` (the ASCII `header.payload`) as `alg` does: PKCS#1 v1.5 for RS*, PSS with a salt as long as
 * the hash for PS*, raw R||S (IEEE P1363) for ES*, Ed25519 for EdDSA, HMAC for HS*, nothing for `none`.
 * The key is used as given, whatever the alg: that is how confusion attacks are built.
 */
export function signatureOf(alg: string, key: SigningKey | undefined, input: string): Buffer {
  const data = Buffer.from(input, 'ascii');
  const hash = HASHES[alg.slice(2)] ?? 'sha256';
  if (alg === 'none') return Buffer.alloc(0);
  if (alg.startsWith('HS'))
    return createHmac(hash, key as string | Uint8Array)
      .update(data)
      .digest();
  const privateKey = key as KeyObject;
  if (alg === 'EdDSA') return cryptoSign(null, data, privateKey);
  if (alg.startsWith('PS')) {
    return cryptoSign(hash, data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(alg.slice(2)) / 8,
    });
  }
  if (alg.startsWith('ES')) return cryptoSign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return cryptoSign(hash, data, privateKey);
}

/** Options of {@link signJwt}. */
export interface SignJwtOptions {
  /** The header `alg`, also the algorithm used to sign unless `signAs` says otherwise. @defaultValue 'RS256' */
  alg?: string;
  /** The header `kid`; omitted when undefined. */
  kid?: string;
  /** The header `typ`. @defaultValue 'JWT' (pass `null` to omit it) */
  typ?: string | null;
  /** More header members (they win over the ones above). */
  header?: Record<string, unknown>;
  /** The key to sign with. */
  key?: SigningKey;
  /** Sign with this algorithm instead of the header's `alg` (confusion attacks). */
  signAs?: string;
}

/** The DER `DigestInfo` prefix of each RS* digest (RFC 8017 §9.2, note 1), up to the hash itself. */
export const DIGEST_INFO = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
} as const;

/**
 * EMSA-PKCS1-v1_5 of `input` (RFC 8017 §9.2), `k` bytes: `00 01 FF…FF 00 DigestInfo hash`. With a public exponent
 * of 1 this block is its own signature.
 */
export function pkcs1Encoding(digest: keyof typeof DIGEST_INFO, input: string, k: number): Buffer {
  const info = Buffer.from(DIGEST_INFO[digest], 'hex');
  const hash = createHash(digest).update(input, 'latin1').digest();
  const padding = Buffer.alloc(k - 3 - info.length - hash.length, 0xff);
  return Buffer.concat([Buffer.from([0, 1]), padding, Buffer.from([0]), info, hash]);
}

/** Builds and signs a token from a header description and a payload (an object, or raw JSON text). */
export function signJwt(payload: object | string, options: SignJwtOptions = {}): string {
  const alg = options.alg ?? 'RS256';
  const header: Record<string, unknown> = { alg };
  if (options.typ !== null) header.typ = options.typ ?? 'JWT';
  if (options.kid !== undefined) header.kid = options.kid;
  Object.assign(header, options.header);
  return signSegments(b64url(header), b64url(payload), options.signAs ?? alg, options.key);
}

/** Signs already-encoded header and payload segments, for tokens built from raw bytes or raw JSON text. */
export function signSegments(header: string, payload: string, alg: string, key: SigningKey | undefined): string {
  const input = `${header}.${payload}`;
  return `${input}.${signatureOf(alg, key, input).toString('base64url')}`;
}

/** Replaces the signature segment with the given bytes. */
export function withSignature(token: string, signature: Uint8Array): string {
  return `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.from(signature).toString('base64url')}`;
}

/** The OIDF "bad signature": every byte of the signature XOR 0x5A. */
export function corruptSignature(token: string): string {
  const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
  return withSignature(
    token,
    signature.map((byte) => byte ^ 0x5a),
  );
}

/** The parts of a token, decoded (no verification). */
export function decodeParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

/** The public JWK of a key pair's public key, with extra members (`kid`, `alg`, `use`, …). */
export function publicJwk(publicKey: KeyObject, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...publicKey.export({ format: 'jwk' }), ...extra };
}

/** An OIDC `at_hash` / `c_hash`: base64url of the left half of the value's hash. */
export function halfHash(value: string, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  const digest = createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
