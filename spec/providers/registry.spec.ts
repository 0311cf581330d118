import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { ConfigurationError } from '../../lib/errors.js';
import { Auth0AuthenticationProvider } from '../../lib/providers/auth0.js';
import { AzureAuthenticationProvider } from '../../lib/providers/azure.js';
import { CustomOIDCAuthenticationProvider } from '../../lib/providers/custom-oidc.js';
import { GoogleAuthenticationProvider } from '../../lib/providers/google.js';
import { NoOpAuthenticationProvider } from '../../lib/providers/no-op.js';
import { OktaAuthenticationProvider } from '../../lib/providers/okta.js';
import { createAuthenticationProvider, oktaTokenEndpoint } from '../../lib/providers/registry.js';
import { OpenMetadataAuthenticationProvider } from '../../lib/providers/static.js';
import { MemoryTokenStore } from '../../lib/providers/stores/memory.js';
import { rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

const jwk = () => JSON.stringify({ ...rsaKeys().privateKey.export({ format: 'jwk' }), kid: 'k' });
const serviceAccount = () =>
  JSON.stringify({ client_email: 'sa@p.iam.gserviceaccount.com', private_key: rsaKeys().privatePem });

describe('createAuthenticationProvider', () => {
  it('needs no securityConfig for no-auth', async () => {
    const provider = createAuthenticationProvider({ authProvider: 'no-auth' });
    expect(provider).to.be.instanceOf(NoOpAuthenticationProvider);
    expect(await provider.authToken()).to.equal('');
  });

  it('builds each provider of the seed from its config fields', () => {
    const built = [
      createAuthenticationProvider({
        authProvider: 'google',
        securityConfig: { secretKey: serviceAccount(), audience: 'https://om' },
      }),
      createAuthenticationProvider({
        authProvider: 'okta',
        securityConfig: {
          clientId: 'c',
          orgURL: 'https://o.okta.com/oauth2/default',
          privateKey: jwk(),
          email: 'x@y',
          scopes: ['a'],
        },
      }),
      createAuthenticationProvider({
        authProvider: 'auth0',
        securityConfig: { clientId: 'c', secretKey: 's', domain: 't.auth0.com' },
      }),
      createAuthenticationProvider({
        authProvider: 'azure',
        securityConfig: {
          clientId: 'c',
          clientSecret: 's',
          authority: 'https://login.microsoftonline.com/t',
          scopes: ['api://c/.default'],
        },
      }),
      createAuthenticationProvider({
        authProvider: 'custom-oidc',
        securityConfig: { clientId: 'c', secretKey: 's', tokenEndpoint: 'https://sso.example.com/token' },
      }),
      createAuthenticationProvider({
        authProvider: 'openmetadata',
        securityConfig: { jwtToken: jwt.sign({}, 'k'.repeat(32)) },
      }),
    ];
    const classes = [
      GoogleAuthenticationProvider,
      OktaAuthenticationProvider,
      Auth0AuthenticationProvider,
      AzureAuthenticationProvider,
      CustomOIDCAuthenticationProvider,
      OpenMetadataAuthenticationProvider,
    ];
    built.forEach((provider, i) => expect(provider).to.be.instanceOf(classes[i]!));
  });

  it("gives auth0 the seed's Management API audience by default, and passes cache options on", async () => {
    let audience: string | null = null;
    nock('https://t.auth0.com')
      .post('/oauth/token')
      .reply((_uri, body) => {
        audience = new URLSearchParams(String(body)).get('audience');
        return [200, { access_token: 'mgmt', expires_in: 86400 }];
      });
    const store = new MemoryTokenStore();
    const provider = createAuthenticationProvider({
      authProvider: 'auth0',
      securityConfig: { clientId: 'c', secretKey: 's', domain: 'https://t.auth0.com/' },
      store,
    });
    expect(await provider.authToken()).to.equal('mgmt');
    expect(audience).to.equal('https://t.auth0.com/api/v2/');
    expect(store.size).to.equal(1);
  });

  it('completes an Okta orgURL into a token endpoint', () => {
    expect(oktaTokenEndpoint('https://o.okta.com/oauth2/aus1/v1/token')).to.equal(
      'https://o.okta.com/oauth2/aus1/v1/token',
    );
    expect(oktaTokenEndpoint('https://o.okta.com/oauth2/default/')).to.equal(
      'https://o.okta.com/oauth2/default/v1/token',
    );
    expect(oktaTokenEndpoint('https://o.okta.com')).to.equal('https://o.okta.com/oauth2/v1/token');
  });

  it('treats null fields as absent, as pydantic dumps them', () => {
    const provider = createAuthenticationProvider({
      authProvider: 'custom-oidc',
      securityConfig: {
        clientId: 'c',
        secretKey: 's',
        tokenEndpoint: 'https://sso.example.com/token',
        audience: null,
        scopes: null,
      } as never,
    });
    expect(provider).to.be.instanceOf(CustomOIDCAuthenticationProvider);
  });

  it('builds providers that never show their secret or key, in util.inspect or JSON', () => {
    const secret = 'registry-s3cr3t';
    const keyMaterial = String(rsaKeys().privateKey.export({ format: 'jwk' }).d);
    const pemLine = rsaKeys().privatePem.split('\n')[1]!;
    const providers = [
      createAuthenticationProvider({
        authProvider: 'google',
        securityConfig: { secretKey: serviceAccount(), audience: 'a' },
      }),
      createAuthenticationProvider({
        authProvider: 'okta',
        securityConfig: { clientId: 'c', orgURL: 'https://o.okta.com', privateKey: jwk() },
      }),
      createAuthenticationProvider({
        authProvider: 'auth0',
        securityConfig: { clientId: 'c', secretKey: secret, domain: 'd.auth0.com' },
      }),
      createAuthenticationProvider({
        authProvider: 'azure',
        securityConfig: {
          clientId: 'c',
          clientSecret: secret,
          authority: 'https://login.microsoftonline.com/t',
          scopes: 'x',
        },
      }),
      createAuthenticationProvider({
        authProvider: 'custom-oidc',
        securityConfig: { clientId: 'c', secretKey: secret, tokenEndpoint: 'https://sso.example.com/token' },
      }),
    ];
    for (const provider of providers) expectNoSecrets(provider, [secret, keyMaterial, pemLine]);
  });

  describe('refuses, with a ConfigurationError naming the field', () => {
    const cases: [string, unknown, string][] = [
      ['an unknown provider', { authProvider: 'basic' }, 'authProvider'],
      ['a missing securityConfig', { authProvider: 'auth0' }, 'securityConfig'],
      ['a securityConfig that is not an object', { authProvider: 'okta', securityConfig: 'x' }, 'securityConfig'],
      [
        'a missing field',
        { authProvider: 'auth0', securityConfig: { clientId: 'c', domain: 'd' } },
        'securityConfig.secretKey',
      ],
      [
        'an empty field',
        { authProvider: 'openmetadata', securityConfig: { jwtToken: '  ' } },
        'securityConfig.jwtToken',
      ],
      [
        'a typo',
        { authProvider: 'auth0', securityConfig: { clientID: 'c', secretKey: 's', domain: 'd' } },
        'securityConfig.clientID',
      ],
      [
        'a field of another provider',
        { authProvider: 'azure', securityConfig: { secretKey: 's' } },
        'securityConfig.secretKey',
      ],
      [
        'a non-string field',
        { authProvider: 'auth0', securityConfig: { clientId: 1, secretKey: 's', domain: 'd' } },
        'securityConfig.clientId',
      ],
      [
        "google's missing audience",
        { authProvider: 'google', securityConfig: { secretKey: '/etc/sa.json' } },
        'securityConfig.audience',
      ],
    ];
    for (const [name, config, option] of cases) {
      it(name, () => {
        const err = thrownBy(() => createAuthenticationProvider(config as never));
        expect(err).to.be.instanceOf(ConfigurationError).with.property('option', option);
        expectNoSecrets(err, ['s3cr3t-value']);
      });
    }

    it('no config at all', () => {
      expect(thrownBy(() => createAuthenticationProvider(undefined as never))).to.be.instanceOf(ConfigurationError);
    });

    it('never quoting the secret of a rejected config', () => {
      const err = thrownBy(() =>
        createAuthenticationProvider({
          authProvider: 'auth0',
          securityConfig: { clientId: 'c', secretKey: 's3cr3t-value', domain: 'd', audiance: 'x' } as never,
        }),
      );
      expectNoSecrets(err, ['s3cr3t-value']);
    });
  });
});
