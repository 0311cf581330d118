import { constants, hash, type KeyObject, publicDecrypt } from 'node:crypto';
import { latin1Bytes } from './scratch.js';

/** The digests of the RS* algorithms. */
export type Pkcs1Digest = 'sha256' | 'sha384' | 'sha512';

/**
 * The DER encoding of the `DigestInfo` prefix of each digest (RFC 8017 §9.2, note 1): the `AlgorithmIdentifier`
 * with NULL parameters, then the header of the OCTET STRING that holds the hash. Its last byte is the hash length.
 */
const DIGEST_INFO: Readonly<Record<Pkcs1Digest, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/**
 * Builds an RSASSA-PKCS1-v1_5 signature check (RS256, RS384, RS512) for one public key, which verifies as RFC
 * 8017 §8.2.2 specifies: RSAVP1 (`s^e mod n`, where OpenSSL refuses `s ≥ n`), then a comparison of all `k` bytes
 * of the result with the one encoding EMSA-PKCS1-v1_5 allows, `00 01 FF…FF 00 DigestInfo hash`. Nothing is
 * parsed out of the decrypted block, so there is no padding or ASN.1 parser to fool (the family of
 * Bleichenbacher's 2006 forgery).
 *
 * It accepts exactly the signatures `crypto.verify` accepts, and costs less: one `publicDecrypt` and one
 * `crypto.hash` instead of a sign job, a digest context and a key context per call (figures in
 * docs/performance.md). The signing input is hashed as its latin1 bytes, as the other signature checks read it.
 *
 * @param key An RSA public key.
 * @param digest The digest of the algorithm.
 * @param modulusBytes `k`, the length of the modulus in bytes; every signature must have exactly that length.
 * @returns A check of a signature over a signing input, false (never a throw) for any signature that is not
 *   valid; `null` for a modulus too short to hold the encoding (RFC 8017 §9.2: `k ≥ tLen + 11`), which can verify
 *   nothing.
 * @example
 * const check = pkcs1SignatureCheck(publicKey, 'sha256', 256);
 * check?.('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0', signature); // true or false
 */
export function pkcs1SignatureCheck(
  key: KeyObject,
  digest: Pkcs1Digest,
  modulusBytes: number,
): ((data: string, signature: Buffer) => boolean) | null {
  const digestInfo = Buffer.from(DIGEST_INFO[digest], 'hex');
  const hashLength = digestInfo[digestInfo.length - 1] as number;
  const paddingLength = modulusBytes - 3 - digestInfo.length - hashLength;
  if (paddingLength < 8) return null;
  // Everything of the encoding but the hash: 00 01, at least eight FF, 00, DigestInfo.
  const prefix = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(paddingLength, 0xff), Buffer.from([0]), digestInfo]);
  const rawPublicKey = { key, padding: constants.RSA_NO_PADDING };
  return (data, signature) => {
    if (signature.length !== modulusBytes) return false;
    let encoded: Buffer;
    try {
      encoded = publicDecrypt(rawPublicKey, signature);
    } catch {
      return false;
    }
    return (
      encoded.length === modulusBytes &&
      encoded.compare(prefix, 0, prefix.length, 0, prefix.length) === 0 &&
      encoded.compare(hash(digest, latin1Bytes(data), 'buffer'), 0, hashLength, prefix.length, modulusBytes) === 0
    );
  };
}
