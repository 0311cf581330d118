import {
  constants,
  createHash,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  publicDecrypt,
  sign,
  verify,
} from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { TokenValidationError } from '../../lib/errors.js';
import type { AsymmetricAlgorithm } from '../../lib/token-verifier/algorithms.js';
import { JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import type { OffloadMode } from '../../lib/token-verifier/offload.js';
import { type Pkcs1Digest, pkcs1SignatureCheck } from '../../lib/token-verifier/rsa-pkcs1.js';
import { AsymmetricSignatureVerifier } from '../../lib/token-verifier/signature-verifier.js';
import { DIGEST_INFO, publicJwk } from '../helpers/jwt.js';
import { rsaKeys, type TestKeyPair } from '../helpers/keys.js';
import { describeEachOffload } from '../helpers/offload.js';

const SEED = 20_261_123;
const DATA = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhdXRoMHwxMjMiLCJpc3MiOiJodHRwczovL2lzc3Vlci8ifQ';
const DIGESTS: readonly Pkcs1Digest[] = ['sha256', 'sha384', 'sha512'];

const bytesOf = (keys: TestKeyPair) => Math.ceil((keys.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);

/** What `crypto.verify` says of a signature: the reference every check must agree with. */
const reference = (keys: TestKeyPair, digest: Pkcs1Digest, data: string, signature: Buffer) =>
  verify(digest, Buffer.from(data, 'latin1'), keys.publicKey, signature);

/** A "signature" whose RSAVP1 is exactly `encoded`: the raw private-key operation on a crafted block. */
function rawSignature(privateKey: KeyObject, encoded: Buffer): Buffer {
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encoded);
}

/** An encoded block `00 <type> <padding> 00 <digestInfo> <hash> <trailer>`, `k` bytes long. */
function block(k: number, parts: { type?: number; fill?: number; digestInfo: string; hash: Buffer; trailer?: Buffer }) {
  const info = Buffer.from(parts.digestInfo, 'hex');
  const trailer = parts.trailer ?? Buffer.alloc(0);
  const padding = Buffer.alloc(k - 3 - info.length - parts.hash.length - trailer.length, parts.fill ?? 0xff);
  return Buffer.concat([Buffer.from([0, parts.type ?? 1]), padding, Buffer.from([0]), info, parts.hash, trailer]);
}

const sha = (digest: Pkcs1Digest, data: string) => createHash(digest).update(data, 'latin1').digest();

/** A check of signatures: resolves to its verdict. */
type Check = (data: string, signature: Buffer) => Promise<boolean>;

/**
 * The RS* check of a key large enough for every digest, as a verifier with this `offload` runs it: inline
 * (`pkcs1SignatureCheck`, through the key's check) or on the thread pool (`crypto.verify` with a callback). A
 * signature verifier over a local key set holding the key checks the data and signature given, as the signing
 * input and signature of a parsed token.
 */
function checkOf(keys: TestKeyPair, digest: Pkcs1Digest, offload: OffloadMode): Check {
  const alg = `RS${digest.slice(3)}` as AsymmetricAlgorithm;
  const local = new JwksFetcher({ keys: [publicJwk(keys.publicKey, { kid: 'k' })] });
  const verifier = new AsymmetricSignatureVerifier(local, { algorithm: alg, offload });
  return async (signingInput, signature) => {
    try {
      await verifier.verifyParsed({ token: '', header: { alg, kid: 'k' }, payload: {}, signingInput, signature });
      return true;
    } catch (error) {
      if (error instanceof TokenValidationError && error.code === 'ERR_TOKEN_SIGNATURE_INVALID') return false;
      throw error;
    }
  };
}

describeEachOffload('the RS* signature check (pkcs1SignatureCheck inline, crypto.verify on the pool)', (offload) => {
  const keys = rsaKeys('pkcs1');
  const k = bytesOf(keys);

  for (const digest of DIGESTS) {
    it(`accepts what crypto.sign produces with ${digest}, on 2048-, 2050- and 3072-bit keys`, async () => {
      for (const pair of [keys, rsaKeys('pkcs1', 2050), rsaKeys('pkcs1', 3072)]) {
        expect(pair.publicKey.asymmetricKeyDetails?.modulusLength).to.be.oneOf([2048, 2050, 3072]);
        const signature = sign(digest, Buffer.from(DATA, 'latin1'), pair.privateKey);
        expect(await checkOf(pair, digest, offload)(DATA, signature)).to.equal(true);
      }
    });
  }

  it('agrees with crypto.verify on random changes to the signature and the data', async () => {
    const checks = Object.fromEntries(DIGESTS.map((d) => [d, checkOf(keys, d, offload)]));
    const signatures = Object.fromEntries(
      DIGESTS.map((d) => [d, sign(d, Buffer.from(DATA, 'latin1'), keys.privateKey)]),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...DIGESTS),
        fc.nat({ max: k - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.nat({ max: DATA.length - 1 }),
        fc.constantFrom('', 'A', '.'),
        async (digest, at, value, dataAt, inserted) => {
          const signature = Buffer.from(signatures[digest] as Buffer);
          signature[at] = value;
          const data = DATA.slice(0, dataAt) + inserted + DATA.slice(dataAt + (inserted === '' ? 0 : 1));
          const ours = await (checks[digest] as Check)(data, signature);
          expect(ours).to.equal(reference(keys, digest, data, signature));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  describe('refuses every other encoding, as crypto.verify does', () => {
    const check = checkOf(keys, 'sha256', offload);
    const hash = sha('sha256', DATA);
    const cases: Record<string, Buffer> = {
      'the exact encoding (control: accepted)': block(k, { digestInfo: DIGEST_INFO.sha256, hash }),
      'a DigestInfo without its NULL parameters': block(k, {
        digestInfo: '302f300b0609608648016503040201' + '0420',
        hash,
      }),
      "another digest's DigestInfo around the right hash": block(k, { digestInfo: DIGEST_INFO.sha384, hash }),
      'bytes after the hash, the padding shortened to make room (Bleichenbacher 2006)': block(k, {
        digestInfo: DIGEST_INFO.sha256,
        hash,
        trailer: Buffer.alloc(40, 0x41),
      }),
      'a padding byte other than FF': block(k, { digestInfo: DIGEST_INFO.sha256, hash, fill: 0xfe }),
      'block type 02 (encryption) instead of 01': block(k, { type: 2, digestInfo: DIGEST_INFO.sha256, hash }),
      'a hash of other data': block(k, { digestInfo: DIGEST_INFO.sha256, hash: sha('sha256', `${DATA}x`) }),
    };
    for (const [name, encoded] of Object.entries(cases)) {
      const accepted = name.startsWith('the exact encoding');
      it(`${accepted ? 'accepts' : 'refuses'} ${name}`, async () => {
        expect(encoded.length).to.equal(k);
        const signature = rawSignature(keys.privateKey, encoded);
        expect(reference(keys, 'sha256', DATA, signature)).to.equal(accepted);
        expect(await check(DATA, signature)).to.equal(accepted);
      });
    }
  });

  it('returns false, without throwing, for a signature of the wrong length or not below the modulus', async () => {
    const check = checkOf(keys, 'sha256', offload);
    const modulus = Buffer.from(keys.publicKey.export({ format: 'jwk' }).n as string, 'base64url');
    expect(modulus.length).to.equal(k);
    const valid = sign('sha256', Buffer.from(DATA, 'latin1'), keys.privateKey);
    for (const signature of [
      Buffer.alloc(0),
      valid.subarray(1),
      Buffer.concat([Buffer.from([0]), valid]),
      modulus,
      Buffer.alloc(k, 0xff),
      Buffer.alloc(k),
    ]) {
      expect(await check(DATA, signature)).to.equal(false);
      expect(reference(keys, 'sha256', DATA, signature)).to.equal(false);
    }
  });

  it('refuses a valid signature whose leading zero byte is dropped, which RSAVP1 alone would read as the same number', async () => {
    const check = checkOf(keys, 'sha256', offload);
    let data = DATA;
    let signature = sign('sha256', Buffer.from(data, 'latin1'), keys.privateKey);
    for (let i = 0; signature[0] !== 0; i++) {
      data = `${DATA}${i}`;
      signature = sign('sha256', Buffer.from(data, 'latin1'), keys.privateKey);
    }
    expect(await check(data, signature)).to.equal(true);
    const short = signature.subarray(1);
    expect(publicDecrypt({ key: keys.publicKey, padding: constants.RSA_NO_PADDING }, short)).to.have.length(k);
    expect([await check(data, short), reference(keys, 'sha256', data, short)]).to.deep.equal([false, false]);
  });

  it('hashes the signing input as its latin1 bytes, one per character, as the other signature checks do', async () => {
    const check = checkOf(keys, 'sha256', offload);
    for (const data of [DATA, `${DATA}\u00e9`, `${DATA}\u0141`]) {
      const signature = sign('sha256', Buffer.from(data, 'latin1'), keys.privateKey);
      expect(await check(data, signature), data.slice(-1)).to.equal(true);
      expect(reference(keys, 'sha256', data, signature)).to.equal(true);
    }
    const signature = sign('sha256', Buffer.from(DATA, 'latin1'), keys.privateKey);
    expect(await check(DATA.replace('J', 'j'), signature)).to.equal(false);
  });

  it('refuses every block one bit away from the exact encoding, for every digest, as crypto.verify does', async () => {
    for (const digest of DIGESTS) {
      const check = checkOf(keys, digest, offload);
      const exact = block(k, { digestInfo: DIGEST_INFO[digest], hash: sha(digest, DATA) });
      expect(await check(DATA, rawSignature(keys.privateKey, exact)), digest).to.equal(true);
      for (let at = 0; at < k; at++) {
        const flipped = Buffer.from(exact);
        flipped[at] = (flipped[at] as number) ^ 0x01;
        const signature = rawSignature(keys.privateKey, flipped);
        expect(await check(DATA, signature), `${digest}, byte ${at}`).to.equal(false);
        expect(reference(keys, digest, DATA, signature), `crypto.verify: ${digest}, byte ${at}`).to.equal(false);
      }
    }
  });
});

describe('pkcs1SignatureCheck', () => {
  it('has no check for a modulus too short to hold the encoding of its digest (RFC 8017 §9.2)', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey;
    expect(pkcs1SignatureCheck(small, 'sha512', 64)).to.equal(null);
    expect(pkcs1SignatureCheck(small, 'sha256', 64)).to.be.a('function');
  });

  it('checks exactly what crypto.verify accepts, synchronously', () => {
    const keys = rsaKeys('pkcs1');
    const check = pkcs1SignatureCheck(keys.publicKey, 'sha256', bytesOf(keys));
    const signature = sign('sha256', Buffer.from(DATA, 'latin1'), keys.privateKey);
    expect(check?.(DATA, signature)).to.equal(true);
    expect(check?.(`${DATA}x`, signature)).to.equal(false);
  });
});
