// The framework-neutral core of the web login, called directly: what the adapters' shared contract does not reach
// (providers that are down or lack a logout endpoint, failures that are the framework's to answer).
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import nock from 'nock';
import {
  type AuthnError,
  ConfigurationError,
  LoginError,
  NetworkError,
  StoreUnavailableError,
  TokenValidationError,
} from '../../lib/errors.js';
import type { OidcAuthOptions } from '../../lib/login/options.js';
import type { LoginRequest } from '../../lib/login/request.js';
import { type Session, SessionLifetime } from '../../lib/login/session.js';
import { SessionManager } from '../../lib/login/session-manager.js';
import { MemorySessionStore } from '../../lib/login/session-store.js';
import { type LoginOutcome, WebLogin } from '../../lib/login/web-login.js';
import { OidcClient } from '../../lib/oidc/oidc-client.js';
import type { StartedLogin } from '../../lib/oidc/start-login.js';
import { isTransactionCookie, transactionName } from '../../lib/oidc/transaction.js';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';
import type { ProviderMetadata } from '../../lib/oidc/discovery.js';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../lib/token-verifier/logout-token-verifier.js';
import { signJwt } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';
import * as op from '../helpers/oidc.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';
import { rawGet, type Served, serve } from '../helpers/serve.js';

const SECRET = 'the-session-secret-of-the-web-login-specs';
const ISSUER = 'https://accounts.example.com';
const BASE = 'https://app.example.com';

