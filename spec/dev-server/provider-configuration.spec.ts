import { expect } from 'chai';
import { resolveDevServerSetup } from '../../lib/dev-server/options.js';
import { AUTH0_ROUTES, STANDARD_ROUTES } from '../../lib/dev-server/profile.js';
import { providerConfiguration } from '../../lib/dev-server/provider-configuration.js';
import { fastOptions } from '../helpers/dev-server.js';

describe('providerConfiguration', () => {
  const errors = {} as Parameters<typeof providerConfiguration>[2];
  const noProvider = () => {
    throw new Error('not started');
  };

  it("routes every endpoint to Auth0's path and turns the development pages off", async () => {
    const setup = await resolveDevServerSetup(fastOptions());
    const configuration = providerConfiguration('http://127.0.0.1:1/', setup, errors, noProvider);
    expect(configuration.routes).to.deep.equal({
      authorization: '/authorize',
      token: '/oauth/token',
      userinfo: '/userinfo',
      revocation: '/oauth/revoke',
      jwks: '/.well-known/jwks.json',
      pushed_authorization_request: '/oauth/par',
      backchannel_authentication: '/bc-authorize',
      device_authorization: '/oauth/device/code',
      code_verification: '/activate',
      end_session: '/v2/logout',
    });
    expect(configuration.routes).to.equal(AUTH0_ROUTES);
    expect(configuration.features?.devInteractions?.enabled).to.equal(false);
    expect(configuration.features?.introspection?.enabled).to.equal(false);
    expect(configuration.conformIdTokenClaims).to.equal(false);
    expect(configuration.extraParams).to.deep.equal(['audience']);
    expect(configuration.formats?.customizers?.jwt).to.be.a('function');
  });

  it("keeps node-oidc-provider's own routes and access-token claims on the standard profile", async () => {
    const setup = await resolveDevServerSetup({ ...fastOptions(), profile: 'standard' });
    const configuration = providerConfiguration('http://127.0.0.1:1', setup, errors, noProvider);
    expect(configuration.routes).to.equal(STANDARD_ROUTES);
    expect(configuration.routes).to.include({ authorization: '/auth', token: '/token', userinfo: '/me' });
    expect(configuration.features?.introspection?.enabled).to.equal(true);
    expect(configuration).to.not.have.property('formats');
  });

  it('puts the issuer path before the interaction URLs', async () => {
    const setup = await resolveDevServerSetup({ ...fastOptions(), profile: 'standard', issuerPath: '/oauth2/default' });
    const configuration = providerConfiguration('http://127.0.0.1:1/oauth2/default', setup, errors, noProvider);
    const url = configuration.interactions!.url!({} as never, { uid: 'abc' } as never);
    expect(url).to.equal('/oauth2/default/interaction/abc');
  });

  it('registers each client with its metadata and only the public half of its key', async () => {
    const setup = await resolveDevServerSetup(fastOptions());
    const { clients = [] } = providerConfiguration('http://127.0.0.1:1/', setup, errors, noProvider);
    const byId = Object.fromEntries(clients.map((client) => [client.client_id, client]));
    expect(byId['m2m-secret']).to.include({ token_endpoint_auth_method: 'client_secret_post' });
    expect(byId['m2m-secret']!.response_types).to.deep.equal([]);
    expect(byId['m2m-jwt']!.jwks!.keys[0]).to.not.have.property('d');
    expect(byId['web-app']).to.include({ backchannel_token_delivery_mode: 'poll' });
    expect(byId['web-app']!.response_types).to.deep.equal(['code']);
    expect(byId['web-app']!.post_logout_redirect_uris).to.deep.equal(['http://127.0.0.1/']);
    expect(byId['web-app']).to.not.have.property('backchannel_logout_uri');
    expect(byId.spa).to.include({ token_endpoint_auth_method: 'none' }).and.not.have.property('client_secret');
    expect(byId.spa!.response_types).to.deep.equal(['code', 'id_token', 'id_token token', 'code id_token']);
    expect(byId.spa!.grant_types).to.deep.equal(['authorization_code', 'implicit', 'refresh_token']);
  });

  it('registers a back-channel logout URI with the session id required', async () => {
    const backchannelLogoutUri = 'http://127.0.0.1:3000/backchannel-logout';
    const setup = await resolveDevServerSetup({
      ...fastOptions(),
      clients: [...fastOptions().clients, { clientId: 'web-app', backchannelLogoutUri }],
    });
    const { clients = [] } = providerConfiguration('http://127.0.0.1:1/', setup, errors, noProvider);
    expect(clients.find((client) => client.client_id === 'web-app')).to.include({
      backchannel_logout_uri: backchannelLogoutUri,
      backchannel_logout_session_required: true,
    });
  });

  it('signs with the private JWKs of the configured keys, first key first', async () => {
    const setup = await resolveDevServerSetup(fastOptions());
    const { jwks } = providerConfiguration('http://127.0.0.1:1/', setup, errors, noProvider);
    expect(jwks!.keys.map((key) => (key as { kid?: string }).kid)).to.deep.equal(
      setup.signingKeys.map((key) => key.kid),
    );
    expect(jwks!.keys[0]).to.have.property('d');
  });
});
