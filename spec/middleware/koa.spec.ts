// The Koa adapter against a real Koa 3 app on an ephemeral port, called over real HTTP, with tokens of a local
// JWKS server.
import { expect } from 'chai';
import Koa from 'koa';
import { ConfigurationError } from '../../lib/errors.js';
import { BearerAuthenticator, type BearerAuthOptions } from '../../lib/middleware/bearer.js';
import {
  type AuthState,
  authErrorHandler,
  claimCheck,
  claimEquals,
  claimIncludes,
  koaAuth,
  type KoaRequest,
  requiredScopes,
  scopeIncludesAny,
} from '../../lib/middleware/koa.js';
import {
  answerWithKeySourceDown,
  API,
  expectNoCredentials,
  get,
  now,
  startTestIssuer,
  type TestIssuer,
} from '../helpers/issuer.js';
import { corruptSignature } from '../helpers/jwt.js';
import { thrownBy } from '../helpers/secrets.js';
import { rawGet, type Served, serve } from '../helpers/serve.js';

const ROLES = 'https://example.com/roles';

type Context = Koa.ParameterizedContext<AuthState>;
type Step = (ctx: Context, next: () => Promise<unknown>) => unknown;

/** A route without a router: `steps` run in turn for GET `path`; any other path goes on. */
function route(path: string, ...steps: Step[]): Koa.Middleware<AuthState> {
  return (ctx, next) => {
    if (ctx.path !== path) return next();
    const run = async (i: number): Promise<unknown> => steps[i]?.(ctx, () => run(i + 1));
    return run(0);
  };
}

const ok: Step = (ctx) => {
  ctx.body = { ok: true };
};

/** The app of these specs: `koaAuth()` in front of routes guarded by every claim check. */
function app(options: BearerAuthOptions<KoaRequest> | BearerAuthenticator<KoaRequest>, withHandler = true) {
  const application = new Koa<AuthState>();
  if (withHandler) application.use(authErrorHandler());
  application.use(koaAuth(options));
  application.use(
    route('/me', (ctx) => {
      const auth = ctx.state.auth;
      ctx.body = { sub: auth?.payload.sub ?? null, scopes: auth?.scopes ?? null, alg: auth?.header.alg };
    }),
  );
  application.use(route('/read', requiredScopes('read:messages'), ok));
  application.use(route('/any', scopeIncludesAny('read:messages', 'admin'), ok));
  application.use(route('/m2m', claimEquals('gty', 'client-credentials'), ok));
  application.use(route('/editor', claimIncludes(ROLES, 'editor'), ok));
  application.use(
    route(
      '/org',
      claimCheck((payload) => payload.org_id === 'org_1', 'Members of org_1 only'),
      ok,
    ),
  );
  return application;
}

const listen = (application: Koa<AuthState>) => serve(application.callback());

