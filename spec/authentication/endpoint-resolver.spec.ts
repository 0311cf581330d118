import { expect } from 'chai';
import nock from 'nock';
import { EndpointResolver, resolveOrigin } from '../../lib/authentication/endpoint-resolver.js';
import { ConfigurationError, KeySourceUnavailableError } from '../../lib/errors.js';
import { DiscoveryCache } from '../../lib/oidc/discovery.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

const ORIGIN = 'https://sso.example.com';
const ISSUER = `${ORIGIN}/realms/ops`;
const DISCOVERY = `/realms/ops/.well-known/openid-configuration`;
const METADATA = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/protocol/openid-connect/token`,
  userinfo_endpoint: 'https://userinfo.example.com/v1/me',
};

/** Serves the discovery document `times` times, counting the requests. */
function served(body: nock.Body = METADATA, status = 200, times = 1): { requests: number } {
  const seen = { requests: 0 };
  nock(ORIGIN)
    .get(DISCOVERY)
    .times(times)
    .delay(10)
    .reply(() => {
      seen.requests++;
      return [status, body];
    });
  return seen;
}

const byIssuer = (cache = new DiscoveryCache()) => new EndpointResolver({ issuer: ISSUER, discovery: cache });

describe('EndpointResolver', () => {
  describe('construction', () => {
    it('takes exactly one of domain, issuer, discoveryUri and endpoints', () => {
      for (const options of [
        {},
        { domain: 'tenant.example.com', issuer: ISSUER },
        { issuer: ISSUER, discoveryUri: `${ORIGIN}${DISCOVERY}` },
        { domain: 'tenant.example.com', endpoints: { token: `${ISSUER}/token` } },
      ]) {
        const err = thrownBy(() => new EndpointResolver(options));
        expect(err, JSON.stringify(options)).to.be.instanceOf(ConfigurationError);
        expect(err.message).to.include('exactly one of domain, issuer, discoveryUri or endpoints');
      }
      expect(thrownBy(() => new EndpointResolver({ domain: 'd.example', issuer: ISSUER })).message).to.match(
        /^domain and issuer cannot be used together/,
      );
    });

    it('refuses http: to a host that is not loopback, whichever way the provider is given', () => {
      for (const [options, option] of [
        [{ domain: 'tenant.example.com', protocol: 'http' }, 'protocol'],
        [{ issuer: 'http://sso.example.com/' }, 'issuer'],
        [{ discoveryUri: 'http://sso.example.com/.well-known/openid-configuration' }, 'discoveryUri'],
        [{ endpoints: { token: 'http://sso.example.com/token' } }, 'endpoints.token'],
      ] as const) {
        const err = thrownBy(() => new EndpointResolver(options));
        expect(err, option).to.be.instanceOf(ConfigurationError).with.property('option', option);
      }
      expect(new EndpointResolver({ issuer: 'http://127.0.0.1:4000/' }).origin).to.equal('http://127.0.0.1:4000');
    });

    it('refuses protocol without domain, an issuer that is a discovery URL, and an unknown endpoint name', () => {
      const cases: [object, string][] = [
        [{ issuer: ISSUER, protocol: 'https' }, 'protocol'],
        [{ issuer: `${ISSUER}/.well-known/openid-configuration` }, 'issuer'],
        [{ endpoints: { tokenEndpoint: `${ISSUER}/token` } }, 'endpoints'],
        [{ endpoints: 'https://sso.example.com/token' }, 'endpoints'],
        [{ endpoints: { token: 'https://user:pw@sso.example.com/token' } }, 'endpoints.token'],
      ];
      for (const [options, option] of cases) {
        const err = thrownBy(() => new EndpointResolver(options));
        expect(err, JSON.stringify(options)).to.be.instanceOf(ConfigurationError).with.property('option', option);
        expect(err.message).to.not.include('pw@');
      }
    });

    it('sends nothing: discovery waits for the first call', () => {
      const seen = served();
      byIssuer();
      expect(seen.requests).to.equal(0);
    });
  });

  describe('with domain', () => {
    it("gives Auth0's paths on the tenant, and refuses introspection, which Auth0 does not offer", async () => {
      const resolver = new EndpointResolver({ domain: 'tenant.example.com' });
      expect(await resolver.url('token')).to.equal('https://tenant.example.com/oauth/token');
      expect(await resolver.url('deviceAuthorization')).to.equal('https://tenant.example.com/oauth/device/code');
      expect(await resolver.url('endSession')).to.equal('https://tenant.example.com/v2/logout');
      expect(resolver.auth0Url('/dbconnections/signup')).to.equal('https://tenant.example.com/dbconnections/signup');
      const err = await rejectionOf(resolver.url('introspection'));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'domain');
      expect(err.message).to.include('introspection_endpoint');
    });

    it("uses Auth0's issuer as the audience of client assertions", async () => {
      const resolver = new EndpointResolver({ domain: '127.0.0.1:4000', protocol: 'http' });
      expect(await resolver.assertionAudience('http://127.0.0.1:4000/oauth/par')).to.equal('http://127.0.0.1:4000/');
      expect(resolveOrigin({ domain: '127.0.0.1:4000', protocol: 'http' })).to.equal('http://127.0.0.1:4000');
    });
  });

  describe('with issuer or discoveryUri', () => {
    it('reads every endpoint from the discovery document, on any origin', async () => {
      served();
      const resolver = byIssuer();
      expect(await resolver.url('token')).to.equal(METADATA.token_endpoint);
      expect(await resolver.url('userinfo')).to.equal(METADATA.userinfo_endpoint);
      expect(resolver.origin).to.equal(ORIGIN);
    });

    it('makes one discovery request for 1000 concurrent first calls', async () => {
      const seen = served();
      const resolver = byIssuer();
      const urls = await Promise.all(Array.from({ length: 1000 }, () => resolver.url('token')));
      expect(new Set(urls)).to.deep.equal(new Set([METADATA.token_endpoint]));
      expect(seen.requests).to.equal(1);
    });

    it('takes the discovery URL itself as discoveryUri', async () => {
      served();
      const resolver = new EndpointResolver({ discoveryUri: `${ORIGIN}${DISCOVERY}`, discovery: new DiscoveryCache() });
      expect(await resolver.url('token')).to.equal(METADATA.token_endpoint);
    });

    it('retries a failed discovery once the cache has let the failure go, never remembering it for ever', async () => {
      served('<html>down</html>', 503);
      const resolver = byIssuer(new DiscoveryCache({ retryAfter: 0 }));
      const err = await rejectionOf(resolver.url('token'));
      expect(err).to.be.instanceOf(KeySourceUnavailableError);
      expect(err.message).to.include(`${ORIGIN}${DISCOVERY}`);
      served();
      expect(await resolver.url('token')).to.equal(METADATA.token_endpoint);
    });

    it('refuses a document that names another issuer (the mix-up defence)', async () => {
      served({ ...METADATA, issuer: 'https://evil.example.com/' });
      const err = await rejectionOf(byIssuer().url('token'));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'issuer');
    });

    it('refuses a call whose endpoint the provider does not advertise, naming the metadata key', async () => {
      served();
      const err = await rejectionOf(byIssuer().url('deviceAuthorization'));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'issuer');
      expect(err.message).to.equal(`the discovery document of "${ISSUER}" has no device_authorization_endpoint`);
    });

    it('refuses a discovered endpoint that is not https:, naming the metadata key', async () => {
      served({ ...METADATA, revocation_endpoint: 'http://sso.example.com/revoke' });
      const err = await rejectionOf(byIssuer().url('revocation'));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'revocation_endpoint');
    });

    it('sends Auth0-only endpoints to the issuer origin', () => {
      expect(byIssuer().auth0Url('/passwordless/start')).to.equal(`${ORIGIN}/passwordless/start`);
    });

    it('uses the token endpoint as the audience of client assertions, else the endpoint called', async () => {
      served();
      expect(await byIssuer().assertionAudience(`${ISSUER}/par`)).to.equal(METADATA.token_endpoint);
      served({ issuer: ISSUER });
      expect(await byIssuer().assertionAudience(`${ISSUER}/par`)).to.equal(`${ISSUER}/par`);
    });

    it('takes the RFC 8705 aliases for a client that authenticates with mutual TLS', async () => {
      served({ ...METADATA, mtls_endpoint_aliases: { token_endpoint: 'https://mtls.sso.example.com/token' } });
      const resolver = new EndpointResolver({ issuer: ISSUER, discovery: new DiscoveryCache() }, true);
      expect(await resolver.url('token')).to.equal('https://mtls.sso.example.com/token');
    });
  });

  describe('with endpoints', () => {
    const resolver = () => new EndpointResolver({ endpoints: { token: `${ISSUER}/token`, userinfo: undefined } });

    it('uses the configured URLs, without any request', async () => {
      expect(await resolver().url('token')).to.equal(`${ISSUER}/token`);
      expect(await resolver().assertionAudience(`${ISSUER}/token`)).to.equal(`${ISSUER}/token`);
      expect(resolver().origin).to.equal(undefined);
    });

    it('refuses an endpoint that is not configured, and every Auth0-only endpoint', async () => {
      const err = await rejectionOf(resolver().url('revocation'));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'endpoints');
      expect(err.message).to.equal("endpoints has no revocation (the provider's revocation_endpoint)");
      const auth0 = thrownBy(() => resolver().auth0Url('/dbconnections/signup'));
      expect(auth0).to.be.instanceOf(ConfigurationError).with.property('option', 'endpoints');
    });
  });
});
