// The Koa adapter against a real Koa app on an ephemeral port, called over real HTTP, with tokens of a local
// JWKS server: the same specs on Koa 3 and on Koa 2 (the dev dependency `koa2`, an alias of koa@2, which the
// peer range accepts too).
import { createRequire } from 'node:module';
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
import { answerWithKeySourceDown, API, ROLES, get, now, startTestIssuer, type TestIssuer } from '../helpers/issuer.js';
import { behavesAsBearerMiddleware } from '../helpers/bearer-contract.js';
import { thrownBy } from '../helpers/secrets.js';
import { type Served, serve } from '../helpers/serve.js';

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
function app(
  KoaApp: typeof Koa,
  options: BearerAuthOptions<KoaRequest> | BearerAuthenticator<KoaRequest>,
  withHandler = true,
) {
  const application = new KoaApp<AuthState>();
  if (withHandler) application.use(authErrorHandler());
  application.use(koaAuth(options));
  application.use(
    route('/me', (ctx) => {
      const auth = ctx.state.auth;
      ctx.body = { sub: auth?.payload.sub ?? null, scopes: auth?.scopes ?? null, alg: auth?.header?.alg };
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

const require = createRequire(import.meta.url);
/** Koa 2, which ships no types; its API is Koa 3's for everything these specs use. */
const Koa2 = require('koa2') as typeof Koa;

for (const [version, KoaApp, pkg] of [
  ['Koa 3', Koa, 'koa'],
  ['Koa 2', Koa2, 'koa2'],
] as const) {
  describe(`authn-client/koa on ${version}`, () => {
    const id = version === 'Koa 3' ? 'koa3' : 'koa2';
    let tenant: TestIssuer;
    let server: Served;

    before(async () => {
      tenant = await startTestIssuer(`${id}-tenant`);
      server = await listen(app(KoaApp, { issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API }));
    });

    after(() => Promise.all([tenant.close(), server.close()]));

    const call = (path: string, authorization?: string) =>
      get(`${server.url}${path}`, authorization === undefined ? {} : { authorization });

    it(`runs on ${version}`, () => {
      const { version: installed } = require(`${pkg}/package.json`) as { version: string };
      expect(installed.split('.')[0]).to.equal(version.slice(-1));
    });

    it('sets ctx.state.auth for a valid token', async () => {
      const answer = await call('/me', `Bearer ${tenant.sign({ scope: 'read:messages', permissions: ['admin'] })}`);
      expect(answer.status).to.equal(200);
      expect(answer.json).to.deep.equal({ sub: 'user-1', scopes: ['read:messages', 'admin'], alg: 'RS256' });
    });

    behavesAsBearerMiddleware({
      name: id,
      tenant: () => tenant,
      call: (path, authorization) => call(path, authorization),
      port: () => server.port,
      serve: (options) => listen(app(KoaApp, options)),
    });

    describe("without the library's error handler", () => {
      it("lets Koa's default handler send the status, the challenge and the short message, unlogged", async () => {
        const plain = await listen(
          app(KoaApp, { issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API }, false),
        );
        const log = console.error;
        const logged: unknown[] = [];
        console.error = (...args: unknown[]) => logged.push(args); // Koa's app.onerror logs errors not exposed
        try {
          const expired = tenant.sign({ exp: now() - 120 });
          const answer = await get(`${plain.url}/me`, { authorization: `Bearer ${expired}` });
          expect(answer.status).to.equal(401);
          expect(answer.headers.get('www-authenticate')).to.equal(
            `Bearer realm="${API}", error="invalid_token", error_description="the token has expired"`,
          );
          expect(answer.text).to.equal('the token has expired');
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
          const answer = await answerWithKeySourceDown(`${id}-down-plain`, (down) =>
            listen(app(KoaApp, { issuer: down.issuer, jwksUri: down.jwksUri, audience: API, retryAfter: 7 }, false)),
          );
          expect(answer.status).to.equal(503);
          expect(answer.headers.get('retry-after')).to.equal('1');
          expect(answer.text).to.equal('Service Unavailable');
          expect(logged.join('\n')).to.include('ServiceUnavailableError');
        } finally {
          console.error = log;
        }
      });
    });

    it('rethrows errors that are not BearerErrors from authErrorHandler', async () => {
      const application = new KoaApp<AuthState>();
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
      const application = new KoaApp<AuthState>();
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
        app(KoaApp, {
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
          'the query parameter must be sent once',
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
      const served = await listen(app(KoaApp, authenticator));
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
}
