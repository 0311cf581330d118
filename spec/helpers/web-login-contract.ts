// The behaviour of the web login that every adapter's spec shares, written once: each adapter's spec calls
// behavesAsWebLogin() with a way to build its app, and the tests run against the embedded OpenID Provider over
// real HTTP with a cookie-keeping client.
import type { RequestListener } from 'node:http';
import { expect } from 'chai';
import type { DevServer } from '../../lib/dev-server/dev-server.js';
import { StoreUnavailableError } from '../../lib/errors.js';
import type { OidcAuthOptions } from '../../lib/login/options.js';
import { MemorySessionStore } from '../../lib/login/session-store.js';
import { type ClientResponse, CookieClient, type Hops } from './cookie-client.js';
import { fastOptions } from './dev-server.js';
import { type Provider, startProvider, stopProvider } from './integration.js';
import { logoutToken } from './logout-token.js';
import { type Served, serve } from './serve.js';

/** A claim of the test user large enough that the session outgrows one cookie (as many claims do). */
export const BIO = 'b'.repeat(3000);

/** The session secret of the specs. */
export const SESSION_SECRET = 'the-session-secret-of-the-web-login-specs';

/**
 * What the contract needs of an adapter: its app with the web login under `options`, serving
 * - `GET /` → `{ authenticated, sub }` (guarded only by `authRequired`);
 * - `GET /profile` → `req.oidc.user`, guarded by `requiresAuth()`;
 * - `GET /tokens` → `{ idToken, accessToken, expiresAt, expired }`, guarded;
 * - `GET /refresh` → refreshes the access token, then `{ accessToken }`, guarded.
 */
export interface LoginAdapterUnderTest {
  app(options: OidcAuthOptions): Promise<RequestListener>;
}

/** A served app whose listener the specs swap, so that the provider knows one redirect URI for all of them. */
export interface LoginBench {
  provider(): DevServer;
  /** The app's URL (its `baseUrl`). */
  url(): string;
  /** Serves the adapter's app with the provider's client options and `options`. */
  use(options?: OidcAuthOptions): Promise<void>;
  /** The options of `web-app` at the provider, for `oidcAuth()`. */
  options(extra?: OidcAuthOptions): OidcAuthOptions;
}

/** Registers hooks that start a provider and an app server for the calling `describe`. */
export function useLoginBench(adapter: LoginAdapterUnderTest): LoginBench {
  let listener: RequestListener = (_req, res) => res.writeHead(503).end();
  let served: Served | undefined;
  let provider: Provider | undefined;
  before(async () => {
    served = await serve((req, res) => listener(req, res));
    const fast = fastOptions();
    provider = await startProvider({
      ...fast,
      user: { sub: 'user-123', name: 'Test User', email: 'user-123@example.com', bio: BIO },
      clients: [
        ...fast.clients,
        { clientId: 'web-app', redirectUris: [`${served.url}/callback`], postLogoutRedirectUris: [`${served.url}/`] },
        { clientId: 'spa', redirectUris: [`${served.url}/callback`], postLogoutRedirectUris: [`${served.url}/`] },
      ],
    });
  });
  after(async () => {
    await served?.close();
    await stopProvider(provider);
  });
  afterEach(() => {
    expect(provider?.errors, 'the provider reported server errors').to.deep.equal([]);
  });
  const bench: LoginBench = {
    provider: () => provider!.server,
    url: () => served!.url,
    options: (extra = {}) => ({
      issuer: provider!.server.issuer,
      clientId: 'web-app',
      clientSecret: provider!.server.client('web-app').clientSecret,
      baseUrl: served!.url,
      secret: SESSION_SECRET,
      scope: 'openid profile email offline_access',
      idpLogout: false,
      ...extra,
    }),
    use: async (options = {}) => {
      listener = await adapter.app(bench.options(options));
    },
  };
  return bench;
}

/** The last answer of a redirect chain. */
export function last(hops: Hops): ClientResponse {
  return hops.at(-1)!;
}

/** Logs in through the app's `/login` (following the provider's redirects) and returns the hops. */
export function logIn(client: CookieClient, bench: LoginBench, query = ''): Promise<Hops> {
  return client.follow(`${bench.url()}/login${query}`);
}

/** The `Set-Cookie` line for `name` among an answer's, or `undefined`. */
export function setCookie(response: ClientResponse, name: string | RegExp): string | undefined {
  return response.setCookies.find((line) =>
    typeof name === 'string' ? line.startsWith(`${name}=`) : name.test(line.split('=')[0]!),
  );
}

/** Whether an answer deletes the session cookie (whole or in chunks). */
export function sessionDeleted(response: ClientResponse): boolean {
  const lines = response.setCookies.filter((line) => /^appSession(\.\d+)?=/.test(line));
  return lines.length > 0 && lines.every((line) => /^appSession(\.\d+)?=; Max-Age=0;/.test(line));
}

