import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { type AuthorizeUrlOptions, authorizeUrlOptionsOf, buildAuthorizeUrl } from '../../lib/oidc/authorize-url.js';
import { thrownBy } from '../helpers/secrets.js';

const base = {
  domain: 'tenant.us.auth0.com',
  clientId: 'client-1',
  redirectUri: 'https://app.example.com/callback',
  state: 'state-1',
} satisfies AuthorizeUrlOptions;

function paramsOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}

function configurationError(options: unknown): ConfigurationError {
  const err = thrownBy(() => buildAuthorizeUrl(options as AuthorizeUrlOptions));
  expect(err).to.be.instanceOf(ConfigurationError);
  return err as ConfigurationError;
}

describe('buildAuthorizeUrl', () => {
  it("points at the tenant's /authorize with a code request and the default scope", () => {
    const url = buildAuthorizeUrl(base);
    expect(url.split('?')[0]).to.equal('https://tenant.us.auth0.com/authorize');
    expect(paramsOf(url)).to.deep.equal({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://app.example.com/callback',
      scope: 'openid profile email',
      state: 'state-1',
    });
  });

  it("sends every named option under Auth0's wire name, and the PKCE method with the challenge", () => {
    const url = buildAuthorizeUrl({
      ...base,
      scope: 'openid offline_access read:messages',
      audience: 'https://api.example.com/',
      nonce: 'n-1',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      responseMode: 'form_post',
      prompt: 'login',
      maxAge: 0,
      loginHint: 'user@example.com',
      connection: 'github',
      organization: 'org_123',
      invitation: 'inv_1',
      screenHint: 'signup',
      uiLocales: 'fr-CA en',
      extraParams: { acr_values: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor', skipped: undefined },
    });
    expect(paramsOf(url)).to.deep.equal({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://app.example.com/callback',
      scope: 'openid offline_access read:messages',
      audience: 'https://api.example.com/',
      state: 'state-1',
      nonce: 'n-1',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      response_mode: 'form_post',
      prompt: 'login',
      max_age: '0',
      login_hint: 'user@example.com',
      connection: 'github',
      organization: 'org_123',
      invitation: 'inv_1',
      screen_hint: 'signup',
      ui_locales: 'fr-CA en',
      acr_values: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
    });
  });

  it('percent-encodes values so that none can inject a parameter', () => {
    const url = buildAuthorizeUrl({ ...base, state: 'a&scope=admin', audience: 'https://api/?x=1#frag' });
    expect(paramsOf(url).state).to.equal('a&scope=admin');
    expect(paramsOf(url).scope).to.equal('openid profile email');
    expect(paramsOf(url).audience).to.equal('https://api/?x=1#frag');
    expect(new URL(url).hash).to.equal('');
  });

  it('uses a given authorization endpoint, keeping its own query', () => {
    const url = buildAuthorizeUrl({
      ...base,
      domain: undefined,
      authorizationEndpoint: 'https://login.example.com/oauth2/v2.0/authorize?p=b2c_1_signin',
    });
    expect(url.split('?')[0]).to.equal('https://login.example.com/oauth2/v2.0/authorize');
    expect(paramsOf(url)).to.include({ p: 'b2c_1_signin', client_id: 'client-1' });
  });

  it('accepts http only for loopback hosts', () => {
    expect(buildAuthorizeUrl({ ...base, domain: '127.0.0.1:4000', protocol: 'http' })).to.match(
      /^http:\/\/127\.0\.0\.1:4000\/authorize\?/,
    );
    expect(
      buildAuthorizeUrl({ ...base, domain: undefined, authorizationEndpoint: 'http://localhost:3000/authorize' }),
    ).to.match(/^http:\/\/localhost:3000\/authorize\?/);
    configurationError({ ...base, domain: 'tenant.auth0.com', protocol: 'http' });
    expect(
      configurationError({ ...base, domain: undefined, authorizationEndpoint: 'http://idp.example.com/authorize' })
        .option,
    ).to.equal('authorizationEndpoint');
    configurationError({ ...base, domain: undefined, authorizationEndpoint: '/authorize' });
  });

  it('builds the short URL that follows a pushed authorization request', () => {
    const url = buildAuthorizeUrl({
      domain: 'tenant.us.auth0.com',
      clientId: 'client-1',
      requestUri: 'urn:ietf:params:oauth:request_uri:abc',
    });
    expect(paramsOf(url)).to.deep.equal({
      client_id: 'client-1',
      request_uri: 'urn:ietf:params:oauth:request_uri:abc',
    });
  });

  it('refuses parameters beside a requestUri, since they were pushed already', () => {
    const err = configurationError({ ...base, requestUri: 'urn:ietf:params:oauth:request_uri:abc' });
    expect(err.option).to.equal('requestUri');
    expect(err.message).to.include('redirectUri').and.include('state');
  });

  it('requires a nonce when an ID token is asked for', () => {
    expect(configurationError({ ...base, responseType: 'code id_token' }).option).to.equal('nonce');
    expect(paramsOf(buildAuthorizeUrl({ ...base, responseType: 'id_token', nonce: 'n' })).nonce).to.equal('n');
  });

  for (const [label, options, option] of [
    ['no clientId', { ...base, clientId: '' }, 'clientId'],
    ['no redirectUri', { ...base, redirectUri: undefined }, 'redirectUri'],
    ['a relative redirectUri', { ...base, redirectUri: '/callback' }, 'redirectUri'],
    ['no state', { ...base, state: undefined }, 'state'],
    ['a blank state', { ...base, state: '  ' }, 'state'],
    ['both domain and authorizationEndpoint', { ...base, authorizationEndpoint: 'https://x/authorize' }, 'domain'],
    ['neither domain nor authorizationEndpoint', { ...base, domain: undefined }, 'domain'],
    ['a negative maxAge', { ...base, maxAge: -1 }, 'maxAge'],
    ['a fractional maxAge', { ...base, maxAge: 1.5 }, 'maxAge'],
    ['a maxAge given as text', { ...base, maxAge: '60' }, 'maxAge'],
    ['an extra parameter that repeats a named one', { ...base, extraParams: { state: 'other' } }, 'extraParams'],
  ] as const) {
    it(`refuses ${label}`, () => {
      expect(configurationError(options).option).to.equal(option);
    });
  }

  it('refuses missing options', () => {
    configurationError(undefined);
  });
});

describe('authorizeUrlOptionsOf', () => {
  it('maps wire names to the named options, and leaves the others as extra parameters', () => {
    const options = authorizeUrlOptionsOf({
      scope: 'openid',
      login_hint: 'ada@example.com',
      max_age: '0',
      ui_locales: 'fr',
      acr_values: 'mfa',
    });
    expect(options).to.deep.equal({
      scope: 'openid',
      loginHint: 'ada@example.com',
      maxAge: 0,
      uiLocales: 'fr',
      extraParams: { acr_values: 'mfa' },
    });
    expect(paramsOf(buildAuthorizeUrl({ ...base, ...options }))).to.deep.include({ max_age: '0', acr_values: 'mfa' });
    expect(authorizeUrlOptionsOf({ prompt: 'none' })).to.deep.equal({ prompt: 'none' });
  });

  it('passes a max_age that is not whole seconds as text, for buildAuthorizeUrl to refuse', () => {
    const options = authorizeUrlOptionsOf({ max_age: '1.5' });
    expect(options).to.deep.equal({ maxAge: '1.5' });
    expect(configurationError({ ...base, ...options }).option).to.equal('maxAge');
  });
});
