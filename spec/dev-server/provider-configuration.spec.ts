import { expect } from 'chai';
import { resolveDevServerSetup } from '../../lib/dev-server/options.js';
import { providerConfiguration, ROUTES } from '../../lib/dev-server/provider-configuration.js';
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
    });
    expect(configuration.routes).to.equal(ROUTES);
    expect(configuration.features?.devInteractions?.enabled).to.equal(false);
    expect(configuration.conformIdTokenClaims).to.equal(false);
    expect(configuration.extraParams).to.deep.equal(['audience']);
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
    expect(byId.spa).to.include({ token_endpoint_auth_method: 'none' }).and.not.have.property('client_secret');
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