/** The shared tests of the web login. */
export function behavesAsWebLogin(adapter: LoginAdapterUnderTest): void {
  const bench = useLoginBench(adapter);
  let client: CookieClient;
  beforeEach(() => {
    client = new CookieClient();
  });

  const json = (response: ClientResponse) => JSON.parse(response.text) as Record<string, unknown>;

  describe('login', () => {
    it('sends /login to the provider with a sealed transaction cookie of its own', async () => {
      await bench.use();
      const answer = await client.request(`${bench.url()}/login`);
      expect(answer.status).to.equal(302);
      expect(answer.headers.get('location')).to.match(new RegExp(`^${bench.provider().issuer}authorize\\?`));
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      const line = setCookie(answer, /^authn_tx_/);
      expect(line).to.match(
        /^authn_tx_[\w-]{22}=v1\.[\w-]+; Max-Age=\d+; Expires=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/,
      );
    });

    it('logs the user in: the callback sets the session cookie, clears the transaction and returns to /', async () => {
      await bench.use();
      const hops = await logIn(client, bench);
      const callback = hops.find((hop) => hop.url.startsWith(`${bench.url()}/callback`))!;
      expect(callback.status).to.equal(302);
      expect(callback.headers.get('location')).to.equal(`${bench.url()}/`);
      for (const line of callback.setCookies.filter((cookie) => cookie.startsWith('appSession'))) {
        expect(line).to.match(/^appSession\.\d=[\w.-]+; Max-Age=86400; .*HttpOnly; SameSite=Lax$/);
      }
      expect(setCookie(callback, /^authn_tx_/)).to.match(/=; Max-Age=0; .*Path=\/;/);
      expect(last(hops).status).to.equal(200);
      expect(json(last(hops))).to.deep.equal({ authenticated: true, sub: bench.provider().user.sub });
      expect(
        [...client.cookiesFor(`${bench.url()}/callback`).keys()].filter((name) => name.startsWith('authn_tx_')),
      ).to.deep.equal([]);
    });

    it('keeps returnTo through the login', async () => {
      await bench.use();
      const hops = await logIn(client, bench, `?returnTo=${encodeURIComponent('/profile?tab=2')}`);
      expect(last(hops).url).to.equal(`${bench.url()}/profile?tab=2`);
      expect(json(last(hops))).to.include({ sub: bench.provider().user.sub, name: bench.provider().user.name });
    });

    it('logs a public client in with the implicit flow, whose answer is a form_post to the callback', async () => {
      await bench.use({ clientId: 'spa', clientSecret: undefined, clientType: 'public', responseType: 'id_token' });
      const start = await client.request(`${bench.url()}/login?returnTo=/profile`);
      expect(setCookie(start, /^authn_tx_/)).to.match(/; Path=\/; HttpOnly; Secure; SameSite=None$/);
      const hops = await client.follow(start.headers.get('location')!);
      const callback = hops.find((hop) => hop.url.startsWith(`${bench.url()}/callback`))!;
      expect(callback.status).to.equal(302);
      expect(last(hops).url).to.equal(`${bench.url()}/profile`);
      expect(json(last(hops)).sub).to.equal(bench.provider().user.sub);
      expect(json(await client.request(`${bench.url()}/tokens`)).accessToken).to.equal(undefined);
    });

    it('never returns to another site (no open redirect)', async () => {
      await bench.use();
      const hops = await logIn(client, bench, `?returnTo=${encodeURIComponent('https://evil.example/')}`);
      expect(last(hops).url).to.equal(`${bench.url()}/`);
    });

    it('finishes two logins of two tabs in the opposite order, each clearing only its own transaction', async () => {
      await bench.use();
      const first = await client.request(`${bench.url()}/login?returnTo=/profile`);
      const second = await client.request(`${bench.url()}/login?returnTo=/tokens`);
      const callbackOf = async (answer: ClientResponse) => {
        const hops = await client.follow(answer.headers.get('location')!, {}, 20);
        return hops;
      };
      // Each chain runs to the end: second tab first.
      const late = await callbackOf(second);
      expect(last(late).url).to.equal(`${bench.url()}/tokens`);
      const pending = [...client.cookiesFor(`${bench.url()}/callback`).keys()].filter((n) => n.startsWith('authn_tx_'));
      expect(pending).to.have.length(1);
      const early = await callbackOf(first);
      expect(last(early).url).to.equal(`${bench.url()}/profile`);
      expect(last(early).status).to.equal(200);
    });

    it('answers a callback whose state no transaction of the browser has with 400, and no session', async () => {
      await bench.use();
      await client.request(`${bench.url()}/login`);
      const answer = await client.request(
        `${bench.url()}/callback?code=abc&state=forged&iss=${encodeURIComponent(bench.provider().issuer)}`,
      );
      expect(answer.status).to.equal(400);
      expect(json(answer).error_description).to.match(/^ERR_LOGIN_/);
      expect(setCookie(answer, 'appSession')).to.equal(undefined);
    });

    it('answers a callback without any transaction cookie (another browser) with 400', async () => {
      await bench.use();
      const answer = await client.request(
        `${bench.url()}/callback?code=abc&state=s&iss=${encodeURIComponent(bench.provider().issuer)}`,
      );
      expect(answer.status).to.equal(400);
      expect(json(answer).error_description).to.match(/^ERR_LOGIN_TRANSACTION_MISSING/);
    });

    it('carries the provider error of a refused login, and clears that login transaction', async () => {
      await bench.use();
      const start = await client.request(`${bench.url()}/login`);
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const answer = await client.request(
        `${bench.url()}/callback?error=access_denied&error_description=no&state=${state}&iss=${encodeURIComponent(bench.provider().issuer)}`,
      );
      expect(answer.status).to.equal(400);
      expect(json(answer).error).to.equal('access_denied');
      expect(setCookie(answer, /^authn_tx_/)).to.match(/=; Max-Age=0;/);
    });

    it('marks its cookies Secure when baseUrl is https', async () => {
      await bench.use({ baseUrl: bench.url().replace('http:', 'https:'), redirectUri: `${bench.url()}/callback` });
      const answer = await client.request(`${bench.url()}/login`);
      // __Host-: Secure, Path=/ and no Domain, so that a sibling sub-domain cannot set one of the login's cookies.
      expect(setCookie(answer, /^__Host-authn_tx_/)).to.match(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    });
  });

  describe('guards', () => {
    it('sends an anonymous page view to the login with authRequired, and brings it back after', async () => {
      await bench.use({ authRequired: true });
      const answer = await client.request(`${bench.url()}/?x=1`);
      expect(answer.status).to.equal(302);
      expect(answer.headers.get('location')).to.equal(`/login?returnTo=${encodeURIComponent('/?x=1')}`);
      const hops = await client.follow(`${bench.url()}/?x=1`);
      expect(last(hops).url).to.equal(`${bench.url()}/?x=1`);
      expect(json(last(hops)).authenticated).to.equal(true);
    });

    it('answers an anonymous API call 401 with authRequired', async () => {
      await bench.use({ authRequired: true });
      const answer = await client.request(`${bench.url()}/`, { headers: { accept: 'application/json' } });
      expect(answer.status).to.equal(401);
      expect(json(answer)).to.deep.equal({ error: 'unauthorized', error_description: 'authentication required' });
    });

    it('lets anonymous requests through without authRequired, and guards requiresAuth() routes', async () => {
      await bench.use({ authRequired: false });
      expect(json(await client.request(`${bench.url()}/`))).to.deep.equal({ authenticated: false });
      expect((await client.request(`${bench.url()}/profile`)).headers.get('location')).to.equal(
        '/login?returnTo=%2Fprofile',
      );
      expect(
        (await client.request(`${bench.url()}/profile`, { headers: { accept: 'application/json' } })).status,
      ).to.equal(401);
      await logIn(client, bench);
      expect(json(await client.request(`${bench.url()}/profile`)).sub).to.equal(bench.provider().user.sub);
    });

    it('treats a session cookie it cannot open as none, and deletes it', async () => {
      await bench.use({ authRequired: false });
      client.set(bench.url(), 'appSession', 'v1.forged');
      const answer = await client.request(`${bench.url()}/`);
      expect(json(answer).authenticated).to.equal(false);
      expect(sessionDeleted(answer)).to.equal(true);
    });
  });

  describe('sessions', () => {
    it('gives the tokens and refreshes the access token, keeping the rotated refresh token', async () => {
      await bench.use();
      await logIn(client, bench);
      const before = json(await client.request(`${bench.url()}/tokens`));
      expect(before.expired).to.equal(false);
      expect(before.expiresAt).to.be.a('number').above(Date.now());
      const refreshed = json(await client.request(`${bench.url()}/refresh`));
      expect(refreshed.accessToken).to.be.a('string').and.not.equal(before.accessToken);
      const after = json(await client.request(`${bench.url()}/tokens`));
      expect(after.accessToken).to.equal(refreshed.accessToken);
      expect(after.idToken).to.be.a('string'); // the refresh's new ID token, checked against the login's
      // The session now holds the rotated refresh token: a second refresh works too.
      expect((await client.request(`${bench.url()}/refresh`)).status).to.equal(200);
    });

    it('splits a session too large for one cookie into chunks and reads it back', async () => {
      await bench.use();
      const hops = await logIn(client, bench);
      const callback = hops.find((hop) => hop.url.startsWith(`${bench.url()}/callback`))!;
      const chunks = callback.setCookies.filter((line) => /^appSession\.\d+=v?/.test(line));
      expect(chunks.length).to.be.at.least(2);
      for (const line of chunks) expect(line.length).to.be.at.most(4096);
      expect(json(await client.request(`${bench.url()}/profile`)).bio).to.equal(BIO);
    });

    it('keeps the session in a store when one is given, with only a small cookie', async () => {
      const store = new MemorySessionStore();
      await bench.use({ session: { store } });
      await logIn(client, bench);
      expect(store.size).to.equal(1);
      expect(client.cookiesFor(`${bench.url()}/`).get('appSession')!.length).to.be.below(200);
      expect(json(await client.request(`${bench.url()}/profile`)).sub).to.equal(bench.provider().user.sub);
    });

    it('answers 503 when the session store is down, rather than guess', async () => {
      const store = new MemorySessionStore();
      await bench.use({ session: { store } });
      await logIn(client, bench);
      store.get = () => Promise.reject(new StoreUnavailableError('Redis session store: GET failed: down'));
      const answer = await client.request(`${bench.url()}/profile`);
      expect(answer.status).to.equal(503);
      expect(json(answer).error).to.equal('temporarily_unavailable');
    });
  });

  describe('logout', () => {
    it('ends the session locally and returns to returnTo', async () => {
      await bench.use({ authRequired: false });
      await logIn(client, bench);
      const answer = await client.request(`${bench.url()}/logout?returnTo=/bye`);
      expect(answer.status).to.equal(302);
      expect(answer.headers.get('location')).to.equal(`${bench.url()}/bye`);
      expect(sessionDeleted(answer)).to.equal(true);
      expect(json(await client.request(`${bench.url()}/`)).authenticated).to.equal(false);
    });

    it('sends the browser to the provider to end its session too, with idpLogout, and back', async () => {
      await bench.use({ idpLogout: true, authRequired: false });
      const interacted = (hops: Hops) => hops.some((hop) => hop.url.includes('/interaction/'));
      await logIn(client, bench);
      expect(interacted(await logIn(client, bench)), 'a login with a provider session asks nothing').to.equal(false);
      const answer = await client.request(`${bench.url()}/logout`);
      const location = new URL(answer.headers.get('location')!);
      expect(location.href.startsWith(bench.provider().issuer)).to.equal(true);
      expect(location.searchParams.get('client_id')).to.equal('web-app');
      expect(sessionDeleted(answer)).to.equal(true);
      const hops = await client.follow(location.href);
      expect(last(hops).url).to.equal(`${bench.url()}/`);
      expect(json(last(hops)).authenticated).to.equal(false);
      // The provider's session ended too: the next login goes through its login step again.
      expect(interacted(await logIn(client, bench))).to.equal(true);
    });

    it('deletes the session from the store on logout', async () => {
      const store = new MemorySessionStore();
      await bench.use({ session: { store } });
      await logIn(client, bench);
      await client.request(`${bench.url()}/logout`);
      expect(store.size).to.equal(0);
    });
  });

  describe('back-channel logout', () => {
    const post = (token: unknown) =>
      client.request(`${bench.url()}/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(typeof token === 'string' ? { logout_token: token } : {}),
      });

    it('ends the sessions a logout token names, in the store', async () => {
      const store = new MemorySessionStore();
      await bench.use({ session: { store } });
      await logIn(client, bench);
      const answer = await post(
        logoutToken(bench.provider(), 'web-app', {
          sub: String(json(await client.request(`${bench.url()}/profile`)).sub),
        }),
      );
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(store.size).to.equal(0);
      expect((await client.request(`${bench.url()}/profile`)).status).to.equal(302);
    });

    it('ends the cookie sessions of a user through the logout store', async () => {
      await bench.use({ backchannelLogout: { store: new MemorySessionStore() } });
      await logIn(client, bench);
      expect(
        (await post(logoutToken(bench.provider(), 'web-app', { sub: bench.provider().user.sub }))).status,
      ).to.equal(200);
      const answer = await client.request(`${bench.url()}/profile`);
      expect(answer.status).to.equal(302);
      expect(sessionDeleted(answer)).to.equal(true);
    });

    it('refuses a token that is not a logout token, or none, with 400', async () => {
      await bench.use({ session: { store: new MemorySessionStore() } });
      const forged = logoutToken(bench.provider(), 'another-client', { sub: 'user-123' });
      const refused = await post(forged);
      expect(refused.status).to.equal(400);
      expect(json(refused).error).to.equal('invalid_request');
      expect((await post(undefined)).status).to.equal(400);
    });

    it('is not served without a store to end sessions in', async () => {
      await bench.use({ authRequired: false });
      expect((await post(logoutToken(bench.provider(), 'web-app', { sub: 'user-123' }))).status).to.equal(404);
    });
  });
}
