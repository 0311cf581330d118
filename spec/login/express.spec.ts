// The Express adapter of the web login against a real Express 5 app and the embedded OpenID Provider.
import { expect } from 'chai';
import express, { type ErrorRequestHandler } from 'express';
import { ConfigurationError } from '../../lib/errors.js';
import { oidcAuth, requiresAuth } from '../../lib/login/express.js';
import type { OidcAuthOptions } from '../../lib/login/options.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { serve } from '../helpers/serve.js';
import { thrownBy } from '../helpers/secrets.js';
import { behavesAsWebLogin, type LoginAdapterUnderTest, useLoginBench } from '../helpers/web-login-contract.js';

/** The contract's app on Express. */
function app(options: OidcAuthOptions) {
  const application = express();
  application.set('env', 'test');
  application.use(oidcAuth(options));
  application.get('/', (req, res) => {
    res.json(req.oidc.isAuthenticated() ? { authenticated: true, sub: req.oidc.user?.sub } : { authenticated: false });
  });
  application.get('/profile', requiresAuth(), (req, res) => {
    res.json(req.oidc.user);
  });
  application.get('/tokens', requiresAuth(), (req, res) => {
    const { accessToken, idToken } = req.oidc;
    res.json({
      idToken,
      accessToken: accessToken?.token,
      expiresAt: accessToken?.expiresAt,
      expired: accessToken?.isExpired(),
    });
  });
  application.get('/refresh', requiresAuth(), (req, res, next) => {
    req.oidc.accessToken!.refresh().then((token) => res.json({ accessToken: token.token }), next);
  });
  return application;
}

const adapter: LoginAdapterUnderTest = { app: async (options) => app(options) };

describe('authn-client/express: oidcAuth', function () {
  this.timeout(20_000);

  behavesAsWebLogin(adapter);

  describe('after a body parser', () => {
    // express.urlencoded() has read the form_post body before the login: the login takes req.body.
    const bench = useLoginBench({
      app: async (options) => {
        const parsed = express();
        parsed.use(express.urlencoded({ extended: false }));
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

  it('refuses invalid options when the middleware is made', () => {
    expect(thrownBy(() => oidcAuth({ baseUrl: 'nope' }))).to.be.instanceOf(ConfigurationError);
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
