// Catalogue §2.7 A: token structure, size and encoding (N1–N10), against both verifiers.
import { expect } from 'chai';
import { b64url, signSegments } from '../helpers/jwt.js';
import { catalogue, KINDS, rejects, sign, signer } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

/** Replaces segment `index` (0 header, 1 payload, 2 signature) of a token. */
function replaceSegment(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

describeEachOffload('security catalogue A: structure, size and encoding', (offload) => {
  const c = catalogue(offload);

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);

      for (const [label, value] of [
        ['undefined', undefined],
        ['null', null],
        ['the empty string', ''],
        ['a number', 42],
        ['an object', { token: 'x' }],
        ['an array', ['a.b.c']],
        ['a Buffer', Buffer.from('a.b.c')],
      ] as const) {
        it(`N1: rejects ${label} as a token before any I/O`, async () => {
          await rejects(s().verify(value), 'ERR_TOKEN_MISSING');
          expect(c.jwksRequests()).to.equal(0);
        });
      }

      it('N2: rejects tokens of 1, 2, 4 and 5 segments (a JWE compact token included) before any I/O', async () => {
        const [h, p, sig] = s().good().split('.') as [string, string, string];
        const jwe = [b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' }), 'a2V5', 'aXY', 'Y2lwaGVy', 'dGFn'].join('.');
        for (const token of [h, `${h}.${p}`, `${h}.${p}.${sig}.${sig}`, `${h}.${p}.${sig}.${sig}.${sig}`, jwe]) {
          await rejects(s().verify(token), 'ERR_TOKEN_MALFORMED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N3: rejects an empty header or payload segment before any I/O', async () => {
        const [h, p, sig] = s().good().split('.') as [string, string, string];
        for (const token of [`.${p}.${sig}`, `${h}..${sig}`, '..', `..${sig}`]) {
          await rejects(s().verify(token), 'ERR_TOKEN_MALFORMED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N4: rejects a good RS256 token whose signature segment was removed', async () => {
        const good = s().good();
        await rejects(s().verify(`${good.slice(0, good.lastIndexOf('.'))}.`), 'ERR_TOKEN_SIGNATURE_INVALID');
      });

      it('N5: rejects padding, +, /, whitespace, newlines, a Bearer prefix and stray bits, before any I/O', async () => {
        const good = s().good();
        const [h, p, sig] = good.split('.') as [string, string, string];
        // A header and payload whose base64url needs padding (lengths not multiple of 3).
        const padded = sign({ ...s().claims(), pad: 'x' });
        const [ph, pp, ps] = padded.split('.') as [string, string, string];
        // RS256 signatures are 256 bytes: the last character carries 4 unused bits; flipping one keeps the bytes.
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const strayBits = `${sig.slice(0, -1)}${alphabet.charAt(alphabet.indexOf(sig.charAt(sig.length - 1)) ^ 1)}`;
        expect(Buffer.from(strayBits, 'base64url').equals(Buffer.from(sig, 'base64url'))).to.equal(true);
        const variants = [
          `${ph}==.${pp}.${ps}`,
          `${ph}.${pp}=.${ps}`,
          `${h}.${p}.${sig}=`,
          `${h}.${p}.${sig}==`,
          replaceSegment(good, 2, sig.replaceAll('-', '+').replaceAll('_', '/')),
          `${h}.${p}.+${sig.slice(1)}`,
          `${h}.${p}./${sig.slice(1)}`,
          `${h}.${p.slice(0, 10)} ${p.slice(10)}.${sig}`,
          `${h}.${p.slice(0, 10)}\n${p.slice(10)}.${sig}`,
          `${h}.${p}.${sig}\n`,
          ` ${good}`,
          `${good} `,
          `Bearer ${good}`,
          `${h}\t.${p}.${sig}`,
          `${h}.${p}.${strayBits}`,
        ];
        expect(new Set(variants).size).to.equal(variants.length);
        for (const token of variants) {
          expect(token).not.to.equal(good);
          await rejects(s().verify(token), 'ERR_TOKEN_MALFORMED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N6: rejects a header that is not a JSON object (non-JSON, array, string, number, null)', async () => {
        const [, p, sig] = s().good().split('.') as [string, string, string];
        for (const header of ['{"alg":"RS256"', 'RS256', '["RS256"]', '"RS256"', '256', 'null', 'true']) {
          await rejects(s().verify(`${b64url(header)}.${p}.${sig}`), 'ERR_TOKEN_MALFORMED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N6: rejects a correctly signed payload that is not a JSON object, and never returns it raw', async () => {
        const header = b64url({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
        for (const payload of ['hello', '"hello"', '["a"]', '42', 'null', 'true', '{"iss":']) {
          const token = signSegments(header, b64url(payload), 'RS256', signer().privateKey);
          await rejects(s().verify(token), 'ERR_TOKEN_MALFORMED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N7: rejects a correctly signed header or payload holding invalid UTF-8 (0xC3 0x28)', async () => {
        const bad = Buffer.from([0xc3, 0x28]);
        const claims = JSON.stringify(s().claims());
        const payload = Buffer.concat([Buffer.from(`${claims.slice(0, -1)},"name":"`), bad, Buffer.from('"}')]);
        const header = Buffer.concat([Buffer.from('{"alg":"RS256","kid":"k1","x":"'), bad, Buffer.from('"}')]);
        const cases = [
          signSegments(b64url({ alg: 'RS256', kid: 'k1' }), b64url(payload), 'RS256', signer().privateKey),
          signSegments(b64url(header), b64url(claims), 'RS256', signer().privateKey),
        ];
        for (const token of cases) await rejects(s().verify(token), 'ERR_TOKEN_MALFORMED');
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N8: rejects a 1 MiB token, and one character over the 16 KiB default, before decoding or any I/O', async () => {
        // Not even base64url: a decode or JSON parse would report ERR_TOKEN_MALFORMED instead.
        const huge = `${'!'.repeat(1 << 19)}.${'!'.repeat(1 << 19)}.x`;
        const err = await rejects(s().verify(huge), 'ERR_TOKEN_TOO_LARGE');
        expect(err.message.length).to.be.below(200);
        await rejects(s().verify(`${'!'.repeat(16_384)}.`), 'ERR_TOKEN_TOO_LARGE');
        await rejects(s().verify('!'.repeat(1000)), 'ERR_TOKEN_MALFORMED');
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N8: verifies and caches a signed token with a 20 000-deep claim under a raised cap, with no stack overflow', async () => {
        const depth = 20_000;
        const claims = JSON.stringify(s().claims());
        const payload = `${claims.slice(0, -1)},"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
        const token = sign(payload);
        const verify = s().verifier({ maxTokenLength: token.length, cache: true });
        for (let i = 0; i < 2; i++) {
          const verified = await verify(token);
          let node = verified.deep as unknown[];
          for (let level = 1; level < depth; level++) node = node[0] as unknown[];
          expect(node).to.deep.equal([]);
          expect(Object.isFrozen(node)).to.equal(true);
        }
      });

      it('N9: rejects duplicate header members, alg:none/RS256 in either order and an escaped twin', async () => {
        const { privateKey } = signer();
        const [, p] = s().good().split('.') as [string, string];
        const headers = [
          '{"alg":"none","alg":"RS256","kid":"k1"}',
          '{"alg":"RS256","alg":"none","kid":"k1"}',
          '{"alg":"RS256","al\\u0067":"RS256","kid":"k1"}',
          '{"alg":"RS256","kid":"k1","kid":"k2"}',
          '{"alg":"RS256","kid":"k1","typ":"JWT","typ":"at+jwt"}',
        ];
        for (const header of headers) {
          await rejects(s().verify(signSegments(b64url(header), p, 'RS256', privateKey)), 'ERR_TOKEN_MALFORMED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N9: checks and returns the same (last) value of a repeated claim: aud evil-then-good passes, good-then-evil fails', async () => {
        const good = JSON.stringify(s().claims());
        const aud = JSON.stringify(s().claims().aud);
        const evilLast = `${good.slice(0, -1)},"aud":"https://evil.example/"}`;
        const goodLast = `{"aud":"https://evil.example/",${good.slice(1)}`;
        const dupSub = `${good.slice(0, -1)},"sub":"auth0|second"}`;
        await rejects(s().verify(sign(evilLast)), 'ERR_TOKEN_AUD_MISMATCH');
        const claims = await s().verify(sign(goodLast));
        expect(JSON.stringify(claims.aud)).to.equal(aud);
        expect((await s().verify(sign(dupSub))).sub).to.equal('auth0|second');
      });

      it('N10: rejects a signed payload with a __proto__ member (plain or escaped)', async () => {
        const good = JSON.stringify(s().claims());
        for (const member of ['"__proto__"', '"__pro\\u0074o__"']) {
          const payload = `${good.slice(0, -1)},${member}:{"isAdmin":true}}`;
          await rejects(s().verify(sign(payload)), 'ERR_TOKEN_MALFORMED');
        }
        expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
      });

      it('N10: returns constructor and prototype claims as plain data that cannot reach a copy’s prototype', async () => {
        const good = JSON.stringify(s().claims());
        const payload = `${good.slice(0, -1)},"constructor":{"prototype":{"isAdmin":true}},"prototype":{"isAdmin":true}}`;
        const claims = await s().verify(sign(payload));
        expect(Object.getPrototypeOf(claims)).to.equal(Object.prototype);
        const copy = Object.assign({}, claims) as Record<string, unknown>;
        const spread = { ...claims } as Record<string, unknown>;
        expect(copy.isAdmin).to.equal(undefined);
        expect(spread.isAdmin).to.equal(undefined);
        expect(Object.getPrototypeOf(copy)).to.equal(Object.prototype);
        expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
      });
    });
  }
});
