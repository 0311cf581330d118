// How the library maps the real error responses of an OpenID Provider (node-oidc-provider through lib/dev-server,
// on both of its profiles), and its transport failures, to the classes of lib/errors.ts — without a secret in any
// rendering of the error.
import { expect } from 'chai';
import {
  BackChannelLogin,
  GetToken,
  PushedAuthorizationRequests,
  RevokeToken,
  Users,
} from '../../lib/authentication/index.js';
import { Auth0Error, NetworkError, RateLimitError } from '../../lib/errors.js';
import {
  clientOptions,
  locationOf,
  login,
  PROFILES,
  profileOptions,
  startProvider,
  useProvider,
} from '../helpers/integration.js';
import { rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';

/** Asserts an `Auth0Error` (and not its rate-limit subclass) with this status and server error code. */
function expectAuth0Error(error: Error, statusCode: number, errorCode: string): Auth0Error {
  expect(error).to.be.instanceOf(Auth0Error);
  expect(error).to.not.be.instanceOf(RateLimitError);
  expect(error).to.include({ code: 'ERR_AUTH_API', statusCode, errorCode });
  return error as Auth0Error;
}

for (const profile of PROFILES)
  describe(`error mapping against a real OpenID Provider (${profile} profile)`, function () {
    this.timeout(20_000);
    const server = useProvider(profileOptions(profile));
    const getToken = (clientId: string, extra = {}) => new GetToken(clientOptions(server(), clientId, extra));

    describe('invalid_client', () => {
      it('maps a wrong client secret, in the body or in a Basic header, to a 401 without the secret', async () => {
        const secret = 'not-the-secret-of-m2m-secret-0123456789';
        for (const clientAuthMethod of ['client_secret_post', 'client_secret_basic'] as const) {
          const client = getToken('m2m-secret', { clientSecret: secret, clientAuthMethod });
          const error = await rejectionOf(client.clientCredentials({ audience: server().audience }));
          expect(expectAuth0Error(error, 401, 'invalid_client').message).to.equal('client authentication failed');
          const basic = Buffer.from(`m2m-secret:${secret}`).toString('base64');
          expectNoSecrets(error, [secret, basic, server().client('m2m-secret').clientSecret!]);
          expectNoSecrets(client, [secret]);
        }
      });

      it('maps an unknown client id to invalid_client', async () => {
        const client = new GetToken({ ...clientOptions(server(), 'm2m-secret'), clientId: 'nobody' });
        const error = await rejectionOf(client.clientCredentials({ audience: server().audience }));
        expectAuth0Error(error, 401, 'invalid_client');
      });

      it('maps a private_key_jwt assertion signed by another key to invalid_client, without the key', async () => {
        const stranger = rsaKeys('integration-stranger');
        const client = getToken('m2m-jwt', { clientAssertionSigningKey: stranger.privateKey });
        const error = await rejectionOf(client.clientCredentials({ audience: server().audience }));
        expectAuth0Error(error, 401, 'invalid_client');
        expectNoSecrets(error, [stranger.privatePem.split('\n')[1]!]);
        expect(JSON.stringify(error)).to.not.match(/eyJ[\w-]+\.eyJ/);
      });

      it('maps a revocation by a client that cannot authenticate to invalid_client', async () => {
        const revoke = new RevokeToken(clientOptions(server(), 'web-app', { clientSecret: 'wrong-secret-of-web-app' }));
        const error = await rejectionOf(revoke.revokeRefreshToken({ token: 'some-refresh-token' }));
        expectAuth0Error(error, 401, 'invalid_client');
        expectNoSecrets(error, ['wrong-secret-of-web-app', 'some-refresh-token']);
      });
    });

    describe('invalid_grant', () => {
      it('refuses a code used twice', async () => {
        const { code, codeVerifier, redirectUri } = await login(server(), 'web-app');
        const client = getToken('web-app');
        await client.authorizationCodePkce({ code, codeVerifier, redirectUri });
        const error = await rejectionOf(client.authorizationCodePkce({ code, codeVerifier, redirectUri }));
        expectAuth0Error(error, 400, 'invalid_grant');
        expectNoSecrets(error, [code, codeVerifier]);
      });

      it('refuses a PKCE verifier that does not match the challenge', async () => {
        const { code, redirectUri } = await login(server(), 'spa');
        const wrongVerifier = 'a'.repeat(43);
        const error = await rejectionOf(
          getToken('spa').authorizationCodePkce({ code, codeVerifier: wrongVerifier, redirectUri }),
        );
        expectAuth0Error(error, 400, 'invalid_grant');
      });

      it("refuses a code issued to another client, and a redirect URI that is not the request's", async () => {
        const spaLogin = await login(server(), 'spa');
        const stolen = await rejectionOf(
          getToken('web-app').authorizationCodePkce({
            code: spaLogin.code,
            codeVerifier: spaLogin.codeVerifier,
            redirectUri: spaLogin.redirectUri,
          }),
        );
        expectAuth0Error(stolen, 400, 'invalid_grant');
        const { code, codeVerifier } = await login(server(), 'web-app');
        const elsewhere = await rejectionOf(
          getToken('web-app').authorizationCodePkce({ code, codeVerifier, redirectUri: 'http://127.0.0.1/elsewhere' }),
        );
        expectAuth0Error(elsewhere, 400, 'invalid_grant');
      });

      it('refuses an unknown refresh token without quoting it', async () => {
        const refreshToken = 'unknown-refresh-token-0123456789abcdef';
        const error = await rejectionOf(getToken('web-app').refreshToken({ refreshToken }));
        expectAuth0Error(error, 400, 'invalid_grant');
        expectNoSecrets(error, [refreshToken, server().client('web-app').clientSecret!]);
      });
    });

    describe('invalid_target', () => {
      it('refuses an audience, or a resource, that names no API of the provider', async () => {
        const client = getToken('m2m-secret');
        for (const params of [{ audience: 'https://other.example.com/' }, { resource: 'https://other.example.com/' }]) {
          const error = await rejectionOf(client.clientCredentials(params));
          expect(expectAuth0Error(error, 400, 'invalid_target').message).to.include('https://other.example.com/');
        }
      });
    });

    describe('other refusals', () => {
      it('refuses a grant the client is not allowed, with the status and code the provider sent', async () => {
        const error = await rejectionOf(getToken('web-app').clientCredentials({ audience: server().audience }));
        const mapped = expectAuth0Error(error, 400, 'invalid_request');
        expect(mapped.content).to.deep.include({ error: 'invalid_request' });
      });

      it('maps a 401 of /userinfo to an Auth0Error carrying the WWW-Authenticate header, never the token', async () => {
        const { access_token } = await getToken('m2m-secret').clientCredentials({ audience: server().audience });
        const users = new Users(locationOf(server()));
        for (const token of [access_token, 'not-a-token']) {
          const error = expectAuth0Error(await rejectionOf(users.userinfo(token)), 401, 'invalid_token');
          expect(error.headers?.['www-authenticate']).to.match(/^Bearer .*error="invalid_token"/);
          expectNoSecrets(error, [token]);
        }
      });

      it('maps the refusals of PAR and CIBA requests', async () => {
        const par = new PushedAuthorizationRequests(clientOptions(server(), 'web-app'));
        const badRedirect = await rejectionOf(
          par.pushedAuthorizationRequest({
            responseType: 'code',
            redirectUri: 'https://evil.example.com/cb',
            scope: 'openid',
          }),
        );
        expect(expectAuth0Error(badRedirect, 400, 'invalid_request').message).to.match(/redirect_uri/);
        const ciba = new BackChannelLogin(clientOptions(server(), 'web-app'));
        const badMessage = await rejectionOf(
          ciba.backChannelLogin({ bindingMessage: '<script>', loginHint: 'user-123', scope: 'openid' }),
        );
        expectAuth0Error(badMessage, 400, 'invalid_binding_message');
      });
    });
  });

describe('transport failures against a stopped OpenID Provider', function () {
  this.timeout(20_000);

  it('rejects with a NetworkError, not an Auth0Error, once the provider is gone — before and after a connection was kept', async () => {
    const provider = await startProvider();
    const { server } = provider;
    const warm = new GetToken(clientOptions(server, 'm2m-secret'));
    await warm.clientCredentials({ audience: server.audience });
    const cold = new GetToken(clientOptions(server, 'm2m-secret'));
    await server.stop();
    for (const client of [warm, cold]) {
      const error = await rejectionOf(client.clientCredentials({ audience: server.audience }));
      expect(error).to.be.instanceOf(NetworkError).and.not.be.instanceOf(Auth0Error);
      expect(error.message).to.include(`POST ${server.issuer}oauth/token failed`);
      expectNoSecrets(error, [server.client('m2m-secret').clientSecret!]);
    }
    expect(provider.errors).to.deep.equal([]);
  });
});
