import { expect } from 'chai';
import { startDevServer } from '../../lib/dev-server/dev-server.js';
import { endpointsOf, routesOf, STANDARD_ROUTES } from '../../lib/dev-server/profile.js';
import { ClientCredentialsProvider } from '../../lib/providers/client-credentials.js';
import { AccessTokenVerifier } from '../../lib/token-verifier/access-token-verifier.js';
import { decodeJwt, fastOptions, postForm } from '../helpers/dev-server.js';
import { type Provider, startProvider, stopProvider, useProvider } from '../helpers/integration.js';

describe('endpointsOf', () => {
  it("gives the auth0 profile Auth0's paths under the issuer with its trailing slash, and /v2/logout", () => {
    expect(endpointsOf('auth0', 'http://127.0.0.1:4000/')).to.deep.equal({
      discovery: 'http://127.0.0.1:4000/.well-known/openid-configuration',
      authorization: 'http://127.0.0.1:4000/authorize',
      token: 'http://127.0.0.1:4000/oauth/token',
      userinfo: 'http://127.0.0.1:4000/userinfo',
      revocation: 'http://127.0.0.1:4000/oauth/revoke',
      jwks: 'http://127.0.0.1:4000/.well-known/jwks.json',
      pushedAuthorization: 'http://127.0.0.1:4000/oauth/par',
      backchannelAuthentication: 'http://127.0.0.1:4000/bc-authorize',
      deviceAuthorization: 'http://127.0.0.1:4000/oauth/device/code',
      deviceVerification: 'http://127.0.0.1:4000/activate',
      logout: 'http://127.0.0.1:4000/v2/logout',
    });
  });

  it("gives the standard profile node-oidc-provider's paths under the issuer's path, with introspection and end session", () => {
    const base = 'http://127.0.0.1:4000/realms/demo';
    expect(endpointsOf('standard', base)).to.deep.equal({
      discovery: `${base}/.well-known/openid-configuration`,
      authorization: `${base}/auth`,
      token: `${base}/token`,
      userinfo: `${base}/me`,
      revocation: `${base}/token/revocation`,
      jwks: `${base}/jwks`,
      pushedAuthorization: `${base}/request`,
      backchannelAuthentication: `${base}/backchannel`,
      deviceAuthorization: `${base}/device/auth`,
      deviceVerification: `${base}/device`,
      introspection: `${base}/token/introspection`,
      endSession: `${base}/session/end`,
    });
    expect(routesOf('standard')).to.equal(STANDARD_ROUTES);
  });
});

