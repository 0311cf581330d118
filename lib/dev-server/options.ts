import { absoluteUrl, fail, isLoopbackHost, list, oneOf, positiveInteger, text } from './checks.js';
import { type DevServerClientOptions, mergeClients, type ResolvedClient, resolveClient } from './clients.js';
import { type DevServerKey, generateRsaKey, importRsaKey, type SigningKey } from './keys.js';
import { type DevServerProfile, PROFILES } from './profile.js';

/**
 * How the dev server answers the login and consent steps of a login. `auto`: at once, without a page (the user
 * named by `login_hint` logs in, else the test user), so flows run without a browser. `form`: the login step is
 * an HTML form asking for the test user's username and password, for people and browsers; consent is still
 * given at once.
 */
export type DevServerInteractions = 'auto' | 'form';

/** The format of the API's access tokens. */
export type DevServerAccessTokenFormat = 'jwt' | 'opaque';

/**
 * The test user every login of the dev server logs in as (unless `login_hint` names another). Claims use their
 * OIDC wire names; `sub` is required. Claims beyond the standard ones are released with the `profile` scope.
 */
export interface DevServerUser {
  /** The subject identifier. */
  sub: string;
  /** Any other claim: `email`, `email_verified`, `name`, `nickname`, `picture`, custom claims… */
  [claim: string]: unknown;
}

/** Options of {@link startDevServer}. Every field is optional; the defaults make an Auth0-like tenant. */
export interface DevServerOptions {
  /**
   * `auth0`: Auth0's paths and behaviour. `standard`: node-oidc-provider's own routes (`/auth`, `/token`, `/me`,
   * …) under an issuer without a trailing slash and with an optional `issuerPath`, introspection, RP-initiated
   * logout, and opaque access tokens unless a `resource` (or `audience`) asks for the API. @defaultValue 'auth0'
   */
  profile?: DevServerProfile;
  /**
   * The path of the issuer, e.g. `/realms/demo` (Keycloak) or `/oauth2/default` (Okta); every endpoint is under
   * it. Standard profile only. @defaultValue '' (the issuer is the origin)
   */
  issuerPath?: string;
  /** How logins are answered: at once (`auto`) or with a login form (`form`). @defaultValue 'auto' */
  interactions?: DevServerInteractions;
  /** The test user's password, asked by the login form of `interactions: 'form'`. @defaultValue 'password' */
  password?: string;
  /** TCP port; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** Loopback address to listen on: `127.0.0.1`, another `127.x.y.z`, `localhost` or `::1`. @defaultValue '127.0.0.1' */
  host?: string;
  /**
   * Private RSA signing keys (PEM, `KeyObject` or private JWK, at least 2048 bits). All are published in the
   * JWKS; the first signs. Give `[newKey, oldKey]` to rotate while tokens signed by the old key still verify.
   * @defaultValue one RSA-2048 key generated at start
   */
  signingKeys?: readonly DevServerKey[];
  /** The identifier of the API that `audience` selects (the `aud` of its access tokens). @defaultValue 'https://api.example.com/' */
  audience?: string;
  /** The API's scopes (permissions). @defaultValue ['read:messages', 'write:messages'] */
  scopes?: readonly string[];
  /** Lifetime of access tokens, in seconds. @defaultValue 3600 */
  accessTokenTtl?: number;
  /**
   * The format of the API's access tokens: RFC 9068 JWTs, or opaque tokens that only introspection reads.
   * `opaque` needs the standard profile (Auth0 issues JWTs for APIs). @defaultValue 'jwt'
   */
  accessTokenFormat?: DevServerAccessTokenFormat;
  /** Clients to change or add (matched to the defaults by `clientId`). */
  clients?: readonly DevServerClientOptions[];
  /** The test user. @defaultValue `{ sub: 'user-123', email: 'user-123@example.com', name: 'Test User', … }` */
  user?: DevServerUser;
  /**
   * Called with every unexpected server error (an HTTP 500 of the provider) and every back-channel logout that
   * failed (a `NetworkError`). @defaultValue ignore them
   */
  onError?: (error: unknown) => void;
}

/** Default identifier of the API. */
export const DEFAULT_AUDIENCE = 'https://api.example.com/';
/** Default scopes of the API. */
export const DEFAULT_SCOPES: readonly string[] = ['read:messages', 'write:messages'];
/** Default password of the test user. */
export const DEFAULT_PASSWORD = 'password';
/** Default test user. */
export const DEFAULT_USER: Readonly<DevServerUser> = {
  sub: 'user-123',
  email: 'user-123@example.com',
  email_verified: true,
  name: 'Test User',
  given_name: 'Test',
  family_name: 'User',
  nickname: 'test.user',
};

