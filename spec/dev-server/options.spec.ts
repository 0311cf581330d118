import { expect } from 'chai';
import { DEFAULT_CLIENTS, DEFAULT_REDIRECT_URI } from '../../lib/dev-server/clients.js';
import { DEFAULT_USER, type DevServerOptions, resolveDevServerSetup } from '../../lib/dev-server/options.js';
import { ConfigurationError } from '../../lib/errors.js';
import { fastOptions } from '../helpers/dev-server.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf } from '../helpers/secrets.js';

describe('resolveDevServerSetup', () => {
  it('applies the Auth0-like defaults', async () => {
    const setup = await resolveDevServerSetup(fastOptions());
    expect(setup).to.deep.include({
      profile: 'auth0',
      issuerPath: '',
      interactions: 'auto',
      password: 'password',
      accessTokenFormat: 'jwt',
      port: 0,
      host: '127.0.0.1',
      audience: 'https://api.example.com/',
      scopes: ['read:messages', 'write:messages'],
      accessTokenTtl: 3600,
      user: DEFAULT_USER,
    });
    expect(setup.clients.map((client) => [client.clientId, client.authMethod, client.grantTypes])).to.deep.equal([
      ['m2m-secret', 'client_secret_post', ['client_credentials']],
      ['m2m-jwt', 'private_key_jwt', ['client_credentials']],
      ['web-app', 'client_secret_post', ['authorization_code', 'refresh_token', 'urn:openid:params:grant-type:ciba']],
      ['spa', 'none', ['authorization_code', 'implicit', 'refresh_token']],
      ['device', 'none', ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token']],
    ]);
    expect(setup.clients.find((client) => client.clientId === 'spa')!.redirectUris).to.deep.equal([
      DEFAULT_REDIRECT_URI,
    ]);
    expect(setup.clients.find((client) => client.clientId === 'm2m-secret')!.redirectUris).to.deep.equal([]);
    expect(setup.signingKeys).to.have.length(1);
  });

  it('takes the standard profile with an issuer path, the login form, a password and opaque API tokens', async () => {
    const setup = await resolveDevServerSetup({
      ...fastOptions(),
      profile: 'standard',
      issuerPath: '/realms/demo',
      interactions: 'form',
      password: 'open sesame',
      accessTokenFormat: 'opaque',
      clients: [
        ...fastOptions().clients,
        {
          clientId: 'web-app',
          grantTypes: ['authorization_code', 'implicit'],
          redirectUris: ['http://localhost:3000/callback', 'https://app.example.com/callback'],
          postLogoutRedirectUris: ['http://localhost:3000/'],
          backchannelLogoutUri: 'http://127.0.0.1:3000/backchannel-logout',
          rotateRefreshTokens: true,
        },
      ],
    });
    expect(setup).to.deep.include({
      profile: 'standard',
      issuerPath: '/realms/demo',
      interactions: 'form',
      password: 'open sesame',
      accessTokenFormat: 'opaque',
    });
    expect(setup.clients.find((client) => client.clientId === 'web-app')).to.deep.include({
      responseTypes: ['code', 'id_token', 'id_token token', 'code id_token'],
      postLogoutRedirectUris: ['http://localhost:3000/'],
      backchannelLogoutUri: 'http://127.0.0.1:3000/backchannel-logout',
      rotateRefreshTokens: true,
    });
  });

  it('generates new secrets and keys at every start, unless they are given', async function () {
    this.timeout(10_000);
    const [one, two] = await Promise.all([resolveDevServerSetup(), resolveDevServerSetup()]);
    const secret = (setup: typeof one) =>
      setup.clients.find((client) => client.clientId === 'm2m-secret')!.clientSecret;
    expect(secret(one)).to.match(/^[\w-]{43}$/);
    expect(secret(one)).to.not.equal(secret(two));
    expect(one.signingKeys[0]!.kid).to.not.equal(two.signingKeys[0]!.kid);
    const jwt = (setup: typeof one) => setup.clients.find((client) => client.clientId === 'm2m-jwt')!;
    expect(jwt(one).privateKey?.type).to.equal('private');
    expect(jwt(one).publicJwk).to.include({ kty: 'RSA' }).and.not.have.property('d');
  });

  it('changes a default client field by field, and adds new clients after the defaults', async () => {
    const setup = await resolveDevServerSetup({
      ...fastOptions(),
      clients: [
        { clientId: 'web-app', redirectUris: ['http://localhost:3000/callback'] },
        { clientId: 'cli', authMethod: 'none', grantTypes: ['authorization_code'] },
      ],
    });
    const web = setup.clients.find((client) => client.clientId === 'web-app')!;
    expect(web.redirectUris).to.deep.equal(['http://localhost:3000/callback']);
    expect(web.grantTypes).to.include('refresh_token');
    expect(web.clientSecret).to.be.a('string');
    expect(setup.clients.map((client) => client.clientId)).to.deep.equal([
      ...DEFAULT_CLIENTS.map((c) => c.clientId),
      'cli',
    ]);
  });

  for (const [label, options, option] of [
    ['a host that is not loopback', { host: '0.0.0.0' }, 'host'],
    ['a port out of range', { port: 70_000 }, 'port'],
    ['a relative audience', { audience: 'api' }, 'audience'],
    ['an OIDC scope among the API scopes', { scopes: ['openid'] }, 'scopes'],
    ['a scope with a space', { scopes: ['a b'] }, 'scopes'],
    ['a zero access-token lifetime', { accessTokenTtl: 0 }, 'accessTokenTtl'],
    ['a user without sub', { user: { email: 'x@example.com' } }, 'user.sub'],
    ['a signing key that is not RSA', { signingKeys: ['not a key'] }, 'signingKeys[0]'],
    ['an empty key list', { signingKeys: [] }, 'signingKeys'],
    ['a client with an unknown grant', { clients: [{ clientId: 'x', grantTypes: ['password'] }] }, 'clients'],
    ['a public client with client_credentials', { clients: [{ clientId: 'x', authMethod: 'none' }] }, 'clients'],
    [
      'a client with a relative redirect URI',
      { clients: [{ clientId: 'spa', redirectUris: ['/cb'] }] },
      'clients[spa].redirectUris',
    ],
    ['onError that is not a function', { onError: 'log' }, 'onError'],
    ['options that are not an object', null, 'options'],
    ['signing keys that are not an array', { signingKeys: 'k' }, 'signingKeys'],
    [
      'two signing keys with one kid',
      { signingKeys: [rsaKeys('dev-server-signing').privateKey, rsaKeys('dev-server-signing').privatePem] },
      'signingKeys',
    ],
    ['scopes that are not an array', { scopes: 'a b' }, 'scopes'],
    ['a user that is not an object', { user: 'ada' }, 'user'],
    ['clients that are not an array', { clients: {} }, 'clients'],
    ['a client that is not an object', { clients: [null] }, 'clients'],
    ['a client without id', { clients: [{ name: 'x' }] }, 'clients[].clientId'],
    ['an unknown auth method', { clients: [{ clientId: 'x', authMethod: 'tls_client_auth' }] }, 'clients'],
    ['no grant types', { clients: [{ clientId: 'x', grantTypes: [] }] }, 'clients'],
    [
      'an empty client secret',
      { clients: [{ clientId: 'm2m-secret', clientSecret: '' }] },
      'clients[m2m-secret].clientSecret',
    ],
    [
      'an unreadable client public key',
      { clients: [{ clientId: 'x', authMethod: 'private_key_jwt', publicKey: 'nope' }] },
      'clients[x].publicKey',
    ],
    ['a port given as text', { port: '4000' }, 'port'],
    ['an unknown profile', { profile: 'okta' }, 'profile'],
    ['an issuer path on the auth0 profile', { issuerPath: '/realms/demo' }, 'issuerPath'],
    ['an issuer path with a trailing slash', { profile: 'standard', issuerPath: '/realms/' }, 'issuerPath'],
    ['an issuer path without a leading slash', { profile: 'standard', issuerPath: 'realms' }, 'issuerPath'],
    ['an issuer path with a dot segment', { profile: 'standard', issuerPath: '/realms/..' }, 'issuerPath'],
    ['an issuer path with a query', { profile: 'standard', issuerPath: '/realms?x=1' }, 'issuerPath'],
    ['an unknown interactions mode', { interactions: 'browser' }, 'interactions'],
    ['an empty password', { password: '' }, 'password'],
    ['opaque access tokens on the auth0 profile', { accessTokenFormat: 'opaque' }, 'accessTokenFormat'],
    [
      'an implicit client with an http redirect URI off loopback',
      { clients: [{ clientId: 'spa', redirectUris: ['http://app.example.com/cb'] }] },
      'clients[spa].redirectUris',
    ],
    [
      'an implicit client with an http post-logout URI off loopback',
      { clients: [{ clientId: 'spa', postLogoutRedirectUris: ['http://app.example.com/'] }] },
      'clients[spa].postLogoutRedirectUris',
    ],
    [
      'a redirect URI with a fragment',
      { clients: [{ clientId: 'web-app', redirectUris: ['http://127.0.0.1/cb#x'] }] },
      'clients[web-app].redirectUris',
    ],
    [
      'a redirect URI that is not http',
      { clients: [{ clientId: 'web-app', redirectUris: ['myapp:/callback'] }] },
      'clients[web-app].redirectUris',
    ],
    [
      'a relative back-channel logout URI',
      { clients: [{ clientId: 'web-app', backchannelLogoutUri: '/logout' }] },
      'clients[web-app].backchannelLogoutUri',
    ],
    [
      'a rotation flag that is not a boolean',
      { clients: [{ clientId: 'web-app', rotateRefreshTokens: 'yes' }] },
      'clients[web-app].rotateRefreshTokens',
    ],
  ] as const) {
    it(`refuses ${label} with a ConfigurationError`, async () => {
      const given = options === null ? null : { ...fastOptions(), ...(options as object) };
      const err = await rejectionOf(resolveDevServerSetup(given as DevServerOptions));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal(option);
    });
  }
});
