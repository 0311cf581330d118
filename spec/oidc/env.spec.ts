import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { oidcConfigFromEnv } from '../../lib/oidc/env.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

const SESSION_SECRET = 'a-session-secret-that-is-long-enough-01234567';
const OLD_SECRET = 'an-older-session-secret-still-long-enough-0123';
const CLIENT_SECRET = 'an-oidc-client-secret-that-must-never-leak';

/** The least a confidential web client needs. */
const BASE = {
  OIDC_CLIENT_ID: 'web',
  OIDC_CLIENT_SECRET: CLIENT_SECRET,
  OIDC_DISCOVERY_URI: 'https://op.example.com/.well-known/openid-configuration',
  OIDC_CALLBACK: 'https://app.example.com/callback',
  AUTHN_SESSION_SECRET: SESSION_SECRET,
};

function refusal(env: Record<string, string | undefined>): ConfigurationError {
  const err = thrownBy(() => oidcConfigFromEnv(env));
  expect(err).to.be.instanceOf(ConfigurationError);
  expectNoSecrets(err, [SESSION_SECRET, CLIENT_SECRET]);
  return err as ConfigurationError;
}

describe('oidcConfigFromEnv', () => {
  it('reads a confidential web client, leaving every default to the client', () => {
    expect(oidcConfigFromEnv(BASE)).to.deep.equal({
      type: 'custom',
      discoveryUri: BASE.OIDC_DISCOVERY_URI,
      clientId: 'web',
      clientSecret: CLIENT_SECRET,
      redirectUri: BASE.OIDC_CALLBACK,
      authorizationParams: {},
      secret: SESSION_SECRET,
    });
  });

  it('reads every key', () => {
    const config = oidcConfigFromEnv({
      ...BASE,
      OIDC_TYPE: 'okta',
      OIDC_SCOPE: 'openid email profile offline_access',
      OIDC_USE_NONCE: 'TRUE',
      OIDC_PREFERRED_JWS: 'ES256',
      OIDC_RESPONSE_TYPE: 'code id_token',
      OIDC_DISABLE_PKCE: 'false',
      OIDC_SERVER_URL: 'https://app.example.com',
      OIDC_CLIENT_AUTH_METHOD: 'client_secret_basic',
      OIDC_TENANT: 'ignored-unless-azure',
      OIDC_MAX_CLOCK_SKEW: '30',
      OIDC_CUSTOM_PARAMS: '{"audience":"https://api.example.com/","prompt":"login"}',
      AUTHENTICATION_CLIENT_TYPE: 'confidential',
      AUTHENTICATION_PUBLIC_KEYS: '[http://localhost:8585/api/v1/system/config/jwks, https://op.example.com/keys]',
      AUTHN_SESSION_SECRET: JSON.stringify([SESSION_SECRET, OLD_SECRET]),
    });
    expect(config).to.deep.equal({
      type: 'okta',
      discoveryUri: BASE.OIDC_DISCOVERY_URI,
      clientId: 'web',
      clientSecret: CLIENT_SECRET,
      clientType: 'confidential',
      clientAuthMethod: 'client_secret_basic',
      redirectUri: BASE.OIDC_CALLBACK,
      postLogoutRedirectUri: 'https://app.example.com',
      scope: 'openid email profile offline_access',
      responseType: 'code id_token',
      usePkce: true,
      useNonce: true,
      idTokenSigningAlg: 'ES256',
      clockTolerance: 30,
      authorizationParams: { audience: 'https://api.example.com/', prompt: 'login' },
      secret: [SESSION_SECRET, OLD_SECRET],
      baseUrl: 'https://app.example.com',
      publicKeyUrls: ['http://localhost:8585/api/v1/system/config/jwks', 'https://op.example.com/keys'],
    });
  });

  it('keeps PKCE on unless OIDC_DISABLE_PKCE=true, and the nonce unless OIDC_USE_NONCE=false', () => {
    expect(oidcConfigFromEnv(BASE).usePkce).to.equal(undefined);
    expect(oidcConfigFromEnv({ ...BASE, OIDC_DISABLE_PKCE: 'true' }).usePkce).to.equal(false);
    expect(oidcConfigFromEnv({ ...BASE, OIDC_USE_NONCE: 'false' }).useNonce).to.equal(false);
  });

  it("counts empty variables as absent, as OpenMetadata's defaults leave them", () => {
    const config = oidcConfigFromEnv({
      ...BASE,
      OIDC_TYPE: '',
      OIDC_SCOPE: ' ',
      OIDC_TENANT: '',
      OIDC_MAX_CLOCK_SKEW: '',
    });
    expect(config.type).to.equal('custom');
    expect(config).to.not.have.property('scope');
  });

  it('derives the callback from OIDC_SERVER_URL when OIDC_CALLBACK is not set', () => {
    const env = { ...BASE, OIDC_CALLBACK: undefined, OIDC_SERVER_URL: 'https://app.example.com/base' };
    expect(oidcConfigFromEnv(env).redirectUri).to.equal('https://app.example.com/base/callback');
  });

  it('reads AUTHENTICATION_PUBLIC_KEYS as a JSON array or a comma-separated list too', () => {
    const urls = ['https://a.example.com/jwks', 'https://b.example.com/jwks'];
    expect(
      oidcConfigFromEnv({ ...BASE, AUTHENTICATION_PUBLIC_KEYS: JSON.stringify(urls) }).publicKeyUrls,
    ).to.deep.equal(urls);
    expect(oidcConfigFromEnv({ ...BASE, AUTHENTICATION_PUBLIC_KEYS: urls.join(',') }).publicKeyUrls).to.deep.equal(
      urls,
    );
  });

  it('makes a client without a secret public, and refuses a public client with one, naming the variables', () => {
    const spa = { ...BASE, OIDC_CLIENT_SECRET: undefined, OIDC_RESPONSE_TYPE: 'id_token' };
    expect(oidcConfigFromEnv(spa)).to.not.have.property('clientSecret');
    const err = refusal({ ...BASE, AUTHENTICATION_CLIENT_TYPE: 'public' });
    expect(err.option).to.equal('OIDC_CLIENT_SECRET');
    expect(err.message).to.include('OIDC_CLIENT_SECRET').and.include('AUTHENTICATION_CLIENT_TYPE');
    const confidential = refusal({ ...spa, AUTHENTICATION_CLIENT_TYPE: 'confidential' });
    expect(confidential.option).to.equal('OIDC_CLIENT_SECRET');
  });

  describe('OIDC_TYPE presets', () => {
    it("google: Google's discovery document, and access_type=offline under the custom parameters", () => {
      const config = oidcConfigFromEnv({ ...BASE, OIDC_TYPE: 'google', OIDC_DISCOVERY_URI: undefined });
      expect(config.discoveryUri).to.equal('https://accounts.google.com/.well-known/openid-configuration');
      expect(config.authorizationParams).to.deep.equal({ access_type: 'offline' });
      const custom = oidcConfigFromEnv({
        ...BASE,
        OIDC_TYPE: 'Google',
        OIDC_CUSTOM_PARAMS: '{"access_type":"online"}',
      });
      expect(custom.authorizationParams).to.deep.equal({ access_type: 'online' });
      expect(custom.discoveryUri).to.equal(BASE.OIDC_DISCOVERY_URI);
    });

    it('azure: the tenant document for a tenant, and the {tenantid} issuer template for multi-tenant apps', () => {
      const azure = { ...BASE, OIDC_TYPE: 'azure', OIDC_DISCOVERY_URI: undefined };
      const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
      expect(oidcConfigFromEnv({ ...azure, OIDC_TENANT: tenant })).to.deep.include({
        discoveryUri: `https://login.microsoftonline.com/${tenant}/v2.0/.well-known/openid-configuration`,
      });
      expect(oidcConfigFromEnv({ ...azure, OIDC_TENANT: tenant })).to.not.have.property('issuer');
      for (const common of ['common', 'organizations']) {
        expect(oidcConfigFromEnv({ ...azure, OIDC_TENANT: common })).to.deep.include({
          issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
          discoveryUri: `https://login.microsoftonline.com/${common}/v2.0/.well-known/openid-configuration`,
        });
      }
      expect(oidcConfigFromEnv({ ...azure, OIDC_TENANT: 'consumers' }).discoveryUri).to.equal(
        'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0/.well-known/openid-configuration',
      );
      expect(refusal(azure).option).to.equal('OIDC_TENANT');
      expect(refusal({ ...azure, OIDC_TENANT: 'a/b' }).option).to.equal('OIDC_TENANT');
    });

    it('okta, auth0 and custom (custom-oidc too): the discovery URI given, required', () => {
      for (const type of ['okta', 'auth0', 'custom', 'custom-oidc']) {
        expect(oidcConfigFromEnv({ ...BASE, OIDC_TYPE: type }).discoveryUri).to.equal(BASE.OIDC_DISCOVERY_URI);
        expect(refusal({ ...BASE, OIDC_TYPE: type, OIDC_DISCOVERY_URI: undefined }).option).to.equal(
          'OIDC_DISCOVERY_URI',
        );
      }
    });
  });

  for (const [label, change, variable] of [
    ['an unknown OIDC_TYPE', { OIDC_TYPE: 'cognito' }, 'OIDC_TYPE'],
    ['a missing OIDC_CLIENT_ID', { OIDC_CLIENT_ID: undefined }, 'OIDC_CLIENT_ID'],
    ['a missing AUTHN_SESSION_SECRET', { AUTHN_SESSION_SECRET: undefined }, 'AUTHN_SESSION_SECRET'],
    ['a short AUTHN_SESSION_SECRET', { AUTHN_SESSION_SECRET: 'short-secret' }, 'AUTHN_SESSION_SECRET'],
    [
      'an AUTHN_SESSION_SECRET list that is not JSON',
      { AUTHN_SESSION_SECRET: `[${SESSION_SECRET}` },
      'AUTHN_SESSION_SECRET',
    ],
    ['an AUTHN_SESSION_SECRET list of non-strings', { AUTHN_SESSION_SECRET: '[1,2]' }, 'AUTHN_SESSION_SECRET'],
    ['neither OIDC_CALLBACK nor OIDC_SERVER_URL', { OIDC_CALLBACK: undefined }, 'OIDC_CALLBACK'],
    ['an OIDC_CALLBACK that is not a URL', { OIDC_CALLBACK: '/callback' }, 'OIDC_CALLBACK'],
    ['an OIDC_SERVER_URL that is not a URL', { OIDC_SERVER_URL: 'app' }, 'OIDC_SERVER_URL'],
    ['an OIDC_DISCOVERY_URI that is not a URL', { OIDC_DISCOVERY_URI: 'op.example.com' }, 'OIDC_DISCOVERY_URI'],
    [
      'an http OIDC_DISCOVERY_URI off loopback',
      { OIDC_DISCOVERY_URI: 'http://op.example.com/x' },
      'OIDC_DISCOVERY_URI',
    ],
    ['an OIDC_USE_NONCE that is not a boolean', { OIDC_USE_NONCE: 'yes' }, 'OIDC_USE_NONCE'],
    ['an OIDC_DISABLE_PKCE that is not a boolean', { OIDC_DISABLE_PKCE: '1' }, 'OIDC_DISABLE_PKCE'],
    ['an unknown OIDC_PREFERRED_JWS', { OIDC_PREFERRED_JWS: 'none' }, 'OIDC_PREFERRED_JWS'],
    ['an unknown OIDC_RESPONSE_TYPE', { OIDC_RESPONSE_TYPE: 'token' }, 'OIDC_RESPONSE_TYPE'],
    ['an unknown OIDC_CLIENT_AUTH_METHOD', { OIDC_CLIENT_AUTH_METHOD: 'secret' }, 'OIDC_CLIENT_AUTH_METHOD'],
    ['an OIDC_MAX_CLOCK_SKEW that is not whole seconds', { OIDC_MAX_CLOCK_SKEW: '1.5' }, 'OIDC_MAX_CLOCK_SKEW'],
    ['an OIDC_MAX_CLOCK_SKEW above 300', { OIDC_MAX_CLOCK_SKEW: '301' }, 'OIDC_MAX_CLOCK_SKEW'],
    ['an OIDC_CUSTOM_PARAMS that is not JSON', { OIDC_CUSTOM_PARAMS: 'prompt=login' }, 'OIDC_CUSTOM_PARAMS'],
    ['an OIDC_CUSTOM_PARAMS of non-strings', { OIDC_CUSTOM_PARAMS: '{"max_age":60}' }, 'OIDC_CUSTOM_PARAMS'],
    ['an OIDC_CUSTOM_PARAMS setting state', { OIDC_CUSTOM_PARAMS: '{"state":"fixed"}' }, 'OIDC_CUSTOM_PARAMS'],
    ['an OIDC_SCOPE without openid', { OIDC_SCOPE: 'email profile' }, 'OIDC_SCOPE'],
    ['an unknown AUTHENTICATION_CLIENT_TYPE', { AUTHENTICATION_CLIENT_TYPE: 'web' }, 'AUTHENTICATION_CLIENT_TYPE'],
    ['a bad AUTHENTICATION_PUBLIC_KEYS entry', { AUTHENTICATION_PUBLIC_KEYS: '[jwks]' }, 'AUTHENTICATION_PUBLIC_KEYS'],
  ] as const) {
    it(`refuses ${label}, naming the variable`, () => {
      const err = refusal({ ...BASE, ...change });
      expect(err.option).to.equal(variable);
      expect(err.message).to.include(variable);
    });
  }

  it('reads process.env when given nothing', () => {
    const saved = process.env;
    try {
      process.env = { ...BASE };
      expect(oidcConfigFromEnv().clientId).to.equal('web');
    } finally {
      process.env = saved;
    }
  });
});
