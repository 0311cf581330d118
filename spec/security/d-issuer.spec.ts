// Catalogue §2.7 D: issuer and key binding (N44–N49). Three local servers: the configured tenant (the
// catalogue's server), a second tenant, and an attacker that must never be contacted.
import { expect } from 'chai';
import { ConfigurationError, KeySourceUnavailableError } from '../../lib/errors.js';
import { discover } from '../../lib/oidc/discovery.js';
import { AccessTokenVerifier } from '../../lib/token-verifier/access-token-verifier.js';
import { JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import { AsymmetricSignatureVerifier } from '../../lib/token-verifier/signature-verifier.js';
import { DISCOVERY_PATH, JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';
import { API, catalogue, jwk, KID, KINDS, rejects, signer, T } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

/** An Auth0-style issuer configured by name (its keys come from the catalogue server's JWKS). */
const ISS = 'https://tenant.example.com/';

describeEachOffload('security catalogue D: issuer and key binding', (offload) => {
  const c = catalogue(offload);
  let tenantB: JwksServer;
  let attacker: JwksServer;

  before(async () => {
    [tenantB, attacker] = await Promise.all([startJwksServer(), startJwksServer()]);
  });

  after(async () => {
    await Promise.all([tenantB.close(), attacker.close()]);
  });

  beforeEach(() => {
    tenantB.setKeys([jwk(rsaKeys('tenant-b'), { kid: KID })]);
    tenantB.setDiscovery();
    attacker.setKeys([jwk(signer(), { kid: KID }), jwk(rsaKeys('attacker'), { kid: 'attacker-kid' })]);
    attacker.setDiscovery();
    for (const server of [tenantB, attacker]) server.resetCounts();
  });

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);
      /** JWKS requests an access token may cause before its iss is checked: none. */
      const expectNoRequestForAccessTokens = () => {
        if (kind === 'access token') expect(c.jwksRequests()).to.equal(0);
      };

      it('N44: rejects iss "https://evil.example/" (access tokens: before any request)', async () => {
        await rejects(s().verify(s().good({ iss: 'https://evil.example/' })), 'ERR_TOKEN_ISS_MISMATCH');
        expectNoRequestForAccessTokens();
      });

      for (const iss of [
        'https://tenant.example.com',
        'https://tenant.example.com//',
        'https://TENANT.example.com/',
        'https://tenant.EXAMPLE.com/',
        'http://tenant.example.com/',
        'https://tenant.example.com/extra/',
        'https://tenant.example.com/ ',
        ' https://tenant.example.com/',
        'https://tenant.example.com:443/',
        'https://tenant.example.com./',
        'https://tenant.example.com/?',
        'https://tenant.example.com/#',
        'https://tenant.example.com/\u0000',
        'https://tenant.exаmple.com/',
      ]) {
        it(`N45: rejects the near-miss issuer ${JSON.stringify(iss)} (exact string equality)`, async () => {
          await rejects(s().verify(s().good({ iss }), { issuer: ISS }), 'ERR_TOKEN_ISS_MISMATCH');
          expectNoRequestForAccessTokens();
        });
      }

      it('N45: accepts the exact configured issuer (the control of the near misses)', async () => {
        expect((await s().verify(s().good({ iss: ISS }), { issuer: ISS })).iss).to.equal(ISS);
      });

      for (const [label, iss, code] of [
        ['missing', undefined, 'ERR_TOKEN_ISS_MISSING'],
        ['an array', [ISS], 'ERR_TOKEN_ISS_MISSING'],
        ['a number', 42, 'ERR_TOKEN_ISS_MISSING'],
        ['null', null, 'ERR_TOKEN_ISS_MISSING'],
        ['an object', { iss: ISS }, 'ERR_TOKEN_ISS_MISSING'],
        ['the empty string', '', 'ERR_TOKEN_ISS_MISMATCH'],
      ] as const) {
        it(`N46: rejects an iss that is ${label}`, async () => {
          const token = s().good({ iss });
          await rejects(s().verify(token, { issuer: ISS }), code);
          expectNoRequestForAccessTokens();
        });
      }

      it('N47: rejects a token signed by the configured tenant’s key that names another tenant, and never contacts that tenant', async () => {
        const token = s().good({ iss: tenantB.issuer });
        await rejects(s().verify(token), 'ERR_TOKEN_ISS_MISMATCH');
        expect(tenantB.requests).to.deep.equal([]);
      });
    });
  }

  describe('N47: multi-tenant access tokens', () => {
    const a = () => signer();

    function twoTenants(): AccessTokenVerifier {
      return new AccessTokenVerifier({
        issuers: [
          { issuer: c.server.issuer, jwksUri: c.server.jwksUri },
          { issuer: tenantB.issuer, jwksUri: tenantB.jwksUri },
        ],
        audience: API,
        clock: () => T,
        offload,
      });
    }

    it('N47: rejects a token signed by tenant A’s key naming tenant B, with B’s keys only (same kid in both sets)', async () => {
      const verifier = twoTenants();
      // Tenant A's key is in the verifier's key store: a token of A is accepted first.
      expect((await verifier.verify(c.at.good())).iss).to.equal(c.server.issuer);
      c.server.resetCounts();
      await rejects(
        verifier.verify(c.at.good({ iss: tenantB.issuer }, { key: a().privateKey })),
        'ERR_TOKEN_SIGNATURE_INVALID',
      );
      expect(c.jwksRequests()).to.equal(0);
      expect(tenantB.count(JWKS_PATH)).to.equal(1);
    });

    it('N47: rejects a token naming tenant B with a kid only tenant A has', async () => {
      const verifier = twoTenants();
      c.server.setKeys([jwk(a(), { kid: 'only-in-a' })]);
      expect(await verifier.verify(c.at.good({}, { kid: 'only-in-a' }))).to.have.property('sub');
      c.server.resetCounts();
      await rejects(
        verifier.verify(c.at.good({ iss: tenantB.issuer }, { kid: 'only-in-a' })),
        'ERR_JWKS_KEY_NOT_FOUND',
      );
      expect(c.jwksRequests()).to.equal(0);
    });

    it('N47: never derives a discovery or JWKS URL from the token’s iss (discovered issuers included)', async () => {
      const verifier = new AccessTokenVerifier({
        issuers: [c.server.issuer, tenantB.issuer],
        audience: API,
        clock: () => T,
        offload,
      });
      // The attacker publishes the configured tenant's public key and a discovery document of its own.
      await rejects(verifier.verify(c.at.good({ iss: attacker.issuer })), 'ERR_TOKEN_ISS_MISMATCH');
      await rejects(verifier.verify(c.at.good({ iss: `${attacker.issuer}x` })), 'ERR_TOKEN_ISS_MISMATCH');
      expect(attacker.requests).to.deep.equal([]);
      // Tenant B's token signed with A's key is checked against B's discovered keys only.
      await rejects(verifier.verify(c.at.good({ iss: tenantB.issuer })), 'ERR_TOKEN_SIGNATURE_INVALID');
      expect(tenantB.requests).to.deep.equal([DISCOVERY_PATH, JWKS_PATH]);
      expect(c.server.requests).to.deep.equal([]);
    });
  });

  describe('N48: discovery documents naming another issuer', () => {
    for (const [label, named] of [
      ['without the trailing slash', (issuer: string) => issuer.slice(0, -1)],
      ['with an extra path', (issuer: string) => `${issuer}tenant/`],
      ['of the attacker', () => 'https://evil.example/'],
    ] as const) {
      it(`N48: refuses a discovery document naming an issuer ${label}: every token fails, no JWKS is fetched`, async () => {
        c.server.setDiscovery({ issuer: named(c.server.issuer), jwks_uri: attacker.jwksUri });
        const verifier = new AccessTokenVerifier({ issuer: c.server.issuer, audience: API, clock: () => T });
        for (let i = 0; i < 3; i++) await rejects(verifier.verify(c.at.good()), undefined, ConfigurationError);
        expect(c.server.count(DISCOVERY_PATH)).to.equal(1);
        expect(c.jwksRequests()).to.equal(0);
        expect(attacker.requests).to.deep.equal([]);
        const err = await rejectionOf(discover(c.server.issuer));
        expect(err).to.be.instanceOf(ConfigurationError);
      });
    }
  });

  describe('N49: JWKS URLs', () => {
    for (const url of [
      'http://tenant.example.com/.well-known/jwks.json',
      'http://10.0.0.1/.well-known/jwks.json',
      'ftp://tenant.example.com/jwks.json',
      'file:///etc/passwd',
      '/.well-known/jwks.json',
      '',
    ]) {
      it(`N49: refuses the JWKS URL ${JSON.stringify(url)} in every verifier and fetcher`, () => {
        for (const build of [
          () => new JwksFetcher(url),
          () => new AsymmetricSignatureVerifier(url),
          () => new AccessTokenVerifier({ issuer: ISS, jwksUri: url, audience: API }),
        ]) {
          expect(thrownBy(build)).to.be.instanceOf(ConfigurationError);
        }
      });
    }

    it('N49: refuses an http: issuer to discover from, unless it is loopback', () => {
      const err = thrownBy(() => new AccessTokenVerifier({ issuer: 'http://tenant.example.com/', audience: API }));
      expect(err).to.be.instanceOf(ConfigurationError);
    });

    for (const jwksUri of ['http://tenant.example.com/jwks.json', 'file:///etc/passwd', 'javascript:alert(1)', 42]) {
      it(`N49: refuses a discovered jwks_uri ${JSON.stringify(jwksUri)}: tokens fail as the key source is unusable`, async () => {
        c.server.setDiscovery({ issuer: c.server.issuer, jwks_uri: jwksUri });
        const verifier = new AccessTokenVerifier({ issuer: c.server.issuer, audience: API, clock: () => T });
        await rejects(verifier.verify(c.at.good()), undefined, KeySourceUnavailableError);
        expect(c.jwksRequests()).to.equal(0);
      });
    }
  });
});
