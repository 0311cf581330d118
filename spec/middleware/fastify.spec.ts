// The Fastify adapter against a real Fastify 5 server on an ephemeral port, called over real HTTP.
import { expect } from 'chai';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { GetToken } from '../../lib/authentication/get-token.js';
import { type DevServer, startDevServer } from '../../lib/dev-server/dev-server.js';
import { ConfigurationError } from '../../lib/errors.js';
import { BearerAuthenticator } from '../../lib/middleware/bearer.js';
import {
  authErrorHandler,
  claimCheck,
  claimEquals,
  claimIncludes,
  fastifyAuth,
  type FastifyAuthOptions,
  requiredScopes,
  scopeIncludesAny,
} from '../../lib/middleware/fastify.js';
import { fastOptions } from '../helpers/dev-server.js';
import {
  answerWithKeySourceDown,
  API,
  expectNoCredentials,
  expectUnavailable,
  ROLES,
  get,
  now,
  startTestIssuer,
  type TestIssuer,
} from '../helpers/issuer.js';
import { corruptSignature } from '../helpers/jwt.js';
import { rejectionOf } from '../helpers/secrets.js';
import { rawGet } from '../helpers/serve.js';

interface Running {
  app: FastifyInstance;
  url: string;
  port: number;
}

/** A Fastify app: a public route, and protected routes in a plugin that registers fastifyAuth. */
async function start(options: FastifyAuthOptions, withHandler = true): Promise<Running> {
  const app = Fastify();
  if (withHandler) app.setErrorHandler(authErrorHandler);
  app.get('/public', async () => ({ public: true }));
  await app.register(async (api) => {
    await api.register(fastifyAuth, options);
    api.get('/me', async (request) => ({
      sub: request.auth?.payload.sub ?? null,
      scopes: request.auth?.scopes ?? null,
    }));
    api.get('/read', { preHandler: requiredScopes('read:messages') }, async () => ({ ok: true }));
    api.get('/any', { preHandler: scopeIncludesAny('read:messages', 'admin') }, async () => ({ ok: true }));
    api.get('/m2m', { preHandler: claimEquals('gty', 'client-credentials') }, async () => ({ ok: true }));
    api.get('/editor', { preHandler: claimIncludes(ROLES, 'editor') }, async () => ({ ok: true }));
    api.get('/org', { preHandler: [claimCheck((payload) => payload.org_id === 'org_1')] }, async () => ({ ok: true }));
    api.get('/boom', async () => {
      throw new Error('handler failed');
    });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, url: `http://127.0.0.1:${port}`, port };
}

describe('authn-client/fastify', () => {
  let tenant: TestIssuer;
  let running: Running;

  before(async () => {
    tenant = await startTestIssuer('fastify-tenant');
    running = await start({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API });
  });

  after(() => Promise.all([tenant.close(), running.app.close()]));

  const call = (path: string, authorization?: string) =>
    get(`${running.url}${path}`, authorization === undefined ? {} : { authorization });

  it('decorates request.auth for a valid token, in the context that registers the plugin only', async () => {
    const answer = await call('/me', `bearer ${tenant.sign({ scope: 'read:messages' })}`);
    expect(answer.status).to.equal(200);
    expect(answer.json).to.deep.equal({ sub: 'user-1', scopes: ['read:messages'] });
    expect((await call('/public')).json).to.deep.equal({ public: true });
  });

  it('answers 401 with the challenge when no token comes', async () => {
    expectNoCredentials(await call('/me'));
  });

  it('answers 401 with a bare challenge for a header of another scheme (RFC 6750 §3.1)', async () => {
    expectNoCredentials(await call('/me', 'Basic dXNlcjpwYXNz'));
  });

  it('answers 400 invalid_request for a malformed header or a repeated header', async () => {
    for (const authorization of ['Bearer', 'Bearer a,b']) {
      const answer = await call('/me', authorization);
      expect(answer.status, authorization).to.equal(400);
      expect(answer.headers.get('www-authenticate')).to.include('error="invalid_request"');
    }
    const token = tenant.sign();
    const repeated = await rawGet(running.port, '/me', [
      `Authorization: Bearer ${token}`,
      `Authorization: Bearer ${token}`,
    ]);
    expect(repeated.status).to.equal(400);
  });

  it('answers 401 invalid_token without echoing the token', async () => {
    const token = tenant.sign({ exp: now() - 120 });
    const answer = await call('/me', `Bearer ${token}`);
    expect(answer.status).to.equal(401);
    expect(answer.headers.get('www-authenticate')).to.equal(
      `Bearer realm="${API}", error="invalid_token", error_description="the token has expired"`,
    );
    expect(answer.json).to.deep.equal({ error: 'invalid_token', error_description: 'the token has expired' });
    expect((await call('/me', `Bearer ${corruptSignature(tenant.sign())}`)).status).to.equal(401);
  });

  it('answers 403 insufficient_scope from the preHandlers', async () => {
    const answer = await call('/read', `Bearer ${tenant.sign({ scope: 'write:messages' })}`);
    expect(answer.status).to.equal(403);
    expect(answer.headers.get('www-authenticate')).to.include('scope="read:messages"');
    const checks: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['/read', { permissions: ['read:messages'] }, {}],
      ['/any', { scope: 'admin' }, { scope: 'other' }],
      ['/m2m', { gty: 'client-credentials' }, {}],
      ['/editor', { [ROLES]: 'viewer editor' }, { [ROLES]: 'viewer' }],
      ['/org', { org_id: 'org_1' }, { org_id: 'org_2' }],
    ];
    for (const [path, granted, refused] of checks) {
      expect((await call(path, `Bearer ${tenant.sign(granted)}`)).status, path).to.equal(200);
      expect((await call(path, `Bearer ${tenant.sign(refused)}`)).status, path).to.equal(403);
    }
  });

  it('hands errors that are not BearerErrors to the parent error handler', async () => {
    const answer = await call('/boom', `Bearer ${tenant.sign()}`);
    expect(answer.status).to.equal(500);
    expect(answer.json?.message).to.equal('handler failed');
  });

  it('answers 503 with Retry-After when the key source is down', async () => {
    const answer = await answerWithKeySourceDown('fastify-down', async (down) => {
      const running = await start({ issuer: down.issuer, jwksUri: down.jwksUri, audience: API });
      return { url: running.url, close: () => running.app.close() };
    });
    expectUnavailable(answer, 1);
  });

  it("with Fastify's default error handler, still sends the status and the challenge", async () => {
    const app = await start({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API }, false);
    try {
      const token = tenant.sign({ exp: now() - 120 });
      const answer = await get(`${app.url}/me`, { authorization: `Bearer ${token}` });
      expect(answer.status).to.equal(401);
      expect(answer.headers.get('www-authenticate')).to.include('error="invalid_token"');
      expect(answer.json).to.include({
        statusCode: 401,
        code: 'ERR_BEARER_INVALID_TOKEN',
        message: 'the token has expired',
      });
      for (const part of token.split('.')) expect(answer.text).to.not.include(part);
    } finally {
      await app.app.close();
    }
  });

  it('with credentialsRequired: false, lets anonymous requests through with request.auth null', async () => {
    const app = await start({
      issuer: tenant.issuer,
      jwksUri: tenant.jwksUri,
      audience: API,
      credentialsRequired: false,
    });
    try {
      expect((await get(`${app.url}/me`)).json).to.deep.equal({ sub: null, scopes: null });
      expect((await get(`${app.url}/read`)).status).to.equal(401);
    } finally {
      await app.app.close();
    }
  });

  it('takes a shared authenticator', async () => {
    const authenticator = new BearerAuthenticator<FastifyRequest>({
      issuer: tenant.issuer,
      jwksUri: tenant.jwksUri,
      audience: API,
    });
    const app = await start({ authenticator });
    try {
      expect((await get(`${app.url}/me`, { authorization: `Bearer ${tenant.sign()}` })).status).to.equal(200);
    } finally {
      await app.app.close();
    }
  });

  it('fails the registration for invalid options', async () => {
    const app = Fastify();
    app.register(fastifyAuth, { issuer: tenant.issuer, audience: '' });
    expect(await rejectionOf(Promise.resolve().then(() => app.ready()))).to.be.instanceOf(ConfigurationError);
    await app.close();
  });

  it("takes Fastify's own register options, and refuses an unknown option naming the closest known one", async () => {
    const app = Fastify();
    await app.register(fastifyAuth, {
      ...{ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API },
      ...{ prefix: '/api', logLevel: 'warn', logSerializers: {} },
    });
    await app.ready();
    await app.close();
    const refused = Fastify();
    refused.register(fastifyAuth, { issuer: tenant.issuer, audience: API, authRequired: false } as never);
    const error = await rejectionOf(Promise.resolve().then(() => refused.ready()));
    expect(error).to.be.instanceOf(ConfigurationError).with.property('option', 'authRequired');
    expect(error.message).to.equal('unknown option "authRequired"; did you mean credentialsRequired?');
    await refused.close();
  });

  it('can be registered twice in one context tree', async () => {
    const app = Fastify();
    await app.register(fastifyAuth, { issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API });
    await app.register(async (child) => {
      await child.register(fastifyAuth, { issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API });
    });
    await app.ready();
    await app.close();
  });

  describe('with tokens of the embedded OpenID Provider', function () {
    this.timeout(20_000);
    let op: DevServer;
    let app: Running;

    before(async () => {
      op = await startDevServer(fastOptions());
      app = await start({ issuer: op.issuer, audience: op.audience });
    });

    after(() => Promise.all([app.app.close(), op.stop()]));

    it('accepts a client-credentials access token and checks its scopes', async () => {
      const m2m = op.client('m2m-secret');
      const getToken = new GetToken({
        domain: op.domain,
        protocol: 'http',
        clientId: m2m.clientId,
        clientSecret: m2m.clientSecret,
      });
      const { access_token: token } = await getToken.clientCredentials({
        audience: op.audience,
        scope: 'read:messages',
      });
      expect((await get(`${app.url}/read`, { authorization: `Bearer ${token}` })).status).to.equal(200);
      expect((await get(`${app.url}/m2m`, { authorization: `Bearer ${token}` })).status).to.equal(200);
      expect((await get(`${app.url}/any`, { authorization: `Bearer ${token}` })).status).to.equal(200);
      expect((await get(`${app.url}/editor`, { authorization: `Bearer ${token}` })).status).to.equal(403);
    });
  });
});
