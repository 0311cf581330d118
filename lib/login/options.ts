import { checkOptionKeys, optionKeys } from '../did-you-mean.js';
import { type AuthnError, ConfigurationError } from '../errors.js';
import { isLoopbackHost } from '../http/url.js';
import { type OidcEnvConfig, oidcConfigFromEnv } from '../oidc/env.js';
import { OIDC_CLIENT_OPTION_KEYS, OIDC_CLIENT_OTHER_NAMES, type OidcClient } from '../oidc/oidc-client.js';
import { checkOidcClientOptions, type OidcClientOptions } from '../oidc/oidc-client-options.js';
import { checkSecrets } from '../oidc/seal.js';
import type { SameSite } from './cookies.js';
import { SessionLifetime, type SessionLifetimeOptions } from './session.js';
import type { SessionStore } from './session-store.js';

/** The paths of the web login's routes; `false` leaves a route out (the app then serves it, or nobody does). */
export interface OidcAuthRoutes {
  /** Starts a login (`GET`, `?returnTo=/path`). @defaultValue '/login' */
  login?: string | false;
  /** The redirect URI's path: the provider's answer, by `GET` or `form_post`. @defaultValue '/callback' */
  callback?: string;
  /** Ends the session, then the provider's (`GET`, `?returnTo=/path`). @defaultValue '/logout' */
  logout?: string | false;
  /**
   * Where the provider posts logout tokens (OIDC Back-Channel Logout 1.0), served when a store is configured
   * (`session.store` or `backchannelLogout.store`). @defaultValue '/backchannel-logout'
   */
  backchannelLogout?: string | false;
}

/** Options of the session. */
export interface OidcAuthSessionOptions extends SessionLifetimeOptions {
  /**
   * Where sessions live when the tokens should not travel with the browser: {@link MemorySessionStore} (one
   * process) or {@link RedisSessionStore} (every replica). @defaultValue none: a sealed cookie
   */
  store?: SessionStore;
  /**
   * The session cookie's name; a session too large for one cookie uses `name.0`, `name.1`, … On an https
   * `baseUrl` without `cookieDomain` the cookie is `__Host-` + name, which no other host can set.
   * @defaultValue 'appSession'
   */
  name?: string;
  /**
   * The session cookie's `Domain` (to share it with sub-domains; the cookie then cannot be `__Host-`).
   * @defaultValue none: this host only
   */
  cookieDomain?: string;
  /**
   * The session cookie's `SameSite`: `Lax`, or `None` for an app embedded in another site's frames (https only).
   * `Strict` is refused: the callback's redirect belongs to the cross-site navigation from the provider, so the
   * browser would withhold the new session cookie and every login would loop. @defaultValue 'Lax'
   */
  sameSite?: Exclude<SameSite, 'Strict'>;
}

/**
 * Options of the web login (`oidcAuth()` on Express, `fastifyOidcAuth` on Fastify): those of an `OidcClient`
 * (or a `client` built already), and the app's side — where it is, its routes and its sessions. Without
 * `issuer`, `discoveryUri` and `client`, the `OIDC_*` environment variables give the `OidcClient` options and
 * `baseUrl` (`OIDC_SERVER_URL`); what is given here wins.
 */
