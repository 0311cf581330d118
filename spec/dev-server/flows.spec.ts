// The login-ready clients of the dev server, on both profiles: every flow a relying party runs against it, checked
// with the library's own verifiers where they exist and with plain fetch where the library does not reach yet.
import { expect } from 'chai';
import type { DevServer } from '../../lib/dev-server/dev-server.js';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';
import { headlessDeviceApproval, headlessLogin, headlessLogout } from '../../lib/dev-server/headless-login.js';
import type { DevServerProfile } from '../../lib/dev-server/profile.js';
import { buildAuthorizeUrl, createPkcePair, randomNonce, randomState } from '../../lib/oidc/index.js';
import { AsymmetricSignatureVerifier } from '../../lib/token-verifier/signature-verifier.js';
import { AccessTokenVerifier } from '../../lib/token-verifier/access-token-verifier.js';
import { TokenVerifier } from '../../lib/token-verifier/token-verifier.js';
import { decodeJwt, expectSignedByServer, fastOptions, postForm } from '../helpers/dev-server.js';
import { type Provider, startProvider, stopProvider } from '../helpers/integration.js';
import { type Served, serve } from '../helpers/serve.js';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const BYE = 'http://127.0.0.1/bye';

for (const profile of ['auth0', 'standard'] as DevServerProfile[]) {
  describe(`the dev server's login flows on the ${profile} profile`, function () {
    this.timeout(20_000);
    let provider: Provider;
    let server: DevServer;
    let relyingParty: Served;
    const logoutTokens: { client: string; token: string }[] = [];

    before(async () => {
      relyingParty = await serve((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          logoutTokens.push({ client: req.url ?? '', token: new URLSearchParams(body).get('logout_token') ?? '' });
          res.writeHead(200).end();
        });
      });
      const backchannel = (client: string) => ({
        clientId: client,
        backchannelLogoutUri: `${relyingParty.url}/${client}`,
        postLogoutRedirectUris: [BYE],
      });
      provider = await startProvider({
        profile,
        ...(profile === 'standard' && { issuerPath: '/realms/demo' }),
        clients: [...fastOptions().clients, backchannel('web-app'), backchannel('spa')],
      });
      server = provider.server;
    });

    after(async () => {
      await stopProvider(provider);
      await relyingParty?.close();
    });

    afterEach(() => {
      expect(provider.errors, 'the provider reported errors').to.deep.equal([]);
    });

    function idTokenVerifier(clientId: string): TokenVerifier {
      return new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(server.endpoints.jwks),
        issuer: server.issuer,
        audience: clientId,
      });
    }

    function authorizeUrl(clientId: string, params: { responseType?: string; responseMode?: string } = {}) {
      const state = randomState();
      const nonce = randomNonce();
      const { codeVerifier, codeChallenge } = createPkcePair();
      const url = new URL(
        buildAuthorizeUrl({
          authorizationEndpoint: server.endpoints.authorization,
          clientId,
          redirectUri: server.client(clientId).redirectUris[0],
          scope: 'openid profile email offline_access',
          state,
          nonce,
          codeChallenge,
          ...params,
        }),
      );
      return { url, state, nonce, codeVerifier };
    }

    async function exchange(clientId: string, code: string, codeVerifier: string) {
      const client = server.client(clientId);
      const tokens = await postForm(server.endpoints.token, {
        grant_type: 'authorization_code',
        code,
        code_verifier: codeVerifier,
        redirect_uri: client.redirectUris[0]!,
        client_id: clientId,
        ...(client.clientSecret !== undefined && { client_secret: client.clientSecret }),
      });
      expect(tokens.status, JSON.stringify(tokens.body)).to.equal(200);
      return tokens.body as Record<string, string>;
    }

    async function refresh(clientId: string, refreshToken: string) {
      const client = server.client(clientId);
      return postForm(server.endpoints.token, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: clientId,
        ...(client.clientSecret !== undefined && { client_secret: client.clientSecret }),
      });
    }

    it('logs in the confidential web app by code + PKCE, with iss in the response (RFC 9207)', async () => {
      const discovery = (await (await fetch(server.endpoints.discovery)).json()) as Record<string, unknown>;
      expect(discovery.authorization_response_iss_parameter_supported).to.equal(true);
      expect(discovery.response_modes_supported).to.include.members(['query', 'fragment', 'form_post']);
      for (const responseMode of ['query', 'fragment', 'form_post']) {
        const { url, state, nonce, codeVerifier } = authorizeUrl('web-app', { responseMode });
        const response = await headlessLogin(url);
        expect(response).to.include({ state, iss: server.issuer, responseMode });
        const tokens = await exchange('web-app', response.code!, codeVerifier);
        const claims = await idTokenVerifier('web-app').verify(tokens.id_token!, { nonce });
        expect(claims).to.include({ sub: 'user-123', email: 'user-123@example.com' });
      }
    });

    it('refuses the implicit flow to the confidential web app, which has only the code flow', async () => {
      const { url } = authorizeUrl('web-app', { responseType: 'id_token' });
      const response = await headlessLogin(url);
      expect(response.error).to.equal('invalid_request');
      expect(response.errorDescription).to.equal('requested response_type is not allowed for this client');
    });

    it('answers the SPA in the implicit flow with an ID token, by form_post and by fragment', async () => {
      for (const responseMode of ['form_post', 'fragment']) {
        const { url, state, nonce } = authorizeUrl('spa', { responseType: 'id_token', responseMode });
        const response = await headlessLogin(url);
        expect(response).to.include({ state, responseMode });
        expect(response.params).to.have.keys('id_token', 'state');
        const claims = await idTokenVerifier('spa').verify(response.params.id_token!, { nonce });
        expect(claims.sub).to.equal('user-123');
      }
    });

    it('answers the SPA in the implicit id_token token flow with an access token bound by at_hash', async () => {
      const { url, nonce } = authorizeUrl('spa', { responseType: 'id_token token', responseMode: 'form_post' });
      const { params } = await headlessLogin(url);
      expect(params).to.include.keys('id_token', 'access_token', 'token_type', 'expires_in');
      await idTokenVerifier('spa').verify(params.id_token!, {
        nonce,
        accessToken: params.access_token!,
        requireAtHash: true,
      });
      const userinfo = await fetch(server.endpoints.userinfo, {
        headers: { authorization: `Bearer ${params.access_token}` },
      });
      expect(await userinfo.json()).to.include({ sub: 'user-123' });
    });

    it('answers the SPA in the hybrid code id_token flow: c_hash binds the code, exchanged with PKCE and no secret', async () => {
      const { url, nonce, codeVerifier } = authorizeUrl('spa', { responseType: 'code id_token' });
      const response = await headlessLogin(url);
      expect(response.responseMode).to.equal('fragment');
      await idTokenVerifier('spa').verify(response.params.id_token!, { nonce, code: response.code! });
      const tokens = await exchange('spa', response.code!, codeVerifier);
      expect(tokens).to.include.keys('access_token', 'id_token', 'refresh_token');
    });

    it('issues an RFC 9068 JWT for the API when the login names it', async () => {
      const { url, codeVerifier } = authorizeUrl('spa');
      url.searchParams.set(profile === 'auth0' ? 'audience' : 'resource', server.audience);
      url.searchParams.set('scope', 'openid offline_access read:messages');
      const { code } = await headlessLogin(url);
      const tokens = await exchange('spa', code!, codeVerifier);
      const verifier = new AccessTokenVerifier({
        issuer: server.issuer,
        audience: server.audience,
        jwksUri: server.endpoints.jwks,
      });
      const claims = await verifier.verify(tokens.access_token!);
      expect(claims).to.include({ sub: 'user-123', client_id: 'spa' });
    });

    it('rotates the refresh token of the public SPA at every use, and keeps the web app one', async () => {
      for (const [clientId, rotates] of [
        ['spa', true],
        ['web-app', false],
      ] as const) {
        const { url, codeVerifier } = authorizeUrl(clientId);
        const { code } = await headlessLogin(url);
        const first = (await exchange(clientId, code!, codeVerifier)).refresh_token!;
        const refreshed = await refresh(clientId, first);
        expect(refreshed.status, clientId).to.equal(200);
        const second = String(refreshed.body.refresh_token);
        expect(second !== first, clientId).to.equal(rotates);
        const again = await refresh(clientId, first);
        expect(again.status, clientId).to.equal(rotates ? 400 : 200);
      }
    });

    it('ends the session at logout, redirects to the allowed URI, and posts a logout token to each client of the session', async () => {
      const cookies = new HeadlessCookieJar();
      const web = authorizeUrl('web-app');
      const webTokens = await exchange('web-app', (await headlessLogin(web.url, { cookies })).code!, web.codeVerifier);
      const spa = authorizeUrl('spa');
      await headlessLogin(spa.url, { cookies });
      logoutTokens.length = 0;

      const logout =
        profile === 'auth0'
          ? new URL(`${server.endpoints.logout}?client_id=web-app&returnTo=${encodeURIComponent(BYE)}`)
          : new URL(server.endpoints.endSession!);
      if (profile === 'standard') {
        logout.search = new URLSearchParams({
          id_token_hint: webTokens.id_token!,
          post_logout_redirect_uri: BYE,
          state: 'see-you',
        }).toString();
      }
      const ended = await headlessLogout(logout, { cookies });
      expect(ended.url).to.equal(profile === 'auth0' ? BYE : `${BYE}?state=see-you`);

      expect(logoutTokens.map((entry) => entry.client).sort()).to.deep.equal(['/spa', '/web-app']);
      const { token } = logoutTokens.find((entry) => entry.client === '/web-app')!;
      await expectSignedByServer(server, token);
      const { header, payload } = decodeJwt(token);
      expect(header.typ).to.equal('logout+jwt');
      expect(payload).to.include({ iss: server.issuer, aud: 'web-app', sub: 'user-123' });
      expect(payload.events).to.deep.equal({ 'http://schemas.openid.net/event/backchannel-logout': {} });
      expect(payload.sid).to.equal(decodeJwt(webTokens.id_token!).payload.sid).and.be.a('string');
      expect(payload).to.include.keys('jti', 'iat').and.not.have.property('nonce');

      const silent = authorizeUrl('web-app');
      silent.url.searchParams.set('prompt', 'none');
      expect((await headlessLogin(silent.url, { cookies })).error).to.equal('login_required');
    });

    it('runs the device flow: pending until approved headlessly, then tokens for the device', async () => {
      const started = await postForm(server.endpoints.deviceAuthorization, {
        client_id: 'device',
        scope: 'openid offline_access',
      });
      expect(started.status).to.equal(200);
      expect(started.body).to.include({ verification_uri: server.endpoints.deviceVerification });
      const poll = () =>
        postForm(server.endpoints.token, {
          grant_type: DEVICE_CODE,
          device_code: String(started.body.device_code),
          client_id: 'device',
        });
      expect((await poll()).body.error).to.equal('authorization_pending');
      const approved = await headlessDeviceApproval(String(started.body.verification_uri_complete));
      expect(approved.url.startsWith(server.endpoints.deviceVerification)).to.equal(true);
      const tokens = await poll();
      expect(tokens.status).to.equal(200);
      expect(tokens.body).to.include.keys('access_token', 'id_token', 'refresh_token');
      expect(decodeJwt(String(tokens.body.id_token)).payload).to.include({ sub: 'user-123', aud: 'device' });
    });
  });
}
