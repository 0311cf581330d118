// The Express adapter on Express 4 (the dev dependency `express4`, an alias of express@4), which the peer
// dependency range still accepts: a real app on an ephemeral port, called over real HTTP. Express 4 differs
// where it matters here: it ignores the promise a middleware returns, parses the query eagerly, and builds
// requests on its own prototype.
import { createRequire } from 'node:module';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { expect } from 'chai';
import {
  auth,
  authErrorHandler,
  claimEquals,
  type ExpressRequest,
  requiredScopes,
} from '../../lib/middleware/express.js';
import {
  answerWithKeySourceDown,
  API,
  expectNoCredentials,
  expectUnavailable,
  get,
  now,
  startTestIssuer,
  type TestIssuer,
} from '../helpers/issuer.js';
import { corruptSignature } from '../helpers/jwt.js';
import { type Served, serve } from '../helpers/serve.js';

/** The little of Express 4's API these specs use (express4 ships no types of its own). */
interface Express4App extends RequestListener {
  set(setting: string, value: unknown): void;
  use(...handlers: unknown[]): void;
  get(path: string, ...handlers: unknown[]): void;
}

type Handler = (req: ExpressRequest & IncomingMessage, res: ServerResponse & { json(body: unknown): void }) => void;

const express4 = createRequire(import.meta.url)('express4') as () => Express4App;
const { version } = createRequire(import.meta.url)('express4/package.json') as { version: string };

function app(issuer: TestIssuer, credentialsRequired = true): Express4App {
  const application = express4();
  application.set('env', 'test');
  application.use(auth({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: API, credentialsRequired }));
  const me: Handler = (req, res) => res.json({ sub: req.auth?.payload.sub ?? null, scopes: req.auth?.scopes ?? null });
  const ok: Handler = (_req, res) => res.json({ ok: true });
  application.get('/me', me);
  application.get('/read', requiredScopes('read:messages'), ok);
  application.get('/m2m', claimEquals('gty', 'client-credentials'), ok);
  application.use(authErrorHandler());
  return application;
}

describe(`authn-client/express on Express ${version}`, () => {
  let tenant: TestIssuer;
  let server: Served;

  before(async () => {
    expect(version).to.match(/^4\./);
    tenant = await startTestIssuer('express4-tenant');
    server = await serve(app(tenant));
  });

  after(() => Promise.all([tenant.close(), server.close()]));

  const call = (path: string, authorization?: string) =>
    get(`${server.url}${path}`, authorization === undefined ? {} : { authorization });

  it('sets req.auth for a valid token', async () => {
    const answer = await call('/me?x=1', `Bearer ${tenant.sign({ scope: 'read:messages' })}`);
    expect(answer.status).to.equal(200);
    expect(answer.json).to.deep.equal({ sub: 'user-1', scopes: ['read:messages'] });
  });

  it('answers 401 with a Bearer challenge when no token comes', async () => {
    expectNoCredentials(await call('/me'));
  });

  it('answers 401 invalid_token for an expired or forged token', async () => {
    for (const token of [tenant.sign({ exp: now() - 120 }), corruptSignature(tenant.sign())]) {
      const answer = await call('/me', `Bearer ${token}`);
      expect(answer.status).to.equal(401);
      expect(answer.headers.get('www-authenticate')).to.match(/^Bearer realm=".+", error="invalid_token"/);
      expect(answer.json?.error).to.equal('invalid_token');
    }
  });

  it('answers 400 invalid_request for a malformed header, and 401 with a bare challenge for another scheme', async () => {
    const malformed = await call('/me', 'Bearer');
    expect(malformed.status).to.equal(400);
    expect(malformed.json?.error).to.equal('invalid_request');
    expectNoCredentials(await call('/me', 'Basic dXNlcjpwYXNz'));
  });

  it('runs the claim checks: 403 without the scope or claim, 200 with them', async () => {
    const denied = await call('/read', `Bearer ${tenant.sign({ scope: 'write:messages' })}`);
    expect(denied.status).to.equal(403);
    expect(denied.headers.get('www-authenticate')).to.include('error="insufficient_scope"');
    expect((await call('/read', `Bearer ${tenant.sign({ scope: 'read:messages' })}`)).status).to.equal(200);
    expect((await call('/m2m', `Bearer ${tenant.sign({ gty: 'password' })}`)).status).to.equal(403);
    expect((await call('/m2m', `Bearer ${tenant.sign({ gty: 'client-credentials' })}`)).status).to.equal(200);
  });

  it('answers 503 with Retry-After when the key source is down and no key is cached', async () => {
    const answer = await answerWithKeySourceDown('express4-down', (down) => serve(app(down)));
    expectUnavailable(answer, 1);
  });

  it('with credentialsRequired: false, lets a request without a token through and the claim checks refuse it', async () => {
    const open = await serve(app(tenant, false));
    try {
      expect((await get(`${open.url}/me`)).json).to.deep.equal({ sub: null, scopes: null });
      expect((await get(`${open.url}/read`)).status).to.equal(401);
    } finally {
      await open.close();
    }
  });
});
