// The Express adapter against a real Express 5 app on an ephemeral port, called over real HTTP, with tokens of
// a local JWKS server and of the embedded OpenID Provider (lib/dev-server).
import { expect } from 'chai';
import express, { type ErrorRequestHandler, type Request } from 'express';
import { GetToken } from '../../lib/authentication/get-token.js';
import { type DevServer, startDevServer } from '../../lib/dev-server/dev-server.js';
import { BearerError, ConfigurationError } from '../../lib/errors.js';
import { BearerAuthenticator, type BearerAuthOptions } from '../../lib/middleware/bearer.js';
import {
  auth,
  authErrorHandler,
  claimCheck,
  claimEquals,
  claimIncludes,
  requiredScopes,
  scopeIncludesAny,
} from '../../lib/middleware/express.js';
import { behavesAsBearerMiddleware } from '../helpers/bearer-contract.js';
import { fastOptions } from '../helpers/dev-server.js';
import { API, ROLES, get, now, startTestIssuer, type TestIssuer } from '../helpers/issuer.js';
import { corruptSignature } from '../helpers/jwt.js';
import { thrownBy } from '../helpers/secrets.js';
import { type Served, serve } from '../helpers/serve.js';

/** The app of these specs: `auth()` in front of routes guarded by every claim check. */
function app(options: BearerAuthOptions | BearerAuthenticator, errorHandler?: ErrorRequestHandler | null) {
  const application = express();
  application.set('env', 'test'); // Express's final handler logs errors in any other env
  application.use(auth(options));
  application.get('/me', (req, res) => {
    res.json({ sub: req.auth?.payload.sub ?? null, scopes: req.auth?.scopes ?? null, alg: req.auth?.header?.alg });
  });
  application.get('/read', requiredScopes('read:messages'), (_req, res) => {
    res.json({ ok: true });
  });
  application.get('/any', scopeIncludesAny('read:messages', 'admin'), (_req, res) => {
    res.json({ ok: true });
  });
  application.get('/m2m', claimEquals('gty', 'client-credentials'), (_req, res) => {
    res.json({ ok: true });
  });
  application.get('/editor', claimIncludes(ROLES, 'editor'), (_req, res) => {
    res.json({ ok: true });
  });
  application.get(
    '/org',
    claimCheck((payload) => payload.org_id === 'org_1', 'Members of org_1 only'),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  if (errorHandler !== null) application.use(errorHandler ?? authErrorHandler());
  return application;
}

describe('authn-client/express', () => {
  let tenant: TestIssuer;
  let server: Served;

  before(async () => {
    tenant = await startTestIssuer('express-tenant');
    server = await serve(app({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API }));
  });

  after(() => Promise.all([tenant.close(), server.close()]));

  const call = (path: string, authorization?: string) =>
    get(`${server.url}${path}`, authorization === undefined ? {} : { authorization });

  it('sets req.auth for a valid token', async () => {
    const answer = await call('/me', `Bearer ${tenant.sign({ scope: 'read:messages', permissions: ['admin'] })}`);
    expect(answer.status).to.equal(200);
    expect(answer.json).to.deep.equal({ sub: 'user-1', scopes: ['read:messages', 'admin'], alg: 'RS256' });
  });

  it('matches the scheme case-insensitively', async () => {
    expect((await call('/me', `bearer ${tenant.sign()}`)).status).to.equal(200);
    expect((await call('/me', `BEARER ${tenant.sign()}`)).status).to.equal(200);
  });

  it('answers 401 invalid_token for a token older than maxTokenAge, and for one without iat', async () => {
    const served = await serve(
      app({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API, maxTokenAge: 600, leeway: 0 }),
    );
    try {
      const fresh = await get(`${served.url}/me`, { authorization: `Bearer ${tenant.sign({ iat: now() - 500 })}` });
      expect(fresh.status).to.equal(200);
      for (const claims of [{ iat: now() - 700 }, { iat: now() - 7200, exp: now() + 3600 }]) {
        const answer = await get(`${served.url}/me`, { authorization: `Bearer ${tenant.sign(claims)}` });
        expect(answer.status).to.equal(401);
        expect(answer.headers.get('www-authenticate')).to.equal(
          `Bearer realm="${API}", error="invalid_token", error_description="the token was issued too long ago"`,
        );
        expect(answer.json).to.deep.equal({
          error: 'invalid_token',
          error_description: 'the token was issued too long ago',
        });
      }
      const noIat = await get(`${served.url}/me`, { authorization: `Bearer ${tenant.sign({ iat: undefined })}` });
      expect(noIat.status).to.equal(401);
      expect(noIat.json?.error).to.equal('invalid_token');
      // Without the option, the same old token passes (exp allows it).
      const old = await call('/me', `Bearer ${tenant.sign({ iat: now() - 7200, exp: now() + 3600 })}`);
      expect(old.status).to.equal(200);
    } finally {
      await served.close();
    }
  });

  behavesAsBearerMiddleware({
    name: 'express',
    tenant: () => tenant,
    call: (path, authorization) => call(path, authorization),
    port: () => server.port,
    serve: (options) => serve(app(options)),
  });

  describe("without the library's error handler", () => {
    const token = () => tenant.sign({ exp: now() - 120 });

    it("lets Express's own handler send the status and the challenge, never the token, even in development", async () => {
      const log = console.error;
      console.error = () => undefined; // Express's final handler logs the stack outside env 'test'
      try {
        for (const env of ['development', 'production']) {
          const application = app({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API }, null);
          application.set('env', env);
          const plain = await serve(application);
          try {
            const expired = token();
            const answer = await get(`${plain.url}/me`, { authorization: `Bearer ${expired}` });
            expect(answer.status, env).to.equal(401);
            expect(answer.headers.get('www-authenticate')).to.include('error="invalid_token"');
            for (const part of expired.split('.')) expect(answer.text).to.not.include(part);
            if (env === 'development') expect(answer.text).to.include('InvalidTokenError: the token has expired');
          } finally {
            await plain.close();
          }
        }
      } finally {
        console.error = log;
      }
    });

    it("lets the application shape the body from the error's status and headers", async () => {
      const own: ErrorRequestHandler = (err, _req, res, next) => {
        if (!(err instanceof BearerError)) return next(err);
        res.status(err.status).set(err.headers).json({ message: err.message, code: err.code });
      };
      const custom = await serve(app({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API }, own));
      try {
        const answer = await get(`${custom.url}/me`, { authorization: `Bearer ${token()}` });
        expect(answer.status).to.equal(401);
        expect(answer.headers.get('www-authenticate')).to.include('error="invalid_token"');
        expect(answer.json).to.deep.equal({ message: 'the token has expired', code: 'ERR_BEARER_INVALID_TOKEN' });
      } finally {
        await custom.close();
      }
    });

    it('passes errors that are not BearerErrors on to the next handler', async () => {
      const application = express();
      application.set('env', 'test');
      application.use(auth({ issuers: () => Promise.reject(new Error('tenant store down')), audience: API }));
      application.use(authErrorHandler());
      const failing = await serve(application);
      try {
        const answer = await get(`${failing.url}/me`, { authorization: `Bearer ${token()}` });
        expect(answer.status).to.equal(500);
      } finally {
        await failing.close();
      }
    });
  });

  it("gives an issuer resolver Express's own request", async () => {
    const hosts: string[] = [];
    const application = express();
    application.use(
      auth({
        issuers: (req: Request) => {
          hosts.push(req.hostname);
          return req.hostname === '127.0.0.1' ? [{ issuer: tenant.issuer, jwksUri: tenant.jwksUri }] : [];
        },
        audience: API,
      }),
    );
    application.get('/me', (req, res) => {
      res.json({ sub: req.auth?.payload.sub });
    });
    const served = await serve(application);
    try {
      expect((await get(`${served.url}/me`, { authorization: `Bearer ${tenant.sign()}` })).json).to.deep.equal({
        sub: 'user-1',
      });
      expect(hosts).to.deep.equal(['127.0.0.1']);
    } finally {
      await served.close();
    }
  });

  it('reads the token from a query parameter when configured', async () => {
    const application = app({
      issuer: tenant.issuer,
      jwksUri: tenant.jwksUri,
      audience: API,
      tokenQueryParameter: 'access_token',
    });
    const served = await serve(application);
    try {
      const token = tenant.sign();
      expect((await get(`${served.url}/me?access_token=${token}`)).json?.sub).to.equal('user-1');
      const both = await get(`${served.url}/me?access_token=${token}`, { authorization: `Bearer ${token}` });
      expect(both.status).to.equal(400);
    } finally {
      await served.close();
    }
  });

  it('shares one authenticator between several middleware', async () => {
    const authenticator = new BearerAuthenticator({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API });
    const served = await serve(app(authenticator));
    try {
      expect((await get(`${served.url}/me`, { authorization: `Bearer ${tenant.sign()}` })).status).to.equal(200);
    } finally {
      await served.close();
    }
  });

  it('refuses invalid options when the middleware is built', () => {
    expect(thrownBy(() => auth({ issuer: tenant.issuer, audience: '' }))).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => requiredScopes())).to.be.instanceOf(ConfigurationError);
  });

  describe('with tokens of the embedded OpenID Provider', function () {
    this.timeout(20_000);
    let op: DevServer;
    let api: Served;

    before(async () => {
      op = await startDevServer(fastOptions());
      const application = express();
      application.use(auth({ issuer: op.issuer, audience: op.audience }));
      application.get('/messages', requiredScopes('read:messages'), (req, res) => {
        res.json({ sub: req.auth?.payload.sub, gty: req.auth?.payload.gty, typ: req.auth?.header?.typ });
      });
      application.get('/admin', requiredScopes('admin:messages'), (_req, res) => {
        res.json({ ok: true });
      });
      application.use(authErrorHandler());
      api = await serve(application);
    });

    after(() => Promise.all([api.close(), op.stop()]));

    async function m2mToken(scope?: string): Promise<string> {
      const m2m = op.client('m2m-secret');
      const getToken = new GetToken({
        domain: op.domain,
        protocol: 'http',
        clientId: m2m.clientId,
        clientSecret: m2m.clientSecret,
      });
      return (await getToken.clientCredentials({ audience: op.audience, scope })).access_token;
    }

    it('accepts a client-credentials access token, its keys found by discovery', async () => {
      const answer = await get(`${api.url}/messages`, { authorization: `Bearer ${await m2mToken()}` });
      expect(answer.status).to.equal(200);
      expect(answer.json).to.deep.equal({ sub: 'm2m-secret', gty: 'client-credentials', typ: 'at+jwt' });
    });

    it('refuses a scope the token was not granted, and a tampered token', async () => {
      const limited = await m2mToken('write:messages');
      const answer = await get(`${api.url}/messages`, { authorization: `Bearer ${limited}` });
      expect(answer.status).to.equal(403);
      expect(answer.headers.get('www-authenticate')).to.include('scope="read:messages"');
      const full = await m2mToken();
      expect((await get(`${api.url}/admin`, { authorization: `Bearer ${full}` })).status).to.equal(403);
      const tampered = await get(`${api.url}/messages`, { authorization: `Bearer ${corruptSignature(full)}` });
      expect(tampered.status).to.equal(401);
    });
  });
});
