import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { checkOidcAuthOptions, type OidcAuthOptions } from '../../lib/login/options.js';
import { MemorySessionStore } from '../../lib/login/session-store.js';
import { oidcConfigFromEnv } from '../../lib/oidc/env.js';
import { thrownBy } from '../helpers/secrets.js';

const SECRET = 'a-session-secret-of-at-least-32-characters';
const base: OidcAuthOptions = {
  issuer: 'https://tenant.example.com/',
  clientId: 'web',
  clientSecret: 'client-secret',
  baseUrl: 'https://app.example.com',
  secret: SECRET,
};

function refused(options: OidcAuthOptions): ConfigurationError {
  const error = thrownBy(() => checkOidcAuthOptions(options));
  expect(error).to.be.instanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe('oidcAuth options', () => {
  it('applies the defaults: routes, a day rolling within a week, Lax cookies, provider logout, login required', () => {
    const settings = checkOidcAuthOptions(base);
    expect(settings.routes).to.deep.equal({
      login: '/login',
      callback: '/callback',
      logout: '/logout',
      backchannelLogout: '/backchannel-logout',
    });
    expect([settings.lifetime.rollingDuration, settings.lifetime.absoluteDuration]).to.deep.equal([86_400, 604_800]);
    expect(settings).to.include({
      origin: 'https://app.example.com',
      secure: true,
      authRequired: true,
      idpLogout: true,
      cookieName: '__Host-appSession',
      hostPrefix: '__Host-',
      sameSite: 'Lax',
      defaultReturnTo: '/',
    });
    expect(settings.client).to.include({
      redirectUri: 'https://app.example.com/callback',
      postLogoutRedirectUri: 'https://app.example.com/',
      clientId: 'web',
    });
  });

  it('puts every route under the path of baseUrl', () => {
    const settings = checkOidcAuthOptions({ ...base, baseUrl: 'https://example.com/app/', routes: { login: '/in' } });
    expect(settings.routes).to.include({ login: '/app/in', callback: '/app/callback', logout: '/app/logout' });
    expect(settings.defaultReturnTo).to.equal('/app/');
    expect(settings.client).to.include({ redirectUri: 'https://example.com/app/callback' });
  });

  it('takes the callback route from an explicit redirectUri', () => {
    const settings = checkOidcAuthOptions({ ...base, redirectUri: 'https://app.example.com/auth/cb' });
    expect(settings.routes.callback).to.equal('/auth/cb');
  });

  it('leaves out a route set to false', () => {
    const settings = checkOidcAuthOptions({
      ...base,
      routes: { login: false, logout: false, backchannelLogout: false },
    });
    expect(settings.routes).to.deep.equal({
      login: undefined,
      callback: '/callback',
      logout: undefined,
      backchannelLogout: undefined,
    });
  });

  it('does not pass the options of the web login to the OidcClient', () => {
    const settings = checkOidcAuthOptions({ ...base, authRequired: false, idpLogout: false, defaultReturnTo: '/home' });
    expect(settings.client).not.to.have.any.keys(
      'baseUrl',
      'authRequired',
      'idpLogout',
      'defaultReturnTo',
      'routes',
      'session',
    );
  });

  it('marks cookies Secure only for an https baseUrl', () => {
    expect(checkOidcAuthOptions({ ...base, baseUrl: 'http://127.0.0.1:3000' }).secure).to.equal(false);
  });

  // A sibling sub-domain can set cookies for the parent domain; it cannot set a __Host- one (Secure, Path=/, no
  // Domain), so on https the login's cookies are prefixed, unless cookieDomain shares the session cookie.
  it('prefixes the cookies __Host- on https, and the session cookie not when it names a cookieDomain', () => {
    const http = checkOidcAuthOptions({ ...base, baseUrl: 'http://127.0.0.1:3000' });
    expect([http.hostPrefix, http.cookieName]).to.deep.equal(['', 'appSession']);
    const named = checkOidcAuthOptions({ ...base, session: { name: 'sid' } });
    expect([named.hostPrefix, named.cookieName]).to.deep.equal(['__Host-', '__Host-sid']);
    const shared = checkOidcAuthOptions({ ...base, session: { cookieDomain: 'example.com' } });
    expect([shared.hostPrefix, shared.cookieName]).to.deep.equal(['__Host-', 'appSession']);
  });

  it('uses the session store for back-channel logout, else the logout store', () => {
    const store = new MemorySessionStore();
    const logouts = new MemorySessionStore();
    expect(checkOidcAuthOptions({ ...base, session: { store } }).logoutStore).to.equal(store);
    expect(checkOidcAuthOptions({ ...base, backchannelLogout: { store: logouts } }).logoutStore).to.equal(logouts);
    expect(checkOidcAuthOptions(base).logoutStore).to.equal(undefined);
  });

  it('passes on a client built already', () => {
    const client = Promise.resolve({}) as never;
    expect(checkOidcAuthOptions({ baseUrl: base.baseUrl, secret: SECRET, client }).client).to.equal(client);
  });

  it('reads the OIDC_* variables when no provider is given, the options winning', () => {
    const settings = checkOidcAuthOptions({
      authRequired: false,
      env: {
        OIDC_CLIENT_ID: 'from-env',
        OIDC_CLIENT_SECRET: 'env-secret',
        OIDC_DISCOVERY_URI: 'https://idp.example.com/.well-known/openid-configuration',
        OIDC_CALLBACK: 'https://app.example.com/cb',
        OIDC_SERVER_URL: 'https://app.example.com',
        AUTHN_SESSION_SECRET: SECRET,
      },
    });
    expect(settings.origin).to.equal('https://app.example.com');
    expect(settings.routes.callback).to.equal('/cb');
    expect(settings.authRequired).to.equal(false);
    expect(settings.client).to.include({ clientId: 'from-env', redirectUri: 'https://app.example.com/cb' });
  });

  it('refuses a baseUrl that is not an absolute http(s) URL without query', () => {
    for (const baseUrl of [undefined, 'app.example.com', 'ftp://x/', 'https://app.example.com/?a=1']) {
      expect(refused({ ...base, baseUrl }).option).to.equal('baseUrl');
    }
  });

  it('refuses routes that are not plain paths, naming them', () => {
    expect(refused({ ...base, routes: { login: 'login' } }).option).to.equal('routes.login');
    expect(refused({ ...base, routes: { logout: '//evil' } }).option).to.equal('routes.logout');
    expect(refused({ ...base, routes: { callback: '/cb?x' } }).option).to.equal('routes.callback');
  });

  // A trial built oidcAuth() with each of these: all were made without error, and every GET /login was a 500.
  it('refuses at once the client options OidcClient refuses, naming the option, before any request', () => {
    expect(refused({ ...base, clientType: 'public' }).option).to.equal('clientSecret');
    expect(refused({ ...base, clientSecret: undefined, clientType: 'confidential' }).option).to.equal('clientSecret');
    expect(refused({ ...base, clientId: undefined }).option).to.equal('clientId');
    expect(refused({ ...base, issuer: 'http://idp.invalid/' }).option).to.equal('issuer');
    expect(refused({ ...base, scope: 'profile' }).option).to.equal('scope');
    expect(refused({ ...base, postLogoutRedirectUri: 'nope' }).option).to.equal('postLogoutRedirectUri');
  });

  it('refuses a missing or short secret', () => {
    expect(refused({ ...base, secret: 'short' }).option).to.equal('secret');
    expect(refused({ ...base, secret: undefined }).option).to.equal('secret');
  });

  it('refuses a store that is not a SessionStore, a cookie name that chunks would break, and a bad SameSite', () => {
    expect(refused({ ...base, session: { store: {} as never } }).option).to.equal('session.store');
    expect(refused({ ...base, backchannelLogout: { store: {} as never } }).option).to.equal('backchannelLogout.store');
    expect(refused({ ...base, session: { name: 'app.session' } }).option).to.equal('session.name');
    expect(refused({ ...base, session: { sameSite: 'lax' as never } }).option).to.equal('session.sameSite');
  });

  // The callback is reached through the provider, a cross-site navigation, and its redirect to returnTo continues
  // that chain: the browser withholds a SameSite=Strict session cookie from the page, which starts a login again
  // (the provider answers at once) until ERR_TOO_MANY_REDIRECTS. Shown in headless Chromium by the review.
  it('refuses session.sameSite Strict, with which every login loops between the app and the provider', () => {
    const error = refused({ ...base, session: { sameSite: 'Strict' as never } });
    expect(error.option).to.equal('session.sameSite');
    expect(error.message).to.equal(
      'session.sameSite cannot be "Strict": the callback redirects within the cross-site navigation from the ' +
        'provider, so the browser would withhold the new session cookie and the login would loop; use "Lax"',
    );
  });

  it('refuses session.sameSite None on plain http away from loopback: the cookie must be Secure', () => {
    const error = refused({ ...base, baseUrl: 'http://app.example.com', session: { sameSite: 'None' } });
    expect(error.option).to.equal('session.sameSite');
    expect(error.message).to.equal(
      'session.sameSite "None" needs an https baseUrl: a SameSite=None cookie must be Secure, which plain http drops',
    );
    expect(checkOidcAuthOptions({ ...base, session: { sameSite: 'None' } }).sameSite).to.equal('None');
    expect(
      checkOidcAuthOptions({ ...base, baseUrl: 'http://127.0.0.1:3000', session: { sameSite: 'None' } }).sameSite,
    ).to.equal('None');
  });

  it('refuses the fragment response mode, which a server never sees', () => {
    expect(refused({ ...base, responseMode: 'fragment' }).option).to.equal('responseMode');
  });

  it('refuses form_post on plain http away from loopback: its transaction cookie must be Secure', () => {
    const error = refused({ ...base, baseUrl: 'http://app.example.com', responseType: 'id_token' });
    expect(error.message).to.equal(
      'form_post needs an https baseUrl: its transaction cookie must be SameSite=None; Secure',
    );
    expect(
      checkOidcAuthOptions({ ...base, baseUrl: 'http://127.0.0.1:3000', responseType: 'id_token' }).secure,
    ).to.equal(false);
  });

  it('refuses no options at all', () => {
    expect(refused(null as never).option).to.equal('options');
  });

  it('refuses an unknown option before reading the environment, naming the closest known one', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, authRequred: false }, 'unknown option "authRequred"; did you mean authRequired?'],
      [{ ...base, clientID: 'web' }, 'unknown option "clientID"; did you mean clientId?'],
      [{ ...base, scopes: 'openid' }, 'unknown option "scopes"; did you mean scope?'],
      [
        { ...base, issuer: undefined, issuerBaseURL: base.issuer },
        'unknown option "issuerBaseURL"; did you mean issuer?',
      ],
      [
        { ...base, clientAssertionSigningKey: 'pem' },
        'unknown option "clientAssertionSigningKey"; did you mean privateKey?',
      ],
      [{ ...base, afterCallback: () => undefined }, 'unknown option "afterCallback"'],
    ];
    for (const [options, message] of cases) {
      const error = refused({ ...options, env: {} } as OidcAuthOptions);
      expect(error.message).to.equal(message);
      expect(error.option).to.equal(/"(.*)"/.exec(message)?.[1]);
    }
  });

  it('takes what oidcConfigFromEnv returns, passed whole with its type, baseUrl and publicKeyUrls', () => {
    const config = oidcConfigFromEnv({
      OIDC_CLIENT_ID: 'from-env',
      OIDC_DISCOVERY_URI: 'https://idp.example.com/.well-known/openid-configuration',
      OIDC_SERVER_URL: 'https://app.example.com',
      AUTHENTICATION_PUBLIC_KEYS: 'https://idp.example.com/jwks',
      AUTHN_SESSION_SECRET: SECRET,
    });
    expect(config).to.include.keys('type', 'baseUrl', 'publicKeyUrls');
    const settings = checkOidcAuthOptions({ ...config, authRequired: false });
    expect(settings.client).to.include({ clientId: 'from-env' });
  });
});
