import { inspect } from 'node:util';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import type { ProviderMetadata } from '../../lib/oidc/discovery.js';
import { OidcClient } from '../../lib/oidc/oidc-client.js';
import { CALLBACK, CLIENT_SECRET, client, ISSUER, METADATA, OPTIONS, SECRET, serveKeys } from '../helpers/oidc.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

describe('the relying party (OidcClient construction)', () => {
  beforeEach(serveKeys);

  it('binds the provider, the client and the cookie policy together', () => {
    const web = client();
    expect([web.issuer, web.clientId, web.redirectUri, web.transactionSameSite]).to.deep.equal([
      ISSUER,
      'web',
      CALLBACK,
      'lax',
    ]);
    expect(web.metadata.token_endpoint).to.equal(`${ISSUER}/token`);
    const spa = client({ clientSecret: undefined, responseType: 'id_token' });
    expect(spa.transactionSameSite).to.equal('none');
  });

  it('takes its issuer from the metadata when only a discovery URI was given, and refuses another issuer', () => {
    const byUri = client({ issuer: undefined, discoveryUri: `${ISSUER}/.well-known/openid-configuration` });
    expect(byUri.issuer).to.equal(ISSUER);
    const err = thrownBy(() => client({}, { issuer: `${ISSUER}/` }));
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'issuer');
  });

  for (const [label, metadata, option] of [
    ['no authorization endpoint', { authorization_endpoint: undefined }, 'authorization_endpoint'],
    ['no token endpoint for a code flow', { token_endpoint: undefined }, 'token_endpoint'],
    ['an http endpoint off loopback', { token_endpoint: 'http://op.example.com/token' }, 'token_endpoint'],
    ['no jwks_uri for RS256 ID tokens', { jwks_uri: undefined }, 'jwks_uri'],
    ['no issuer', { issuer: undefined }, 'issuer'],
    ['a bad end_session_endpoint', { end_session_endpoint: 'nowhere' }, 'end_session_endpoint'],
    ['a response type it does not offer', { response_types_supported: ['id_token'] }, 'responseType'],
    [
      'an ID-token algorithm it does not use',
      { id_token_signing_alg_values_supported: ['ES256'] },
      'idTokenSigningAlg',
    ],
    [
      'a client authentication it does not offer',
      { token_endpoint_auth_methods_supported: ['private_key_jwt'] },
      'clientAuthMethod',
    ],
    ['no S256 PKCE', { code_challenge_methods_supported: ['plain'] }, 'usePkce'],
  ] as const) {
    it(`refuses provider metadata with ${label}, naming it`, () => {
      const err = thrownBy(
        () =>
          new OidcClient({ ...OPTIONS, issuer: undefined, discoveryUri: `${ISSUER}/x` }, {
            ...METADATA,
            ...metadata,
          } as ProviderMetadata),
      );
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', option);
    });
  }

  it('refuses fetchUserinfo at a provider without a UserInfo endpoint', () => {
    const err = thrownBy(() => client({ fetchUserinfo: true }, { userinfo_endpoint: undefined }));
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'userinfo_endpoint');
  });

  it('refuses a response mode the provider lists as unsupported, and accepts any when it lists none', () => {
    const err = thrownBy(() => client({ responseMode: 'form_post' }, { response_modes_supported: ['query'] }));
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'responseMode');
    expect(client({ responseMode: 'form_post' }, { response_modes_supported: undefined }).transactionSameSite).to.equal(
      'none',
    );
  });

  it('keeps its secrets out of util.inspect', () => {
    expectNoSecrets(client(), [CLIENT_SECRET, SECRET]);
    expect(inspect(client(), { depth: 5 })).to.include('OidcClient');
  });
});
