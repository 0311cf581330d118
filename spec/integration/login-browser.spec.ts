// A real browser: headless Chromium logs in through the dev server's login form, with the code flow and with the
// implicit flow's form_post, then logs out — the provider on `localhost` and the apps on `127.0.0.1`, two different
// sites as in production, so that the browser applies its SameSite rules to the provider's redirects and posts.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { DevServer } from '../../lib/dev-server/dev-server.js';
import { oidcAuth, requiresAuth } from '../../lib/login/express.js';
import type { OidcAuthOptions } from '../../lib/login/options.js';
import { launchBrowserOrSkip } from '../helpers/browser.js';
import { fastOptions } from '../helpers/dev-server.js';
import { type Provider, startProvider, stopProvider } from '../helpers/integration.js';
import { SESSION_SECRET } from '../helpers/web-login-contract.js';

/** An app of the browser specs: its home page says who is logged in; `/profile` needs a login. */
function app(options: OidcAuthOptions): RequestListener {
  const application = express();
  application.use(oidcAuth({ ...options, authRequired: false }));
  application.get('/', (req, res) => {
    res
      .type('html')
      .send(`<p id="state">${req.oidc.isAuthenticated() ? `in:${String(req.oidc.user?.sub)}` : 'out'}</p>`);
  });
  application.get('/profile', requiresAuth(), (req, res) => {
    res.type('html').send(`<p id="state">profile:${String(req.oidc.user?.sub)}</p>`);
  });
  return application;
}

/** Listens on 127.0.0.1 with a listener set later (the provider needs the URL first). */
async function listen(): Promise<{ server: Server; url: string; use(listener: RequestListener): void }> {
  let current: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => current(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, use: (listener) => (current = listener) };
}

describe('web login in a real browser (headless Chromium), provider and app on different sites', function () {
  this.timeout(60_000);
  let browser: Browser;
  let provider: Provider;
  let web: Awaited<ReturnType<typeof listen>>;
  let spa: Awaited<ReturnType<typeof listen>>;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    browser = await launchBrowserOrSkip(this, 'the browser specs');
    [web, spa] = await Promise.all([listen(), listen()]);
    const fast = fastOptions();
    provider = await startProvider({
      ...fast,
      host: 'localhost',
      interactions: 'form',
      clients: [
        ...fast.clients,
        { clientId: 'web-app', redirectUris: [`${web.url}/callback`], postLogoutRedirectUris: [`${web.url}/`] },
        { clientId: 'spa', redirectUris: [`${spa.url}/callback`], postLogoutRedirectUris: [`${spa.url}/`] },
      ],
    });
    const server: DevServer = provider.server;
    const common = { issuer: server.issuer, secret: SESSION_SECRET, idpLogout: true };
    web.use(
      app({ ...common, clientId: 'web-app', clientSecret: server.client('web-app').clientSecret, baseUrl: web.url }),
    );
    spa.use(app({ ...common, clientId: 'spa', clientType: 'public', responseType: 'id_token', baseUrl: spa.url }));
  });

  after(async () => {
    await browser?.close();
    for (const served of [web, spa]) {
      served?.server.closeAllConnections();
      served?.server.close();
    }
    await stopProvider(provider);
  });

  beforeEach(async () => {
    context = await browser.createBrowserContext();
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
    expect(provider.errors, 'the provider reported server errors').to.deep.equal([]);
  });

  const state = () => page.$eval('#state', (element) => element.textContent);

  /** Fills in the provider's login form and submits it; resolves once the browser is back on `origin`. */
  async function submitLoginForm(origin: string): Promise<void> {
    expect(new URL(page.url()).hostname).to.equal('localhost');
    await page.evaluate(`document.querySelector('#username').value = ''`);
    await page.type('#username', String(provider.server.user.sub));
    await page.type('#password', 'password');
    await Promise.all([
      page.waitForFunction(
        `location.origin === ${JSON.stringify(origin)} && document.querySelector('#state') !== null`,
      ),
      page.click('button[type=submit]'),
    ]);
  }

  /** The cookies the browser would send to `url`. */
  const cookiesOf = (url: string) => page.cookies(url);

  /** Logs in from a guarded page (`atForm` runs when the provider's form shows), checks, logs out. */
  async function logInAndOut(origin: string, atForm: () => Promise<void> = async () => undefined): Promise<void> {
    await page.goto(`${origin}/profile`);
    await page.waitForSelector('#username');
    await atForm();
    await submitLoginForm(origin);
    expect(page.url()).to.equal(`${origin}/profile`);
    expect(await state()).to.equal(`profile:${provider.server.user.sub}`);
    const session = (await cookiesOf(origin)).filter((cookie) => cookie.name.startsWith('appSession'));
    expect(session.length).to.be.at.least(1);
    expect(session.every((cookie) => cookie.httpOnly && cookie.sameSite === 'Lax')).to.equal(true);
    const pending = (await cookiesOf(`${origin}/callback`)).filter((cookie) => cookie.name.startsWith('authn_tx_'));
    expect(pending, 'the callback clears the transaction cookie').to.deep.equal([]);
    // Logout: the app's session ends, then the provider's, and the provider sends the browser back.
    await page.goto(`${origin}/logout`);
    await page.waitForFunction(`location.href === ${JSON.stringify(`${origin}/`)}`);
    expect(await state()).to.equal('out');
    expect((await cookiesOf(origin)).filter((cookie) => cookie.name.startsWith('appSession'))).to.deep.equal([]);
    // The provider's session ended too: the next login asks for the password again.
    await page.goto(`${origin}/profile`);
    await page.waitForSelector('#password');
  }

  it('logs in with the code flow through the login form, then logs out of the app and the provider', async () => {
    await logInAndOut(web.url);
  });

  it('logs in with the implicit flow, whose form_post is a cross-site POST, then logs out', async () => {
    await logInAndOut(spa.url, async () => {
      const transaction = (await cookiesOf(`${spa.url}/callback`)).find((cookie) =>
        cookie.name.startsWith('authn_tx_'),
      );
      // It must come along with the provider's cross-site POST: SameSite=None; Secure (on http, loopback only).
      expect(transaction).to.include({ sameSite: 'None', secure: true, httpOnly: true, path: '/' });
    });
  });
});
