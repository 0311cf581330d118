// Catalogue §2.7 B, first half: the header and the algorithm (N11–N24), against both verifiers.
import { createSecretKey, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import { ConfigurationError, TokenValidationError } from '../../lib/errors.js';
import { AccessTokenVerifier } from '../../lib/token-verifier/access-token-verifier.js';
import { DEFAULT_MAX_TOKEN_LENGTH, type ParsedJwt, type ParseOptions, parseJwt } from '../../lib/token-verifier/jwt.js';
import {
  AsymmetricSignatureVerifier,
  SymmetricSignatureVerifier,
} from '../../lib/token-verifier/signature-verifier.js';
import { JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { b64url, signSegments } from '../helpers/jwt.js';
import { thrownBy } from '../helpers/secrets.js';
import { ecKeys, edKeys, rsaKeys } from '../helpers/keys.js';
import { API, catalogue, jwk, KID, KINDS, NONCE, rejects, SECRET, signer, T } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

/** The issuer's RSA public key in every encoding an alg-confusion attack has used as an HMAC secret. */
function publicKeyEncodings(): Array<[string, string | Buffer]> {
  const { publicKey } = signer();
  const spki = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const key = publicKey.export({ format: 'jwk' });
  return [
    ['SPKI PEM text', spki],
    ['PKCS#1 PEM text (BEGIN RSA PUBLIC KEY)', publicKey.export({ format: 'pem', type: 'pkcs1' }).toString()],
    ['PEM text with leading whitespace', `  \n\t${spki}`],
    ['SPKI DER bytes', publicKey.export({ format: 'der', type: 'spki' })],
    ['PKCS#1 DER bytes', publicKey.export({ format: 'der', type: 'pkcs1' })],
    ['the JWK n string', String(key.n)],
    ['the whole JWK JSON', JSON.stringify({ ...key, kid: KID })],
  ];
}

/** The `alg` values of row N14: missing, or not a string of the allowlist. */
const N14_ALGS = [
  ['missing', undefined],
  ['null', null],
  ['numeric', 256],
  ['an array', ['RS256']],
  ['the empty string', ''],
  ['lower case', 'rs256'],
  ['an object', { name: 'RS256' }],
] as const;

/** The strict parser's options for a token of any type, with an RS256 allowlist. */
const PARSE_RS256: ParseOptions = {
  algorithms: ['RS256'],
  maxLength: DEFAULT_MAX_TOKEN_LENGTH,
  kind: 'token',
  types: null,
  untyped: true,
};

describeEachOffload('security catalogue B: header and algorithm', (offload) => {
  const c = catalogue(offload);
  let attacker: JwksServer;

  before(async () => {
    attacker = await startJwksServer();
  });

  after(async () => {
    await attacker.close();
  });

  beforeEach(() => {
    attacker.setKeys([jwk(rsaKeys('attacker'), { kid: 'attacker-kid' })]);
    attacker.set('/x5u.pem', {
      body: rsaKeys('attacker').publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    });
    attacker.resetCounts();
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);

      it('N11: rejects alg:none with an empty signature before any I/O, with a JWKS or a secret configured', async () => {
        const token = s().good({}, { alg: 'none' });
        expect(token.endsWith('.')).to.equal(true);
        await rejects(s().verify(token), 'ERR_TOKEN_ALG_NOT_ALLOWED');
        await rejects(s().verify(token, { secret: SECRET }), 'ERR_TOKEN_ALG_NOT_ALLOWED');
        expect(c.jwksRequests()).to.equal(0);
      });

      for (const alg of ['None', 'NONE', 'nOnE', 'none ', ' none', 'none\u0000']) {
        it(`N12: rejects the alg spelling ${JSON.stringify(alg)}`, async () => {
          await rejects(s().verify(s().good({}, { alg, signAs: 'none' })), 'ERR_TOKEN_ALG_NOT_ALLOWED');
          expect(c.jwksRequests()).to.equal(0);
        });
      }

      it('N13: rejects alg:none with a non-empty signature (a real RS256 one, or junk)', async () => {
        const rs = s().good();
        const real = rs.slice(rs.lastIndexOf('.') + 1);
        const none = s().good({}, { alg: 'none' });
        for (const signature of [real, 'AAAA', 'c2lnbmF0dXJl']) {
          await rejects(s().verify(`${none}${signature}`), 'ERR_TOKEN_ALG_NOT_ALLOWED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      for (const [label, alg] of N14_ALGS) {
        it(`N14: rejects an alg that is ${label}, even over a valid RS256 signature`, async () => {
          const header = alg === undefined ? { kid: KID } : { alg, kid: KID };
          const token = signSegments(b64url(header), b64url(s().claims()), 'RS256', signer().privateKey);
          await rejects(s().verify(token), 'ERR_TOKEN_ALG_NOT_ALLOWED');
          expect(c.jwksRequests()).to.equal(0);
        });
      }

      it('N15: rejects RS512, PS256 and ES256 tokens, validly signed by keys of the JWKS, under an RS256 allowlist', async () => {
        const ec = ecKeys('P-256');
        c.server.setKeys([jwk(signer(), { kid: KID }), jwk(ec, { kid: 'ec' })]);
        for (const token of [
          s().good({}, { alg: 'RS512' }),
          s().good({}, { alg: 'PS256' }),
          s().good({}, { alg: 'ES256', kid: 'ec', key: ec.privateKey }),
        ]) {
          await rejects(s().verify(token), 'ERR_TOKEN_ALG_NOT_ALLOWED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      for (const [label, secret] of publicKeyEncodings()) {
        it(`N16: rejects an HS256 token MACed with the issuer's RSA public key as ${label}`, async () => {
          const token = s().good({}, { alg: 'HS256', key: secret });
          await rejects(s().verify(token), 'ERR_TOKEN_ALG_NOT_ALLOWED');
          await rejects(
            s().verify(token, { algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] }),
            'ERR_TOKEN_ALG_NOT_ALLOWED',
          );
          expect(c.jwksRequests()).to.equal(0);
        });
      }

      it('N17: rejects an HS256 token keyed with the client secret when RS256 is configured', async () => {
        await rejects(s().verify(s().good({}, { alg: 'HS256', key: SECRET })), 'ERR_TOKEN_ALG_NOT_ALLOWED');
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N17: rejects an RS256 token of the JWKS key when HS256 with the client secret is configured', async () => {
        await rejects(s().verify(s().good(), { secret: SECRET }), 'ERR_TOKEN_ALG_NOT_ALLOWED');
        expect(c.jwksRequests()).to.equal(0);
      });

      describe('N18: one key, one algorithm', () => {
        const algorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

        beforeEach(() => {
          c.server.setKeys([
            jwk(ecKeys('P-256'), { kid: 'ec256' }),
            jwk(ecKeys('P-384'), { kid: 'ec384' }),
            jwk(edKeys(), { kid: 'okp' }),
            jwk(signer(), { kid: 'rs-alg', alg: 'RS256' }),
          ]);
        });

        for (const [label, options] of [
          ['RS256 whose kid names an EC P-256 key', { alg: 'RS256', kid: 'ec256' }],
          ['RS256 whose kid names an OKP Ed25519 key', { alg: 'RS256', kid: 'okp' }],
          ['ES256 whose kid names a P-384 key', { alg: 'ES256', kid: 'ec384', key: ecKeys('P-384').privateKey }],
          ['PS256 whose kid names a JWK with "alg":"RS256"', { alg: 'PS256', kid: 'rs-alg' }],
          ['PS256 whose kid names an EC P-256 key', { alg: 'PS256', kid: 'ec256' }],
          ['PS256 whose kid names an OKP Ed25519 key', { alg: 'PS256', kid: 'okp' }],
          ['EdDSA whose kid names an EC key', { alg: 'EdDSA', kid: 'ec256', key: edKeys().privateKey }],
        ] as const) {
          it(`N18: rejects ${label}`, async () => {
            const token = s().good({}, options);
            await rejects(s().verify(token, { algorithms: [...algorithms] }), 'ERR_JWKS_KEY_MISMATCH');
          });
        }

        it('N18: rejects a token whose kid names a JWK whose own alg does not suit its key (RSA with "alg":"ES256")', async () => {
          c.server.setKeys([jwk(signer(), { kid: KID, alg: 'ES256' })]);
          const err = await rejects(s().verify(s().good(), { algorithms: [...algorithms] }), 'ERR_JWKS_KEY_UNUSABLE');
          expect(err.message).to.include('does not suit a RSA key');
        });
      });

      for (const [label, header] of [
        ['crit:["foo"] with foo', { crit: ['foo'], foo: 1 }],
        ['crit:["b64"] with b64:false', { crit: ['b64'], b64: false }],
        ['crit:["exp"]', { crit: ['exp'] }],
      ] as const) {
        it(`N19: rejects the unknown critical extension ${label}`, async () => {
          await rejects(s().verify(s().good({}, { header })), 'ERR_TOKEN_CRIT_UNSUPPORTED');
          expect(c.jwksRequests()).to.equal(0);
        });
      }

      for (const crit of [[], 'foo', [1], null, {}]) {
        it(`N20: rejects the malformed crit ${JSON.stringify(crit)}`, async () => {
          await rejects(s().verify(s().good({}, { header: { crit } })), 'ERR_TOKEN_CRIT_UNSUPPORTED');
          expect(c.jwksRequests()).to.equal(0);
        });
      }

      describe('N21: embedded and remote keys are never used', () => {
        const evil = () => rsaKeys('attacker');

        function attackerTokens(): Array<[string, string]> {
          const key = evil().privateKey;
          const embedded = jwk(evil(), { kid: 'attacker-kid' });
          const x5c = [evil().publicKey.export({ format: 'der', type: 'spki' }).toString('base64')];
          return [
            ['jwk header, no kid', s().good({}, { kid: null, key, header: { jwk: embedded } })],
            ['jwk header, unknown kid', s().good({}, { kid: 'attacker-kid', key, header: { jwk: embedded } })],
            ['jwk header, the good kid', s().good({}, { key, header: { jwk: embedded } })],
            ['jku to the attacker', s().good({}, { kid: 'attacker-kid', key, header: { jku: attacker.jwksUri } })],
            ['jku with the good kid', s().good({}, { key, header: { jku: attacker.jwksUri } })],
            [
              'x5u to the attacker',
              s().good({}, { kid: 'attacker-kid', key, header: { x5u: `${attacker.origin}/x5u.pem` } }),
            ],
            ['x5c with the attacker key', s().good({}, { kid: null, key, header: { x5c } })],
          ];
        }

        it('N21: rejects tokens signed by the attacker with jwk, jku, x5u or x5c headers, contacting only the JWKS', async () => {
          const verify = s().verifier();
          for (const [label, token] of attackerTokens()) {
            const err = await rejects(verify(token));
            expect(['ERR_TOKEN_SIGNATURE_INVALID', 'ERR_JWKS_KEY_NOT_FOUND'], label).to.include(err.code);
          }
          expect(attacker.requests).to.deep.equal([]);
          expect(c.server.requests.every((path) => path === JWKS_PATH)).to.equal(true);
          expect(c.jwksRequests()).to.equal(1);
          // The legitimate key still verifies; the headers are ignored, not fatal.
          expect(
            await verify(s().good({}, { header: { jku: attacker.jwksUri, x5u: attacker.origin } })),
          ).to.have.property('sub');
          expect(attacker.requests).to.deep.equal([]);
        });
      });

      for (const typ of ['at+jwt', 'application/at+jwt', 'AT+JWT', 'logout+jwt', 'secevent+jwt', 'dpop+jwt']) {
        if (kind === 'access token' && typ.toLowerCase().endsWith('at+jwt')) continue;
        it(`N22: rejects typ ${JSON.stringify(typ)} for an ${kind}`, async () => {
          await rejects(s().verify(s().good({}, { typ })), 'ERR_TOKEN_TYP_INVALID');
          expect(c.jwksRequests()).to.equal(0);
        });
      }

      it('N22: rejects typ values that are not strings or name no JWT (123, "", "JWS", "application/logout+jwt")', async () => {
        for (const typ of [123, '', 'JWS', 'application/logout+jwt', 'jwt ']) {
          await rejects(s().verify(s().good({}, { header: { typ } })), 'ERR_TOKEN_TYP_INVALID');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N23: rejects a nested JWT (cty "JWT", "jwt", "application/jwt")', async () => {
        for (const cty of ['JWT', 'jwt', 'application/jwt']) {
          await rejects(s().verify(s().good({}, { header: { cty } })), 'ERR_TOKEN_HEADER_UNSUPPORTED');
        }
        expect(c.jwksRequests()).to.equal(0);
      });

      it('N24: rejects zip:"DEF" on a JWS without decompressing its deflated payload', async () => {
        const header = b64url({ alg: 'RS256', kid: KID, zip: 'DEF' });
        const deflated = deflateRawSync(Buffer.from(JSON.stringify(s().claims())));
        const token = signSegments(header, b64url(deflated), 'RS256', signer().privateKey);
        await rejects(s().verify(token), 'ERR_TOKEN_MALFORMED');
        // With a JSON payload the zip header itself is refused.
        await rejects(s().verify(s().good({}, { header: { zip: 'DEF' } })), 'ERR_TOKEN_HEADER_UNSUPPORTED');
        expect(c.jwksRequests()).to.equal(0);
      });
    });
  }

  describe('N16 with several issuers', () => {
    it('N16: rejects an HS256 token MACed with the RS issuer’s public key although another issuer uses HS256', async () => {
      const hsIssuer = 'https://hs-issuer.example/';
      const verifier = new AccessTokenVerifier({
        issuers: [
          { issuer: c.server.issuer, jwksUri: c.server.jwksUri },
          { issuer: hsIssuer, secret: SECRET, algorithms: 'HS256' },
        ],
        audience: API,
        algorithms: ['RS256'],
        clock: () => T,
        offload,
      });
      for (const [, secret] of publicKeyEncodings()) {
        const token = c.at.good({}, { alg: 'HS256', key: secret });
        await rejects(verifier.verify(token), 'ERR_TOKEN_ALG_NOT_ALLOWED');
      }
      // The same kind of token with the HS issuer's own secret is what passes there.
      expect(await verifier.verify(c.at.good({ iss: hsIssuer }, { alg: 'HS256', key: SECRET }))).to.have.property(
        'sub',
      );
      expect(c.jwksRequests()).to.equal(0);
    });

    it('N17: rejects an RS256 token of the JWKS key that names the HS issuer', async () => {
      const hsIssuer = 'https://hs-issuer.example/';
      const verifier = new AccessTokenVerifier({
        issuers: [
          { issuer: c.server.issuer, jwksUri: c.server.jwksUri },
          { issuer: hsIssuer, secret: SECRET, algorithms: 'HS256' },
        ],
        audience: API,
        clock: () => T,
        offload,
      });
      await rejects(verifier.verify(c.at.good({ iss: hsIssuer })), 'ERR_TOKEN_ALG_NOT_ALLOWED');
      await rejects(verifier.verify(c.at.good({}, { alg: 'HS256', key: SECRET })), 'ERR_TOKEN_ALG_NOT_ALLOWED');
      expect(c.jwksRequests()).to.equal(0);
    });
  });

  describe('N14: the header check and checkAlgorithm, each on its own', () => {
    /** A token of the good key whose header has this alg (or none), signed RS256. */
    const withAlg = (alg: unknown) =>
      signSegments(
        b64url(alg === undefined ? { kid: KID } : { alg, kid: KID }),
        b64url(c.at.claims()),
        'RS256',
        signer().privateKey,
      );

    it('N14: the strict parser alone refuses every such alg, before any verifier sees the token', () => {
      for (const [label, alg] of N14_ALGS) {
        const err = thrownBy(() => parseJwt(withAlg(alg), PARSE_RS256)) as TokenValidationError;
        expect([err.constructor, err.code], label).to.deep.equal([TokenValidationError, 'ERR_TOKEN_ALG_NOT_ALLOWED']);
      }
    });

    it('N14: checkAlgorithm alone refuses every such alg in a token parsed under a wider policy', () => {
      // A caller (the access-token verifier of several issuers) parses with the union of their allowlists; the
      // signature verifier of the token's issuer must still refuse what it was not configured with.
      const good = parseJwt(c.at.good(), PARSE_RS256);
      const verifiers = [new AsymmetricSignatureVerifier(c.server.jwksUri), new SymmetricSignatureVerifier(SECRET)];
      for (const [label, alg] of N14_ALGS) {
        const parsed = { ...good, header: { ...good.header, alg } } as unknown as ParsedJwt;
        for (const verifier of verifiers) {
          const err = thrownBy(() => verifier.verifyParsed(parsed)) as TokenValidationError;
          expect([err.constructor, err.code], label).to.deep.equal([TokenValidationError, 'ERR_TOKEN_ALG_NOT_ALLOWED']);
        }
      }
      expect(c.jwksRequests()).to.equal(0);
    });
  });

  describe('N16: no verifier of public keys takes an HMAC algorithm', () => {
    it('N16: refuses HS256 in the allowlist of a JWKS verifier, and RS256 in that of a secret, at construction', () => {
      for (const build of [
        () => new AsymmetricSignatureVerifier(c.server.jwksUri, { algorithm: 'HS256' as never }),
        () => new AsymmetricSignatureVerifier(c.server.jwksUri, { algorithm: ['RS256', 'HS256'] as never }),
        () =>
          new AccessTokenVerifier({
            issuer: c.server.issuer,
            jwksUri: c.server.jwksUri,
            audience: API,
            algorithms: ['HS256'],
          }),
        () => new SymmetricSignatureVerifier(SECRET, { algorithm: 'RS256' as never }),
      ]) {
        const err = thrownBy(build);
        expect(err).to.be.instanceOf(ConfigurationError);
        expect(err.message).to.match(/cannot be used by an? (a)?symmetric/);
      }
    });
  });

  describe('N16: no public key becomes an HMAC secret', () => {
    const refused: Array<[string, string | Buffer]> = [
      ...publicKeyEncodings().filter(([label]) => label !== 'the JWK n string'),
      ['a private key PEM', rsaKeys('attacker').privatePem],
      ['a malformed PEM', '-----BEGIN PUBLIC KEY-----\nnot a key, yet long enough for HS256\n-----END PUBLIC KEY-----'],
    ];

    for (const [label, secret] of refused) {
      it(`N16: refuses the issuer's key as ${label} for the secret of a SymmetricSignatureVerifier or an HS issuer`, () => {
        for (const build of [
          () => new SymmetricSignatureVerifier(secret),
          () => new SymmetricSignatureVerifier(createSecretKey(Buffer.from(secret))),
          () => new AccessTokenVerifier({ issuer: 'https://hs-issuer.example/', secret, audience: API }),
        ]) {
          const err = thrownBy(build);
          expect(err).to.be.instanceOf(ConfigurationError);
          expect((err as ConfigurationError).option).to.equal('sharedSecret');
          expect(err.message).not.to.include(typeof secret === 'string' ? secret.slice(30, 60) : 'BEGIN');
        }
      });
    }

    it('N16: still takes random secrets, base64url text included (the JWK n string cannot be told apart)', () => {
      expect(new SymmetricSignatureVerifier(SECRET).algorithm).to.equal('HS256');
      expect(new SymmetricSignatureVerifier(randomBytes(32)).algorithm).to.equal('HS256');
      expect(new SymmetricSignatureVerifier(randomBytes(64).toString('base64url')).algorithm).to.equal('HS256');
      expect(new SymmetricSignatureVerifier('{"not":"a key, only JSON text of 32+ bytes"}').algorithm).to.equal(
        'HS256',
      );
    });
  });

  it('N11: the ID-token nonce does not change the alg:none outcome', async () => {
    await rejects(c.id.verify(c.id.good({}, { alg: 'none' }), {}, { nonce: NONCE }), 'ERR_TOKEN_ALG_NOT_ALLOWED');
  });
});
