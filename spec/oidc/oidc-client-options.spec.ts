import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import {
  checkAuthorizationParams,
  checkOidcClientOptions,
  type OidcClientOptions,
} from '../../lib/oidc/oidc-client-options.js';
import { MemoryTransactionStore } from '../../lib/oidc/transaction-store.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const CLIENT_SECRET = 'client-secret-value-that-must-never-leak';

const WEB: OidcClientOptions = {
  issuer: 'https://op.example.com',
  clientId: 'web',
  clientSecret: CLIENT_SECRET,
  redirectUri: 'https://app.example.com/callback',
  secret: SECRET,
};

const SPA: OidcClientOptions = {
  issuer: 'https://op.example.com',
  clientId: 'spa',
  redirectUri: 'https://app.example.com/callback',
  responseType: 'id_token',
  secret: SECRET,
};

function refusal(options: unknown, name?: (option: string) => string): ConfigurationError {
  const err = thrownBy(() => checkOidcClientOptions(options as OidcClientOptions, name));
  expect(err).to.be.instanceOf(ConfigurationError);
  return err as ConfigurationError;
}

describe('checkOidcClientOptions', () => {
  it('applies the defaults of a confidential web client', () => {
    const settings = checkOidcClientOptions(WEB);
    expect(settings).to.deep.include({
      issuer: 'https://op.example.com',
      discoveryUri: undefined,
      clientId: 'web',
      clientType: 'confidential',
      clientAuthMethod: 'client_secret_post',
      scope: 'openid profile email',
      responseType: 'code',
      responseMode: 'query',
      usePkce: true,
      useNonce: true,
      idTokenSigningAlg: 'RS256',
      clockTolerance: 60,
      fetchUserinfo: false,
      transactionMaxAge: 600,
      postLogoutRedirectUri: undefined,
    });
    expect(settings.secrets).to.deep.equal([SECRET]);
    expect(settings.transactionStore).to.be.instanceOf(MemoryTransactionStore);
    expect(settings.clock()).to.be.closeTo(Date.now() / 1000, 5);
  });

  it('makes a client without credentials public, authenticating with none, and answering implicitly by form_post', () => {
    expect(checkOidcClientOptions(SPA)).to.deep.include({
      clientType: 'public',
      clientAuthMethod: 'none',
      responseMode: 'form_post',
    });
  });

  it('chooses private_key_jwt for a private key, and keeps a method given', () => {
    const withKey = { ...WEB, clientSecret: undefined, privateKey: 'PEM' };
    expect(checkOidcClientOptions(withKey).clientAuthMethod).to.equal('private_key_jwt');
    expect(checkOidcClientOptions({ ...WEB, clientAuthMethod: 'client_secret_basic' }).clientAuthMethod).to.equal(
      'client_secret_basic',
    );
    const tls = { ...WEB, clientSecret: undefined, clientAuthMethod: 'tls_client_auth' as const };
    expect(checkOidcClientOptions(tls).clientType).to.equal('confidential');
  });

  it('refuses a public client given a secret, naming the secret and never quoting it', () => {
    const err = refusal({ ...WEB, clientType: 'public' });
    expect(err.option).to.equal('clientSecret');
    expect(err.message).to.match(/public client/);
    expectNoSecrets(err, [CLIENT_SECRET]);
    expect(refusal({ ...SPA, clientType: 'public', privateKey: 'PEM' }).option).to.equal('clientSecret');
    expect(refusal({ ...SPA, clientAuthMethod: 'client_secret_post' }).option).to.equal('clientAuthMethod');
  });

  it('refuses a confidential client given no secret or key', () => {
    const err = refusal({ ...SPA, clientType: 'confidential' });
    expect(err.option).to.equal('clientSecret');
    expect(err.message).to.match(/confidential client needs its clientSecret/);
  });

  for (const [label, change, option] of [
    ['no issuer nor discovery URI', { issuer: undefined }, 'discoveryUri'],
    ['an http issuer that is not loopback', { issuer: 'http://op.example.com' }, 'issuer'],
    ['a discovery URI that is not a URL', { discoveryUri: 'op' }, 'discoveryUri'],
    ['no client id', { clientId: '' }, 'clientId'],
    ['an empty client secret', { clientSecret: '' }, 'clientSecret'],
    ['an unknown client authentication method', { clientAuthMethod: 'client_secret_magic' }, 'clientAuthMethod'],
    ['an unknown client type', { clientType: 'secret' }, 'clientType'],
    ['no redirect URI', { redirectUri: undefined }, 'redirectUri'],
    ['a relative redirect URI', { redirectUri: '/callback' }, 'redirectUri'],
    ['a redirect URI with a fragment', { redirectUri: 'https://app.example.com/cb#x' }, 'redirectUri'],
    ['a redirect URI of another scheme', { redirectUri: 'javascript:alert(1)' }, 'redirectUri'],
    ['a bad post-logout redirect URI', { postLogoutRedirectUri: 'nowhere' }, 'postLogoutRedirectUri'],
    ['a scope without openid', { scope: 'profile email' }, 'scope'],
    ['an unknown response type', { responseType: 'token' }, 'responseType'],
    ['an unknown response mode', { responseMode: 'web_message' }, 'responseMode'],
    ['tokens in the query', { responseType: 'code id_token', responseMode: 'query' }, 'responseMode'],
    ['a usePkce that is not a boolean', { usePkce: 'false' }, 'usePkce'],
    ['an implicit flow without a nonce', { responseType: 'id_token token', useNonce: false }, 'useNonce'],
    ['an unknown ID-token algorithm', { idTokenSigningAlg: 'none' }, 'idTokenSigningAlg'],
    [
      'HS256 ID tokens without a client secret',
      { idTokenSigningAlg: 'HS256', clientSecret: undefined, privateKey: 'k' },
      'clientSecret',
    ],
    ['a clock tolerance above 300 s', { clockTolerance: 301 }, 'clockTolerance'],
    ['a fractional clock tolerance', { clockTolerance: 1.5 }, 'clockTolerance'],
    ['authorization parameters that are not strings', { authorizationParams: { max_age: 60 } }, 'authorizationParams'],
    ['an authorization parameter the client sets', { authorizationParams: { state: 'fixed' } }, 'authorizationParams'],
    ['the scope as an authorization parameter', { authorizationParams: { scope: 'openid' } }, 'authorizationParams'],
    ['authorization parameters that are a list', { authorizationParams: ['a'] }, 'authorizationParams'],
    ['fetchUserinfo without an access token', { responseType: 'id_token', fetchUserinfo: true }, 'fetchUserinfo'],
    ['a short secret', { secret: 'short' }, 'secret'],
    ['an empty list of secrets', { secret: [] }, 'secret'],
    ['a transaction store without consume()', { transactionStore: {} }, 'transactionStore'],
    ['a transaction lifetime below a minute', { transactionMaxAge: 59 }, 'transactionMaxAge'],
    ['a clock that is not a function', { clock: 5 }, 'clock'],
  ] as const) {
    it(`refuses ${label}`, () => {
      expect(refusal({ ...WEB, ...change }).option).to.equal(option);
    });
  }

  it('refuses a public client that disables PKCE in a code flow', () => {
    expect(refusal({ ...SPA, responseType: 'code', usePkce: false }).option).to.equal('usePkce');
    expect(checkOidcClientOptions({ ...WEB, usePkce: false }).usePkce).to.equal(false);
  });

  it('refuses missing options', () => {
    expect(refusal(undefined).message).to.equal('options are required');
  });

  it('names each option as the namer says, in the message and on the error', () => {
    const err = refusal({ ...WEB, clientType: 'public' }, (option) => `ENV_${option.toUpperCase()}`);
    expect(err.option).to.equal('ENV_CLIENTSECRET');
    expect(err.message).to.include('ENV_CLIENTSECRET').and.include('ENV_CLIENTTYPE');
  });
});

describe('checkAuthorizationParams', () => {
  it('keeps strings, drops undefined values, and refuses what the client sets itself', () => {
    expect(checkAuthorizationParams({ prompt: 'login', audience: undefined }, 'p')).to.deep.equal({ prompt: 'login' });
    expect(checkAuthorizationParams(undefined, 'p')).to.deep.equal({});
    for (const name of [
      'client_id',
      'redirect_uri',
      'response_type',
      'response_mode',
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
      'request',
      'request_uri',
    ]) {
      expect(thrownBy(() => checkAuthorizationParams({ [name]: 'x' }, 'p')).message, name).to.include(`p.${name}`);
    }
  });
});
