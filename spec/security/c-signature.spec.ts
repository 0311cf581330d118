// Catalogue §2.7 C: the signature (N36–N43), against both verifiers, for RS256 and the other families where
// the row's construction applies to them.
import { constants, createHash, createSecretKey, sign as cryptoSign } from 'node:crypto';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { AccessTokenVerifier } from '../../lib/token-verifier/access-token-verifier.js';
import { SymmetricSignatureVerifier } from '../../lib/token-verifier/signature-verifier.js';
import { b64url, corruptSignature, withSignature } from '../helpers/jwt.js';
import { ecKeys, edKeys, rsaKeys } from '../helpers/keys.js';
import { thrownBy } from '../helpers/secrets.js';
import { API, catalogue, jwk, KID, KINDS, rejects, SECRET, signer, type VerifierOptions } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

/** The order of the P-256 group. */
const P256_N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
/** The order of the Ed25519 group. */
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

function signatureOf(token: string): Buffer {
  return Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
}

function signingInput(token: string): string {
  return token.slice(0, token.lastIndexOf('.'));
}

/** The SHA-256 of a token's signing input, as a number. */
function hashOf(token: string): bigint {
  return BigInt(`0x${createHash('sha256').update(signingInput(token), 'latin1').digest('hex')}`);
}

/** The x < 2^k with x^3 ≡ h (mod 2^k), for an odd h: h to the inverse of 3 modulo 2^(k−1), the group's order. */
function cubeRootMod2k(h: bigint, k: bigint): bigint {
  const modulus = 2n ** k;
  const order = 2n ** (k - 1n);
  // 3 · (order + 1) / 3 or 3 · (2 · order + 1) / 3, whichever divides, is 1 more than a multiple of the order.
  const inverse = order % 3n === 2n ? (order + 1n) / 3n : (2n * order + 1n) / 3n;
  let result = 1n;
  for (let base = h % modulus, e = inverse; e > 0n; e >>= 1n, base = (base * base) % modulus) {
    if (e & 1n) result = (result * base) % modulus;
  }
  return result;
}

