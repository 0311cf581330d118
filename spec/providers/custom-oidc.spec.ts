import { expect } from 'chai';
import nock from 'nock';
import { ConfigurationError } from '../../lib/errors.js';
import { DiscoveryCache } from '../../lib/oidc/discovery.js';
import { CustomOIDCAuthenticationProvider } from '../../lib/providers/custom-oidc.js';
import { thrownBy } from '../helpers/secrets.js';

const ENDPOINT = 'https://sso.example.com/realms/ops/protocol/openid-connect/token';

describe('CustomOIDCAuthenticationProvider', () => {
  it('sends the client credentials with the scope and audience it is given', async () => {
    let form = new URLSearchParams();
    let authorization: string | undefined;
    nock('https://sso.example.com')
      .post('/realms/ops/protocol/openid-connect/token')
      .reply(function (_uri, body) {
        form = new URLSearchParams(String(body));
        authorization = this.req.headers.authorization;
        return [200, { access_token: 'kc', expires_in: 300, token_type: 'Bearer' }];
      });
    const provider = new CustomOIDCAuthenticationProvider({
      tokenEndpoint: ENDPOINT,
      clientId: 'bot',
      clientSecret: 'b0t',
      clientAuthMethod: 'client_secret_basic',
      scope: 'metadata:write',
      audience: 'metadata-api',
    });
    expect(await provider.authToken()).to.equal('kc');
    expect(Object.fromEntries(form)).to.deep.equal({
      grant_type: 'client_credentials',
      client_id: 'bot',
      scope: 'metadata:write',
      audience: 'metadata-api',
    });
    expect(authorization).to.equal(`Basic ${Buffer.from('bot:b0t').toString('base64')}`);
  });

  it('reads the token endpoint from the discovery document of a discoveryUri', async () => {
    const origin = 'https://sso.example.com';
    nock(origin)
      .get('/realms/ops/.well-known/openid-configuration')
      .reply(200, { issuer: `${origin}/realms/ops`, token_endpoint: ENDPOINT });
    nock(origin)
      .post('/realms/ops/protocol/openid-connect/token')
      .reply(200, { access_token: 'kc', expires_in: 300, token_type: 'Bearer' });
    const provider = new CustomOIDCAuthenticationProvider({
      discoveryUri: `${origin}/realms/ops/.well-known/openid-configuration`,
      clientId: 'bot',
      clientSecret: 'b0t',
      discovery: new DiscoveryCache(),
    });
    expect(await provider.authToken()).to.equal('kc');
  });

  it('needs a secret and exactly one of tokenEndpoint and discoveryUri', () => {
    expect(thrownBy(() => new CustomOIDCAuthenticationProvider({ tokenEndpoint: ENDPOINT, clientId: 'c' } as never)))
      .to.be.instanceOf(ConfigurationError)
      .with.property('option', 'clientSecret');
    expect(thrownBy(() => new CustomOIDCAuthenticationProvider({ clientId: 'c', clientSecret: 's' })))
      .to.be.instanceOf(ConfigurationError)
      .with.property('option', 'tokenEndpoint');
    expect(thrownBy(() => new CustomOIDCAuthenticationProvider(null as never))).to.be.instanceOf(ConfigurationError);
  });
});