/** A provider like Google's: no end_session_endpoint, not Auth0. Its JWKS is at `jwksUri` (down unless served). */
function metadata(jwksUri = 'http://127.0.0.1:1/jwks'): ProviderMetadata {
  return {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/o/oauth2/v2/auth`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: jwksUri,
    response_types_supported: ['code', 'id_token'],
    id_token_signing_alg_values_supported: ['RS256'],
  } as ProviderMetadata;
}

function client(jwksUri?: string): OidcClient {
  return new OidcClient(
    { issuer: ISSUER, clientId: 'web', clientSecret: 'client-secret', redirectUri: `${BASE}/callback`, secret: SECRET },
    metadata(jwksUri),
  );
}

const get = (url: string, headers: Record<string, string> = {}): LoginRequest => ({ method: 'GET', url, headers });

const now = () => Math.floor(Date.now() / 1000);

/** The `Cookie` header of a browser that holds `session`, sealed with `secret` as the web login seals it. */
async function cookieOf(session: Session, secret: string, store?: MemorySessionStore): Promise<string> {
  const sessions = new SessionManager({
    secret,
    lifetime: new SessionLifetime(),
    name: '__Host-appSession',
    attributes: { sameSite: 'Lax', secure: true },
    clock: () => Date.now() / 1000,
    ...(store !== undefined && { store }),
  });
  const active = await sessions.create(session);
  return sessions
    .cookieLines(active, new Map())
    .map((line) => line.split(';')[0])
    .join('; ');
}

/** A session cookie for `user-1`, sealed as the web login seals them. */
function sessionCookie(store?: MemorySessionStore): Promise<string> {
  const idToken = signJwt({ iss: ISSUER, sub: 'user-1', aud: 'web' }, { alg: 'HS256', key: 'k' });
  return cookieOf({ tokens: { idToken }, createdAt: now() }, SECRET, store);
}

/** A web login of the fake provider of spec/helpers/oidc.ts, whose keys `op.serveKeys()` serves. */
function opLogin(options: Partial<OidcAuthOptions> = {}): WebLogin {
  return new WebLogin({ client: op.client(), baseUrl: BASE, secret: op.SECRET, authRequired: false, ...options });
}

/** What the app sees of a request the login did not answer. */
function context(outcome: LoginOutcome) {
  if (outcome.handled) throw new Error(`expected the app to handle the request, got ${outcome.response.status}`);
  return outcome.context;
}

/** A back-channel logout token of the fake provider for `user-1`, issued at `iat`. */
function logoutToken(iat: number): string {
  const events = { [BACKCHANNEL_LOGOUT_EVENT]: {} };
  return op.signed(
    { iss: op.ISSUER, aud: 'web', sub: 'user-1', iat, exp: iat + 300, jti: randomUUID(), events },
    'logout+jwt',
  );
}

function answered(outcome: LoginOutcome) {
  if (!outcome.handled) throw new Error('expected the login to answer');
  return outcome.response;
}

describe('WebLogin', () => {
  it('logs out locally when the provider has no logout endpoint (Google), even with idpLogout', async () => {
    const login = new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET, idpLogout: true });
    const response = answered(await login.handle(get('/logout', { cookie: await sessionCookie() })));
    expect(response.status).to.equal(302);
    expect(response.headers.location).to.equal(`${BASE}/`);
    expect(String(response.headers['set-cookie'])).to.match(/^__Host-appSession=; Max-Age=0;/);
  });

  it('refuses a copy of a cookie session after /logout on every replica when a logout store is configured', async () => {
    const store = new MemorySessionStore();
    const [one, other] = [opLogin({ backchannelLogout: { store } }), opLogin({ backchannelLogout: { store } })];
    const copy = await cookieOf({ tokens: { idToken: op.idToken() }, createdAt: now() }, op.SECRET);
    expect(context(await other.handle(get('/', { cookie: copy }))).isAuthenticated()).to.equal(true);
    expect(answered(await one.handle(get('/logout', { cookie: copy }))).status).to.equal(302);
    expect(context(await other.handle(get('/', { cookie: copy }))).isAuthenticated()).to.equal(false);
  });

  // Two requests of one session that found the access token expired both redeemed its refresh token: with
  // rotation the second is refused (Okta), or taken for a stolen token's reuse and the whole family revoked (Auth0).
  it('redeems a refresh token once when two requests of one session refresh at the same time', async () => {
    op.serveKeys();
    const tokens = { idToken: op.idToken(), accessToken: 'AT0', expiresAt: Date.now() - 1000, refreshToken: 'R0' };
    const cookie = await cookieOf({ tokens, createdAt: now() }, op.SECRET);
    const grant = op.tokenEndpoint(undefined, {}, { refresh_token: 'R1' });
    const login = opLogin();
    const [a, b] = await Promise.all([login.handle(get('/', { cookie })), login.handle(get('/', { cookie }))]);
    const [one, two] = await Promise.all([context(a).accessToken!.refresh(), context(b).accessToken!.refresh()]);
    expect(grant.requests.map((request) => request.body.refresh_token)).to.deep.equal(['R0']);
    expect([one.token, two.token]).to.deep.equal([op.ACCESS_TOKEN, op.ACCESS_TOKEN]);
    const c = context(await login.handle(get('/', { cookie })));
    await c.accessToken!.refresh();
    expect(grant.requests).to.have.length(1);
  });

  // Two replicas that refreshed one session at the same moment both redeemed its refresh token.
  it('redeems the refresh token of a store session once when two replicas refresh it at the same time', async () => {
    op.serveKeys();
    const store = new MemorySessionStore();
    const tokens = { idToken: op.idToken(), accessToken: 'AT0', expiresAt: Date.now() - 1000, refreshToken: 'R0' };
    const cookie = await cookieOf({ tokens, createdAt: now() }, op.SECRET, store);
    const grant = op.tokenEndpoint(undefined, {}, { refresh_token: 'R1' });
    const [one, two] = [opLogin({ session: { store } }), opLogin({ session: { store } })];
    const [a, b] = await Promise.all([one.handle(get('/', { cookie })), two.handle(get('/', { cookie }))]);
    const fresh = await Promise.all([context(a).accessToken!.refresh(), context(b).accessToken!.refresh()]);
    expect(grant.requests.map((request) => request.body.refresh_token)).to.deep.equal(['R0']);
    expect(fresh.map((token) => token.token)).to.deep.equal([op.ACCESS_TOKEN, op.ACCESS_TOKEN]);
    const later = context(await one.handle(get('/', { cookie })));
    expect(later.accessToken?.token).to.equal(op.ACCESS_TOKEN);
  });

  it('serves only the sessions of its own client and issuer, although another app shares its secret', async () => {
    const cookie = await cookieOf({ tokens: { idToken: op.idToken({ aud: 'web' }) }, createdAt: now() }, op.SECRET);
    expect(context(await opLogin().handle(get('/', { cookie }))).isAuthenticated()).to.equal(true);
    const other = opLogin({ client: op.client({ clientId: 'other-app' }) });
    expect(context(await other.handle(get('/', { cookie }))).isAuthenticated()).to.equal(false);
    const elsewhere = opLogin({ client: undefined, issuer: 'https://other.example.com', clientId: 'web' });
    expect(context(await elsewhere.handle(get('/', { cookie }))).isAuthenticated()).to.equal(false);
  });

  it('logs out locally without asking the provider when there is no session', async () => {
    const login = new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET });
    const response = answered(await login.handle(get('/logout?returnTo=/bye')));
    expect(response.headers.location).to.equal(`${BASE}/bye`);
  });

  it('answers 503 when the provider cannot be discovered, and tries again on the next request', async () => {
    let calls = 0;
    const down: Served = await serve((_req, res) => {
      calls++;
      res.writeHead(503).end();
    });
    try {
      const login = new WebLogin({
        issuer: down.url,
        clientId: 'web',
        clientSecret: 'client-secret',
        baseUrl: 'http://127.0.0.1:3000',
        secret: SECRET,
      });
      for (let attempt = 1; attempt <= 2; attempt++) {
        const response = answered(await login.handle(get('/login')));
        expect(response.status).to.equal(503);
        expect(JSON.parse(response.body!).error).to.equal('temporarily_unavailable');
      }
      expect(calls).to.equal(2);
    } finally {
      await down.close();
    }
  });

  describe('failures it answers itself', () => {
    /** A web login of the fake provider whose onError keeps what it is given. */
    function reporting(options: Partial<OidcAuthOptions> = {}): [WebLogin, AuthnError[]] {
      const reported: AuthnError[] = [];
      return [opLogin({ onError: (error) => reported.push(error), ...options }), reported];
    }

    /** A login started on `login`, and the query of its callback with a code. */
    async function started(login: WebLogin): Promise<{ cookie: string; query: string; nonce: string }> {
      const response = answered(await login.handle(get('/login')));
      const location = new URL(String(response.headers.location));
      const cookie = String(response.headers['set-cookie']).split(';')[0]!;
      const query = new URL(op.callback({ code: 'code-1', state: location.searchParams.get('state')! })).search;
      return { cookie, query, nonce: location.searchParams.get('nonce')! };
    }

    // A trial stopped the provider: every visitor of /login read its internal discovery URL and ECONNREFUSED.
    it("answers 503 without the provider's address or the network error, and reports the error", async () => {
      const closed: Served = await serve((_req, res) => res.end());
      await closed.close();
      const reported: AuthnError[] = [];
      const login = new WebLogin({
        issuer: closed.url,
        clientId: 'web',
        clientSecret: 'client-secret',
        baseUrl: 'http://127.0.0.1:3000',
        secret: SECRET,
        onError: (error) => reported.push(error),
      });
      const response = answered(await login.handle(get('/login')));
      expect(response.status).to.equal(503);
      expect(JSON.parse(response.body!)).to.deep.equal({
        error: 'temporarily_unavailable',
        error_description: 'the login service is unavailable; try again later',
      });
      expect(reported).to.have.length(1);
      expect(reported[0]).to.be.instanceOf(NetworkError);
      expect(reported[0]!.message).to.include(closed.url);
    });

    // A trial gave the app a wrong client secret: the browser read invalid_client, the operator saw nothing.
    it('reports a failed callback to onError and answers the browser its code', async () => {
      const [login, reported] = reporting();
      const { cookie, query } = await started(login);
      nock(op.ORIGIN)
        .post('/realms/demo/token')
        .reply(401, { error: 'invalid_client', error_description: 'client authentication failed' });
      const response = answered(await login.handle(get(`/callback${query}`, { cookie })));
      expect(response.status).to.equal(400);
      expect(JSON.parse(response.body!).error).to.equal('invalid_client');
      expect(reported).to.have.length(1);
      expect(reported[0]).to.be.instanceOf(LoginError);
      expect(reported[0]!.code).to.equal('ERR_LOGIN_TOKEN_REQUEST');
    });

    it('answers a callback whose token endpoint cannot be reached 503, naming neither host nor error', async () => {
      const down = op.client({}, { token_endpoint: 'http://127.0.0.1:1/token' });
      const [login, reported] = reporting({ client: down });
      const { cookie, query } = await started(login);
      const response = answered(await login.handle(get(`/callback${query}`, { cookie })));
      expect(response.status).to.equal(503);
      expect(JSON.parse(response.body!).error_description).to.equal(
        'ERR_LOGIN_PROVIDER_UNAVAILABLE: the login service is unavailable; try again later',
      );
      expect(reported.map((error) => error.code)).to.deep.equal(['ERR_LOGIN_PROVIDER_UNAVAILABLE']);
    });

    it('reports a refused back-channel logout token', async () => {
      op.serveKeys();
      const [login, reported] = reporting({ backchannelLogout: { store: new MemorySessionStore() } });
      const token = op.signed({ iss: op.ISSUER, aud: 'web', sub: 'user-1', iat: now(), exp: now() + 300 });
      const body = { logout_token: token };
      const answer = answered(await login.handle({ method: 'POST', url: '/backchannel-logout', headers: {}, body }));
      expect(answer.status).to.equal(400);
      expect(reported).to.have.length(1);
      expect(reported[0]).to.be.instanceOf(TokenValidationError);
    });

    it('refuses an onError that is not a function', () => {
      expect(() => opLogin({ onError: 'log' as never })).to.throw('onError must be a function');
    });
  });

  it("answers 503 to a back-channel logout whose token cannot be checked: the provider's keys are down", async () => {
    const login = new WebLogin({
      client: client(),
      baseUrl: BASE,
      secret: SECRET,
      session: { store: new MemorySessionStore() },
    });
    const token = signJwt(
      { iss: ISSUER, aud: 'web', sub: 'user-1' },
      { kid: 'k1', key: rsaKeys('web-login-spec').privateKey },
    );
    const response = answered(
      await login.handle({ method: 'POST', url: '/backchannel-logout', headers: {}, body: { logout_token: token } }),
    );
    expect(response.status).to.equal(503);
  });

  describe('login transactions', () => {
    beforeEach(op.serveKeys);

    /** Starts `count` logins as one browser would, keeping the cookies each answer sets or deletes. */
    async function startLogins(login: WebLogin, count: number, returnTo = '/'): Promise<[HeadlessCookieJar, URL]> {
      const jar = new HeadlessCookieJar();
      let location = '';
      for (let i = 0; i < count; i++) {
        const query = `?returnTo=${encodeURIComponent(returnTo)}`;
        const response = answered(await login.handle(get(`/login${query}`, { cookie: jar.header() })));
        jar.store([response.headers['set-cookie'] ?? []].flat());
        location = String(response.headers.location);
      }
      return [jar, new URL(location)];
    }

    const transactionCookies = (jar: HeadlessCookieJar) =>
      jar
        .header()
        .split('; ')
        .filter((pair) => isTransactionCookie(pair.split('=')[0]!.replace(/^__Host-/, '')));

    // Browsers send the cookies of one path oldest first: the callback looked at the first 20 transaction
    // cookies only, so twenty abandoned logins hid the one being finished.
    it('finishes a login whose transaction cookie comes after many older ones', async () => {
      const login = opLogin();
      const [jar, location] = await startLogins(login, 8);
      const state = location.searchParams.get('state')!;
      op.tokenEndpoint(location.searchParams.get('nonce')!);
      const older = Array.from({ length: 25 }, (_, i) => `__Host-${transactionName(`old-${i}`)}=v1.abandoned`).join(
        '; ',
      );
      const query = new URL(op.callback({ code: 'code-1', state })).search;
      const response = answered(await login.handle(get(`/callback${query}`, { cookie: `${older}; ${jar.header()}` })));
      expect(response.status, response.body).to.equal(302);
    });

    // A sibling sub-domain could set an appSession cookie of its own login for the parent domain (the victim then
    // acts as the attacker), or a transaction cookie followed by its callback URL: on https only __Host- cookies,
    // which it cannot set, are read.
    it('reads an https session and transactions only from __Host- cookies, which a sibling sub-domain cannot set', async () => {
      const login = opLogin();
      const sealed = await cookieOf({ tokens: { idToken: op.idToken() }, createdAt: now() }, op.SECRET);
      expect(context(await login.handle(get('/', { cookie: sealed }))).isAuthenticated()).to.equal(true);
      const plain = sealed.replace(/^__Host-/, '');
      expect(context(await login.handle(get('/', { cookie: plain }))).isAuthenticated()).to.equal(false);

      const [jar, location] = await startLogins(login, 1);
      expect(jar.header()).to.match(/^__Host-authn_tx_/);
      const query = new URL(op.callback({ code: 'code-1', state: location.searchParams.get('state')! })).search;
      const tossed = jar.header().replace(/^__Host-/, '');
      const response = answered(await login.handle(get(`/callback${query}`, { cookie: tossed })));
      expect(response.status).to.equal(400);
      expect(String(response.body)).to.include('ERR_LOGIN_TRANSACTION_MISSING');
    });

    // Entra ID puts up to 200 group ids in its tokens: sealed into cookies (29 KB), the session was set, and every
    // later request of the browser, /logout included, was refused by Node (431, over 16 KB of headers).
    it('fails the callback of a session too large for cookies, naming session.store; a store takes it', async () => {
      const groups = Array.from({ length: 200 }, () => randomUUID());
      const finish = async (login: WebLogin) => {
        const [jar, location] = await startLogins(login, 1);
        op.tokenEndpoint(location.searchParams.get('nonce')!, { groups });
        const query = new URL(op.callback({ code: 'code-1', state: location.searchParams.get('state')! })).search;
        return login.handle(get(`/callback${query}`, { cookie: jar.header() }));
      };
      const error = await rejectionOf(finish(opLogin()));
      expect(error).to.be.instanceOf(ConfigurationError).and.include({ option: 'session.store' });
      expect(error.message).to.match(/needs \d+ bytes of cookies, more than the 8192 .*configure session\.store/);
      expectNoSecrets(error, [op.REFRESH_TOKEN, op.ACCESS_TOKEN, op.SECRET]);
      const stored = answered(await finish(opLogin({ session: { store: new MemorySessionStore() } })));
      expect(stored.status).to.equal(302);
    });

    // A page can drive a browser through /login as often as it likes (a popup it opened), each login a cookie
    // sent with every request: enough of them made every request too large for the server (431) for ten minutes.
    it('keeps the transaction cookies of a browser within a budget, deleting the oldest, however many logins', async () => {
      const login = opLogin();
      const [jar] = await startLogins(login, 12, `/${'a'.repeat(511)}`);
      const pending = transactionCookies(jar);
      expect(pending.length).to.be.within(3, 6);
      expect(pending.join('; ').length).to.be.below(5.5 * 1024);
      const served = await serve((_req, res) => res.writeHead(204).end());
      try {
        expect((await rawGet(served.port, '/callback', [`Cookie: ${jar.header()}`])).status).to.equal(204);
      } finally {
        await served.close();
      }
      // Logins with the usual short returnTo: parallel tabs keep theirs.
      const [tabs] = await startLogins(login, 8, '/orders');
      expect(transactionCookies(tabs)).to.have.length(8);
    });

    it('takes a returnTo longer than 512 characters for none, never for a server error', async () => {
      const login = opLogin();
      const response = answered(await login.handle(get(`/login?returnTo=/${'a'.repeat(3000)}`)));
      expect(response.status).to.equal(302);
      const value = String(response.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
      expect(op.opened({ transaction: { value } } as StartedLogin).returnTo).to.equal('/');
    });
  });

  describe('logout from another site', () => {
    beforeEach(op.serveKeys);

    const crossSite = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };

    // A cross-site navigation carries SameSite=Lax cookies: any page (a link, window.open, a meta refresh) ended
    // the app's session and, with idpLogout, sent the browser to the provider with the ID token as id_token_hint.
    it('does not end the session on a cross-site GET /logout: it asks for a same-origin POST instead', async () => {
      const login = opLogin();
      const cookie = await cookieOf({ tokens: { idToken: op.idToken() }, createdAt: now() }, op.SECRET);
      const response = answered(await login.handle(get('/logout?returnTo=/bye', { cookie, ...crossSite })));
      expect(response.status).to.equal(200);
      expect(response.headers).to.not.have.property('set-cookie');
      expect(response.headers).to.include({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      expect(response.headers['content-security-policy']).to.include("frame-ancestors 'none'");
      expect(response.body).to.include('<form method="post" action="/logout?returnTo=/bye">');
      expect(context(await login.handle(get('/', { cookie }))).isAuthenticated()).to.equal(true);
    });

    it('logs out on a POST from the app itself, and on a GET the user typed or bookmarked', async () => {
      const login = opLogin({ idpLogout: false });
      const cookie = await cookieOf({ tokens: { idToken: op.idToken() }, createdAt: now() }, op.SECRET);
      for (const request of [
        {
          method: 'POST',
          url: '/logout?returnTo=/bye',
          headers: { cookie, 'sec-fetch-site': 'same-origin', origin: BASE },
        },
        { method: 'POST', url: '/logout?returnTo=/bye', headers: { cookie } },
        get('/logout?returnTo=/bye', { cookie, 'sec-fetch-site': 'none' }),
        get('/logout?returnTo=/bye', { cookie }),
      ]) {
        const response = answered(await login.handle(request));
        expect([response.status, response.headers.location], JSON.stringify(request.headers)).to.deep.equal([
          request.method === 'POST' ? 303 : 302,
          `${BASE}/bye`,
        ]);
        expect(String(response.headers['set-cookie'])).to.match(/^__Host-appSession=; Max-Age=0;/);
      }
    });

    it('does not log out on a POST from another origin or site', async () => {
      const login = opLogin();
      const cookie = await cookieOf({ tokens: { idToken: op.idToken() }, createdAt: now() }, op.SECRET);
      for (const headers of [
        { cookie, origin: 'https://evil.example' },
        { cookie, origin: 'null' },
        { cookie, 'sec-fetch-site': 'same-site' },
      ]) {
        const response = answered(await login.handle({ method: 'POST', url: '/logout', headers }));
        expect(response.status, JSON.stringify(headers)).to.equal(200);
        expect(response.headers).to.not.have.property('set-cookie');
      }
    });
  });

  describe('back-channel logout', () => {
    beforeEach(op.serveKeys);

    // A logout token delivered late (a provider's retry: up to 120 s and the clock tolerance) or replayed (replays
    // are accepted by design) must not end the sessions the user began after the logout took place.
    it("ends only the cookie sessions that began before the logout token's iat", async () => {
      const login = opLogin({ backchannelLogout: { store: new MemorySessionStore() } });
      const loggedOutAt = now() - 100;
      const before = await cookieOf({ tokens: { idToken: op.idToken() }, createdAt: loggedOutAt - 50 }, op.SECRET);
      const after = await cookieOf({ tokens: { idToken: op.idToken() }, createdAt: loggedOutAt + 50 }, op.SECRET);
      const answer = answered(
        await login.handle({
          method: 'POST',
          url: '/backchannel-logout',
          headers: {},
          body: { logout_token: logoutToken(loggedOutAt) },
        }),
      );
      expect(answer.status).to.equal(200);
      expect(context(await login.handle(get('/', { cookie: before }))).isAuthenticated()).to.equal(false);
      expect(context(await login.handle(get('/', { cookie: after }))).isAuthenticated()).to.equal(true);
    });
  });

  it('passes any other failure on to the framework', async () => {
    const store = new MemorySessionStore();
    const cookie = await sessionCookie(store);
    store.get = () => Promise.reject(new TypeError('a bug'));
    const login = new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET, session: { store } });
    const error = await rejectionOf(login.handle(get('/', { cookie })));
    expect(error).to.be.instanceOf(TypeError);
  });

  it('answers 503 when the session store is down', async () => {
    const store = new MemorySessionStore();
    const cookie = await sessionCookie(store);
    store.get = () => Promise.reject(new StoreUnavailableError('Redis session store: GET failed: down'));
    const login = new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET, session: { store } });
    expect(answered(await login.handle(get('/', { cookie }))).status).to.equal(503);
  });

  it('leaves other methods on its routes to the app', async () => {
    const login = new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET, authRequired: false });
    for (const request of [
      { method: 'POST', url: '/login', headers: {} },
      { method: 'PUT', url: '/callback', headers: {} },
      { method: 'PUT', url: '/logout', headers: {} },
      { method: 'GET', url: '/backchannel-logout', headers: {} },
    ]) {
      expect((await login.handle(request)).handled, `${request.method} ${request.url}`).to.equal(false);
    }
  });

  it('lists its routes, the back-channel logout only with a store', () => {
    expect(new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET }).routeList()).to.deep.equal([
      ['GET', '/login'],
      ['GET', '/callback'],
      ['POST', '/callback'],
      ['GET', '/logout'],
      ['POST', '/logout'],
    ]);
    const withStore = new WebLogin({
      client: client(),
      baseUrl: BASE,
      secret: SECRET,
      routes: { login: false, logout: false },
      session: { store: new MemorySessionStore() },
    });
    expect(withStore.routeList()).to.deep.equal([
      ['GET', '/callback'],
      ['POST', '/callback'],
      ['POST', '/backchannel-logout'],
    ]);
  });

  it('answers 401 rather than a redirect to a login route that was left out', async () => {
    const login = new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET, routes: { login: false } });
    const response = answered(await login.handle(get('/', { accept: 'text/html', 'sec-fetch-mode': 'navigate' })));
    expect(response.status).to.equal(401);
  });

  it('shows no secret: not in util.inspect of the login, nor in its answers', async () => {
    const login = new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET, idpLogout: true });
    const cookie = await sessionCookie();
    const outcome = await login.handle(get('/', { cookie, accept: 'application/json' }));
    expectNoSecrets(login, [SECRET, 'client-secret']);
    expectNoSecrets(outcome, [SECRET, 'client-secret']);
    expectNoSecrets(answered(await login.handle(get('/logout', { cookie }))), [SECRET, 'client-secret']);
  });

  it('knows the contexts it made, and no others', async () => {
    const login = new WebLogin({ client: client(), baseUrl: BASE, secret: SECRET, authRequired: false });
    const outcome = await login.handle(get('/'));
    expect(outcome.handled).to.equal(false);
    if (!outcome.handled) expect(WebLogin.of(outcome.context)).to.equal(login);
    expect(WebLogin.of({})).to.equal(undefined);
  });
});
