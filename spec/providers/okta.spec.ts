import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { ConfigurationError } from '../../lib/errors.js';
import { OktaAuthenticationProvider } from '../../lib/providers/okta.js';
import { rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

const ENDPOINT = 'https://example.okta.com/oauth2/default/v1/token';

describe('OktaAuthenticationProvider', () => {
  it('posts a private_key_jwt grant in the body, the assertion for the token endpoint with the JWK kid and a short life', async () => {
    const keys = rsaKeys();
    const jwk = JSON.stringify({ ...keys.privateKey.export({ format: 'jwk' }), kid: 'okta-key-1' });
    let path = '';
    let form = new URLSearchParams();
    nock('https://example.okta.com')
      .post(/.*/)
      .reply((uri, body) => {
        path = uri;
        form = new URLSearchParams(String(body));
        return [200, { access_token: 'okta-at', token_type: 'Bearer', expires_in: 3600, scope: 'orders:read' }];
      });
    const provider = new OktaAuthenticationProvider({
      tokenEndpoint: ENDPOINT,
      clientId: '0oa1',
      privateKey: jwk,
      scopes: ['orders:read', 'orders:write'],
    });
    expect(await provider.authToken()).to.equal('okta-at');
    expect(path).to.equal('/oauth2/default/v1/token'); // nothing in the query string
    expect(form.get('grant_type')).to.equal('client_credentials');
    expect(form.get('scope')).to.equal('orders:read orders:write');
    expect(form.get('client_assertion_type')).to.equal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form.has('client_secret')).to.equal(false);
    const assertion = form.get('client_assertion')!;
    expect(jwt.decode(assertion, { complete: true })!.header).to.include({ alg: 'RS256', kid: 'okta-key-1' });
    const claims = jwt.verify(assertion, keys.publicKey) as jwt.JwtPayload;
    expect(claims).to.include({ iss: '0oa1', sub: '0oa1', aud: ENDPOINT });
    expect(claims.exp! - claims.iat!).to.be.at.most(300);
    expect(claims.jti).to.be.a('string');
  });

  it('accepts a PEM key as well', async () => {
    nock('https://example.okta.com').post('/oauth2/default/v1/token').reply(200, { access_token: 'x', expires_in: 60 });
    const provider = new OktaAuthenticationProvider({
      tokenEndpoint: ENDPOINT,
      clientId: 'c',
      privateKey: rsaKeys().privatePem,
    });
    expect(await provider.authToken()).to.equal('x');
  });

  it('needs a private key and a token endpoint, and never quotes the key', () => {
    const jwk = rsaKeys().privateKey.export({ format: 'jwk' });
    const noKey = thrownBy(() => new OktaAuthenticationProvider({ tokenEndpoint: ENDPOINT, clientId: 'c' } as never));
    expect(noKey).to.be.instanceOf(ConfigurationError).with.property('option', 'privateKey');
    const noEndpoint = thrownBy(() => new OktaAuthenticationProvider({ clientId: 'c', privateKey: jwk } as never));
    expect(noEndpoint).to.be.instanceOf(ConfigurationError).with.property('option', 'tokenEndpoint');
    const badKey = thrownBy(
      () =>
        new OktaAuthenticationProvider({
          tokenEndpoint: ENDPOINT,
          clientId: 'c',
          privateKey: { ...jwk, e: 1 } as never,
        }),
    );
    expect(badKey).to.be.instanceOf(ConfigurationError);
    expectNoSecrets(badKey, [String(jwk.d)]);
    expect(thrownBy(() => new OktaAuthenticationProvider(null as never))).to.be.instanceOf(ConfigurationError);
  });
});
