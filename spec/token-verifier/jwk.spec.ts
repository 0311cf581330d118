import { type KeyObject, sign, verify } from 'node:crypto';
import { expect } from 'chai';
import { ALGORITHMS, type JwsAlgorithm } from '../../lib/token-verifier/algorithms.js';
import { importJwk, JwksKey, type UnusableKey } from '../../lib/token-verifier/jwk.js';
import { MAX_SCRATCH_BYTES } from '../../lib/token-verifier/scratch.js';
import { publicJwk, signatureOf } from '../helpers/jwt.js';
import { ecKeys, edKeys, keysByAlgorithm, rsaKeys } from '../helpers/keys.js';

const ALL = Object.keys(ALGORITHMS) as JwsAlgorithm[];

function imported(jwk: unknown): JwksKey {
  const key = importJwk(jwk);
  expect(key, (key as UnusableKey).reason).to.be.instanceOf(JwksKey);
  return key as JwksKey;
}

function reasonFor(jwk: unknown): string {
  const result = importJwk(jwk);
  expect(result).not.to.be.instanceOf(JwksKey);
  return (result as UnusableKey).reason;
}

function suited(key: JwksKey): JwsAlgorithm[] {
  return ALL.filter((alg) => key.suits(alg));
}

describe('importJwk', () => {
  it('imports RSA, EC and Ed25519 keys, each suiting only the algorithms of its type and curve', () => {
    expect(suited(imported(publicJwk(rsaKeys().publicKey, { kid: 'r' })))).to.deep.equal([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
    ]);
    expect(suited(imported(publicJwk(ecKeys('P-256').publicKey)))).to.deep.equal(['ES256']);
    expect(suited(imported(publicJwk(ecKeys('P-384').publicKey)))).to.deep.equal(['ES384']);
    expect(suited(imported(publicJwk(ecKeys('P-521').publicKey)))).to.deep.equal(['ES512']);
    expect(suited(imported(publicJwk(edKeys().publicKey)))).to.deep.equal(['EdDSA']);
  });

  it('binds a key that names its alg to that alg only', () => {
    expect(suited(imported(publicJwk(rsaKeys().publicKey, { alg: 'PS256', use: 'sig' })))).to.deep.equal(['PS256']);
    expect(suited(imported(publicJwk(rsaKeys().publicKey, { alg: 'RS256', key_ops: ['verify'] })))).to.deep.equal([
      'RS256',
    ]);
  });

  it('tells offload auto how many checks may wait on the pool: by what its check costs inline', () => {
    const of = (pair: { publicKey: KeyObject }, alg: JwsAlgorithm) =>
      imported(publicJwk(pair.publicKey)).offloadThreshold(alg);
    expect([of(rsaKeys(), 'RS256'), of(rsaKeys(), 'PS512')]).to.deep.equal([32, 32]);
    expect(of(rsaKeys('pkcs1', 3072), 'RS256')).to.equal(6);
    expect(of(rsaKeys('big', 4096), 'RS256')).to.equal(3);
    expect([of(ecKeys('P-256'), 'ES256'), of(edKeys(), 'EdDSA')]).to.deep.equal([3, 3]);
  });

  it('accepts a 4096-bit RSA key', () => {
    expect(imported(publicJwk(rsaKeys('big', 4096).publicKey)).key.asymmetricKeyDetails?.modulusLength).to.equal(4096);
  });

  it('accepts the RSA public exponents 3 and 65537, and one written with a leading zero byte', () => {
    for (const e of ['Aw', 'AQAB', 'AAEAAQ']) {
      expect(imported({ ...publicJwk(rsaKeys().publicKey), e }).key.asymmetricKeyDetails?.publicExponent).to.be.oneOf([
        3n,
        65_537n,
      ]);
    }
  });

  it('keeps the kid and imports only the public members', () => {
    const key = imported({ ...publicJwk(rsaKeys().publicKey, { kid: 'k1' }), x5c: ['not a cert'], ext: true });
    expect(key.kid).to.equal('k1');
    expect(key.key.type).to.equal('public');
  });

  describe('unusable entries', () => {
    const rsa = () => publicJwk(rsaKeys().publicKey, { kid: 'k' });
    for (const [name, entry, reason] of [
      ['a non-object', 'nope', /not a JSON object/],
      ['a non-string kid', { ...publicJwk(rsaKeys().publicKey), kid: 7 }, /kid is not a string/],
      ['an oct secret', { kty: 'oct', k: 'c2VjcmV0', kid: 'k' }, /symmetric \(oct\)/],
      ['a made-up key type', { kty: 'AKP', alg: 'ML-DSA-44', pub: 'abc', kid: 'k' }, /key type "AKP"/],
      ['a missing key type', { kid: 'k', n: 'x' }, /key type "undefined"/],
      ['a private RSA key', { ...rsaKeys().privateKey.export({ format: 'jwk' }), kid: 'k' }, /private key material/],
      ['a private EC key', { ...ecKeys().privateKey.export({ format: 'jwk' }), kid: 'k' }, /private key material/],
      ['an encryption key', { ...rsa(), use: 'enc' }, /use is "enc"/],
      ['key_ops without verify', { ...rsa(), key_ops: ['encrypt'] }, /key_ops/],
      ['key_ops that is not a list', { ...rsa(), key_ops: 'verify' }, /key_ops/],
      ['an unknown alg', { ...rsa(), alg: 'RSA-OAEP' }, /alg "RSA-OAEP"/],
      ['an HMAC alg', { ...rsa(), alg: 'HS256' }, /alg "HS256"/],
      ['an alg of another key type', { ...rsa(), alg: 'ES256' }, /does not suit a RSA key/],
      ['an EC alg of another curve', { ...publicJwk(ecKeys('P-384').publicKey), alg: 'ES256' }, /does not suit/],
      ['an unsupported EC curve', { ...publicJwk(ecKeys().publicKey), crv: 'secp256k1' }, /curve "secp256k1"/],
      ['an X25519 key', { kty: 'OKP', crv: 'X25519', x: 'AAAA' }, /curve "X25519"/],
      [
        'an EC point off its curve',
        { ...publicJwk(ecKeys().publicKey), y: publicJwk(ecKeys().publicKey).x },
        /invalid/,
      ],
      ['broken RSA material', { kty: 'RSA', n: '!!', e: 'AQAB' }, /invalid|0 bits/],
      ['RSA material without exponent', { kty: 'RSA', n: 'AQAB' }, /invalid/],
      ['a 1024-bit RSA key', publicJwk(rsaKeys('weak', 1024).publicKey, { kid: 'w' }), /1024 bits; at least 2048/],
      ['a 512-bit RSA key', publicJwk(rsaKeys('weaker', 512).publicKey, { kid: 'w' }), /512 bits/],
      ['an RSA key with public exponent 1', { ...rsa(), e: 'AQ' }, /public exponent 1; it must be odd and at least 3/],
      ['an RSA key with public exponent 0', { ...rsa(), e: 'AA' }, /public exponent 0;/],
      ['an RSA key with an even public exponent', { ...rsa(), e: 'AQAA' }, /public exponent 65536;/],
    ] as const) {
      it(`skips ${name}`, () => {
        expect(reasonFor(entry)).to.match(reason);
      });
    }

    it('remembers the kid of a skipped entry', () => {
      expect((importJwk({ kty: 'oct', kid: 'secret-key' }) as UnusableKey).kid).to.equal('secret-key');
    });
  });

  /** The two ways a key checks a signature: inline, and on the thread pool; both must give the same verdicts. */
  const WAYS: Record<string, (key: JwksKey, alg: JwsAlgorithm, data: string, signature: Buffer) => Promise<boolean>> = {
    'JwksKey.verify': (key, alg, data, signature) => Promise.resolve(key.verify(alg, data, signature)),
    'JwksKey.verifyOnPool': (key, alg, data, signature) =>
      new Promise((resolve) => key.verifyOnPool(alg, data, signature, resolve)),
  };

  for (const [way, check] of Object.entries(WAYS)) {
    describe(way, () => {
      const input = 'aGVhZGVy.cGF5bG9hZA';

      for (const [alg, keys] of keysByAlgorithm()) {
        it(`verifies a good ${alg} signature and nothing else`, async () => {
          const key = imported(publicJwk(keys.publicKey));
          const signature = signatureOf(alg, keys.privateKey, input);
          expect(await check(key, alg, input, signature)).to.equal(true);
          expect(await check(key, alg, `${input}x`, signature)).to.equal(false);
          expect(await check(key, alg, input, Buffer.from(signature.map((byte) => byte ^ 0x5a)))).to.equal(false);
          expect(await check(key, alg, input, Buffer.concat([signature, Buffer.from([0])]))).to.equal(false);
          expect(await check(key, alg, input, signature.subarray(1))).to.equal(false);
          expect(await check(key, alg, input, Buffer.alloc(0))).to.equal(false);
          expect(await check(key, 'HS256', input, signature)).to.equal(false);
        });
      }

      it('verifies signing inputs of any length, below and beyond the shared scratch buffer, one after the other', async () => {
        const keys = rsaKeys();
        const key = imported(publicJwk(keys.publicKey));
        const long = `${input}${'A'.repeat(MAX_SCRATCH_BYTES)}`;
        const shortSignature = signatureOf('RS256', keys.privateKey, input);
        const longSignature = signatureOf('RS256', keys.privateKey, long);
        expect(await check(key, 'RS256', long, longSignature)).to.equal(true);
        expect(await check(key, 'RS256', input, shortSignature)).to.equal(true);
        expect(await check(key, 'RS256', `${long}A`, longSignature)).to.equal(false);
        // A shorter input after a longer one: nothing of the longer one is left over in what is verified.
        expect(await check(key, 'RS256', input.slice(0, -1), shortSignature)).to.equal(false);
        expect(await check(key, 'RS256', input, shortSignature)).to.equal(true);
      });

      it('refuses an RS256 signature as PS256 and the converse (the padding is bound to the alg)', async () => {
        const { privateKey, publicKey } = rsaKeys();
        const key = imported(publicJwk(publicKey));
        expect(await check(key, 'PS256', input, signatureOf('RS256', privateKey, input))).to.equal(false);
        expect(await check(key, 'RS256', input, signatureOf('PS256', privateKey, input))).to.equal(false);
        expect(await check(key, 'RS384', input, signatureOf('RS256', privateKey, input))).to.equal(false);
      });

      it('refuses the all-zero ES256 signature (CVE-2022-21449) and DER-encoded ECDSA signatures', async () => {
        const { privateKey, publicKey } = ecKeys('P-256');
        const key = imported(publicJwk(publicKey));
        expect(await check(key, 'ES256', input, Buffer.alloc(64))).to.equal(false);
        const derSignature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'der' });
        expect(verify('sha256', Buffer.from(input), publicKey, derSignature)).to.equal(true);
        expect(await check(key, 'ES256', input, derSignature)).to.equal(false);
      });
    });
  }

  it('answers verifyOnPool at once, without the pool, for an algorithm the key does not suit or a signature of the wrong length', () => {
    const keys = rsaKeys();
    const key = imported(publicJwk(keys.publicKey, { alg: 'RS256' }));
    const signature = signatureOf('RS256', keys.privateKey, 'aGVhZGVy.cGF5bG9hZA');
    const verdicts: boolean[] = [];
    key.verifyOnPool('PS256', 'aGVhZGVy.cGF5bG9hZA', signature, (valid) => verdicts.push(valid));
    key.verifyOnPool('RS256', 'aGVhZGVy.cGF5bG9hZA', signature.subarray(1), (valid) => verdicts.push(valid));
    expect(verdicts).to.deep.equal([false, false]);
  });
});
