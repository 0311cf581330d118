// `npm run demo:login`: the embedded OpenID Provider on localhost and a small Express app on 127.0.0.1 that logs
// people in through it with oidcAuth() — open the printed URL in a browser. The login side's `npm start`. The two
// are on different sites, as in production (docs/login.md): the browser keeps the provider's cookies apart from
// the app's, and a wrong SameSite would show.
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type DevServer, type DevServerOptions, startDevServer } from '../../lib/dev-server/index.js';
import { oidcAuth, requiresAuth } from '../../lib/login/express.js';

/** Options of {@link startLoginDemo}. */
export interface LoginDemoOptions {
  /** The app's port; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** Options of the embedded provider, over the demo's (a login form: `interactions: 'form'`). */
  devServer?: DevServerOptions;
}

/** A running demo. */
export interface LoginDemo {
  /** The app's URL: open it in a browser. */
  readonly url: string;
  /** The provider. */
  readonly provider: DevServer;
  /** Stops the app and the provider. */
  stop(): Promise<void>;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}

/** The demo app: a home page, a guarded profile page, a token refresh, and the login's routes. */
function app(provider: DevServer, url: string): RequestListener {
  const application = express();
  application.use(
    oidcAuth({
      issuer: provider.issuer,
      clientId: 'web-app',
      clientSecret: provider.client('web-app').clientSecret,
      baseUrl: url,
      secret: randomBytes(32).toString('base64url'),
      scope: 'openid profile email offline_access',
      authRequired: false,
    }),
  );
  application.get('/', (req, res) => {
    const body = req.oidc.isAuthenticated()
      ? `<p id="greeting">Logged in as <b>${escape(String(req.oidc.user?.name ?? req.oidc.user?.sub))}</b>.</p>
<p><a href="/profile">Profile</a> · <a href="/refresh">Refresh the access token</a> · <a id="logout" href="/logout">Log out</a></p>`
      : `<p id="greeting">Not logged in.</p><p><a id="login" href="/login?returnTo=/profile">Log in</a></p>`;
    res.type('html').send(page('authn-client login demo', body));
  });
  application.get('/profile', requiresAuth(), (req, res) => {
    const token = req.oidc.accessToken;
    const expires = token?.expiresAt === undefined ? 'unknown' : new Date(token.expiresAt).toISOString();
    res.type('html').send(
      page(
        'Profile',
        `<pre id="user">${escape(JSON.stringify(req.oidc.user, null, 2))}</pre>
<p>Access token expires at ${expires}. <a href="/">Home</a> · <a href="/logout">Log out</a></p>`,
      ),
    );
  });
  application.get('/refresh', requiresAuth(), (req, res, next) => {
    req.oidc.accessToken?.refresh().then(() => res.redirect('/profile'), next);
  });
  return application;
}

/**
 * Starts the provider on localhost and the app on 127.0.0.1, with the app's callback and its home page (where a
 * logout returns) registered at the provider.
 *
 * @example
 * const demo = await startLoginDemo();
 * console.log(`open ${demo.url}`);
 */
export async function startLoginDemo(options: LoginDemoOptions = {}): Promise<LoginDemo> {
  let listener: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let provider: DevServer;
  try {
    provider = await startDevServer({
      interactions: 'form',
      host: 'localhost',
      ...options.devServer,
      clients: [
        { clientId: 'web-app', redirectUris: [`${url}/callback`], postLogoutRedirectUris: [`${url}/`] },
        ...(options.devServer?.clients ?? []),
      ],
    });
  } catch (error) {
    server.close();
    throw error;
  }
  listener = app(provider, url);
  return {
    url,
    provider,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await provider.stop();
    },
  };
}
