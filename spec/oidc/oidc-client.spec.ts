import { expect } from 'chai';
import { Auth0Error, ConfigurationError, type TokenValidationError } from '../../lib/errors.js';
import { oidcConfigFromEnv } from '../../lib/oidc/env.js';
import { OidcClient } from '../../lib/oidc/oidc-client.js';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../lib/token-verifier/logout-token-verifier.js';
import { record } from '../helpers/capture.js';
import {
  ACCESS_TOKEN,
  CALLBACK,
  CLIENT_SECRET,
  client,
  idToken,
  ISSUER,
  METADATA,
  opened,
  OPTIONS,
  ORIGIN,
  REFRESH_TOKEN,
  SECRET,
  serveKeys,
  signed,
  tokenEndpoint,
} from '../helpers/oidc.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';

describe('OidcClient', () => {
  beforeEach(serveKeys);

  describe('refresh', () => {
    it('redeems the refresh token, verifies the new ID token against the old, and returns the rotated token', async () => {
      const web = client();
      const original = { iss: ISSUER, sub: 'user-1', aud: 'web', iat: 1, exp: 2, nonce: 'n-1' };
      const token = tokenEndpoint('n-1', {}, { refresh_token: 'rotated-refresh-token' });
      const tokens = await web.refresh(REFRESH_TOKEN, { previousClaims: original });
      expect(token.request.body).to.deep.include({ grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN });
      expect(tokens).to.deep.include({ accessToken: ACCESS_TOKEN, refreshToken: 'rotated-refresh-token' });
      expect(tokens.idTokenClaims?.sub).to.equal('user-1');
    });

    it('keeps the refresh token used when the provider does not rotate it, and verifies without the old claims', async () => {
      tokenEndpoint('nonce-of-the-original-login', {}, { refresh_token: undefined });
      const tokens = await client().refresh(REFRESH_TOKEN);
      expect(tokens.refreshToken).to.equal(REFRESH_TOKEN);
      expect(tokens.idTokenClaims?.nonce).to.equal('nonce-of-the-original-login');
    });

    it('returns no claims when the provider issues no new ID token', async () => {
      tokenEndpoint(undefined, {}, { id_token: undefined });
      expect(await client().refresh(REFRESH_TOKEN)).to.not.have.property('idTokenClaims');
    });

    it('refuses a new ID token about another user (OIDC Core §12.2)', async () => {
      tokenEndpoint(undefined, { sub: 'user-2' });
      const original = { iss: ISSUER, sub: 'user-1', aud: 'web', iat: 1, exp: 2 };
      const err = (await rejectionOf(
        client().refresh(REFRESH_TOKEN, { previousClaims: original }),
      )) as TokenValidationError;
      expect([err.code, err.claim]).to.deep.equal(['ERR_TOKEN_REFRESH_MISMATCH', 'sub']);
    });

    it("carries the provider's refusal as an Auth0Error", async () => {
      record('POST', '/realms/demo/token', { status: 400, body: { error: 'invalid_grant' } }, ORIGIN);
      const err = (await rejectionOf(client().refresh(REFRESH_TOKEN))) as Auth0Error;
      expect([err.constructor, err.errorCode]).to.deep.equal([Auth0Error, 'invalid_grant']);
      expectNoSecrets(err, [REFRESH_TOKEN, CLIENT_SECRET]);
    });
  });

  describe('logoutUrl and verifyLogoutToken', () => {
    it('builds the RP-Initiated Logout URL back to the post-logout redirect URI', () => {
      const url = new URL(client().logoutUrl({ idTokenHint: 'h.p.s', state: 'bye' }));
      expect(Object.fromEntries(url.searchParams)).to.deep.equal({
        id_token_hint: 'h.p.s',
        client_id: 'web',
        post_logout_redirect_uri: 'https://app.example.com/',
        state: 'bye',
      });
    });

    it('verifies a logout token with the keys of the ID tokens, and refuses an ID token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const logout = signed(
        {
          iss: ISSUER,
          aud: 'web',
          iat: now,
          exp: now + 120,
          jti: 'j1',
          sid: 's1',
          events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        },
        'logout+jwt',
      );
      expect((await client().verifyLogoutToken(logout)).sid).to.equal('s1');
      const err = (await rejectionOf(client().verifyLogoutToken(idToken()))) as TokenValidationError;
      expect(err.code).to.equal('ERR_TOKEN_EVENTS_MISSING');
    });
  });

  describe('discover and fromEnv', () => {
    const discovery = `${ISSUER}/.well-known/openid-configuration`;

    it('discovers the provider from its issuer', async () => {
      record('GET', '/realms/demo/.well-known/openid-configuration', { body: METADATA }, ORIGIN);
      const web = await OidcClient.discover(OPTIONS);
      expect(web.metadata).to.deep.equal(METADATA);
    });

    it('logs in through a multi-tenant Entra ID app: the {tenantid} issuer template, filled with the tid', async () => {
      const entra = 'https://login.microsoftonline.com';
      const template = `${entra}/{tenantid}/v2.0`;
      const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
      record(
        'GET',
        '/common/v2.0/.well-known/openid-configuration',
        {
          body: {
            issuer: template,
            authorization_endpoint: `${entra}/common/oauth2/v2.0/authorize`,
            token_endpoint: `${entra}/common/oauth2/v2.0/token`,
            jwks_uri: METADATA.jwks_uri,
          },
        },
        entra,
      );
      const web = await OidcClient.fromEnv({
        OIDC_TYPE: 'azure',
        OIDC_TENANT: 'common',
        OIDC_CLIENT_ID: 'web',
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        OIDC_CALLBACK: CALLBACK,
        AUTHN_SESSION_SECRET: SECRET,
      });
      expect(web.issuer).to.equal(template);
      const login = await web.startLogin();
      const { state, nonce } = opened(login);
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: `${entra}/${tenant}/v2.0`,
        tid: tenant,
        sub: 's',
        aud: 'web',
        iat: now,
        exp: now + 60,
        nonce,
      };
      record('POST', '/common/oauth2/v2.0/token', { body: { id_token: signed(claims), token_type: 'Bearer' } }, entra);
      const result = await web.finishLogin(`${CALLBACK}?code=c&state=${state}`, login.transaction.value);
      expect(result.claims.iss).to.equal(`${entra}/${tenant}/v2.0`);
    });

    it('refuses bad options before any request', async () => {
      const err = await rejectionOf(OidcClient.discover({ ...OPTIONS, secret: 'short' }));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'secret');
    });

    it('refuses an unknown option before any request, naming the closest known one', async () => {
      const renamed = await rejectionOf(OidcClient.discover({ ...OPTIONS, issuerBaseURL: ISSUER } as never));
      expect(renamed).to.be.instanceOf(ConfigurationError).with.property('option', 'issuerBaseURL');
      expect(renamed.message).to.equal('unknown option "issuerBaseURL"; did you mean issuer?');
      const env = { OIDC_CLIENT_ID: 'web', OIDC_DISCOVERY_URI: discovery, AUTHN_SESSION_SECRET: SECRET };
      const overridden = await rejectionOf(OidcClient.fromEnv(env, { scopes: 'openid' } as never));
      expect(overridden.message).to.equal('unknown option "scopes"; did you mean scope?');
      const built = thrownBy(() => new OidcClient({ ...OPTIONS, fetchUserInfo: true } as never, METADATA));
      expect(built.message).to.equal('unknown option "fetchUserInfo"; did you mean fetchUserinfo?');
    });

    it('takes what oidcConfigFromEnv returns, passed whole with its type, baseUrl and publicKeyUrls', async () => {
      record('GET', '/realms/demo/.well-known/openid-configuration', { body: METADATA }, ORIGIN);
      const config = oidcConfigFromEnv({
        OIDC_CLIENT_ID: 'web',
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        OIDC_DISCOVERY_URI: discovery,
        OIDC_SERVER_URL: 'https://app.example.com',
        AUTHENTICATION_PUBLIC_KEYS: `${ISSUER}/keys`,
        AUTHN_SESSION_SECRET: SECRET,
      });
      expect(config).to.include.keys('type', 'baseUrl', 'publicKeyUrls');
      expect((await OidcClient.discover(config)).clientId).to.equal('web');
    });

    it('builds a client from the environment, naming the variable of a bad value', async () => {
      record('GET', '/realms/demo/.well-known/openid-configuration', { body: METADATA }, ORIGIN);
      const env = {
        OIDC_CLIENT_ID: 'web',
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        OIDC_DISCOVERY_URI: discovery,
        OIDC_CALLBACK: CALLBACK,
        AUTHN_SESSION_SECRET: SECRET,
      };
      const web = await OidcClient.fromEnv(env, { fetchUserinfo: true });
      expect([web.issuer, web.clientId]).to.deep.equal([ISSUER, 'web']);
      const missing = await rejectionOf(OidcClient.fromEnv({ ...env, AUTHN_SESSION_SECRET: undefined }));
      expect(missing).to.be.instanceOf(ConfigurationError).with.property('option', 'AUTHN_SESSION_SECRET');
      const overridden = await rejectionOf(OidcClient.fromEnv(env, { secret: 'short' }));
      expect(overridden).to.be.instanceOf(ConfigurationError).with.property('option', 'secret');
      record('GET', '/realms/demo/.well-known/openid-configuration', { body: METADATA }, ORIGIN);
      const supplied = await OidcClient.fromEnv({ ...env, AUTHN_SESSION_SECRET: undefined }, { secret: SECRET });
      expect(supplied.clientId).to.equal('web');
    });
  });
});
