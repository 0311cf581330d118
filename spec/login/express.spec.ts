// The Express adapter of the web login against real Express 5 and Express 4 apps and the embedded OpenID Provider.
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { ConfigurationError } from '../../lib/errors.js';
import { oidcAuth, requiresAuth } from '../../lib/login/express.js';
import type { OidcAuthOptions } from '../../lib/login/options.js';
import { MemorySessionStore } from '../../lib/login/session-store.js';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../lib/token-verifier/logout-token-verifier.js';
import { CookieClient } from '../helpers/cookie-client.js';
import * as op from '../helpers/oidc.js';
import { serve } from '../helpers/serve.js';
import { thrownBy } from '../helpers/secrets.js';
import { behavesAsWebLogin, type LoginAdapterUnderTest, useLoginBench } from '../helpers/web-login-contract.js';

type Handler = (req: Request, res: Response, next: (err?: unknown) => void) => void;

/** The little of an Express app the specs use, on Express 5 and on Express 4 (which ships no types). */
interface ExpressApp extends RequestListener {
  set(setting: string, value: unknown): void;
  use(...handlers: unknown[]): void;
  get(path: string, ...handlers: Handler[]): void;
}

/** Express 4 (the dev dependency `express4`, an alias of express@4), which the peer range still accepts. */
const express4 = createRequire(import.meta.url)('express4') as (() => ExpressApp) & {
  json(): unknown;
  urlencoded(options: object): unknown;
};

/** The contract's app on Express (5 unless `make` says otherwise). */
function app(options: OidcAuthOptions, make: () => ExpressApp = express as unknown as () => ExpressApp) {
  const application = make();
  application.set('env', 'test');
  application.use(oidcAuth(options));
  application.get('/', (req, res) => {
    res.json(req.oidc.isAuthenticated() ? { authenticated: true, sub: req.oidc.user?.sub } : { authenticated: false });
  });
  application.get('/profile', requiresAuth() as Handler, (req, res) => {
    res.json(req.oidc.user);
  });
  application.get('/tokens', requiresAuth() as Handler, (req, res) => {
    const { accessToken, idToken } = req.oidc;
    res.json({
      idToken,
      accessToken: accessToken?.token,
      expiresAt: accessToken?.expiresAt,
      expired: accessToken?.isExpired(),
    });
  });
  application.get('/refresh', requiresAuth() as Handler, (req, res, next) => {
    req.oidc.accessToken!.refresh().then((token) => res.json({ accessToken: token.token }), next);
  });
  return application;
}

const adapter: LoginAdapterUnderTest = { app: async (options) => app(options) };

describe('authn-client/express: oidcAuth', function () {
  this.timeout(20_000);

  behavesAsWebLogin(adapter);

  describe('on Express 4', () => {
    behavesAsWebLogin({ app: async (options) => app(options, express4) });
  });

  // body-parser 1.x (Express 4) sets req.body = {} on every request it does not parse: after the ubiquitous
  // app.use(express.json()) the login found an empty object where the logout token (or a form_post response) was,
  // and never read the body itself. Express 5 leaves req.body undefined.
  it('reads a form posted after express.json(), on Express 5 and on Express 4', async () => {
    op.serveKeys();
    for (const [version, make, json] of [
      ['Express 5', express as unknown as () => ExpressApp, express.json],
      ['Express 4', express4, express4.json],
    ] as const) {
      const application = make();
      application.use(json());
      application.use(
        oidcAuth({
          client: op.client(),
          baseUrl: 'https://app.example.com',
          secret: op.SECRET,
          session: { store: new MemorySessionStore() },
        }),
      );
      const served = await serve(application);
      try {
        const iat = Math.floor(Date.now() / 1000);
        const token = op.signed(
          {
            iss: op.ISSUER,
            aud: 'web',
            sub: 'user-1',
            iat,
            exp: iat + 120,
            jti: randomUUID(),
            events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
          },
          'logout+jwt',
        );
        const response = await fetch(`${served.url}/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logout_token: token }),
        });
        expect(response.status, version).to.equal(200);
      } finally {
        await served.close();
      }
    }
  });

  for (const [version, make, urlencoded] of [
    ['Express 5', express as unknown as () => ExpressApp, express.urlencoded],
    ['Express 4', express4, express4.urlencoded],
  ] as const) {
    describe(`after a body parser, on ${version}`, () => {
      // express.urlencoded() has read the form_post body before the login: the login takes req.body.
      const bench = useLoginBench({
        app: async (options) => {
          const parsed = make();
          parsed.use(urlencoded({ extended: false }));
          parsed.use(app(options));
          return parsed;
        },
      });

      it('finishes a form_post login from the body the parser made', async () => {
        await bench.use({ clientId: 'spa', clientSecret: undefined, clientType: 'public', responseType: 'id_token' });
        const client = new CookieClient();
        const hops = await client.follow(`${bench.url()}/login?returnTo=/profile`);
        expect(hops.some((hop) => hop.url === `${bench.url()}/callback`)).to.equal(true);
        expect(hops.at(-1)!.url).to.equal(`${bench.url()}/profile`);
        expect(JSON.parse(hops.at(-1)!.text).sub).to.equal(bench.provider().user.sub);
      });
    });
  }

  it('refuses invalid options when the middleware is made', () => {
    expect(thrownBy(() => oidcAuth({ baseUrl: 'nope' }))).to.be.instanceOf(ConfigurationError);
  });

  it('refuses a public client given a secret when the middleware is made, not at the first login', () => {
    const options = { ...op.OPTIONS, clientType: 'public' as const, baseUrl: 'http://127.0.0.1:3000' };
    const error = thrownBy(() => oidcAuth(options));
    expect(error).to.be.instanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).to.equal('clientSecret');
  });

  it('passes to the error handler a requiresAuth() used without oidcAuth()', async () => {
    const application = express();
    application.get('/x', requiresAuth());
    let seen: unknown;
    const handler: ErrorRequestHandler = (err, _req, res, next) => {
      seen = err;
      if (err === undefined) next();
      else res.status(500).end();
    };
    application.use(handler);
    const served = await serve(application);
    try {
      await fetch(`${served.url}/x`);
      expect(seen).to.be.instanceOf(ConfigurationError);
      expect((seen as Error).message).to.equal('requiresAuth() needs oidcAuth() to run before it');
    } finally {
      await served.close();
    }
  });
});