/** Everything the provider configuration needs, checked and with every default applied. */
export interface DevServerSetup {
  profile: DevServerProfile;
  issuerPath: string;
  interactions: DevServerInteractions;
  password: string;
  port: number;
  host: string;
  audience: string;
  scopes: readonly string[];
  accessTokenTtl: number;
  accessTokenFormat: DevServerAccessTokenFormat;
  user: DevServerUser;
  signingKeys: readonly SigningKey[];
  clients: readonly ResolvedClient[];
  onError: ((error: unknown) => void) | undefined;
}

function portOf(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    fail('port must be an integer from 0 to 65535', 'port');
  }
  return value;
}

function hostOf(value: unknown): string {
  if (value === undefined) return '127.0.0.1';
  if (typeof value !== 'string' || value.startsWith('[') || !isLoopbackHost(value)) {
    fail('host must be a loopback address (127.0.0.1, localhost or ::1): the dev server logs anyone in', 'host');
  }
  return value;
}

function scopesOf(value: unknown): readonly string[] {
  if (value === undefined) return DEFAULT_SCOPES;
  const scopes = list(value, 'scopes').map((scope) => text(scope, 'scopes'));
  if (scopes.some((scope) => /\s/.test(scope))) fail('scopes must not contain spaces', 'scopes');
  const reserved = scopes.find((scope) => ['openid', 'profile', 'email', 'offline_access'].includes(scope));
  if (reserved !== undefined) fail(`scopes must be API scopes; "${reserved}" is an OpenID Connect scope`, 'scopes');
  return scopes;
}

function userOf(value: unknown): DevServerUser {
  if (value === undefined) return { ...DEFAULT_USER };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('user must be an object', 'user');
  const user = value as DevServerUser;
  text(user.sub, 'user.sub');
  return { ...user };
}

/** A path of segments of URL-safe characters, starting with a slash and not ending with one. */
const ISSUER_PATH = /^(\/[\w.~!$&'()*+,;=:@%-]+)+$/;

function issuerPathOf(value: unknown, profile: DevServerProfile): string {
  if (value === undefined || value === '') return '';
  if (profile !== 'standard') fail('issuerPath needs profile "standard" (an Auth0 issuer has no path)', 'issuerPath');
  if (typeof value !== 'string' || !ISSUER_PATH.test(value) || /\/\.{1,2}(\/|$)/.test(value)) {
    fail('issuerPath must be a path such as /realms/demo: a leading slash, no trailing slash, no query', 'issuerPath');
  }
  return value;
}

/**
 * Checks the options of the dev server and applies the defaults; generates the keys and secrets that were not
 * given (key generation runs off the event loop, all keys at once).
 *
 * @throws {ConfigurationError} for any invalid option.
 */
export async function resolveDevServerSetup(options: DevServerOptions = {}): Promise<DevServerSetup> {
  if (options === null || typeof options !== 'object') fail('options must be an object', 'options');
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') fail('onError must be a function', 'onError');
  const profile = oneOf(options.profile, PROFILES, 'auth0', 'profile');
  const accessTokenFormat = oneOf(options.accessTokenFormat, ['jwt', 'opaque'], 'jwt', 'accessTokenFormat');
  if (accessTokenFormat === 'opaque' && profile !== 'standard') {
    fail(
      'accessTokenFormat "opaque" needs profile "standard" (Auth0 issues JWT access tokens for APIs)',
      'accessTokenFormat',
    );
  }
  const checked = {
    profile,
    issuerPath: issuerPathOf(options.issuerPath, profile),
    interactions: oneOf(options.interactions, ['auto', 'form'], 'auto', 'interactions'),
    password: options.password === undefined ? DEFAULT_PASSWORD : text(options.password, 'password'),
    port: portOf(options.port),
    host: hostOf(options.host),
    audience: options.audience === undefined ? DEFAULT_AUDIENCE : absoluteUrl(options.audience, 'audience'),
    scopes: scopesOf(options.scopes),
    accessTokenTtl:
      options.accessTokenTtl === undefined ? 3600 : positiveInteger(options.accessTokenTtl, 'accessTokenTtl'),
    accessTokenFormat,
    user: userOf(options.user),
    onError,
  };
  const given = options.signingKeys === undefined ? undefined : list(options.signingKeys, 'signingKeys');
  if (given?.length === 0) fail('signingKeys must hold at least one key', 'signingKeys');
  const keys = (given ?? []).map((key, index) => importRsaKey(key as DevServerKey, `signingKeys[${index}]`));
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    fail('signingKeys must have distinct kids', 'signingKeys');
  }
  const [generated, clients] = await Promise.all([
    given === undefined ? generateRsaKey() : undefined,
    Promise.all(mergeClients(options.clients).map(resolveClient)),
  ]);
  const signingKeys = generated === undefined ? keys : [importRsaKey(generated, 'signingKeys[0]')];
  return { ...checked, signingKeys, clients };
}