describe('authn-client/koa', () => {
  let tenant: TestIssuer;
  let server: Served;

  before(async () => {
    tenant = await startTestIssuer('koa-tenant');
    server = await listen(app({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API }));
  });

  after(() => Promise.all([tenant.close(), server.close()]));

  const call = (path: string, authorization?: string) =>
    get(`${server.url}${path}`, authorization === undefined ? {} : { authorization });

  it('sets ctx.state.auth for a valid token', async () => {
    const answer = await call('/me', `Bearer ${tenant.sign({ scope: 'read:messages', permissions: ['admin'] })}`);
    expect(answer.status).to.equal(200);
    expect(answer.json).to.deep.equal({ sub: 'user-1', scopes: ['read:messages', 'admin'], alg: 'RS256' });
  });

  it('answers 401 with a bare Bearer challenge when no token comes', async () => {
    const answer = await call('/me');
    expectNoCredentials(answer);
    expect(answer.headers.get('cache-control')).to.equal('no-store');
  });

  it('answers a header of another scheme as no credentials: 401 with a bare challenge (RFC 6750 §3.1)', async () => {
    expectNoCredentials(await call('/me', 'Basic dXNlcjpwYXNz'));
  });

  it('answers 400 invalid_request for a malformed header', async () => {
    for (const authorization of ['Bearer', `Bearer ${tenant.sign()} x`]) {
      const answer = await call('/me', authorization);
      expect(answer.status, authorization).to.equal(400);
      expect(answer.headers.get('www-authenticate')).to.match(/^Bearer realm=".+", error="invalid_request"/);
      expect(answer.json?.error).to.equal('invalid_request');
    }
  });

  it('answers 400 invalid_request for a repeated Authorization header, counted in ctx.req.rawHeaders', async () => {
    const token = tenant.sign();
    const answer = await rawGet(server.port, '/me', [
      `Authorization: Bearer ${token}`,
      `Authorization: Bearer ${token}`,
    ]);
    expect(answer.status).to.equal(400);
    expect(answer.text).to.include('error="invalid_request"');
  });

  it('answers 401 invalid_token with a short description for an expired or forged token', async () => {
    const cases: Array<[string, string]> = [
      [tenant.sign({ exp: now() - 120 }), 'The token has expired'],
      [corruptSignature(tenant.sign()), 'The token signature is invalid'],
      [tenant.sign({ aud: 'https://other.example.com/' }), 'The token is meant for another audience'],
    ];
    for (const [token, description] of cases) {
      const answer = await call('/me', `Bearer ${token}`);
      expect(answer.status, description).to.equal(401);
      expect(answer.headers.get('www-authenticate')).to.equal(
        `Bearer realm="${API}", error="invalid_token", error_description="${description}"`,
      );
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.json).to.deep.equal({ error: 'invalid_token', error_description: description });
      expect(answer.text).to.not.include(token.split('.')[1]!);
    }
  });

  it('answers 403 insufficient_scope with the needed scope', async () => {
    const answer = await call('/read', `Bearer ${tenant.sign({ scope: 'write:messages' })}`);
    expect(answer.status).to.equal(403);
    expect(answer.headers.get('www-authenticate')).to.equal(
      `Bearer realm="${API}", error="insufficient_scope", error_description="The token lacks a required scope", scope="read:messages"`,
    );
    expect(answer.json?.error).to.equal('insufficient_scope');
    expect((await call('/read', `Bearer ${tenant.sign({ scope: 'read:messages' })}`)).status).to.equal(200);
    expect((await call('/read', `Bearer ${tenant.sign({ permissions: ['read:messages'] })}`)).status).to.equal(200);
  });

  it('runs every claim check', async () => {
    const checks: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['/any', { permissions: ['admin'] }, { scope: 'write:messages' }],
      ['/m2m', { gty: 'client-credentials' }, { gty: 'password' }],
      ['/editor', { [ROLES]: ['viewer', 'editor'] }, { [ROLES]: ['viewer'] }],
      ['/org', { org_id: 'org_1' }, { org_id: 'org_2' }],
    ];
    for (const [path, granted, refused] of checks) {
      const passed = await call(path, `Bearer ${tenant.sign(granted)}`);
      expect([passed.status, passed.json], path).to.deep.equal([200, { ok: true }]);
      const answer = await call(path, `Bearer ${tenant.sign(refused)}`);
      expect(answer.status, path).to.equal(403);
      expect(answer.headers.get('www-authenticate')).to.include('error="insufficient_scope"');
    }
  });

  it('answers 503 with Retry-After when the key source is down and no key is cached', async () => {
    const answer = await answerWithKeySourceDown('koa-down', (down) =>
      listen(app({ issuer: down.issuer, jwksUri: down.jwksUri, audience: API, retryAfter: 12 })),
    );
    expect(answer.status).to.equal(503);
    expect(answer.headers.get('retry-after')).to.equal('12');
    expect(answer.headers.get('www-authenticate')).to.equal(null);
    expect(answer.json?.error).to.equal('temporarily_unavailable');
  });

  describe('with credentialsRequired: false', () => {
    let open: Served;

    before(async () => {
      open = await listen(
        app({
          issuer: tenant.issuer,
          jwksUri: tenant.jwksUri,
          audience: API,
          credentialsRequired: false,
          realm: 'open',
        }),
      );
    });

    after(() => open.close());

    it('lets a request without a token through without ctx.state.auth; the claim checks refuse it with 401', async () => {
      expect((await get(`${open.url}/me`)).json).to.deep.equal({ sub: null, scopes: null });
      const answer = await get(`${open.url}/read`);
      expect(answer.status).to.equal(401);
      expect(answer.headers.get('www-authenticate')).to.equal('Bearer realm="open"');
    });

    it('still refuses an invalid token', async () => {
      const answer = await get(`${open.url}/me`, { authorization: `Bearer ${tenant.sign({ exp: now() - 120 })}` });
      expect(answer.status).to.equal(401);
      expect(answer.json?.error).to.equal('invalid_token');
    });
  });

  describe("without the library's error handler", () => {
    it("lets Koa's default handler send the status, the challenge and the short message, unlogged", async () => {
      const plain = await listen(app({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API }, false));
      const log = console.error;
      const logged: unknown[] = [];
      console.error = (...args: unknown[]) => logged.push(args); // Koa's app.onerror logs errors not exposed
      try {
        const expired = tenant.sign({ exp: now() - 120 });
        const answer = await get(`${plain.url}/me`, { authorization: `Bearer ${expired}` });
        expect(answer.status).to.equal(401);
        expect(answer.headers.get('www-authenticate')).to.equal(
          `Bearer realm="${API}", error="invalid_token", error_description="The token has expired"`,
        );
        expect(answer.text).to.equal('The token has expired');
        for (const part of expired.split('.')) expect(answer.text).to.not.include(part);
        const none = await get(`${plain.url}/me`);
        expect([none.status, none.headers.get('www-authenticate')]).to.deep.equal([401, `Bearer realm="${API}"`]);
        const scope = await get(`${plain.url}/read`, { authorization: `Bearer ${tenant.sign()}` });
        expect(scope.status).to.equal(403);
        expect(scope.headers.get('www-authenticate')).to.include('scope="read:messages"');
        expect(logged).to.deep.equal([]);
      } finally {
        console.error = log;
        await plain.close();
      }
    });

    it("sends a 503 with Retry-After and Koa's generic body, the error logged", async () => {
      const log = console.error;
      const logged: string[] = [];
      console.error = (...args: unknown[]) => logged.push(args.join(' '));
      try {
        const answer = await answerWithKeySourceDown('koa-down-plain', (down) =>
          listen(app({ issuer: down.issuer, jwksUri: down.jwksUri, audience: API, retryAfter: 7 }, false)),
        );
        expect(answer.status).to.equal(503);
        expect(answer.headers.get('retry-after')).to.equal('7');
        expect(answer.text).to.equal('Service Unavailable');
        expect(logged.join('\n')).to.include('ServiceUnavailableError');
      } finally {
        console.error = log;
      }
    });
  });

  it('rethrows errors that are not BearerErrors from authErrorHandler', async () => {
    const application = new Koa<AuthState>();
    const seen: unknown[] = [];
    application.on('error', (err: unknown) => seen.push(err)); // replaces Koa's logging
    application.use(authErrorHandler());
    application.use(koaAuth({ issuers: () => Promise.reject(new Error('tenant store down')), audience: API }));
    const failing = await listen(application);
    try {
      const answer = await get(`${failing.url}/me`, { authorization: `Bearer ${tenant.sign()}` });
      expect(answer.status).to.equal(500);
      expect(answer.text).to.equal('Internal Server Error');
      expect(seen.map((err) => (err as Error).message)).to.deep.equal(['tenant store down']);
    } finally {
      await failing.close();
    }
  });

  it('gives an issuer resolver the Koa context', async () => {
    const hosts: string[] = [];
    const application = new Koa<AuthState>();
    application.use(
      koaAuth<Koa.Context>({
        issuers: (req) => {
          hosts.push(req.ctx.hostname);
          return req.ctx.hostname === '127.0.0.1' ? [{ issuer: tenant.issuer, jwksUri: tenant.jwksUri }] : [];
        },
        audience: API,
      }),
    );
    application.use((ctx) => {
      ctx.body = { sub: ctx.state.auth?.payload.sub };
    });
    const served = await listen(application);
    try {
      const answer = await get(`${served.url}/me`, { authorization: `Bearer ${tenant.sign()}` });
      expect(answer.json).to.deep.equal({ sub: 'user-1' });
      expect(hosts).to.deep.equal(['127.0.0.1']);
    } finally {
      await served.close();
    }
  });

  it('reads the token from ctx.query and from the Cookie header when configured', async () => {
    const served = await listen(
      app({
        issuer: tenant.issuer,
        jwksUri: tenant.jwksUri,
        audience: API,
        tokenQueryParameter: 'access_token',
        tokenCookie: 'at',
      }),
    );
    try {
      const token = tenant.sign();
      expect((await get(`${served.url}/me?access_token=${token}`)).json?.sub).to.equal('user-1');
      expect((await get(`${served.url}/me`, { cookie: `theme=dark; at=${token}` })).json?.sub).to.equal('user-1');
      const twice = await get(`${served.url}/me?access_token=${token}&access_token=${token}`);
      expect([twice.status, twice.json?.error_description]).to.deep.equal([
        400,
        'The query parameter must be sent once',
      ]);
      const both = await get(`${served.url}/me?access_token=${token}`, { authorization: `Bearer ${token}` });
      expect(both.status).to.equal(400);
    } finally {
      await served.close();
    }
  });

  it('shares one authenticator between several middleware', async () => {
    const authenticator = new BearerAuthenticator<KoaRequest>({
      issuer: tenant.issuer,
      jwksUri: tenant.jwksUri,
      audience: API,
    });
    const served = await listen(app(authenticator));
    try {
      expect((await get(`${served.url}/me`, { authorization: `Bearer ${tenant.sign()}` })).status).to.equal(200);
      expect((await get(`${served.url}/me`)).status).to.equal(401);
    } finally {
      await served.close();
    }
  });

  it('refuses invalid options when the middleware is built', () => {
    expect(thrownBy(() => koaAuth({ issuer: tenant.issuer, audience: '' }))).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => requiredScopes())).to.be.instanceOf(ConfigurationError);
  });
});
