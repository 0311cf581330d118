// Catalogue §2.7 I: configuration and API footguns (N87–N91): construction-time failures, the key resolver
// never failing open, and key-source outages failing closed with a NetworkError subclass.
import { expect } from 'chai';
import {
  ConfigurationError,
  JwksError,
  KeyNotFoundError,
  KeySourceUnavailableError,
  NetworkError,
  TimeoutError,
} from '../../lib/errors.js';
import { discover } from '../../lib/oidc/discovery.js';
import {
  AccessTokenVerifier,
  type AccessTokenVerifierOptions,
} from '../../lib/token-verifier/access-token-verifier.js';
import { JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import {
  AsymmetricSignatureVerifier,
  SymmetricSignatureVerifier,
} from '../../lib/token-verifier/signature-verifier.js';
import { TokenVerifier, type TokenVerifierOptions } from '../../lib/token-verifier/token-verifier.js';
import { DISCOVERY_PATH, JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';
import { API, catalogue, CLIENT, goodJwk, KID, KINDS, NONCE, rejects, SECRET, signer, T } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

const ISS = 'https://tenant.example.com/';

function idVerifier(options: Partial<TokenVerifierOptions>): TokenVerifier {
  return new TokenVerifier({
    signatureVerifier: new SymmetricSignatureVerifier(SECRET),
    issuer: ISS,
    audience: CLIENT,
    ...options,
  } as TokenVerifierOptions);
}

function accessVerifier(options: Partial<AccessTokenVerifierOptions>): AccessTokenVerifier {
  return new AccessTokenVerifier({
    issuer: ISS,
    secret: SECRET,
    audience: API,
    ...options,
  } as AccessTokenVerifierOptions);
}

function expectConfigurationError(build: () => unknown, option?: string): void {
  const err = thrownBy(build);
  expect(err).to.be.instanceOf(ConfigurationError);
  if (option !== undefined) expect((err as ConfigurationError).option).to.equal(option);
}

describeEachOffload('security catalogue I: configuration and API footguns', (offload) => {
  const c = catalogue(offload);
  let attacker: JwksServer;

  before(async () => {
    attacker = await startJwksServer();
  });

  after(async () => {
    await attacker.close();
  });

  beforeEach(() => {
    attacker.setKeys([goodJwk()]);
    attacker.resetCounts();
  });

  describe('N87: empty or missing issuer, audience, key source', () => {
    for (const value of ['', '   ', undefined, null, 42]) {
      it(`N87: refuses the issuer ${JSON.stringify(value)} in both verifiers`, () => {
        expectConfigurationError(() => idVerifier({ issuer: value as string }), 'issuer');
        expectConfigurationError(() => accessVerifier({ issuer: value as string }));
      });

      it(`N87: refuses the audience ${JSON.stringify(value)} in both verifiers`, () => {
        expectConfigurationError(() => idVerifier({ audience: value as string }), 'audience');
        expectConfigurationError(() => accessVerifier({ audience: value as string }), 'audience');
      });
    }

    it('N87: refuses an empty audience list, a list holding an empty audience, and an empty issuers list', () => {
      for (const audience of [[], [''], [API, ' ']])
        expectConfigurationError(() => accessVerifier({ audience }), 'audience');
      expectConfigurationError(() => accessVerifier({ issuer: undefined, secret: undefined, issuers: [] }), 'issuers');
      for (const issuer of ['', ' ']) {
        expectConfigurationError(
          () => accessVerifier({ issuer: undefined, secret: undefined, issuers: [issuer] }),
          'issuer',
        );
        expectConfigurationError(
          () => accessVerifier({ issuer: undefined, secret: undefined, issuers: [{ issuer, secret: SECRET }] }),
          'issuer',
        );
      }
    });

    it('N87: refuses an empty or missing JWKS URL, secret or issuer to discover', () => {
      expectConfigurationError(() => new AsymmetricSignatureVerifier(''));
      expectConfigurationError(() => new JwksFetcher(undefined as unknown as string));
      expectConfigurationError(() => new SymmetricSignatureVerifier(undefined as unknown as string), 'sharedSecret');
      expectConfigurationError(() => idVerifier({ signatureVerifier: undefined }), 'signatureVerifier');
      expectConfigurationError(() => accessVerifier({ secret: undefined, jwksUri: '' }));
    });

    it('N87: rejects discovery of an empty issuer without a request', async () => {
      expect(await rejectionOf(discover(''))).to.be.instanceOf(ConfigurationError);
    });
  });

  describe('N88: leeway and the other numbers', () => {
    for (const leeway of ['60', Number.NaN, -1, Number.POSITIVE_INFINITY, 301, 86_400, null, {}]) {
      it(`N88: refuses the leeway ${JSON.stringify(leeway) ?? String(leeway)} in both verifiers`, () => {
        expectConfigurationError(() => idVerifier({ leeway: leeway as number }), 'leeway');
        expectConfigurationError(() => accessVerifier({ leeway: leeway as number }), 'leeway');
      });
    }

    it('N88: refuses a clock that is not a function, and bad maxTokenLength, cacheTtl and cooldown values', () => {
      expectConfigurationError(() => idVerifier({ clock: T as unknown as () => number }), 'clock');
      expectConfigurationError(() => accessVerifier({ clock: 'now' as unknown as () => number }), 'clock');
      for (const maxTokenLength of ['16384', 0, 1.5, -1]) {
        expectConfigurationError(() => idVerifier({ maxTokenLength: maxTokenLength as number }), 'maxTokenLength');
      }
      for (const value of ['30', Number.NaN, -1, Number.POSITIVE_INFINITY]) {
        expectConfigurationError(() => new JwksFetcher(c.server.jwksUri, { cooldown: value as number }), 'cooldown');
        expectConfigurationError(() => new JwksFetcher(c.server.jwksUri, { cacheTtl: value as number }), 'cacheTtl');
        expectConfigurationError(
          () =>
            accessVerifier({
              secret: undefined,
              jwksUri: c.server.jwksUri,
              jwksOptions: { cooldown: value as number },
            }),
          'cooldown',
        );
      }
    });

    for (const [label, now] of [
      ['NaN', Number.NaN],
      ['undefined', undefined],
      ['a numeric string', String(T)],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a Date', new Date(T * 1000)],
    ] as const) {
      it(`N88: rejects with ConfigurationError, never accepting an expired token, when the clock returns ${label}`, async () => {
        const clock = () => now as number;
        const expired = { iat: T - 7200, exp: T - 3600 };
        for (const kind of KINDS) {
          const s = c.of(kind);
          for (const cache of [false, true]) {
            const err = await rejects(s.verify(s.good(expired), { clock, cache }), undefined, ConfigurationError);
            expect((err as ConfigurationError).option).to.equal('clock');
          }
        }
      });
    }

    it('N88: rejects per-call maxAge values that would switch the auth_time check off ("3600", -1, NaN, Infinity)', async () => {
      const verifier = idVerifier({ clock: () => T });
      for (const maxAge of ['3600', -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        const err = await rejectionOf(verifier.verify('a.b.c', { nonce: NONCE, maxAge: maxAge as number }));
        expect(err).to.be.instanceOf(ConfigurationError);
      }
    });
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);

      it('N89: rejects when the key set yields no key at all (empty set), with or without a kid', async () => {
        c.server.setKeys([]);
        await rejects(s().verify(s().good()), 'ERR_JWKS_KEY_NOT_FOUND', KeyNotFoundError);
        await rejects(s().verify(s().good({}, { kid: null })), 'ERR_JWKS_KEY_NOT_FOUND', KeyNotFoundError);
      });

      it('N89: rejects when every JWKS entry is null, "", 0, {} or a key without material', async () => {
        c.server.setKeys([null, '', 0, {}, { kty: 'RSA', kid: KID }, { kty: 'RSA', kid: 'x', n: '', e: '' }]);
        await rejects(s().verify(s().good()), 'ERR_JWKS_KEY_UNUSABLE', JwksError);
        await rejects(s().verify(s().good({}, { kid: null })), 'ERR_JWKS_KEY_NOT_FOUND', JwksError);
      });

      it('N89: never falls through to an unsigned path when no key is found (alg:none and an empty signature)', async () => {
        c.server.setKeys([]);
        await rejects(s().verify(s().good({}, { alg: 'none' })), 'ERR_TOKEN_ALG_NOT_ALLOWED');
        await rejects(s().verify(`${s().good().split('.').slice(0, 2).join('.')}.`), 'ERR_JWKS_KEY_NOT_FOUND');
      });

      it('N90: refuses key material given as a string or KeyObject where a JWKS URL is expected', () => {
        const pem = signer().publicKey.export({ format: 'pem', type: 'spki' }).toString();
        for (const value of [
          pem,
          `-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----`,
        ]) {
          expectConfigurationError(() => new AsymmetricSignatureVerifier(value), 'jwksUrl');
          expectConfigurationError(() => accessVerifier({ secret: undefined, jwksUri: value }));
        }
        expectConfigurationError(
          () => new AsymmetricSignatureVerifier(signer().publicKey as unknown as string),
          'jwksUrl',
        );
        expectConfigurationError(() => idVerifier({ signatureVerifier: pem as never }), 'signatureVerifier');
      });

      it('N90: refuses a malformed-PEM string as an HMAC secret (see N16 for well-formed keys)', () => {
        const malformed =
          '-----BEGIN PUBLIC KEY-----\nthis-is-not-base64-but-it-is-long-enough\n-----END PUBLIC KEY-----';
        expectConfigurationError(() => new SymmetricSignatureVerifier(malformed), 'sharedSecret');
      });

      it('N90: never verifies with JWKS entries that carry a key only as PEM text or an x5c chain', async () => {
        const pem = signer().publicKey.export({ format: 'pem', type: 'spki' }).toString();
        const der = signer().publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
        c.server.setKeys([
          { kty: 'RSA', kid: KID, n: pem, e: 'AQAB' },
          { kty: 'RSA', kid: 'x5c', x5c: [der] },
          { kty: 'PEM', kid: 'pem', pem },
        ]);
        // PEM text in n decodes leniently (node:crypto skips the characters that are not base64url) into a
        // modulus that verifies nothing; the other two entries are skipped as unusable.
        const pemAsN = await rejects(s().verify(s().good()));
        expect(['ERR_JWKS_KEY_UNUSABLE', 'ERR_TOKEN_SIGNATURE_INVALID']).to.include(pemAsN.code);
        await rejects(s().verify(s().good({}, { kid: 'x5c' })), 'ERR_JWKS_KEY_UNUSABLE');
        await rejects(s().verify(s().good({}, { kid: 'pem' })), 'ERR_JWKS_KEY_UNUSABLE');
      });

      for (const [label, reply] of [
        [
          'an HTML page',
          { body: '<html><body>Service Unavailable</body></html>', headers: { 'content-type': 'text/html' } },
        ],
        ['truncated JSON', { body: '{"keys":[{"kty":"RSA"', headers: { 'content-type': 'application/json' } }],
        ['keys that are not an array', { json: { keys: { kid: KID } } }],
        ['no keys member', { json: { jwks: [] } }],
        ['a JSON array', { json: [goodJwk()] }],
        ['HTTP 500', { status: 500, json: { keys: [goodJwk()] } }],
        ['HTTP 404', { status: 404, json: { keys: [goodJwk()] } }],
        ['HTTP 429', { status: 429, json: {} }],
      ] as const) {
        it(`N91: fails closed with KeySourceUnavailableError when the JWKS answers ${label}`, async () => {
          c.server.set(JWKS_PATH, reply);
          const verify = s().verifier();
          await rejects(verify(s().good()), undefined, KeySourceUnavailableError);
          // Within the backoff, the next token gets the same failure without a request.
          await rejects(verify(s().good()), undefined, KeySourceUnavailableError);
          expect(c.jwksRequests()).to.equal(1);
        });
      }

      it('N91: fails closed with NetworkError when the JWKS redirects to another host, which gets nothing', async () => {
        c.server.set(JWKS_PATH, { status: 302, headers: { location: attacker.jwksUri } });
        const err = await rejects(s().verify(s().good()), undefined, NetworkError);
        expect(err.code).to.equal('ERR_NETWORK');
        expect(attacker.requests).to.deep.equal([]);
      });

      it('N91: fails closed with TimeoutError within the configured bound when the JWKS hangs', async () => {
        c.server.set(JWKS_PATH, { delay: 2_000, json: { keys: [goodJwk()] } });
        const started = Date.now();
        await rejects(s().verify(s().good(), { timeout: 150 }), 'ERR_TIMEOUT', TimeoutError);
        expect(Date.now() - started).to.be.below(1_500);
      });
    });
  }

  it('N91: an access-token issuer whose discovery document is down fails closed, without a JWKS request', async () => {
    c.server.set(DISCOVERY_PATH, { status: 503, body: 'down' });
    const verifier = new AccessTokenVerifier({ issuer: c.server.issuer, audience: API, clock: () => T });
    await rejects(verifier.verify(c.at.good()), undefined, KeySourceUnavailableError);
    expect(c.jwksRequests()).to.equal(0);
  });
});
