// Catalogue §2.8: POSITIVE edge cases (P1–P20), the tokens the verifier must accept, against both verifiers
// where the row is not an ID-token rule. P19 is the deliberate deviation: alg:none is never accepted.
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { ConfigurationError, KeyNotFoundError } from '../../lib/errors.js';
import { b64url } from '../helpers/jwt.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';
import { thrownBy } from '../helpers/secrets.js';
import { API, catalogue, CLIENT, jwk, KID, KINDS, L, NONCE, rejects, SECRET, signer, T } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

type Clock = ReturnType<typeof FakeTimers.install>;

describeEachOffload('security catalogue P: positive edge cases', (offload) => {
  const c = catalogue(offload);
  let clock: Clock | undefined;

  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
  });

  describe('ID token', () => {
    const id = () => c.id;

    it('P1: accepts aud [client_id, "https://{domain}/userinfo"] with azp = client_id', async () => {
      const aud = [CLIENT, `${c.server.issuer}userinfo`];
      expect((await id().verify(id().good({ aud, azp: CLIENT }))).aud).to.deep.equal(aud);
    });

    it('P2: accepts aud [client_id] (a one-element array) without azp', async () => {
      expect((await id().verify(id().good({ aud: [CLIENT] }))).aud).to.deep.equal([CLIENT]);
    });

    it('P3: accepts aud = client_id (a string) with azp = client_id', async () => {
      expect((await id().verify(id().good({ azp: CLIENT }))).azp).to.equal(CLIENT);
    });

    it('P6: accepts auth_time + max_age + L == T (rejects only when T is past the sum)', async () => {
      const token = id().good({ auth_time: T - 3600 - L });
      expect(await id().verify(token, {}, { nonce: NONCE, maxAge: 3600 })).to.have.property('auth_time', T - 3600 - L);
      await rejects(
        id().verify(id().good({ auth_time: T - 3600 - L - 0.5 }), {}, { nonce: NONCE, maxAge: 3600 }),
        'ERR_TOKEN_AUTH_TIME_TOO_OLD',
      );
    });

    it('P14: accepts a nonce exactly equal to the expected value', async () => {
      expect((await id().verify(id().good(), {}, { nonce: NONCE })).nonce).to.equal(NONCE);
    });

    it('P15: accepts the OIDC Core at_hash vector for RS256, and a code-flow token without at_hash', async () => {
      const accessToken = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
      const call = { nonce: NONCE, accessToken };
      expect(await id().verify(id().good({ at_hash: '77QmUPtjPfzWtF2AnpK9RQ' }), {}, call)).to.have.property('at_hash');
      expect(await id().verify(id().good(), {}, call)).not.to.have.property('at_hash');
    });

    it('P19: rejects an alg:none ID token even as the code flow’s token-endpoint response; there is no opt-in', async () => {
      // Deliberate deviation (RFC 8725 §3.2 over rp-id_token-sig-none): no option accepts unsigned tokens.
      const unsigned = id().good({}, { alg: 'none', kid: null });
      await rejects(id().verify(unsigned), 'ERR_TOKEN_ALG_NOT_ALLOWED');
      for (const options of [
        { algorithms: ['none' as 'RS256'] },
        { secret: SECRET, algorithms: ['none' as 'HS256'] },
      ]) {
        expect(thrownBy(() => id().verifier(options))).to.be.instanceOf(ConfigurationError);
      }
      expect(c.jwksRequests()).to.equal(0);
    });
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);

      it('P2: accepts a one-element aud array', async () => {
        const aud = [kind === 'ID token' ? CLIENT : API];
        expect((await s().verify(s().good({ aud }))).aud).to.deep.equal(aud);
      });

      it('P4: accepts exp = T − L + 1 (expired, inside the leeway); with N66 it pins the boundary', async () => {
        expect(await s().verify(s().good({ exp: T - L + 1, iat: T - 3600 }))).to.have.property('exp', T - L + 1);
      });

      it('P5: accepts iat = T + L and nbf = T + L (rejects only beyond)', async () => {
        const claims = await s().verify(s().good({ iat: T + L, nbf: T + L }));
        expect(claims).to.include({ iat: T + L, nbf: T + L });
      });

      it('P7: accepts a kid-less token when the JWKS has exactly one usable key (kids stripped, OIDF style)', async () => {
        c.server.setKeys([jwk(signer())]);
        expect(await s().verify(s().good({}, { kid: null }))).to.have.property('sub');
        c.server.setKeys([jwk(signer(), { kid: KID }), jwk(signer(), { kid: 'enc', use: 'enc' })]);
        expect(await s().verify(s().good({}, { kid: null }))).to.have.property('sub');
      });

      it('P8: accepts a token of a rotated key after one refetch once the cooldown allows, and retires the old key', async () => {
        clock = FakeTimers.install({ toFake: ['Date'], now: T * 1000 });
        const verify = s().verifier();
        expect(await verify(s().good())).to.have.property('sub');
        const next = rsaKeys('next');
        c.server.setKeys([jwk(next, { kid: 'k2' })]);
        const rotated = s().good({}, { kid: 'k2', key: next.privateKey });
        clock.tick(10_000);
        await rejects(verify(rotated), 'ERR_JWKS_KEY_NOT_FOUND', KeyNotFoundError);
        expect(c.jwksRequests()).to.equal(1);
        clock.tick(21_000);
        expect(await verify(rotated)).to.have.property('sub');
        expect(c.jwksRequests()).to.equal(2);
        await rejects(verify(s().good()), 'ERR_JWKS_KEY_NOT_FOUND');
      });

      it('P8: accepts the first token after keys were rotated just before it was signed (-native)', async () => {
        clock = FakeTimers.install({ toFake: ['Date'], now: T * 1000 });
        const verify = s().verifier();
        expect(await verify(s().good())).to.have.property('sub');
        clock.tick(60_000);
        const next = rsaKeys('next');
        c.server.setKeys([jwk(next, { kid: 'k2' })]);
        expect(await verify(s().good({}, { kid: 'k2', key: next.privateKey }))).to.have.property('sub');
        expect(c.jwksRequests()).to.equal(2);
      });

      it('P9: accepts the real key of a JWKS that also holds AKP, made-up-kty and enc keys', async () => {
        c.server.setKeys([
          { kty: 'AKP', kid: 'pq', alg: 'ML-DSA-44', pub: b64url(Buffer.alloc(1312, 7)) },
          { kty: 'XYZ', kid: 'made-up', crv: 'Q-1', x: 'AAAA' },
          jwk(rsaKeys('enc'), { kid: 'enc', use: 'enc' }),
          jwk(signer(), { kid: KID }),
        ]);
        expect(await s().verify(s().good())).to.have.property('sub');
        expect(await s().verify(s().good({}, { kid: null }))).to.have.property('sub');
      });

      it('P10: accepts unknown non-critical header members and passes unknown claims through', async () => {
        const header = { x5t: 'dGh1bWI', 'x5t#S256': 'dGh1bWIyNTY', foo: { bar: [1] } };
        const claims = await s().verify(
          s().good({ 'https://example.com/roles': ['admin'], custom: { a: 1 } }, { header }),
        );
        expect(claims['https://example.com/roles']).to.deep.equal(['admin']);
        expect(claims.custom).to.deep.equal({ a: 1 });
      });

      it('P11: accepts typ absent, "JWT", "jwt" and "application/jwt"', async () => {
        for (const typ of [null, 'JWT', 'jwt', 'application/jwt', 'Application/JWT']) {
          expect(await s().verify(s().good({}, { typ }))).to.have.property('sub');
        }
      });

      it('P12: accepts fractional NumericDates (exp T+3600.5, iat T−0.25)', async () => {
        expect(await s().verify(s().good({ exp: T + 3600.5, iat: T - 0.25 }))).to.include({
          exp: T + 3600.5,
          iat: T - 0.25,
        });
      });

      it('P13: accepts non-ASCII claim values, decoded as UTF-8', async () => {
        const name = 'Zoë 山田 🦊';
        expect((await s().verify(s().good({ name }))).name).to.equal(name);
      });

      it('P16: accepts RS256 with a 4096-bit key, and with a JWK carrying "alg":"RS256" and "use":"sig"', async () => {
        const big = rsaKeys('big', 4096);
        c.server.setKeys([jwk(big, { kid: 'big' }), jwk(signer(), { kid: KID, alg: 'RS256', use: 'sig' })]);
        expect(await s().verify(s().good({}, { kid: 'big', key: big.privateKey }))).to.have.property('sub');
        expect(await s().verify(s().good())).to.have.property('sub');
      });

      it('P17: accepts HS256 when explicitly configured, the MAC keyed with the UTF-8 bytes of the secret', async () => {
        const secret = 'clïent-sécret-with-ütf8-bytes-0123456789';
        const token = s().good({}, { alg: 'HS256', key: Buffer.from(secret, 'utf8') });
        expect(await s().verify(token, { secret })).to.have.property('sub');
        expect(c.jwksRequests()).to.equal(0);
      });

      it('P18: accepts a token exactly at the configured size cap (and at the 16 KiB default)', async () => {
        const token = s().good({ pad: 'x'.repeat(500) });
        expect(await s().verify(token, { maxTokenLength: token.length })).to.have.property('pad');
        await rejects(s().verify(token, { maxTokenLength: token.length - 1 }), 'ERR_TOKEN_TOO_LARGE');
        const signatureLength = token.length - token.lastIndexOf('.') - 1;
        let exact: string | undefined;
        for (const x of ['', 'a', 'ab']) {
          for (let pad = 11_000; pad < 12_500 && exact === undefined; pad++) {
            const payload = s().claims({ pad: 'y'.repeat(pad) });
            const header = { alg: 'RS256', typ: 'JWT', kid: KID, x };
            if (b64url(header).length + b64url(payload).length + signatureLength + 2 === 16_384) {
              exact = s().good({ pad: 'y'.repeat(pad) }, { header: { x } });
            }
          }
        }
        expect(exact).to.have.lengthOf(16_384);
        expect(await s().verify(exact)).to.have.property('pad');
      });

      it('P20: accepts a kid-less token under policy B when exactly one of several keys verifies it', async () => {
        c.server.setKeys([jwk(rsaKeys('other')), jwk(ecKeys('P-256')), jwk(signer()), jwk(rsaKeys('decoy'))]);
        expect(await s().verify(s().good({}, { kid: null }))).to.have.property('sub');
        expect(c.jwksRequests()).to.equal(1);
      });
    });
  }
});
