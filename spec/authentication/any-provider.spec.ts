// Every client object pointed at an OpenID Provider that is not Auth0: by issuer (discovery), by discovery URL, or
// by explicit endpoints. The provider's endpoints live under a path and on several hosts, as Okta's, Keycloak's,
// Entra ID's and Google's do; Auth0-only endpoints go to the issuer's origin or are refused.
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { AuthenticationClient } from '../../lib/authentication/authentication-client.js';
import { BackChannelLogin } from '../../lib/authentication/back-channel-login.js';
import type { AuthenticationOptions } from '../../lib/authentication/base.js';
import { Database } from '../../lib/authentication/database.js';
import { GetToken } from '../../lib/authentication/get-token.js';
import { PushedAuthorizationRequests } from '../../lib/authentication/pushed-authorization-requests.js';
import { RevokeToken } from '../../lib/authentication/revoke-token.js';
import { Users } from '../../lib/authentication/users.js';
import { ConfigurationError } from '../../lib/errors.js';
import { DiscoveryCache } from '../../lib/oidc/discovery.js';
import { record } from '../helpers/capture.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

const ORIGIN = 'https://idp.example.com';
const ISSUER = `${ORIGIN}/oauth2/default`;
/** Google's token endpoint is on another host than its issuer. */
const TOKEN_ORIGIN = 'https://token.idp.example.com';
const METADATA = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/v1/authorize`,
  token_endpoint: `${TOKEN_ORIGIN}/token`,
  revocation_endpoint: `${ISSUER}/v1/revoke`,
  userinfo_endpoint: `${ISSUER}/v1/userinfo`,
  pushed_authorization_request_endpoint: `${ISSUER}/v1/par`,
  backchannel_authentication_endpoint: `${ISSUER}/v1/bc-authorize`,
};
const DISCOVERY_PATH = '/oauth2/default/.well-known/openid-configuration';
const TOKENS = { access_token: 'at', token_type: 'Bearer', expires_in: 60 };

/** Serves the discovery document once, and counts the requests. */
function discovery(document: object = METADATA): { requests: number } {
  const seen = { requests: 0 };
  nock(ORIGIN)
    .get(DISCOVERY_PATH)
    .delay(5)
    .reply(() => {
      seen.requests++;
      return [200, document];
    });
  return seen;
}

const options = (extra: Partial<AuthenticationOptions> = {}): AuthenticationOptions => ({
  issuer: ISSUER,
  clientId: 'cid',
  clientSecret: 'the-client-SECRET-value-of-32-bytes!',
  discovery: new DiscoveryCache(),
  ...extra,
});

describe('any OpenID Provider', () => {
  describe('by issuer', () => {
    it('posts every grant to the discovered token endpoint, on its own host', async () => {
      discovery();
      const server = record('POST', '/token', { body: TOKENS }, TOKEN_ORIGIN);
      expect(await new GetToken(options()).clientCredentials({ scope: 'read' })).to.deep.equal(TOKENS);
      expect(server.request.body).to.include({ grant_type: 'client_credentials', client_id: 'cid', scope: 'read' });
    });

    it('revokes at the revocation endpoint and reads userinfo at the userinfo endpoint', async () => {
      discovery();
      const revoke = record('POST', '/oauth2/default/v1/revoke', { status: 200, body: '' }, ORIGIN);
      const userinfo = record('GET', '/oauth2/default/v1/userinfo', { body: { sub: 'u1' } }, ORIGIN);
      const client = new AuthenticationClient(options());
      await client.revokeToken.revokeRefreshToken({ token: 'rt' });
      expect(await client.users.userinfo('at')).to.deep.equal({ sub: 'u1' });
      expect(revoke.request.body).to.include({ token: 'rt', client_id: 'cid' });
      expect(userinfo.request.headers.authorization).to.equal('Bearer at');
    });

    it('pushes to the PAR endpoint and builds the authorization URL on the authorization endpoint', async () => {
      discovery();
      const par = record(
        'POST',
        '/oauth2/default/v1/par',
        { status: 201, body: { request_uri: 'urn:r:1', expires_in: 60 } },
        ORIGIN,
      );
      const answer = await new PushedAuthorizationRequests(options()).pushedAuthorizationRequest({
        responseType: 'code',
        redirectUri: 'https://app.example.com/cb',
      });
      expect(answer.authorizationUrl).to.equal(`${ISSUER}/v1/authorize?client_id=cid&request_uri=urn%3Ar%3A1`);
      expect(par.request.body).to.include({ response_type: 'code', client_id: 'cid' });
    });

    it('starts CIBA at the backchannel authentication endpoint', async () => {
      discovery();
      const ciba = record(
        'POST',
        '/oauth2/default/v1/bc-authorize',
        { body: { auth_req_id: 'r', expires_in: 60 } },
        ORIGIN,
      );
      await new BackChannelLogin(options()).backChannelLogin({
        bindingMessage: 'b',
        loginHint: 'ada',
        scope: 'openid',
      });
      expect(ciba.request.body).to.include({ binding_message: 'b', login_hint: 'ada' });
    });

    it('discovers once for a whole AuthenticationClient, however many calls of its parts run at once', async () => {
      const seen = discovery();
      nock(TOKEN_ORIGIN).post('/token').times(20).reply(200, TOKENS);
      nock(ORIGIN).get('/oauth2/default/v1/userinfo').times(20).reply(200, { sub: 'u' });
      const client = new AuthenticationClient(options());
      await Promise.all([
        ...Array.from({ length: 20 }, () => client.getToken.clientCredentials()),
        ...Array.from({ length: 20 }, () => client.users.userinfo('at')),
      ]);
      expect(seen.requests).to.equal(1);
    });

    it('refuses a call whose endpoint the provider does not advertise, naming the metadata key, with no request', async () => {
      discovery({ issuer: ISSUER, token_endpoint: METADATA.token_endpoint });
      const client = new AuthenticationClient(options());
      const cases: [Promise<unknown>, string][] = [
        [client.revokeToken.revokeRefreshToken({ token: 'rt' }), 'revocation_endpoint'],
        [client.users.userinfo('at'), 'userinfo_endpoint'],
        [
          client.backChannelLogin.backChannelLogin({ bindingMessage: 'b', loginHint: 'h', scope: 'openid' }),
          'backchannel_authentication_endpoint',
        ],
        [
          client.pushedAuthorizationRequests.pushedAuthorizationRequest({
            responseType: 'code',
            redirectUri: 'https://a/cb',
          }),
          'authorization_endpoint',
        ],
      ];
      for (const [call, key] of cases) {
        const err = await rejectionOf(call);
        expect(err, key).to.be.instanceOf(ConfigurationError).with.property('option', 'issuer');
        expect(err.message).to.include(key);
      }
      expect(nock.pendingMocks()).to.deep.equal([]);
    });

    it("sends Auth0-only endpoints to the issuer's origin", async () => {
      const signup = record(
        'POST',
        '/dbconnections/signup',
        { body: { _id: '1', email: 'a@b', email_verified: false } },
        ORIGIN,
      );
      await new Database(options()).signup({ email: 'a@b', password: 'pw', connection: 'db' });
      expect(signup.request.body).to.include({ client_id: 'cid', connection: 'db' });
    });

    it('makes the token endpoint URL the audience of private_key_jwt and client_secret_jwt assertions', async () => {
      const keys = rsaKeys();
      for (const extra of [
        { clientSecret: undefined, clientAssertionSigningKey: keys.privatePem },
        { clientAuthMethod: 'client_secret_jwt' as const },
      ]) {
        discovery();
        const server = record('POST', '/token', { body: TOKENS }, TOKEN_ORIGIN);
        await new GetToken(options(extra)).clientCredentials();
        const assertion = jwt.decode(server.request.body.client_assertion as string) as jwt.JwtPayload;
        expect(assertion.aud).to.equal(METADATA.token_endpoint);
        expect(server.request.body).to.not.have.property('client_secret');
      }
    });

    it('lets clientAssertionAudience override the audience of assertions', async () => {
      discovery();
      const server = record('POST', '/token', { body: TOKENS }, TOKEN_ORIGIN);
      await new GetToken(
        options({ clientAuthMethod: 'client_secret_jwt', clientAssertionAudience: ISSUER }),
      ).clientCredentials();
      expect((jwt.decode(server.request.body.client_assertion as string) as jwt.JwtPayload).aud).to.equal(ISSUER);
    });

    // Audience injection (OpenID Foundation, 2025): a malicious provider that shares the client's key names an
    // honest server's token endpoint as its own. By default the assertions it receives carry that audience
    // (DESIGN.md); clientAssertionAudience set to the issuer binds every assertion, PAR's included, to the
    // provider it is sent to. docs/security.md has the advice.
    it('signs, with clientAssertionAudience the issuer, assertions a provider cannot replay at another', async () => {
      const evil = 'https://evil.example';
      const assertions: string[] = [];
      for (const audience of [undefined, evil]) {
        nock(evil)
          .get('/.well-known/openid-configuration')
          .reply(200, {
            issuer: evil,
            authorization_endpoint: `${evil}/authorize`,
            token_endpoint: 'https://honest.example/oauth/token',
            pushed_authorization_request_endpoint: `${evil}/par`,
          });
        const par = record('POST', '/par', { status: 201, body: { request_uri: 'urn:x', expires_in: 60 } }, evil);
        await new PushedAuthorizationRequests({
          issuer: evil,
          discovery: new DiscoveryCache(),
          clientId: 'shared-client',
          clientAssertionSigningKey: rsaKeys().privatePem,
          ...(audience !== undefined && { clientAssertionAudience: audience }),
        }).pushedAuthorizationRequest({ responseType: 'code', redirectUri: 'https://app.example.com/callback' });
        assertions.push(par.request.body.client_assertion as string);
      }
      const audiences = assertions.map((assertion) => (jwt.decode(assertion) as jwt.JwtPayload).aud);
      expect(audiences).to.deep.equal(['https://honest.example/oauth/token', evil]);
    });
  });

  describe('by discoveryUri', () => {
    it('reads the endpoints from the document at that URL', async () => {
      discovery();
      const server = record('POST', '/token', { body: TOKENS }, TOKEN_ORIGIN);
      const getToken = new GetToken(options({ issuer: undefined, discoveryUri: `${ORIGIN}${DISCOVERY_PATH}` }));
      await getToken.refreshToken({ refreshToken: 'rt' });
      expect(server.request.body).to.include({ grant_type: 'refresh_token', refresh_token: 'rt' });
      expect(getToken.origin).to.equal(ORIGIN);
    });
  });

  describe('by endpoints', () => {
    const endpoints = { token: `${TOKEN_ORIGIN}/token`, userinfo: `${ISSUER}/v1/userinfo` };

    it('uses the configured endpoints with no discovery, and the token endpoint as assertion audience', async () => {
      const keys = rsaKeys();
      const server = record('POST', '/token', { body: TOKENS }, TOKEN_ORIGIN);
      const getToken = new GetToken({ endpoints, clientId: 'cid', clientAssertionSigningKey: keys.privatePem });
      await getToken.authorizationCodePkce({ code: 'c', codeVerifier: 'v'.repeat(43) });
      expect(
        (jwt.verify(server.request.body.client_assertion as string, keys.publicKey) as jwt.JwtPayload).aud,
      ).to.equal(endpoints.token);
      expect(getToken.origin).to.equal(undefined);
      const profile = record('GET', '/oauth2/default/v1/userinfo', { body: { sub: 'u' } }, ORIGIN);
      expect(await new Users({ endpoints }).userinfo('at')).to.deep.equal({ sub: 'u' });
      expect(profile.request.headers.authorization).to.equal('Bearer at');
    });

    it('refuses Auth0-only endpoints and endpoints it was not given, before any request', async () => {
      const client = new AuthenticationClient({ endpoints, clientId: 'cid' });
      for (const call of [
        client.database.signup({ email: 'a@b', password: 'pw', connection: 'db' }),
        client.passwordless.sms({ phoneNumber: '+1' }),
        client.enterprise.samlMetadata(),
        new RevokeToken({ endpoints, clientId: 'cid' }).revokeRefreshToken({ token: 'rt' }),
      ]) {
        expect(await rejectionOf(call))
          .to.be.instanceOf(ConfigurationError)
          .with.property('option', 'endpoints');
      }
    });
  });

  it('refuses domain with issuer, and http: to a host that is not loopback, at construction', () => {
    for (const bad of [
      { domain: 'tenant.example.com', issuer: ISSUER },
      { issuer: 'http://idp.example.com/' },
      { endpoints: { token: 'http://idp.example.com/token' } },
    ]) {
      expect(
        thrownBy(() => new AuthenticationClient({ clientId: 'cid', ...bad })),
        JSON.stringify(bad),
      ).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => new Users(bad))).to.be.instanceOf(ConfigurationError);
    }
  });
});
