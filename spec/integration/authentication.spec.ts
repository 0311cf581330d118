// The Authentication API classes against a real OpenID Provider (node-oidc-provider through lib/dev-server), on
// both of its profiles — Auth0's paths found from `domain`, and node-oidc-provider's own routes under an issuer
// path found by discovery from `issuer`: every grant the provider supports through GetToken, revocation,
// userinfo, PAR, CIBA, the device flow, introspection and the facade.
import { expect } from 'chai';
import {
  AuthenticationClient,
  BackChannelLogin,
  DeviceAuthorization,
  GetToken,
  PushedAuthorizationRequests,
  RevokeToken,
  TokenIntrospection,
  Users,
} from '../../lib/authentication/index.js';
import { headlessDeviceApproval, headlessLogin } from '../../lib/dev-server/headless-login.js';
import { Auth0Error, ConfigurationError } from '../../lib/errors.js';
import { createPkcePair, randomNonce, randomState } from '../../lib/oidc/index.js';
import { atHash, decodeJwt } from '../helpers/dev-server.js';
import { clientOptions, locationOf, login, PROFILES, profileOptions, useProvider } from '../helpers/integration.js';
import { rejectionOf } from '../helpers/secrets.js';

const API_SCOPES = 'read:messages write:messages';

for (const profile of PROFILES)
  describe(`Authentication API against a real OpenID Provider (${profile} profile)`, function () {
    this.timeout(20_000);
    const server = useProvider(profileOptions(profile));
    const getToken = (clientId: string, extra = {}) => new GetToken(clientOptions(server(), clientId, extra));
    const auth0 = profile === 'auth0';

    /** The claims of an access token, after checking that it is an RFC 9068 JWT of this server. */
    function accessClaims(token: string): Record<string, unknown> {
      const { header, payload } = decodeJwt(token);
      expect(header).to.include({ alg: 'RS256', typ: 'at+jwt', kid: server().jwks.keys[0]!.kid });
      expect(payload.iss).to.equal(server().issuer);
      return payload;
    }

    /** The `aud` of a user's API access token: Auth0 adds its userinfo endpoint, node-oidc-provider does not. */
    const userAudience = () => (auth0 ? [server().audience, server().endpoints.userinfo] : server().audience);
    /** Who a user's access token was issued to: Auth0's `azp`, the standard `client_id`. */
    const issuedTo = (clientId: string) => (auth0 ? { azp: clientId } : { client_id: clientId });

    describe('GetToken.clientCredentials', () => {
      it('gets an API token with the client secret in the body (client_secret_post)', async () => {
        const tokens = await getToken('m2m-secret').clientCredentials({ audience: server().audience });
        expect(tokens).to.include({ token_type: 'Bearer', expires_in: 3600, ...(auth0 && { scope: API_SCOPES }) });
        expect(accessClaims(tokens.access_token)).to.include({
          sub: 'm2m-secret',
          client_id: 'm2m-secret',
          aud: server().audience,
          ...(auth0 && { gty: 'client-credentials', scope: API_SCOPES }),
        });
      });

      it('gets a token with the secret in a Basic header (client_secret_basic), narrowed to the scope asked', async () => {
        const basic = getToken('m2m-secret', { clientAuthMethod: 'client_secret_basic' });
        expect(basic.clientAuthMethod).to.equal('client_secret_basic');
        const tokens = await basic.clientCredentials({ audience: server().audience, scope: 'read:messages' });
        expect(tokens.scope).to.equal('read:messages');
        expect(accessClaims(tokens.access_token)).to.deep.include({
          scope: 'read:messages',
          ...(auth0 && { permissions: ['read:messages'] }),
        });
      });

      it("gets a token with a private_key_jwt assertion signed by the client's key", async () => {
        const assertion = getToken('m2m-jwt');
        expect(assertion.clientAuthMethod).to.equal('private_key_jwt');
        const tokens = await assertion.clientCredentials({ audience: server().audience });
        expect(accessClaims(tokens.access_token)).to.include({ sub: 'm2m-jwt', aud: server().audience });
      });

      it('selects the API with RFC 8707 resource as well as with Auth0 audience, and issues a new token each time', async () => {
        const client = getToken('m2m-secret');
        const byAudience = await client.clientCredentials({ audience: server().audience });
        const byResource = await client.clientCredentials({ resource: server().audience });
        const claims = [byAudience, byResource].map((tokens) => accessClaims(tokens.access_token));
        expect(claims.map((payload) => payload.aud)).to.deep.equal([server().audience, server().audience]);
        expect(claims[0]!.jti).to.be.a('string').and.not.equal(claims[1]!.jti);
      });
    });

    describe('GetToken.authorizationCode and authorizationCodePkce', () => {
      it('exchanges a code of the confidential web app without PKCE: ID, API access and refresh tokens', async () => {
        const { code, nonce, redirectUri } = await login(server(), 'web-app', {
          audience: server().audience,
          pkce: false,
        });
        const tokens = await getToken('web-app').authorizationCode({ code, redirectUri });
        expect(tokens).to.have.keys('access_token', 'id_token', 'refresh_token', 'expires_in', 'scope', 'token_type');
        expect(decodeJwt(tokens.id_token!).payload).to.include({
          aud: 'web-app',
          sub: 'user-123',
          nonce,
          // node-oidc-provider puts at_hash in the ID tokens of the authorization endpoint only.
          ...(auth0 && { at_hash: atHash(tokens.access_token) }),
        });
        expect(accessClaims(tokens.access_token).aud).to.deep.equal(userAudience());
      });

      it('exchanges a code with PKCE for the web app, which authenticates as well', async () => {
        const { code, codeVerifier, redirectUri } = await login(server(), 'web-app', { audience: server().audience });
        const tokens = await getToken('web-app').authorizationCodePkce({ code, codeVerifier, redirectUri });
        expect(accessClaims(tokens.access_token)).to.include({ sub: 'user-123', ...issuedTo('web-app') });
      });

      it('exchanges a code without redirectUri: the provider takes the one redirect URI the client registered', async () => {
        const { code, codeVerifier } = await login(server(), 'web-app', { audience: server().audience });
        const tokens = await getToken('web-app').authorizationCodePkce({ code, codeVerifier });
        expect(accessClaims(tokens.access_token)).to.include({ sub: 'user-123', ...issuedTo('web-app') });
      });

      it('exchanges a code with PKCE for the public SPA, which sends its client id only', async () => {
        const spa = getToken('spa');
        expect(spa.clientAuthMethod).to.equal('none');
        const { code, codeVerifier, redirectUri } = await login(server(), 'spa', { audience: server().audience });
        const tokens = await spa.authorizationCodePkce({ code, codeVerifier, redirectUri });
        expect(decodeJwt(tokens.id_token!).payload).to.include({ aud: 'spa', sub: 'user-123' });
        expect(accessClaims(tokens.access_token)).to.include(issuedTo('spa'));
      });
    });

    describe('GetToken.refreshToken and RevokeToken', () => {
      it('refreshes: a new access token and an ID token for the same user', async () => {
        const { code, codeVerifier, redirectUri } = await login(server(), 'web-app', { audience: server().audience });
        const client = getToken('web-app');
        const first = await client.authorizationCodePkce({ code, codeVerifier, redirectUri });
        const refreshed = await client.refreshToken({ refreshToken: first.refresh_token! });
        expect(refreshed.access_token).to.not.equal(first.access_token);
        expect(accessClaims(refreshed.access_token)).to.include({ sub: 'user-123' });
        expect(decodeJwt(refreshed.id_token!).payload).to.include({
          sub: 'user-123',
          aud: 'web-app',
          ...(auth0 && { at_hash: atHash(refreshed.access_token) }),
        });
      });

      it("rotates the public SPA's refresh token: the used one is refused with invalid_grant", async () => {
        const { code, codeVerifier, redirectUri } = await login(server(), 'spa');
        const spa = getToken('spa');
        const first = await spa.authorizationCodePkce({ code, codeVerifier, redirectUri });
        const second = await spa.refreshToken({ refreshToken: first.refresh_token! });
        expect(second.refresh_token).to.be.a('string').and.not.equal(first.refresh_token);
        const error = await rejectionOf(spa.refreshToken({ refreshToken: first.refresh_token! }));
        expect(error).to.be.instanceOf(Auth0Error).and.include({ statusCode: 400, errorCode: 'invalid_grant' });
      });

      it('revokes a refresh token, after which refreshing fails with invalid_grant', async () => {
        const { code, codeVerifier, redirectUri } = await login(server(), 'web-app', { audience: server().audience });
        const tokens = await getToken('web-app').authorizationCodePkce({ code, codeVerifier, redirectUri });
        const revoke = new RevokeToken(clientOptions(server(), 'web-app'));
        expect(await revoke.revokeRefreshToken({ token: tokens.refresh_token! })).to.equal(undefined);
        const error = await rejectionOf(getToken('web-app').refreshToken({ refreshToken: tokens.refresh_token! }));
        expect(error).to.be.instanceOf(Auth0Error).and.include({ statusCode: 400, errorCode: 'invalid_grant' });
      });
    });

    describe('Users.userinfo', () => {
      it('returns the profile for the access token of an openid login, for the scopes granted', async () => {
        // Auth0's API tokens name the userinfo endpoint too; node-oidc-provider's userinfo takes its own tokens.
        const { code, codeVerifier, redirectUri } = await login(server(), 'web-app', {
          audience: auth0 ? server().audience : undefined,
          scope: 'openid email',
        });
        const tokens = await getToken('web-app').authorizationCodePkce({ code, codeVerifier, redirectUri });
        const profile = await new Users(locationOf(server())).userinfo(tokens.access_token);
        expect(profile).to.deep.equal({ sub: 'user-123', email: 'user-123@example.com', email_verified: true });
      });
    });

    describe('PushedAuthorizationRequests', () => {
      it('pushes an authorization request and completes the login through the authorizationUrl it returns', async () => {
        const par = new PushedAuthorizationRequests(clientOptions(server(), 'web-app'));
        const { codeVerifier, codeChallenge } = createPkcePair();
        const state = randomState();
        const redirectUri = server().client('web-app').redirectUris[0]!;
        const pushed = await par.pushedAuthorizationRequest({
          responseType: 'code',
          redirectUri,
          scope: 'openid profile',
          audience: server().audience,
          state,
          nonce: randomNonce(),
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        });
        expect(pushed.request_uri).to.match(/^urn:ietf:params:oauth:request_uri:/);
        expect(pushed.expires_in).to.be.a('number').above(0);
        const url = new URL(pushed.authorizationUrl);
        expect(`${url.origin}${url.pathname}`).to.equal(server().endpoints.authorization);
        expect([...url.searchParams.keys()].sort()).to.deep.equal(['client_id', 'request_uri']);

        const response = await headlessLogin(pushed.authorizationUrl, { redirectUri });
        expect(response).to.include({ state, iss: server().issuer });
        const tokens = await getToken('web-app').authorizationCodePkce({
          code: response.code!,
          codeVerifier,
          redirectUri,
        });
        expect(accessClaims(tokens.access_token)).to.include({ sub: 'user-123', ...issuedTo('web-app') });
      });
    });

    describe('BackChannelLogin and GetToken.pollBackchannelLogin (CIBA)', () => {
      it("starts a back-channel login for Auth0's iss_sub hint and polls until the tokens come", async () => {
        const ciba = new BackChannelLogin(clientOptions(server(), 'web-app'));
        const started = await ciba.backChannelLogin({
          bindingMessage: 'Approve 42',
          loginHint: { format: 'iss_sub', iss: server().issuer, sub: 'user-123' },
          scope: 'openid email read:messages',
          audience: server().audience,
        });
        expect(started.auth_req_id).to.be.a('string');
        expect(started.expires_in).to.equal(300);
        // The dev server approves at once and sends no interval (CIBA's default is 5 s): poll sooner here.
        const tokens = await getToken('web-app').pollBackchannelLogin({
          authReqId: started.auth_req_id,
          interval: 0.05,
          expiresIn: started.expires_in,
        });
        expect(decodeJwt(tokens.id_token!).payload).to.include({ sub: 'user-123', aud: 'web-app' });
        const access = accessClaims(tokens.access_token);
        expect(access).to.include({ sub: 'user-123', scope: auth0 ? 'openid email read:messages' : 'read:messages' });
        expect(access.aud).to.deep.equal(userAudience());
      });
    });

    describe('DeviceAuthorization and GetToken.pollDeviceCode (RFC 8628)', () => {
      it('starts a device authorization for the public device client, and polls until the user approved it', async () => {
        const device = new DeviceAuthorization(clientOptions(server(), 'device'));
        const started = await device.start({ scope: 'openid offline_access' });
        expect(started).to.include({ verification_uri: server().endpoints.deviceVerification });
        expect(started.user_code).to.be.a('string');
        const polling = getToken('device').pollDeviceCode({
          deviceCode: started.device_code,
          interval: 0.05, // the dev server sends no interval (RFC 8628's default is 5 s): poll sooner here
          expiresIn: started.expires_in,
        });
        await headlessDeviceApproval(started.verification_uri_complete!);
        const tokens = await polling;
        expect(decodeJwt(tokens.id_token!).payload).to.include({ aud: 'device', sub: 'user-123' });
        expect(tokens.refresh_token).to.be.a('string');
      });

      it('answers a poll before the approval with authorization_pending', async () => {
        const started = await new DeviceAuthorization(clientOptions(server(), 'device')).start();
        const error = await rejectionOf(getToken('device').deviceCode({ deviceCode: started.device_code }));
        expect(error).to.be.instanceOf(Auth0Error).and.include({ errorCode: 'authorization_pending' });
      });
    });

    describe('TokenIntrospection', () => {
      if (auth0) {
        it('is refused before any request, naming introspection_endpoint: Auth0 has none', async () => {
          const error = await rejectionOf(
            new TokenIntrospection(clientOptions(server(), 'm2m-secret')).introspect('t'),
          );
          expect(error).to.be.instanceOf(ConfigurationError).with.property('option', 'domain');
          expect(error.message).to.include('introspection_endpoint');
        });
        return;
      }

      it('introspects an opaque token as active, and as inactive once revoked', async () => {
        const tokens = await getToken('m2m-secret').clientCredentials();
        expect(tokens.access_token.split('.')).to.have.length(1); // opaque: no resource asked for
        const client = new AuthenticationClient(clientOptions(server(), 'm2m-secret'));
        const active = await client.introspection.introspect(tokens.access_token, { tokenTypeHint: 'access_token' });
        expect(active).to.include({ active: true, client_id: 'm2m-secret', iss: server().issuer });
        await new RevokeToken(clientOptions(server(), 'm2m-secret')).revokeRefreshToken({ token: tokens.access_token });
        expect(await client.introspection.introspect(tokens.access_token)).to.deep.equal({ active: false });
      });
    });

    describe('AuthenticationClient', () => {
      it('runs a whole session through one client: PAR login, code exchange, userinfo, refresh and revocation', async () => {
        const client = new AuthenticationClient(clientOptions(server(), 'web-app'));
        const { codeVerifier, codeChallenge } = createPkcePair();
        const redirectUri = server().client('web-app').redirectUris[0]!;
        const pushed = await client.pushedAuthorizationRequests.pushedAuthorizationRequest({
          responseType: 'code',
          redirectUri,
          scope: 'openid profile offline_access',
          ...(auth0 && { audience: server().audience }),
          state: randomState(),
          nonce: randomNonce(),
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        });
        const { code } = await headlessLogin(pushed.authorizationUrl, { redirectUri });
        const tokens = await client.getToken.authorizationCodePkce({ code: code!, codeVerifier, redirectUri });
        expect(await client.users.userinfo(tokens.access_token)).to.include({ sub: 'user-123', name: 'Test User' });
        const refreshed = await client.getToken.refreshToken({ refreshToken: tokens.refresh_token! });
        expect(refreshed.access_token).to.be.a('string');
        await client.revokeToken.revokeRefreshToken({ token: tokens.refresh_token! });
        const error = await rejectionOf(client.getToken.refreshToken({ refreshToken: tokens.refresh_token! }));
        expect(error).to.be.instanceOf(Auth0Error).and.include({ errorCode: 'invalid_grant' });
      });
    });
  });