function bigEndian(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

describeEachOffload('security catalogue C: signature', (offload) => {
  const c = catalogue(offload);
  const ec = () => ecKeys('P-256');
  const ed = () => edKeys();
  const all: VerifierOptions = { algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] };

  beforeEach(() => {
    c.server.setKeys([jwk(signer(), { kid: KID }), jwk(ec(), { kid: 'ec' }), jwk(ed(), { kid: 'ed' })]);
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);
      const es256 = (changes = {}) => s().good(changes, { alg: 'ES256', kid: 'ec', key: ec().privateKey });

      it('N36: rejects good() with every signature byte XOR 0x5A (RS256, PS256, ES256, EdDSA)', async () => {
        const tokens = [
          s().good(),
          s().good({}, { alg: 'PS256' }),
          es256(),
          s().good({}, { alg: 'EdDSA', kid: 'ed', key: ed().privateKey }),
        ];
        const verify = s().verifier(all);
        for (const token of tokens) {
          expect(await verify(token)).to.have.property('sub');
          await rejects(verify(corruptSignature(token)), 'ERR_TOKEN_SIGNATURE_INVALID');
        }
      });

      it('N37: rejects good claims and kid signed by a different RSA key', async () => {
        await rejects(s().verify(s().good({}, { key: rsaKeys('attacker').privateKey })), 'ERR_TOKEN_SIGNATURE_INVALID');
      });

      it('N38: rejects a payload changed after signing (sub, email, exp), the signature kept', async () => {
        const good = s().good({ email: 'user@example.com' });
        const [h, , sig] = good.split('.') as [string, string, string];
        for (const change of [{ sub: 'auth0|admin' }, { email: 'admin@example.com' }, { exp: 9_999_999_999 }]) {
          const payload = b64url(s().claims({ email: 'user@example.com', ...change }));
          await rejects(s().verify(`${h}.${payload}.${sig}`), 'ERR_TOKEN_SIGNATURE_INVALID');
        }
      });

      it('N39: rejects a header changed after signing (kid to another JWKS key, typ, an added member)', async () => {
        c.server.setKeys([jwk(signer(), { kid: KID }), jwk(rsaKeys('other'), { kid: 'k2' })]);
        const good = s().good();
        const [, p, sig] = good.split('.') as [string, string, string];
        for (const header of [
          { alg: 'RS256', typ: 'JWT', kid: 'k2' },
          { alg: 'RS256', typ: 'jwt', kid: KID },
          { alg: 'RS256', typ: 'JWT', kid: KID, foo: 'bar' },
          { alg: 'RS256', kid: KID },
        ]) {
          await rejects(s().verify(`${b64url(header)}.${p}.${sig}`), 'ERR_TOKEN_SIGNATURE_INVALID');
        }
      });

      it('N40: rejects ES256 signatures with r = 0 and/or s = 0, or r, s = n (CVE-2022-21449)', async () => {
        const good = es256();
        const real = signatureOf(good);
        const r = real.subarray(0, 32);
        const sPart = real.subarray(32);
        const zero = Buffer.alloc(32);
        const n = bigEndian(P256_N, 32);
        const verify = s().verifier({ algorithms: ['ES256'] });
        // The control: the same verifier accepts the genuine signature, so the refusals below are about the values.
        expect(await verify(good)).to.have.property('sub');
        for (const signature of [
          Buffer.alloc(64),
          Buffer.concat([zero, sPart]),
          Buffer.concat([r, zero]),
          Buffer.concat([n, n]),
          Buffer.concat([n, sPart]),
        ]) {
          await rejects(verify(withSignature(good, signature)), 'ERR_TOKEN_SIGNATURE_INVALID');
        }
      });

      it('N41: rejects an ES256 signature in DER form, or of 63 or 65 bytes', async () => {
        const good = es256();
        const real = signatureOf(good);
        const der = cryptoSign('sha256', Buffer.from(signingInput(good)), { key: ec().privateKey, dsaEncoding: 'der' });
        const verify = s().verifier({ algorithms: ['ES256'] });
        expect(await verify(good)).to.have.property('sub');
        for (const signature of [
          der,
          real.subarray(0, 63),
          Buffer.concat([real, Buffer.alloc(1)]),
          Buffer.concat([Buffer.alloc(1), real]),
        ]) {
          await rejects(verify(withSignature(good, signature)), 'ERR_TOKEN_SIGNATURE_INVALID');
        }
      });

      it('N41: a high-S twin (r, n − s) of a valid ES256 signature verifies only the very same claims (ECDSA malleability, no forgery)', async () => {
        const good = es256();
        const real = signatureOf(good);
        const high = P256_N - BigInt(`0x${real.subarray(32).toString('hex')}`);
        const twin = withSignature(good, Buffer.concat([real.subarray(0, 32), bigEndian(high, 32)]));
        expect(twin).not.to.equal(good);
        const verify = s().verifier({ algorithms: ['ES256'] });
        expect(await verify(twin)).to.deep.equal(await verify(good));
        // The twin signs nothing else: with any other claim it fails.
        const [h, , sig] = twin.split('.') as [string, string, string];
        const other = b64url(s().claims({ sub: 'auth0|admin' }));
        await rejects(verify(`${h}.${other}.${sig}`), 'ERR_TOKEN_SIGNATURE_INVALID');
      });

      it('N42: rejects bad MACs when HS256 is configured (XOR, other secret, truncated, HS384-long)', async () => {
        const good = s().good({}, { alg: 'HS256' });
        const mac = signatureOf(good);
        const verify = s().verifier({ secret: SECRET });
        expect(await verify(good)).to.have.property('sub');
        for (const token of [
          corruptSignature(good),
          s().good({}, { alg: 'HS256', key: `${SECRET}!` }),
          withSignature(good, mac.subarray(0, 31)),
          withSignature(good, Buffer.concat([mac, Buffer.alloc(16)])),
          withSignature(good, Buffer.alloc(0)),
        ]) {
          await rejects(verify(token), 'ERR_TOKEN_SIGNATURE_INVALID');
        }
      });

      it('N42: rejects a bad ES256 signature (a valid signature of other claims)', async () => {
        const good = es256();
        const other = es256({ sub: 'auth0|other' });
        await rejects(
          s().verify(withSignature(good, signatureOf(other)), { algorithms: ['ES256'] }),
          'ERR_TOKEN_SIGNATURE_INVALID',
        );
      });

      it('N42: rejects a non-canonical Ed25519 signature (S + L)', async () => {
        const good = s().good({}, { alg: 'EdDSA', kid: 'ed', key: ed().privateKey });
        const real = signatureOf(good);
        const sLittle = Buffer.from(real.subarray(32)).reverse();
        const bumped = bigEndian(BigInt(`0x${sLittle.toString('hex')}`) + ED25519_L, 32).reverse();
        const verify = s().verifier({ algorithms: ['EdDSA'] });
        expect(await verify(good)).to.have.property('sub');
        await rejects(
          verify(withSignature(good, Buffer.concat([real.subarray(0, 32), bumped]))),
          'ERR_TOKEN_SIGNATURE_INVALID',
        );
      });

      it('N42: rejects PS256 signatures whose salt is not as long as the hash (0 bytes, the maximum)', async () => {
        const good = s().good({}, { alg: 'PS256' });
        const data = Buffer.from(signingInput(good));
        const verify = s().verifier({ algorithms: ['PS256'] });
        expect(await verify(good)).to.have.property('sub');
        for (const saltLength of [0, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
          const signature = cryptoSign('sha256', data, {
            key: signer().privateKey,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength,
          });
          await rejects(verify(withSignature(good, signature)), 'ERR_TOKEN_SIGNATURE_INVALID');
        }
      });

      it('N42: rejects an RS256 signature that is not exactly as long as the modulus', async () => {
        const good = s().good();
        const real = signatureOf(good);
        const verify = s().verifier();
        expect(await verify(good)).to.have.property('sub');
        for (const signature of [Buffer.concat([Buffer.alloc(1), real]), real.subarray(1), real.subarray(0, 128)]) {
          await rejects(verify(withSignature(good, signature)), 'ERR_TOKEN_SIGNATURE_INVALID');
        }
      });

      it('N42: rejects a valid RS256 signature whose leading zero byte is dropped (the same number, one byte short)', async () => {
        // RSAVP1 alone would take it (publicDecrypt reads k − 1 bytes as the same integer); RFC 8017 §8.2.2 step 1
        // and crypto.verify refuse it. About one signature in 256 starts with a zero byte: sign until one does.
        let good = s().good();
        for (let jti = 0; signatureOf(good)[0] !== 0; jti++) good = s().good({ jti: String(jti) });
        const verify = s().verifier();
        expect(await verify(good)).to.have.property('sub');
        await rejects(verify(withSignature(good, signatureOf(good).subarray(1))), 'ERR_TOKEN_SIGNATURE_INVALID');
      });

      it('N36: rejects an RS256 forgery for an e = 3 key whose cube ends with the hash but lacks the padding', async () => {
        // With e = 3, anyone can find s < 2^256 whose cube ends with the 32 bytes of a hash (a cube root modulo
        // 2^256 of an odd number), and s^3 < n needs no reduction. Only the padding before the hash tells it from a
        // signature: the whole encoded block must be compared (Bleichenbacher 2006 and its variants).
        const e3 = rsaKeys('e3', 2048, 3);
        c.server.setKeys([jwk(e3, { kid: 'e3' })]);
        let unsigned = s().good({}, { kid: 'e3', key: e3.privateKey });
        for (let jti = 0; hashOf(unsigned) % 2n === 0n; jti++) {
          unsigned = s().good({ jti: String(jti) }, { kid: 'e3', key: e3.privateKey });
        }
        const verify = s().verifier();
        expect(await verify(unsigned)).to.have.property('sub'); // a genuine signature of the e = 3 key passes
        const forged = bigEndian(cubeRootMod2k(hashOf(unsigned), 256n), 256);
        await rejects(verify(withSignature(unsigned, forged)), 'ERR_TOKEN_SIGNATURE_INVALID');
      });
    });
  }

  describe('N43: HMAC secrets', () => {
    for (const [label, secret, algorithm] of [
      ['empty', '', 'HS256'],
      ['31 bytes', 'x'.repeat(31), 'HS256'],
      ['empty bytes', new Uint8Array(0), 'HS256'],
      ['a 16-byte secret KeyObject', createSecretKey(Buffer.alloc(16, 1)), 'HS256'],
      ['47 bytes for HS384', 'x'.repeat(47), 'HS384'],
      ['63 bytes for HS512', 'x'.repeat(63), 'HS512'],
    ] as const) {
      it(`N43: refuses an HMAC secret that is ${label} at construction`, () => {
        const err = thrownBy(
          () => new SymmetricSignatureVerifier(secret, { algorithm: algorithm as 'HS256' | 'HS384' | 'HS512' }),
        );
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal('sharedSecret');
      });
    }

    it('N43: refuses a short secret for an access-token issuer, and counts UTF-8 bytes, not characters', () => {
      for (const secret of ['', 'x'.repeat(31)]) {
        const err = thrownBy(() => new AccessTokenVerifier({ issuer: 'https://t.example/', secret, audience: API }));
        expect(err).to.be.instanceOf(ConfigurationError);
      }
      // 16 characters of 2 bytes each: 32 bytes, enough for HS256.
      expect(new SymmetricSignatureVerifier('é'.repeat(16)).algorithm).to.equal('HS256');
      expect(thrownBy(() => new SymmetricSignatureVerifier('x'.repeat(32), { algorithm: 'HS384' }))).to.be.instanceOf(
        ConfigurationError,
      );
    });
  });
});