export interface OidcAuthOptions extends Omit<Partial<OidcClientOptions>, 'secret'> {
  /** The app's URL as the browser sees it (`https://app.example.com`); routes are under it. */
  baseUrl?: string;
  /**
   * Seals sessions, and login transactions when the login builds its own client: one secret of at least 32
   * characters, or a list (the first seals, all open: rotation).
   */
  secret?: string | string[];
  /** A client built already (e.g. by `OidcClient.fromEnv()`), instead of the client options. */
  client?: OidcClient | Promise<OidcClient>;
  /**
   * Require a login for every route after the middleware: an anonymous page view is sent to the login, an API
   * call gets 401. `false`: only routes guarded by `requiresAuth()` do. @defaultValue true
   */
  authRequired?: boolean;
  /** The routes. */
  routes?: OidcAuthRoutes;
  /** The session: its store and lifetimes, its cookie. */
  session?: OidcAuthSessionOptions;
  /**
   * Logout ends the provider's session too, by sending the browser to its logout endpoint (`end_session_endpoint`,
   * Auth0's `/v2/logout`); `false`: the app's session only. @defaultValue true
   */
  idpLogout?: boolean;
  /**
   * Where back-channel logouts are remembered when sessions are cookies (with `session.store`, that store is
   * used and this is not needed).
   */
  backchannelLogout?: {
    /** The store of the logouts: a {@link RedisSessionStore} shared by the replicas. */
    store: SessionStore;
  };
  /** Where the user lands after a login or logout that named no `returnTo`. @defaultValue '/' */
  defaultReturnTo?: string;
  /**
   * Called with every failure the login answers itself, which the app would not see otherwise: a failed callback
   * (a {@link LoginError}: the provider's `access_denied`, a wrong client secret's `invalid_client`, a replay…), a
   * provider or session store that cannot be reached (a {@link NetworkError}, answered 503), a refused back-channel
   * logout token (a {@link TokenValidationError}). The browser is told the error's code, never an internal URL;
   * log the error here. Failures the login does not answer (a discovery document at odds with the options, a bug)
   * go to the framework's error handler instead. It must not throw. @defaultValue none
   */
  onError?: (error: AuthnError) => void;
  /** The environment to read when configured from it. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
}

/** The checked options of the web login. @internal */
export interface OidcAuthSettings {
  readonly origin: string;
  readonly secure: boolean;
  readonly secrets: readonly string[];
  readonly client: OidcClientOptions | OidcClient | Promise<OidcClient>;
  readonly authRequired: boolean;
  readonly routes: { login?: string; callback: string; logout?: string; backchannelLogout?: string };
  readonly lifetime: SessionLifetime;
  readonly store: SessionStore | undefined;
  readonly logoutStore: SessionStore | undefined;
  /** `__Host-` on https (the cookies the login sets on its own host), else empty. */
  readonly hostPrefix: string;
  readonly cookieName: string;
  readonly cookieDomain: string | undefined;
  readonly sameSite: SameSite;
  readonly idpLogout: boolean;
  readonly defaultReturnTo: string;
  readonly formPost: boolean;
  readonly onError: ((error: AuthnError) => void) | undefined;
}

/** The options of the web login itself, not passed on to the `OidcClient`. */
const WEB_LOGIN_OPTIONS: ReadonlySet<string> = new Set([
  'client',
  'baseUrl',
  'routes',
  'session',
  'env',
  'authRequired',
  'idpLogout',
  'backchannelLogout',
  'defaultReturnTo',
  'onError',
]);

/** Every option of the web login: the client's (an `oidcConfigFromEnv()` result passes whole) and its own. */
const OPTION_KEYS = optionKeys<OidcAuthOptions | OidcEnvConfig>({
  ...OIDC_CLIENT_OPTION_KEYS,
  client: true,
  authRequired: true,
  routes: true,
  session: true,
  idpLogout: true,
  backchannelLogout: true,
  defaultReturnTo: true,
  env: true,
  onError: true,
});

function fail(message: string, option: string): never {
  throw new ConfigurationError(message, option);
}

function path(value: unknown, option: string, fallback: string): string {
  const given = value ?? fallback;
  if (typeof given !== 'string' || !given.startsWith('/') || given.startsWith('//') || /[?#\s]/.test(given)) {
    fail(`${option} must be a path starting with one /, without query or fragment`, option);
  }
  return given;
}

function route(value: unknown, option: string, fallback: string): string | undefined {
  return value === false ? undefined : path(value, option, fallback);
}

function cookieName(value: unknown): string {
  if (value === undefined) return 'appSession';
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) {
    fail('session.name must be letters, digits, "_" and "-" (chunks add .0, .1, …)', 'session.name');
  }
  return value;
}

function hasStore(value: unknown): value is SessionStore {
  const store = value as Record<string, unknown> | null;
  return (
    typeof store === 'object' &&
    store !== null &&
    ['get', 'set', 'delete', 'endSessions', 'isEnded'].every((name) => typeof store[name] === 'function')
  );
}

function storeOf(value: unknown, option: string): SessionStore | undefined {
  if (value === undefined) return undefined;
  if (!hasStore(value)) fail(`${option} must be a SessionStore (get, set, delete, endSessions, isEnded)`, option);
  return value;
}

/** The session cookie's `SameSite`: `Lax` or `None`, and `None` only where a `Secure` cookie is kept. */
function checkSameSite(value: unknown, base: URL): SameSite {
  if (value === undefined) return 'Lax';
  if (value === 'Strict') {
    fail(
      'session.sameSite cannot be "Strict": the callback redirects within the cross-site navigation from the ' +
        'provider, so the browser would withhold the new session cookie and the login would loop; use "Lax"',
      'session.sameSite',
    );
  }
  if (value !== 'Lax' && value !== 'None') fail('session.sameSite must be "Lax" or "None"', 'session.sameSite');
  if (value === 'None' && base.protocol === 'http:' && !isLoopbackHost(base.hostname)) {
    fail(
      'session.sameSite "None" needs an https baseUrl: a SameSite=None cookie must be Secure, which plain http drops',
      'session.sameSite',
    );
  }
  return value;
}

/** The options with the environment's filled in, when no provider or client was given. */
function withEnvironment(options: OidcAuthOptions): OidcAuthOptions {
  if (options.issuer !== undefined || options.discoveryUri !== undefined || options.client !== undefined) {
    return options;
  }
  const fromEnv = oidcConfigFromEnv(options.env ?? process.env);
  const merged: Record<string, unknown> = { ...fromEnv };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  return merged as OidcAuthOptions;
}

/**
 * The options of the `OidcClient` the login builds, checked now as its constructor checks them (no I/O): only
 * the discovery, and what it checks, waits for the first request that needs the client.
 */
function clientOptionsOf(
  options: OidcAuthOptions,
  redirectUri: string,
  postLogoutRedirectUri: string,
  secrets: readonly string[],
): OidcClientOptions {
  const client = {
    ...Object.fromEntries(Object.entries(options).filter(([key]) => !WEB_LOGIN_OPTIONS.has(key))),
    redirectUri,
    postLogoutRedirectUri: options.postLogoutRedirectUri ?? postLogoutRedirectUri,
    secret: [...secrets],
  } as OidcClientOptions;
  checkOidcClientOptions(client);
  return client;
}

/**
 * Checks the options of the web login and applies the defaults.
 *
 * @throws {ConfigurationError} for an invalid option, naming it.
 * @internal
 */
export function checkOidcAuthOptions(given: OidcAuthOptions): OidcAuthSettings {
  if (given === null || typeof given !== 'object') fail('oidcAuth needs options (or the OIDC_* variables)', 'options');
  checkOptionKeys(given, OPTION_KEYS, { aliases: OIDC_CLIENT_OTHER_NAMES });
  const options = withEnvironment(given);
  const base = typeof options.baseUrl === 'string' ? URL.parse(options.baseUrl) : null;
  if (base === null || !/^https?:$/.test(base.protocol) || base.search !== '' || base.hash !== '') {
    fail('baseUrl must be the absolute http(s) URL of the app, without query or fragment', 'baseUrl');
  }
  const basePath = base.pathname.replace(/\/$/, '');
  const routes = options.routes ?? {};
  const callback = path(routes.callback, 'routes.callback', '/callback');
  const redirectUri = options.redirectUri ?? `${base.origin}${basePath}${callback}`;
  const redirect = URL.parse(redirectUri);
  if (redirect === null) fail('redirectUri must be an absolute URL', 'redirectUri');
  const secrets = checkSecrets(options.secret);
  const session = options.session ?? {};
  const store = storeOf(session.store, 'session.store');
  const sameSite = checkSameSite(session.sameSite, base);
  const formPost = options.responseMode === 'form_post' || (options.responseType ?? 'code') !== 'code';
  if (options.responseMode === 'fragment') {
    fail('the web login reads the response on the server: responseMode must be "query" or "form_post"', 'responseMode');
  }
  if (formPost && base.protocol === 'http:' && !isLoopbackHost(base.hostname)) {
    fail('form_post needs an https baseUrl: its transaction cookie must be SameSite=None; Secure', 'baseUrl');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    fail('onError must be a function', 'onError');
  }
  const hostPrefix = base.protocol === 'https:' ? '__Host-' : '';
  const prefixed = (value: string | undefined) => (value === undefined ? undefined : `${basePath}${value}`);
  return {
    origin: base.origin,
    secure: base.protocol === 'https:',
    secrets,
    client: options.client ?? clientOptionsOf(options, redirectUri, base.href, secrets),
    authRequired: options.authRequired ?? true,
    routes: {
      login: prefixed(route(routes.login, 'routes.login', '/login')),
      callback: redirect.pathname,
      logout: prefixed(route(routes.logout, 'routes.logout', '/logout')),
      backchannelLogout: prefixed(route(routes.backchannelLogout, 'routes.backchannelLogout', '/backchannel-logout')),
    },
    lifetime: new SessionLifetime(session),
    store,
    logoutStore: store ?? storeOf(options.backchannelLogout?.store, 'backchannelLogout.store'),
    hostPrefix,
    cookieName: (session.cookieDomain === undefined ? hostPrefix : '') + cookieName(session.name),
    cookieDomain: session.cookieDomain,
    sameSite,
    idpLogout: options.idpLogout ?? true,
    defaultReturnTo: path(options.defaultReturnTo, 'defaultReturnTo', `${basePath}/`),
    formPost,
    onError: options.onError,
  };
}