describe('the standard profile', function () {
  this.timeout(20_000);
  let provider: Provider;

  before(async () => {
    provider = await startProvider({ profile: 'standard', issuerPath: '/oauth2/default' });
  });

  after(() => stopProvider(provider));

  afterEach(() => {
    expect(provider.errors, 'the provider reported errors').to.deep.equal([]);
  });

  function m2m() {
    const client = provider.server.client('m2m-secret');
    return { client_id: client.clientId, client_secret: client.clientSecret! };
  }

  it('publishes an issuer with the path and without a trailing slash, and every endpoint under it', async () => {
    const { server } = provider;
    expect(server.profile).to.equal('standard');
    expect(server.issuer).to.equal(`http://127.0.0.1:${server.port}/oauth2/default`);
    const document = (await (await fetch(server.endpoints.discovery)).json()) as Record<string, unknown>;
    expect(document).to.include({
      issuer: server.issuer,
      authorization_endpoint: server.endpoints.authorization,
      token_endpoint: server.endpoints.token,
      userinfo_endpoint: server.endpoints.userinfo,
      jwks_uri: server.endpoints.jwks,
      revocation_endpoint: server.endpoints.revocation,
      introspection_endpoint: server.endpoints.introspection,
      end_session_endpoint: server.endpoints.endSession,
      device_authorization_endpoint: server.endpoints.deviceAuthorization,
      pushed_authorization_request_endpoint: server.endpoints.pushedAuthorization,
      backchannel_authentication_endpoint: server.endpoints.backchannelAuthentication,
      backchannel_logout_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(document.grant_types_supported).to.include('urn:ietf:params:oauth:grant-type:device_code');
    expect(document.response_types_supported).to.have.members(['code', 'id_token', 'id_token token', 'code id_token']);
  });

  it('serves the same document at the RFC 8414 metadata URL, and nothing outside the issuer path', async () => {
    const { server } = provider;
    const origin = `http://127.0.0.1:${server.port}`;
    const metadata = await fetch(`${origin}/.well-known/oauth-authorization-server/oauth2/default`);
    expect(((await metadata.json()) as { issuer: string }).issuer).to.equal(server.issuer);
    for (const path of ['/token', '/.well-known/openid-configuration', '/oauth2/defaults/token']) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).to.equal(404);
      expect(await response.json(), path).to.include({ error: 'not_found' });
    }
  });

  it('issues an opaque client-credentials token without a resource, and a JWT for the API with one', async () => {
    const { server } = provider;
    const opaque = await postForm(server.endpoints.token, { grant_type: 'client_credentials', ...m2m() });
    expect(opaque.status).to.equal(200);
    expect(String(opaque.body.access_token).split('.')).to.have.length(1);
    for (const param of ['resource', 'audience']) {
      const jwt = await postForm(server.endpoints.token, {
        grant_type: 'client_credentials',
        [param]: server.audience,
        ...m2m(),
      });
      const { payload } = decodeJwt(String(jwt.body.access_token));
      expect(payload, param).to.include({ iss: server.issuer, aud: server.audience, client_id: 'm2m-secret' });
      expect(payload, param).to.not.have.any.keys('azp', 'gty', 'permissions');
    }
  });

  it("gets a token through the library's ClientCredentialsProvider by discovery, which the API's verifier accepts", async () => {
    const { server } = provider;
    const tokens = new ClientCredentialsProvider({
      discoveryUri: server.issuer,
      clientId: 'm2m-secret',
      clientSecret: m2m().client_secret,
      resource: [server.audience],
    });
    const verifier = new AccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const claims = await verifier.verify(await tokens.authToken());
    expect(claims).to.include({ iss: server.issuer, sub: 'm2m-secret' });
  });

  it('introspects an opaque token (RFC 7662), and says inactive once it is revoked', async () => {
    const { server } = provider;
    const { body } = await postForm(server.endpoints.token, { grant_type: 'client_credentials', ...m2m() });
    const token = String(body.access_token);
    const active = await postForm(server.endpoints.introspection!, { token, ...m2m() });
    expect(active.body).to.include({ active: true, client_id: 'm2m-secret', iss: server.issuer });
    expect((await postForm(server.endpoints.revocation, { token, ...m2m() })).status).to.equal(200);
    const revoked = await postForm(server.endpoints.introspection!, { token, ...m2m() });
    expect(revoked.body).to.deep.equal({ active: false });
  });

  it('lets a confidential client introspect the tokens of others, and a public client only its own', async () => {
    const { server } = provider;
    const { body } = await postForm(server.endpoints.token, { grant_type: 'client_credentials', ...m2m() });
    const web = server.client('web-app');
    const byApi = await postForm(server.endpoints.introspection!, {
      token: String(body.access_token),
      client_id: web.clientId,
      client_secret: web.clientSecret!,
    });
    expect(byApi.body.active).to.equal(true);
    const byPublic = await postForm(server.endpoints.introspection!, {
      token: String(body.access_token),
      client_id: 'spa',
    });
    expect(byPublic.body).to.deep.equal({ active: false });
  });
});

describe('the standard profile with opaque API tokens', function () {
  this.timeout(20_000);
  const server = useProvider({ profile: 'standard', accessTokenFormat: 'opaque' });

  it('issues an opaque token for the API, whose introspection names the audience and scopes', async () => {
    const m2m = server().client('m2m-secret');
    const auth = { client_id: m2m.clientId, client_secret: m2m.clientSecret! };
    const { body } = await postForm(server().endpoints.token, {
      grant_type: 'client_credentials',
      resource: server().audience,
      scope: 'read:messages',
      ...auth,
    });
    expect(String(body.access_token).split('.')).to.have.length(1);
    const introspected = await postForm(server().endpoints.introspection!, {
      token: String(body.access_token),
      ...auth,
    });
    expect(introspected.body).to.include({ active: true, aud: server().audience, scope: 'read:messages' });
  });
});

describe('the auth0 profile', function () {
  this.timeout(20_000);

  it('advertises the device flow but neither introspection nor an end-session endpoint, as Auth0', async () => {
    const server = await startDevServer(fastOptions());
    try {
      const document = (await (await fetch(server.endpoints.discovery)).json()) as Record<string, unknown>;
      expect(server.profile).to.equal('auth0');
      expect(document.device_authorization_endpoint).to.equal(server.endpoints.deviceAuthorization);
      expect(document).to.not.have.any.keys('introspection_endpoint', 'end_session_endpoint');
      expect(server.endpoints).to.not.have.any.keys('introspection', 'endSession');
      const introspection = await fetch(new URL('/token/introspection', server.issuer), { method: 'POST' });
      expect(introspection.status).to.equal(404);
    } finally {
      await server.stop();
    }
  });
});
