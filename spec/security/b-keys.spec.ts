// Catalogue §2.7 B, second half: kid and key selection (N25–N35), against both verifiers, with JWKS request
// counts. N28 fakes `Date` only, so that the cooldown can be crossed while HTTP keeps real timers.
import { generateKeyPairSync } from 'node:crypto';
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { JwksError, KeyNotFoundError } from '../../lib/errors.js';
import { JWKS_PATH } from '../helpers/jwks-server.js';
import { b64url, pkcs1Encoding, publicJwk, signSegments, withSignature } from '../helpers/jwt.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';
import { catalogue, jwk, KID, KINDS, rejects, signer, T } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

type Clock = ReturnType<typeof FakeTimers.install>;

/** A secp256k1 key pair: a curve node:crypto imports, but no JWS algorithm of the verifiers uses. */
let secp256k1: ReturnType<typeof generateKeyPairSync> | undefined;
const k256 = () => (secp256k1 ??= generateKeyPairSync('ec', { namedCurve: 'secp256k1' }));

/** A JWK `e`: the exponent's unsigned big-endian bytes, base64url. */
function exponent(e: number): string {
  const hex = e.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex').toString('base64url');
}

describeEachOffload('security catalogue B: kid and key selection', (offload) => {
  const c = catalogue(offload);
  let clock: Clock | undefined;

  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);

      for (const kid of [1, { $ne: null }, ['a'], true, null, '', 0]) {
        it(`N25: rejects the kid ${JSON.stringify(kid)} before any JWKS lookup or fetch, with several keys`, async () => {
          c.server.setKeys([jwk(signer(), { kid: KID }), jwk(rsaKeys('other'), { kid: '1' }), jwk(rsaKeys('k2'))]);
          const header = b64url({ alg: 'RS256', typ: 'JWT', kid });
          const token = signSegments(header, b64url(s().claims()), 'RS256', signer().privateKey);
          await rejects(s().verify(token), 'ERR_TOKEN_KID_INVALID');
          expect(c.jwksRequests()).to.equal(0);
        });
      }

      it('N26: treats hostile kids as opaque map keys: not found, one JWKS request, nothing interpolated', async () => {
        const verify = s().verifier();
        await verify(s().good());
        const hostile = [
          '../../../../dev/null',
          "' OR 1=1--",
          'a\u0000b',
          'k1\r\nX-Injected: 1',
          '${jndi:ldap://127.0.0.1/x}',
          '%2e%2e%2f',
          '__proto__',
          'constructor',
          'k'.repeat(256),
        ];
        for (const kid of hostile) {
          const err = await rejects(verify(s().good({}, { kid })), 'ERR_JWKS_KEY_NOT_FOUND');
          expect(err).to.be.instanceOf(KeyNotFoundError);
          for (const raw of ['\u0000', '\r', '\n']) expect(err.message).not.to.include(raw);
          expect(err.message.length).to.be.below(300);
        }
        expect(c.server.requests).to.deep.equal([JWKS_PATH]);
      });

      it('N26: rejects a 10 KB kid (over the 256-character cap) before any JWKS request', async () => {
        for (const kid of ['k'.repeat(257), 'x'.repeat(10_240)]) {
          await rejects(s().verify(s().good({}, { kid })), 'ERR_TOKEN_KID_INVALID');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N27: rejects a kid still unknown after one forced JWKS refresh (exactly one refetch)', async () => {
        const verify = s().verifier({ cooldown: 0 });
        await verify(s().good());
        expect(c.jwksRequests()).to.equal(1);
        const err = await rejects(verify(s().good({}, { kid: 'rotated-away' })), 'ERR_JWKS_KEY_NOT_FOUND');
        expect(err).to.be.instanceOf(KeyNotFoundError);
        expect(c.jwksRequests()).to.equal(2);
      });

      it('N28: a flood of 100 random kids over 60 s costs at most one JWKS request per 30 s cooldown, and a real rotation resolves after it', async () => {
        clock = FakeTimers.install({ toFake: ['Date'], now: T * 1000 });
        const verify = s().verifier();
        await verify(s().good());
        expect(c.jwksRequests()).to.equal(1);
        for (let i = 1; i <= 100; i++) {
          clock.tick(600);
          const kid = `random-${i}-${Math.random().toString(36).slice(2)}`;
          await rejects(verify(s().good({}, { kid })), 'ERR_JWKS_KEY_NOT_FOUND');
        }
        // 1 warm-up + at most one per elapsed 30 s window (t = 30 s and t = 60 s).
        expect(c.jwksRequests()).to.be.at.most(3);
        const flood = c.jwksRequests();
        const next = rsaKeys('next');
        c.server.setKeys([jwk(signer(), { kid: KID }), jwk(next, { kid: 'k2' })]);
        clock.tick(30_000);
        const claims = await verify(s().good({}, { kid: 'k2', key: next.privateKey }));
        expect(claims.sub).to.equal('auth0|user-1');
        expect(c.jwksRequests()).to.equal(flood + 1);
      });

      it('N29: policy B — a kid-less token is tried against every suitable key and rejected when none verifies', async () => {
        c.server.setKeys([jwk(signer()), jwk(rsaKeys('other'))]);
        const forged = s().good({}, { kid: null, key: rsaKeys('attacker').privateKey });
        await rejects(s().verify(forged), 'ERR_TOKEN_SIGNATURE_INVALID');
        expect(c.jwksRequests()).to.equal(1);
      });

      it('N29: policy B is capped — a kid-less token with six candidate keys is rejected as ambiguous', async () => {
        const names = ['signer', 'other', 'k1', 'k2', 'next', 'decoy'];
        c.server.setKeys(names.map((name) => jwk(rsaKeys(name))));
        const err = await rejects(s().verify(s().good({}, { kid: null, key: rsaKeys('signer').privateKey })));
        expect(err).to.be.instanceOf(JwksError);
        expect(err.code).to.equal('ERR_JWKS_AMBIGUOUS');
      });

      it('N30: rejects a kid-less RS256 token when the single JWKS key is an EC key', async () => {
        c.server.setKeys([jwk(ecKeys('P-256'))]);
        const err = await rejects(s().verify(s().good({}, { kid: null })), 'ERR_JWKS_KEY_MISMATCH');
        expect(err).to.be.instanceOf(JwksError);
      });

      it('N31: tries every key that repeats a kid — a token signed by the second one verifies', async () => {
        c.server.setKeys([jwk(rsaKeys('decoy'), { kid: KID }), jwk(signer(), { kid: KID })]);
        expect((await s().verify(s().good())).sub).to.equal('auth0|user-1');
      });

      it('N31: rejects a token that no key with the repeated kid verifies (never first-wins)', async () => {
        c.server.setKeys([jwk(signer(), { kid: KID }), jwk(rsaKeys('decoy'), { kid: KID })]);
        await rejects(s().verify(s().good({}, { key: rsaKeys('attacker').privateKey })), 'ERR_TOKEN_SIGNATURE_INVALID');
      });

      for (const [label, extra] of [
        ['use:"enc"', { use: 'enc' }],
        ['key_ops without verify', { key_ops: ['encrypt', 'wrapKey'] }],
        ['key_ops as a string', { key_ops: 'verify' }],
        ['key_ops empty', { key_ops: [] }],
      ] as const) {
        it(`N32: rejects a token whose kid names a JWK with ${label}`, async () => {
          c.server.setKeys([jwk(signer(), { kid: KID, ...extra })]);
          const err = await rejects(s().verify(s().good()), 'ERR_JWKS_KEY_UNUSABLE');
          expect(err).to.be.instanceOf(JwksError);
        });
      }

      it('N33: never verifies with a JWKS oct key (nor turns it into an HMAC secret)', async () => {
        const k = Buffer.from('an-oct-key-in-the-jwks-of-32-bytes-or-more');
        c.server.setKeys([{ kty: 'oct', kid: KID, k: k.toString('base64url') }]);
        const err = await rejects(s().verify(s().good()), 'ERR_JWKS_KEY_UNUSABLE');
        expect(err.message).to.include('symmetric (oct) keys are never used to verify tokens');
        await rejects(s().verify(s().good({}, { alg: 'HS256', key: k })), 'ERR_TOKEN_ALG_NOT_ALLOWED');
        await rejects(
          s().verify(s().good({}, { alg: 'HS256', key: k }), { algorithms: ['RS256', 'ES256'] }),
          'ERR_TOKEN_ALG_NOT_ALLOWED',
        );
      });

      it('N33: never verifies with a private JWK (RSA with d, p, q…)', async () => {
        const privateJwk = { ...signer().privateKey.export({ format: 'jwk' }), kid: KID };
        c.server.setKeys([privateJwk]);
        await rejects(s().verify(s().good()), 'ERR_JWKS_KEY_UNUSABLE');
      });

      for (const [label, pair] of [
        ['1024', () => rsaKeys('weak', 1024)],
        ['512', () => rsaKeys('weaker', 512)],
      ] as const) {
        it(`N34: rejects a token correctly signed by an RSA-${label} key of the JWKS`, async () => {
          c.server.setKeys([jwk(pair(), { kid: 'weak' })]);
          const err = await rejects(
            s().verify(s().good({}, { kid: 'weak', key: pair().privateKey })),
            'ERR_JWKS_KEY_UNUSABLE',
          );
          expect(err.message).to.include('at least 2048');
        });
      }

      it('N34: rejects an RSA-1024 key whose modulus is zero-padded to look 2048 bits long', async () => {
        const weak = rsaKeys('weak', 1024);
        const { n, e } = weak.publicKey.export({ format: 'jwk' });
        const padded = Buffer.concat([Buffer.alloc(128), Buffer.from(String(n), 'base64url')]).toString('base64url');
        c.server.setKeys([{ kty: 'RSA', kid: 'weak', n: padded, e }]);
        await rejects(s().verify(s().good({}, { kid: 'weak', key: weak.privateKey })), 'ERR_JWKS_KEY_UNUSABLE');
      });

      it('N34: rejects a token forged for an RSA key with public exponent 1 (the signature is the encoded message)', async () => {
        const { n } = signer().publicKey.export({ format: 'jwk' });
        c.server.setKeys([{ kty: 'RSA', kid: 'e1', n, e: 'AQ' }]);
        // With e = 1, s^e mod n = s: the "signature" is EMSA-PKCS1-v1_5 of the signing input, no private key needed.
        const unsigned = s().good({}, { kid: 'e1' });
        const input = unsigned.slice(0, unsigned.lastIndexOf('.'));
        const forged = withSignature(unsigned, pkcs1Encoding('sha256', input, 256));
        const err = await rejects(s().verify(forged), 'ERR_JWKS_KEY_UNUSABLE');
        expect(err.message).to.include('public exponent 1');
      });

      for (const e of [0, 2, 4, 65_536]) {
        it(`N34: rejects a token whose kid names an RSA key with public exponent ${e}`, async () => {
          const { n } = signer().publicKey.export({ format: 'jwk' });
          c.server.setKeys([{ kty: 'RSA', kid: KID, n, e: exponent(e) }]);
          const err = await rejects(s().verify(s().good()), 'ERR_JWKS_KEY_UNUSABLE');
          expect(err.message).to.include(`public exponent ${e}`);
        });
      }

      describe('N35: invalid EC keys are ignored', () => {
        const ec = () => ecKeys('P-256');
        const base = () => ec().publicKey.export({ format: 'jwk' });
        const flip = (value: unknown) => {
          const bytes = Buffer.from(String(value), 'base64url');
          bytes[31] = (bytes[31] as number) ^ 1;
          return bytes.toString('base64url');
        };
        for (const [label, entry] of [
          ['a point off the curve', () => ({ ...base(), y: flip(base().y) })],
          ['crv "P-257"', () => ({ ...base(), crv: 'P-257' })],
          ['crv "P-384" on P-256 coordinates', () => ({ ...base(), crv: 'P-384' })],
          ['a truncated x', () => ({ ...base(), x: String(base().x).slice(0, 20) })],
          ['no y', () => ({ ...base(), y: undefined })],
          ['a valid point of an unsupported curve (secp256k1)', () => publicJwk(k256().publicKey)],
        ] as const) {
          it(`N35: rejects an ES256 token whose kid names an EC JWK with ${label}`, async () => {
            c.server.setKeys([{ ...entry(), kid: 'ec' }]);
            const token = s().good({}, { alg: 'ES256', kid: 'ec', key: ec().privateKey });
            await rejects(s().verify(token, { algorithms: ['ES256'] }), 'ERR_JWKS_KEY_UNUSABLE');
          });
        }
      });
    });
  }
});
