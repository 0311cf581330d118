import { createServer } from 'node:net';
import { expect } from 'chai';
import { ClientAuthentication } from '../../lib/authentication/client-authentication.js';
import { type DevServer, startDevServer } from '../../lib/dev-server/dev-server.js';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';
import { headlessLogin, headlessLogout } from '../../lib/dev-server/headless-login.js';
import { ConfigurationError, NetworkError } from '../../lib/errors.js';
import { buildAuthorizeUrl, createPkcePair, randomNonce, randomState } from '../../lib/oidc/index.js';
import { atHash, decodeJwt, expectSignedByServer, fastOptions, postForm } from '../helpers/dev-server.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf } from '../helpers/secrets.js';
import { serve } from '../helpers/serve.js';

const CIBA = 'urn:openid:params:grant-type:ciba';

describe('startDevServer', function () {
  this.timeout(20_000);
  let server: DevServer;
  const errors: unknown[] = [];

  before(async () => {
    server = await startDevServer({ ...fastOptions(), onError: (error) => errors.push(error) });
  });

  after(async () => {
    await server?.stop();
  });

  afterEach(() => {
    expect(errors, 'the provider reported server errors').to.deep.equal([]);
  });

  function secretOf(clientId: string): string {
    return server.client(clientId).clientSecret!;
  }

  async function clientCredentials(form: Record<string, string>, headers: Record<string, string> = {}) {
    return postForm(server.endpoints.token, { grant_type: 'client_credentials', ...form }, headers);
  }

  async function login(clientId: string, extra: { audience?: string; scope?: string; loginHint?: string } = {}) {
    const client = server.client(clientId);
    const { codeVerifier, codeChallenge } = createPkcePair();
    const state = randomState();
    const nonce = randomNonce();
    const redirectUri = client.redirectUris[0]!;
    const url = buildAuthorizeUrl({
      domain: server.domain,
      protocol: 'http',
      clientId,
      redirectUri,
      state,
      nonce,
      codeChallenge,
      scope: extra.scope ?? 'openid profile email offline_access',
      audience: extra.audience,
      loginHint: extra.loginHint,
    });
    const response = await headlessLogin(url);
    expect(response.error).to.equal(undefined);
    expect(response.state).to.equal(state);
    expect(response.iss).to.equal(server.issuer);
    const auth: Record<string, string> =
      client.clientSecret === undefined ? {} : { client_secret: client.clientSecret };
    const tokens = await postForm(server.endpoints.token, {
      grant_type: 'authorization_code',
      code: response.code!,
      redirect_uri: redirectUri,
      code_verifier: codeVerifier,
      client_id: clientId,
      ...auth,
    });
    expect(tokens.status, JSON.stringify(tokens.body)).to.equal(200);
    return { tokens: tokens.body as Record<string, string>, nonce };
  }

  describe('discovery', () => {
    it("publishes an issuer with a trailing slash and Auth0's paths", async () => {
      const response = await fetch(server.endpoints.discovery);
      const document = (await response.json()) as Record<string, unknown>;
      const origin = `http://127.0.0.1:${server.port}`;
      expect(server.issuer).to.equal(`${origin}/`);
      expect(document).to.include({
        issuer: `${origin}/`,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/oauth/token`,
        userinfo_endpoint: `${origin}/userinfo`,
        revocation_endpoint: `${origin}/oauth/revoke`,
        jwks_uri: `${origin}/.well-known/jwks.json`,
        pushed_authorization_request_endpoint: `${origin}/oauth/par`,
        backchannel_authentication_endpoint: `${origin}/bc-authorize`,
      });
      expect(document.grant_types_supported).to.include.members(['client_credentials', 'refresh_token', CIBA]);
      expect(document.code_challenge_methods_supported).to.deep.equal(['S256']);
      expect(server.domain).to.equal(`127.0.0.1:${server.port}`);
      expect(Object.values(server.endpoints).every((url) => url.startsWith(`${origin}/`))).to.equal(true);
    });

    it('publishes the public half of the signing key only', async () => {
      const { keys } = (await (await fetch(server.endpoints.jwks)).json()) as { keys: Record<string, unknown>[] };
      expect(keys).to.have.length(1);
      expect(keys[0]).to.include({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: server.jwks.keys[0]!.kid });
      expect(keys[0]).to.not.have.any.keys('d', 'p', 'q', 'dp', 'dq', 'qi');
      expect(server.jwks.keys[0]).to.not.have.any.keys('d', 'p', 'q');
    });
  });

  describe('client credentials', () => {
    it('gives m2m-secret an RFC 9068 JWT access token for the audience, with every API scope by default', async () => {
      const { status, body } = await clientCredentials({
        client_id: 'm2m-secret',
        client_secret: secretOf('m2m-secret'),
        audience: server.audience,
      });
      expect(status).to.equal(200);
      expect(body).to.include({ token_type: 'Bearer', expires_in: 3600, scope: 'read:messages write:messages' });
      const token = String(body.access_token);
      const { header, payload } = decodeJwt(token);
      expect(header).to.include({ typ: 'at+jwt', alg: 'RS256', kid: server.jwks.keys[0]!.kid });
      expect(payload).to.include({
        iss: server.issuer,
        aud: 'https://api.example.com/',
        sub: 'm2m-secret',
        client_id: 'm2m-secret',
        azp: 'm2m-secret',
        gty: 'client-credentials',
        scope: 'read:messages write:messages',
      });
      expect(payload.permissions).to.deep.equal(['read:messages', 'write:messages']);
      expect(Number(payload.exp) - Number(payload.iat)).to.equal(3600);
      await expectSignedByServer(server, token);
    });

    it('accepts the secret in an Authorization: Basic header, and narrows the scopes to those asked for', async () => {
      const basic = Buffer.from(`m2m-secret:${encodeURIComponent(secretOf('m2m-secret'))}`).toString('base64');
      const { status, body } = await clientCredentials(
        { audience: server.audience, scope: 'read:messages' },
        { authorization: `Basic ${basic}` },
      );
      expect(status).to.equal(200);
      expect(body.scope).to.equal('read:messages');
      expect(decodeJwt(String(body.access_token)).payload.scope).to.equal('read:messages');
    });

    it('gives m2m-jwt a token for a private_key_jwt assertion whose audience is the issuer', async () => {
      const client = server.client('m2m-jwt');
      expect(client.authMethod).to.equal('private_key_jwt');
      expect(client.clientSecret).to.equal(undefined);
      const auth = new ClientAuthentication(
        { clientId: client.clientId, clientAssertionSigningKey: client.privateKey! },
        server.issuer,
      );
      const { status, body } = await clientCredentials({ audience: server.audience, ...(auth.parts().body as object) });
      expect(status, JSON.stringify(body)).to.equal(200);
      const { payload } = decodeJwt(String(body.access_token));
      expect(payload).to.include({ aud: server.audience, sub: 'm2m-jwt', gty: 'client-credentials' });
      await expectSignedByServer(server, String(body.access_token));
    });

    it('refuses an assertion signed by another key with invalid_client', async () => {
      const auth = new ClientAuthentication(
        { clientId: 'm2m-jwt', clientAssertionSigningKey: rsaKeys('dev-server-intruder').privateKey },
        server.issuer,
      );
      const { status, body } = await clientCredentials({ audience: server.audience, ...(auth.parts().body as object) });
      expect(status).to.equal(401);
      expect(body.error).to.equal('invalid_client');
    });

    it('uses the API when no audience is given, like a tenant with a default audience', async () => {
      const { status, body } = await clientCredentials({
        client_id: 'm2m-secret',
        client_secret: secretOf('m2m-secret'),
      });
      expect(status).to.equal(200);
      expect(decodeJwt(String(body.access_token)).payload.aud).to.equal(server.audience);
    });

    it('answers invalid_target for an unknown audience or resource', async () => {
      for (const param of ['audience', 'resource']) {
        const { status, body } = await clientCredentials({
          client_id: 'm2m-secret',
          client_secret: secretOf('m2m-secret'),
          [param]: 'https://unknown.example.com/',
        });
        expect(status, param).to.equal(400);
        expect(body.error, param).to.equal('invalid_target');
      }
    });

    it('answers invalid_client for a wrong secret and for an unknown client', async () => {
      for (const form of [
        { client_id: 'm2m-secret', client_secret: 'wrong' },
        { client_id: 'nobody', client_secret: 'x' },
      ]) {
        const { status, body } = await clientCredentials({ ...form, audience: server.audience });
        expect(status).to.equal(401);
        expect(body.error).to.equal('invalid_client');
      }
    });

    it('refuses the grant to clients not allowed it', async () => {
      const { status, body } = await clientCredentials({ client_id: 'spa', audience: server.audience });
      expect(status).to.equal(400);
      expect(body.error).to.be.oneOf(['unauthorized_client', 'invalid_request', 'invalid_client']);
    });
  });

  describe('authorization code with PKCE', () => {
    it('logs the test user in to the web app: ID token with nonce and at_hash, refresh token, API token', async () => {
      const { tokens, nonce } = await login('web-app', {
        audience: server.audience,
        scope: 'openid profile email read:messages',
      });
      expect(tokens).to.have.keys('access_token', 'id_token', 'refresh_token', 'expires_in', 'scope', 'token_type');
      const id = decodeJwt(tokens.id_token!).payload;
      expect(id).to.include({
        iss: server.issuer,
        aud: 'web-app',
        sub: 'user-123',
        nonce,
        at_hash: atHash(tokens.access_token!),
        email: 'user-123@example.com',
        name: 'Test User',
      });
      await expectSignedByServer(server, tokens.id_token!);
      const access = decodeJwt(tokens.access_token!);
      expect(access.header.typ).to.equal('at+jwt');
      expect(access.payload).to.include({
        sub: 'user-123',
        azp: 'web-app',
        scope: 'openid profile email read:messages',
      });
      expect(access.payload.aud).to.deep.equal([server.audience, server.endpoints.userinfo]);
      expect(access.payload.permissions).to.deep.equal(['read:messages']);
      await expectSignedByServer(server, tokens.access_token!);
    });

    it('refreshes, then refuses the refresh token once it is revoked', async () => {
      const { tokens } = await login('web-app', { audience: server.audience });
      const auth = { client_id: 'web-app', client_secret: secretOf('web-app') };
      const refreshed = await postForm(server.endpoints.token, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        ...auth,
      });
      expect(refreshed.status).to.equal(200);
      const access = String(refreshed.body.access_token);
      expect(access).to.not.equal(tokens.access_token);
      expect(decodeJwt(access).payload.aud).to.deep.equal([server.audience, server.endpoints.userinfo]);
      expect(decodeJwt(String(refreshed.body.id_token)).payload.at_hash).to.equal(atHash(access));

      const revoked = await postForm(server.endpoints.revocation, { token: tokens.refresh_token!, ...auth });
      expect(revoked.status).to.equal(200);
      const after = await postForm(server.endpoints.token, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        ...auth,
      });
      expect(after.status).to.equal(400);
      expect(after.body.error).to.equal('invalid_grant');
    });

    it('logs in through the public SPA without a secret, and returns an opaque userinfo token without audience', async () => {
      const { tokens } = await login('spa');
      expect(tokens.access_token!.split('.')).to.have.length(1);
      expect(tokens.refresh_token).to.be.a('string');
      const userinfo = await fetch(server.endpoints.userinfo, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(userinfo.status).to.equal(200);
      expect(await userinfo.json()).to.deep.equal({
        sub: 'user-123',
        email: 'user-123@example.com',
        email_verified: true,
        name: 'Test User',
        given_name: 'Test',
        family_name: 'User',
        nickname: 'test.user',
      });
    });

    it('logs in the user named by login_hint', async () => {
      const { tokens } = await login('spa', { loginHint: 'alice@example.com' });
      expect(decodeJwt(tokens.id_token!).payload).to.include({ sub: 'alice@example.com', email: 'alice@example.com' });
    });
  });

  describe('userinfo', () => {
    it('accepts the API access token of an openid login, releasing the claims of its scopes', async () => {
      const { tokens } = await login('web-app', { audience: server.audience, scope: 'openid email' });
      const response = await fetch(server.endpoints.userinfo, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(await response.json()).to.deep.equal({
        sub: 'user-123',
        email: 'user-123@example.com',
        email_verified: true,
      });
    });

    it('refuses a client-credentials token, a forged token and a token of another issuer', async () => {
      const m2m = await clientCredentials({
        client_id: 'm2m-secret',
        client_secret: secretOf('m2m-secret'),
        audience: server.audience,
      });
      const token = String(m2m.body.access_token);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = decodeJwt(token).payload;
      const reissued = (changes: Record<string, unknown>) =>
        `${header}.${Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url')}.${signature}`;
      const cases: [string, string][] = [
        ['client credentials', token],
        ['forged audience', reissued({ aud: [server.audience, server.endpoints.userinfo] })],
        ['unsigned', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`],
      ];
      for (const [label, bearer] of cases) {
        const response = await fetch(server.endpoints.userinfo, { headers: { authorization: `Bearer ${bearer}` } });
        expect(response.status, label).to.equal(401);
        expect(response.headers.get('www-authenticate'), label).to.match(/^Bearer .*error="invalid_token"/);
      }
    });
  });

  describe('pushed authorization requests', () => {
    it('accepts a pushed request and completes the login it stands for', async () => {
      const client = server.client('web-app');
      const state = randomState();
      const pushed = await postForm(server.endpoints.pushedAuthorization, {
        response_type: 'code',
        redirect_uri: client.redirectUris[0]!,
        scope: 'openid',
        state,
        nonce: randomNonce(),
        audience: server.audience,
        client_id: client.clientId,
        client_secret: client.clientSecret!,
      });
      expect(pushed.status).to.equal(201);
      expect(pushed.body.request_uri).to.match(/^urn:ietf:params:oauth:request_uri:/);
      const url = buildAuthorizeUrl({
        domain: server.domain,
        protocol: 'http',
        clientId: client.clientId,
        requestUri: String(pushed.body.request_uri),
      });
      const response = await headlessLogin(url, { redirectUri: client.redirectUris[0] });
      expect(response.code).to.be.a('string');
      expect(response.state).to.equal(state);
    });
  });

  describe('CIBA', () => {
    it("approves a back-channel request at once for Auth0's iss_sub login hint", async () => {
      const auth = { client_id: 'web-app', client_secret: secretOf('web-app') };
      const started = await postForm(server.endpoints.backchannelAuthentication, {
        scope: 'openid email read:messages',
        login_hint: JSON.stringify({ format: 'iss_sub', iss: server.issuer, sub: 'user-123' }),
        binding_message: 'Approve #123',
        audience: server.audience,
        ...auth,
      });
      expect(started.status, JSON.stringify(started.body)).to.equal(200);
      const polled = await postForm(server.endpoints.token, {
        grant_type: CIBA,
        auth_req_id: String(started.body.auth_req_id),
        ...auth,
      });
      expect(polled.status, JSON.stringify(polled.body)).to.equal(200);
      expect(decodeJwt(String(polled.body.id_token)).payload).to.include({ sub: 'user-123', aud: 'web-app' });
      expect(decodeJwt(String(polled.body.access_token)).payload).to.include({ scope: 'openid email read:messages' });
    });

    it('refuses a binding message the policy does not allow, and login_hint_token', async () => {
      const auth = { client_id: 'web-app', client_secret: secretOf('web-app') };
      const badMessage = await postForm(server.endpoints.backchannelAuthentication, {
        scope: 'openid',
        login_hint: 'user-123',
        binding_message: '<script>',
        ...auth,
      });
      expect(badMessage.status).to.equal(400);
      expect(badMessage.body.error).to.equal('invalid_binding_message');
      const hintToken = await postForm(server.endpoints.backchannelAuthentication, {
        scope: 'openid',
        login_hint_token: 'x.y.z',
        ...auth,
      });
      expect(hintToken.status).to.equal(400);
      expect(hintToken.body.error).to.equal('invalid_request');
    });
  });

  describe('clients', () => {
    it('lists the default clients with their credentials', () => {
      expect(server.clients.map((client) => client.clientId)).to.deep.equal([
        'm2m-secret',
        'm2m-jwt',
        'web-app',
        'spa',
        'device',
      ]);
      expect(server.client('m2m-secret').clientSecret).to.match(/^[\w-]{43}$/);
      expect(server.client('web-app').grantTypes).to.deep.equal(['authorization_code', 'refresh_token', CIBA]);
      expect(server.client('spa').grantTypes).to.deep.equal(['authorization_code', 'implicit', 'refresh_token']);
      expect(server.client('device')).to.deep.include({
        authMethod: 'none',
        grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        responseTypes: [],
      });
      expect(server.client('spa')).to.not.have.any.keys('clientSecret', 'privateKey');
      expect(server.client('spa').authMethod).to.equal('none');
      expect(server.client('m2m-jwt').privateKey?.type).to.equal('private');
    });

    it('throws a ConfigurationError for an unknown client id', () => {
      expect(() => server.client('nobody')).to.throw(ConfigurationError, /no client "nobody"/);
    });
  });
});

describe('startDevServer options', function () {
  this.timeout(20_000);

  it('publishes every signing key and signs with the first, for key rotation', async () => {
    const first = rsaKeys('dev-server-rotation-new');
    const second = rsaKeys('dev-server-signing');
    const server = await startDevServer({ ...fastOptions(), signingKeys: [first.privatePem, second.privateKey] });
    try {
      const { keys } = (await (await fetch(server.endpoints.jwks)).json()) as { keys: { kid: string }[] };
      expect(keys.map((key) => key.kid)).to.deep.equal(server.jwks.keys.map((key) => key.kid));
      expect(keys).to.have.length(2);
      const m2m = server.client('m2m-secret');
      const { body } = await postForm(server.endpoints.token, {
        grant_type: 'client_credentials',
        client_id: m2m.clientId,
        client_secret: m2m.clientSecret!,
      });
      const jwk = await expectSignedByServer(server, String(body.access_token));
      expect(jwk.kid).to.equal(keys[0]!.kid);
    } finally {
      await server.stop();
    }
  });

  it('serves a configured API, user and clients, and generates what is not given', async () => {
    const server = await startDevServer({
      signingKeys: [rsaKeys('dev-server-signing').privateKey],
      audience: 'urn:my-api',
      scopes: ['orders:read'],
      accessTokenTtl: 120,
      user: { sub: 'auth0|42', email: 'ada@example.com', 'https://example.com/roles': ['admin'] },
      clients: [
        { clientId: 'm2m-secret', clientSecret: 'pinned-secret', authMethod: 'client_secret_basic' },
        { clientId: 'm2m-jwt', publicKey: rsaKeys('dev-server-m2m-jwt').publicKey.export({ format: 'jwk' }) },
        { clientId: 'extra', grantTypes: ['authorization_code'], redirectUris: ['http://localhost:3000/cb'] },
      ],
    });
    try {
      expect(server.client('m2m-secret')).to.include({
        clientSecret: 'pinned-secret',
        authMethod: 'client_secret_basic',
      });
      expect(server.client('m2m-jwt')).to.not.have.any.keys('privateKey', 'clientSecret');
      expect(server.client('extra').clientSecret).to.be.a('string');
      const { body } = await postForm(server.endpoints.token, {
        grant_type: 'client_credentials',
        client_id: 'm2m-secret',
        client_secret: 'pinned-secret',
        audience: 'urn:my-api',
      });
      const { payload } = decodeJwt(String(body.access_token));
      expect(payload).to.include({ aud: 'urn:my-api', scope: 'orders:read' });
      expect(Number(payload.exp) - Number(payload.iat)).to.equal(120);

      const auth = new ClientAuthentication(
        { clientId: 'm2m-jwt', clientAssertionSigningKey: rsaKeys('dev-server-m2m-jwt').privateKey },
        server.issuer,
      );
      const jwt = await postForm(server.endpoints.token, {
        grant_type: 'client_credentials',
        ...(auth.parts().body as object),
      });
      expect(jwt.status).to.equal(200);

      const extra = server.client('extra');
      const { codeChallenge } = createPkcePair();
      const response = await headlessLogin(
        buildAuthorizeUrl({
          domain: server.domain,
          protocol: 'http',
          clientId: 'extra',
          redirectUri: extra.redirectUris[0],
          state: 's',
          nonce: 'n',
          codeChallenge,
          scope: 'openid profile',
        }),
      );
      expect(response.code).to.be.a('string');
      expect(server.user).to.include({ sub: 'auth0|42' });
    } finally {
      await server.stop();
    }
  });

  it('releases custom claims of the test user with the profile scope', async () => {
    const server = await startDevServer({
      ...fastOptions(),
      user: { sub: 'auth0|42', 'https://example.com/roles': ['admin'] },
    });
    try {
      const spa = server.client('spa');
      const { codeVerifier, codeChallenge } = createPkcePair();
      const response = await headlessLogin(
        buildAuthorizeUrl({
          domain: server.domain,
          protocol: 'http',
          clientId: 'spa',
          redirectUri: spa.redirectUris[0],
          state: 's',
          nonce: 'n',
          codeChallenge,
          scope: 'openid profile',
        }),
      );
      const { body } = await postForm(server.endpoints.token, {
        grant_type: 'authorization_code',
        code: response.code!,
        redirect_uri: spa.redirectUris[0]!,
        code_verifier: codeVerifier,
        client_id: 'spa',
      });
      expect(decodeJwt(String(body.id_token)).payload['https://example.com/roles']).to.deep.equal(['admin']);
    } finally {
      await server.stop();
    }
  });

  it('frees its port on stop, and stops twice without complaint', async () => {
    const server = await startDevServer(fastOptions());
    const keepAlive = await fetch(server.endpoints.discovery);
    await keepAlive.text();
    await server.stop();
    await server.stop();
    await rejectionOf(fetch(server.endpoints.discovery));
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(server.port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  });

  it('listens on a given port, and says so when it is taken', async () => {
    const server = await startDevServer(fastOptions());
    try {
      const err = await rejectionOf(startDevServer({ ...fastOptions(), port: server.port }));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal('port');
      expect(err.message).to.include('EADDRINUSE');
    } finally {
      await server.stop();
    }
  });

  it('starts in well under a second when keys are given', async () => {
    await startDevServer(fastOptions()).then((server) => server.stop());
    const started = performance.now();
    const server = await startDevServer(fastOptions());
    const elapsed = performance.now() - started;
    await server.stop();
    expect(elapsed).to.be.below(1000);
  });

  it('says its profile, interactions and password, and has an issuer without a trailing slash on the standard profile', async () => {
    const server = await startDevServer({
      ...fastOptions(),
      profile: 'standard',
      interactions: 'form',
      password: 'pw',
    });
    try {
      expect(server).to.include({
        profile: 'standard',
        interactions: 'form',
        password: 'pw',
        issuer: `http://127.0.0.1:${server.port}`,
      });
      expect(server.endpoints.token).to.equal(`http://127.0.0.1:${server.port}/token`);
      const document = (await (await fetch(server.endpoints.discovery)).json()) as { issuer: string };
      expect(document.issuer).to.equal(server.issuer);
    } finally {
      await server.stop();
    }
  });

  // The 404 is the documented case of an app of the web login without a store: it serves no back-channel route.
  it('reports a back-channel logout that failed to onError, as a NetworkError naming the URI and why', async () => {
    const failing = await serve((req, res) => res.writeHead(req.url === '/missing' ? 404 : 500).end());
    const closed = await serve(() => undefined);
    await closed.close();
    const errors: unknown[] = [];
    const server = await startDevServer({
      ...fastOptions(),
      onError: (error) => errors.push(error),
      clients: [
        ...fastOptions().clients,
        { clientId: 'web-app', backchannelLogoutUri: `${failing.url}/bcl` },
        { clientId: 'spa', backchannelLogoutUri: `${closed.url}/bcl` },
        {
          clientId: 'other',
          authMethod: 'none',
          grantTypes: ['authorization_code'],
          backchannelLogoutUri: `${failing.url}/missing`,
        },
      ],
    });
    try {
      const cookies = new HeadlessCookieJar();
      for (const clientId of ['web-app', 'spa', 'other']) {
        const { codeChallenge } = createPkcePair();
        const url = buildAuthorizeUrl({
          authorizationEndpoint: server.endpoints.authorization,
          clientId,
          redirectUri: server.client(clientId).redirectUris[0],
          state: 's',
          codeChallenge,
          scope: 'openid',
        });
        await headlessLogin(url, { cookies });
      }
      await headlessLogout(`${server.endpoints.logout}?client_id=web-app`, {
        cookies,
        postLogoutRedirectUri: 'http://127.0.0.1/',
      });
      const messages = errors.map((error) => {
        expect(error).to.be.instanceOf(NetworkError);
        return (error as Error).message;
      });
      expect(messages).to.have.members([
        `back-channel logout to ${failing.url}/bcl not delivered: the app answered 500 Internal Server Error`,
        `back-channel logout to ${closed.url}/bcl not delivered: ECONNREFUSED`,
        `back-channel logout to ${failing.url}/missing not delivered: the app answered 404 (it serves no ` +
          'back-channel logout route; the web login of authn-client serves one only with session.store or ' +
          'backchannelLogout.store)',
      ]);
    } finally {
      await server.stop();
      await failing.close();
    }
  });

  it('refuses invalid options before listening', async () => {
    const err = await rejectionOf(startDevServer({ ...fastOptions(), host: '0.0.0.0' }));
    expect(err).to.be.instanceOf(ConfigurationError);
    expect((err as ConfigurationError).option).to.equal('host');
  });
});
