import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { ConfigurationError, KeySourceUnavailableError, NetworkError, TimeoutError } from '../../lib/errors.js';
import { DiscoveryCache, discover, discoveryUrl, isDiscoveryUrl } from '../../lib/oidc/discovery.js';
import { DISCOVERY_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

describe('discovery', () => {
  let server: JwksServer;

  before(async () => {
    server = await startJwksServer();
  });

  after(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.setDiscovery();
    server.resetCounts();
  });

  describe('discoveryUrl', () => {
    it('drops the trailing slash of an Auth0 issuer before the well-known path', () => {
      expect(discoveryUrl('https://t.auth0.com/')).to.equal('https://t.auth0.com/.well-known/openid-configuration');
      expect(discoveryUrl('https://t.auth0.com')).to.equal('https://t.auth0.com/.well-known/openid-configuration');
    });

    it('appends the well-known path to an issuer with a path', () => {
      expect(discoveryUrl('https://login.microsoftonline.com/tid/v2.0')).to.equal(
        'https://login.microsoftonline.com/tid/v2.0/.well-known/openid-configuration',
      );
    });

    it('refuses an issuer that is not https: (http: is accepted on loopback)', () => {
      expect(thrownBy(() => discoveryUrl('http://t.auth0.com/'))).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => discoveryUrl('t.auth0.com'))).to.be.instanceOf(ConfigurationError);
      expect(discoveryUrl('http://127.0.0.1:3000/')).to.equal('http://127.0.0.1:3000/.well-known/openid-configuration');
    });
  });

  describe('discover', () => {
    it('resolves to the provider metadata, keeping every member', async () => {
      server.setDiscovery({ issuer: server.issuer, jwks_uri: server.jwksUri, token_endpoint: 'x', custom: { a: 1 } });
      const metadata = await discover(server.issuer);
      expect(metadata).to.deep.equal({
        issuer: server.issuer,
        jwks_uri: server.jwksUri,
        token_endpoint: 'x',
        custom: { a: 1 },
      });
      expect(server.count(DISCOVERY_PATH)).to.equal(1);
    });

    it('refuses a document that names another issuer, even by a trailing slash', async () => {
      for (const issuer of [server.origin, `${server.issuer}x`, 'https://evil.example/', undefined]) {
        server.setDiscovery({ issuer, jwks_uri: server.jwksUri });
        const err = await rejectionOf(discover(server.issuer));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal('issuer');
      }
    });

    for (const [name, reply] of [
      ['HTTP 500', { status: 500, body: 'oops' }],
      ['HTTP 404', { status: 404, json: { error: 'not_found' } }],
      ['an HTML page', { body: '<html></html>', headers: { 'content-type': 'text/html' } }],
      ['a JSON array', { json: [] }],
    ] as const) {
      it(`turns ${name} into a KeySourceUnavailableError`, async () => {
        server.set(DISCOVERY_PATH, reply);
        expect(await rejectionOf(discover(server.issuer))).to.be.instanceOf(KeySourceUnavailableError);
      });
    }

    it('tries the RFC 8414 form for an issuer with a path whose OpenID Connect form is not found', async () => {
      const issuer = `${server.origin}/oauth2/default`;
      const rfc8414 = '/.well-known/oauth-authorization-server/oauth2/default';
      server.set(rfc8414, { json: { issuer, token_endpoint: `${issuer}/v1/token` } });
      expect((await discover(issuer)).token_endpoint).to.equal(`${issuer}/v1/token`);
      expect(server.requests).to.deep.equal([`/oauth2/default${DISCOVERY_PATH}`, rfc8414]);
      server.set(rfc8414, { json: { issuer: server.issuer } });
      expect(await rejectionOf(discover(issuer)))
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', 'issuer');
    });

    it('does not try the RFC 8414 form for an issuer without a path, nor after a server error', async () => {
      server.set(DISCOVERY_PATH, { status: 404, body: '' });
      const err = await rejectionOf(discover(server.issuer));
      expect(err).to.be.instanceOf(KeySourceUnavailableError);
      expect(err.message).to.equal(`OpenID Provider discovery ${server.origin}${DISCOVERY_PATH} answered HTTP 404`);
      server.set(`/realms/ops${DISCOVERY_PATH}`, { status: 503, body: '' });
      await rejectionOf(discover(`${server.origin}/realms/ops`));
      expect(server.requests).to.deep.equal([DISCOVERY_PATH, `/realms/ops${DISCOVERY_PATH}`]);
    });

    it('refuses a jwks_uri that is plain http: to a remote host', async () => {
      server.setDiscovery({ issuer: server.issuer, jwks_uri: 'http://tenant.example.com/jwks' });
      const err = await rejectionOf(discover(server.issuer));
      expect(err).to.be.instanceOf(KeySourceUnavailableError);
      expect(err.message).to.include('jwks_uri may use http: only for a loopback host');
    });

    it('times out, and reports a refused connection as a NetworkError', async () => {
      server.set(DISCOVERY_PATH, () => undefined);
      expect(await rejectionOf(discover(server.issuer, { timeout: 100 }))).to.be.instanceOf(TimeoutError);
      const closed = await startJwksServer();
      await closed.close();
      expect(await rejectionOf(discover(closed.issuer))).to.be.instanceOf(NetworkError);
    });

    it('does not follow a redirect to another host', async () => {
      const other = await startJwksServer();
      try {
        other.setDiscovery({ issuer: server.issuer, jwks_uri: other.jwksUri });
        server.set(DISCOVERY_PATH, {
          status: 302,
          headers: { location: `${other.origin}${DISCOVERY_PATH}` },
          body: '',
        });
        expect(await rejectionOf(discover(server.issuer))).to.be.instanceOf(NetworkError);
        expect(other.requests).to.deep.equal([]);
      } finally {
        await other.close();
      }
    });

    describe('given the discovery URL instead of the issuer', () => {
      const url = () => `${server.origin}${DISCOVERY_PATH}`;

      it('tells a discovery URL from an issuer by its path', () => {
        expect(isDiscoveryUrl(url())).to.equal(true);
        expect(isDiscoveryUrl(`${url()}?p=policy`)).to.equal(true);
        expect(isDiscoveryUrl(server.issuer)).to.equal(false);
        expect(isDiscoveryUrl(`${server.origin}/.well-known/oauth-authorization-server`)).to.equal(false);
        expect(isDiscoveryUrl('not a url/.well-known/openid-configuration')).to.equal(false);
      });

      it('fetches that URL and accepts an issuer whose discovery URL it is, with or without trailing slash', async () => {
        for (const issuer of [server.issuer, server.origin]) {
          server.setDiscovery({ issuer, jwks_uri: server.jwksUri });
          expect((await discover(url())).issuer).to.equal(issuer);
        }
        const realm = `${server.origin}/realms/ops`;
        server.set(`/realms/ops${DISCOVERY_PATH}`, { json: { issuer: realm } });
        expect((await discover(`${realm}${DISCOVERY_PATH}`)).issuer).to.equal(realm);
        expect(server.requests).to.deep.equal([DISCOVERY_PATH, DISCOVERY_PATH, `/realms/ops${DISCOVERY_PATH}`]);
      });

      it('refuses a document whose issuer belongs elsewhere (OIDC Discovery §4.3)', async () => {
        for (const issuer of [`${server.origin}/realms/ops`, 'https://evil.example/', 'http://remote.example/', 3]) {
          server.setDiscovery({ issuer, jwks_uri: server.jwksUri });
          const err = await rejectionOf(discover(url()));
          expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'discoveryUri');
          expect(err.message).to.include('names the issuer');
        }
      });

      it('accepts, with options.issuer, a document served elsewhere that names exactly that issuer', async () => {
        const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';
        server.setDiscovery({ issuer: template, jwks_uri: server.jwksUri });
        expect((await discover(url(), { issuer: template })).issuer).to.equal(template);
        const err = await rejectionOf(discover(url(), { issuer: `${template}/` }));
        expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'issuer');
        expect(err.message).to.equal(
          `the discovery document ${url()} names another issuer; expected ${JSON.stringify(`${template}/`)}, found ${JSON.stringify(template)}`,
        );
      });

      it('refuses a discovery URL that is plain http: to a remote host', async () => {
        const err = await rejectionOf(discover(`http://remote.example${DISCOVERY_PATH}`));
        expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'discoveryUri');
      });
    });

    it('rejects (never throws) for a bad issuer or bad options', async () => {
      const result = discover('http://remote.example.com/');
      expect(result).to.be.instanceOf(Promise);
      expect(await rejectionOf(result)).to.be.instanceOf(ConfigurationError);
      expect(await rejectionOf(discover(server.issuer, { timeout: -1 }))).to.be.instanceOf(ConfigurationError);
    });
  });

  describe('DiscoveryCache', () => {
    let clock: ReturnType<typeof FakeTimers.install> | undefined;

    afterEach(() => {
      clock?.uninstall();
      clock = undefined;
    });

    it('shares one request between concurrent callers and reuses the document within its TTL', async () => {
      server.set(DISCOVERY_PATH, { json: { issuer: server.issuer, jwks_uri: server.jwksUri }, delay: 30 });
      const cache = new DiscoveryCache();
      const documents = await Promise.all(Array.from({ length: 100 }, () => cache.get(server.issuer)));
      expect(new Set(documents).size).to.equal(1);
      await cache.get(server.issuer);
      expect(server.count(DISCOVERY_PATH)).to.equal(1);
    });

    it('fetches again after cacheTtl', async () => {
      clock = FakeTimers.install({ toFake: ['Date'] });
      const cache = new DiscoveryCache({ cacheTtl: 60 });
      await cache.get(server.issuer);
      clock.tick(59_000);
      await cache.get(server.issuer);
      clock.tick(1_000);
      await cache.get(server.issuer);
      expect(server.count(DISCOVERY_PATH)).to.equal(2);
    });

    it('remembers a failure for retryAfter seconds, says so on the error as retryAt, then evicts it', async () => {
      clock = FakeTimers.install({ toFake: ['Date'] });
      server.set(DISCOVERY_PATH, { status: 503, body: '' });
      const cache = new DiscoveryCache({ retryAfter: 10 });
      const first = (await rejectionOf(cache.get(server.issuer))) as NetworkError;
      expect(first).to.be.instanceOf(NetworkError);
      expect(first.retryAt).to.equal(Date.now() + 10_000);
      expect(await rejectionOf(cache.get(server.issuer))).to.equal(first);
      expect(server.count(DISCOVERY_PATH)).to.equal(1);
      server.setDiscovery();
      clock.tick(10_000);
      expect((await cache.get(server.issuer)).issuer).to.equal(server.issuer);
      expect(server.count(DISCOVERY_PATH)).to.equal(2);
    });

    it('evicts a failure at once with retryAfter 0', async () => {
      server.set(DISCOVERY_PATH, { status: 503, body: '' });
      const cache = new DiscoveryCache({ retryAfter: 0 });
      await rejectionOf(cache.get(server.issuer));
      await rejectionOf(cache.get(server.issuer));
      expect(server.count(DISCOVERY_PATH)).to.equal(2);
    });

    it('keeps at most maxEntries issuers, and forgets everything on clear()', async () => {
      const cache = new DiscoveryCache({ maxEntries: 1, retryAfter: 0 });
      await cache.get(server.issuer);
      await rejectionOf(cache.get(`${server.origin}/other/`));
      await cache.get(server.issuer);
      expect(server.count(DISCOVERY_PATH)).to.equal(2);
      cache.clear();
      await cache.get(server.issuer);
      expect(server.count(DISCOVERY_PATH)).to.equal(3);
    });

    it('refuses invalid options', () => {
      for (const options of [{ cacheTtl: 0 }, { retryAfter: -1 }, { maxEntries: 0 }, { timeout: Number.NaN }]) {
        expect(thrownBy(() => new DiscoveryCache(options))).to.be.instanceOf(ConfigurationError);
      }
    });
  });
});
