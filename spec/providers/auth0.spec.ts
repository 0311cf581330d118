import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { ConfigurationError } from '../../lib/errors.js';
import { Auth0AuthenticationProvider } from '../../lib/providers/auth0.js';
import { ClientCredentialsProvider } from '../../lib/providers/client-credentials.js';
import { rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

describe('Auth0AuthenticationProvider', () => {
  it('asks https://{domain}/oauth/token (once, not /{domain}/oauth/token) for the audience given, secret URL-encoded', async () => {
    const secret = 'a&b=c+d%e';
    let form: URLSearchParams | undefined;
    nock('https://tenant.us.auth0.com')
      .post('/oauth/token')
      .reply((_uri, body) => {
        form = new URLSearchParams(String(body));
        return [200, { access_token: 'm2m', token_type: 'Bearer', expires_in: 86400 }];
      });
    const provider = new Auth0AuthenticationProvider({
      domain: 'tenant.us.auth0.com',
      clientId: 'cid',
      clientSecret: secret,
      audience: 'https://api.example.com/',
    });
    expect(provider).to.be.instanceOf(ClientCredentialsProvider);
    expect(await provider.authToken()).to.equal('m2m');
    expect(form!.get('client_secret')).to.equal(secret);
    expect(form!.get('audience')).to.equal('https://api.example.com/');
    expect(form!.get('grant_type')).to.equal('client_credentials');
  });

  it('signs private_key_jwt assertions for the issuer https://{domain}/', async () => {
    const keys = rsaKeys();
    let assertion = '';
    nock('https://tenant.us.auth0.com')
      .post('/oauth/token')
      .reply((_uri, body) => {
        assertion = String(new URLSearchParams(String(body)).get('client_assertion'));
        return [200, { access_token: 'm2m', expires_in: 60 }];
      });
    await new Auth0AuthenticationProvider({
      domain: 'tenant.us.auth0.com',
      clientId: 'cid',
      privateKey: keys.privatePem,
      audience: 'https://api.example.com/',
      organization: 'org_1',
    }).authToken();
    expect(jwt.verify(assertion, keys.publicKey)).to.include({ aud: 'https://tenant.us.auth0.com/', iss: 'cid' });
  });

  it('needs a domain and an audience, and says so without the secret', () => {
    const secret = 'top-secret-value';
    const noAudience = thrownBy(
      () => new Auth0AuthenticationProvider({ domain: 't.auth0.com', clientId: 'c', clientSecret: secret } as never),
    );
    expect(noAudience).to.be.instanceOf(ConfigurationError).with.property('option', 'audience');
    expectNoSecrets(noAudience, [secret]);
    const noDomain = thrownBy(
      () => new Auth0AuthenticationProvider({ clientId: 'c', clientSecret: secret, audience: 'a' } as never),
    );
    expect(noDomain).to.be.instanceOf(ConfigurationError).with.property('option', 'domain');
    expect(thrownBy(() => new Auth0AuthenticationProvider(undefined as never))).to.be.instanceOf(ConfigurationError);
  });
});
