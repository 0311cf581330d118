import { createPublicKey, type JsonWebKey, type KeyObject, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../errors.js';
import { type DevServerKey, generateRsaKey, importRsaKey, rsaThumbprint, type SigningKey } from './keys.js';

/** How a dev-server client authenticates at the token endpoint. */
export type DevServerAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt' | 'none';

/** The grants a dev-server client may use. */
export type DevServerGrantType =
  'client_credentials' | 'authorization_code' | 'refresh_token' | 'urn:openid:params:grant-type:ciba';

/**
 * A client of the dev server. Entries whose `clientId` matches a default client change that client (only the
 * fields given); other entries add clients.
 */
export interface DevServerClientOptions {
  /** The client's id. */
  clientId: string;
  /** A display name. @defaultValue the client id */
  name?: string;
  /**
   * How the client authenticates at the token endpoint. A `client_secret_*` client accepts both the `post` and
   * the `basic` form. @defaultValue 'client_secret_post'
   */
  authMethod?: DevServerAuthMethod;
  /** The secret of a `client_secret_*` client. @defaultValue 32 random bytes, base64url, new at every start */
  clientSecret?: string;
  /**
   * The private key of a `private_key_jwt` client (PEM, `KeyObject` or private JWK); its public half is
   * registered. @defaultValue an RSA-2048 key generated at start
   */
  privateKey?: DevServerKey;
  /** Instead of `privateKey`: only the public key (PEM or JWK) of a `private_key_jwt` client, to register. */
  publicKey?: string | JsonWebKey;
  /** The grants the client may use. @defaultValue ['client_credentials'] */
  grantTypes?: readonly DevServerGrantType[];
  /** Registered redirect URIs, for `authorization_code` clients. @defaultValue ['http://127.0.0.1/callback'] */
  redirectUris?: readonly string[];
}

/** A client as the running dev server knows it, with its credentials. */
export interface DevServerClient {
  /** The client's id. */
  readonly clientId: string;
  /** The display name. */
  readonly name: string;
  /** How the client authenticates at the token endpoint. */
  readonly authMethod: DevServerAuthMethod;
  /** The grants it may use. */
  readonly grantTypes: readonly DevServerGrantType[];
  /** Its registered redirect URIs (empty for machine-to-machine clients). */
  readonly redirectUris: readonly string[];
  /** The secret of a `client_secret_*` client. */
  readonly clientSecret?: string;
  /**
   * The private key of a `private_key_jwt` client (absent when only a public key was configured); pass it as
   * `clientAssertionSigningKey`.
   */
  readonly privateKey?: KeyObject;
}

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
  /** Clients to change or add (matched to the defaults by `clientId`). */
  clients?: readonly DevServerClientOptions[];
  /** The test user. @defaultValue `{ sub: 'user-123', email: 'user-123@example.com', name: 'Test User', … }` */
  user?: DevServerUser;
  /** Called with every unexpected server error (an HTTP 500 of the provider). @defaultValue ignore them */
  onError?: (error: unknown) => void;
}

/** Default identifier of the API. */
export const DEFAULT_AUDIENCE = 'https://api.example.com/';
/** Default scopes of the API. */
export const DEFAULT_SCOPES: readonly string[] = ['read:messages', 'write:messages'];
/** Default redirect URI of the interactive clients (nothing needs to listen there). */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';
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

const CIBA = 'urn:openid:params:grant-type:ciba';
const GRANT_TYPES = new Set<string>(['client_credentials', 'authorization_code', 'refresh_token', CIBA]);
const AUTH_METHODS = new Set<string>(['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none']);
const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|::1)$/i;

/** The default clients: two machine-to-machine clients, a confidential web app and a public SPA. */
export const DEFAULT_CLIENTS: readonly DevServerClientOptions[] = [
  { clientId: 'm2m-secret', name: 'M2M (client secret)', authMethod: 'client_secret_post' },
  { clientId: 'm2m-jwt', name: 'M2M (private_key_jwt)', authMethod: 'private_key_jwt' },
  {
    clientId: 'web-app',
    name: 'Regular web application',
    authMethod: 'client_secret_post',
    grantTypes: ['authorization_code', 'refresh_token', CIBA],
  },
  {
    clientId: 'spa',
    name: 'Single-page application',
    authMethod: 'none',
    grantTypes: ['authorization_code', 'refresh_token'],
  },
];

/** Everything the provider configuration needs, checked and with every default applied. */
export interface DevServerSetup {
  port: number;
  host: string;
  audience: string;
  scopes: readonly string[];
  accessTokenTtl: number;
  user: DevServerUser;
  signingKeys: readonly SigningKey[];
  clients: readonly ResolvedClient[];
  onError: ((error: unknown) => void) | undefined;
}

/** A client with its credentials and the public JWK registered for `private_key_jwt`. */
export interface ResolvedClient extends DevServerClient {
  readonly publicJwk?: JsonWebKey;
}

function fail(message: string, option: string): never {
  throw new ConfigurationError(message, option);
}

function text(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${option} must be a non-empty string`, option);
  return value;
}

function absoluteUrl(value: unknown, option: string): string {
  if (!URL.canParse(text(value, option))) fail(`${option} must be an absolute URL`, option);
  return value as string;
}

function list(value: unknown, option: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(`${option} must be an array`, option);
  return value;
}

function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    fail(`${option} must be a positive integer`, option);
  }
  return value;
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
  if (typeof value !== 'string' || !LOOPBACK_HOST.test(value)) {
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

function mergeClients(given: unknown): DevServerClientOptions[] {
  const merged = DEFAULT_CLIENTS.map((client) => ({ ...client }));
  if (given === undefined) return merged;
  for (const entry of list(given, 'clients')) {
    if (entry === null || typeof entry !== 'object') fail('each client must be an object', 'clients');
    const client = entry as DevServerClientOptions;
    const clientId = text(client.clientId, 'clients[].clientId');
    const index = merged.findIndex((known) => known.clientId === clientId);
    if (index === -1) merged.push({ ...client });
    else merged[index] = { ...merged[index], ...client };
  }
  return merged;
}

function publicJwkOf(key: string | JsonWebKey, option: string): JsonWebKey {
  let jwk: JsonWebKey;
  try {
    jwk = createPublicKey(typeof key === 'string' ? key : { key, format: 'jwk' }).export({ format: 'jwk' });
  } catch {
    fail(`${option} is not a readable public key (PEM or JWK)`, option);
  }
  const kid = typeof key === 'object' && typeof key.kid === 'string' ? key.kid : undefined;
  return { ...jwk, kid: kid ?? (jwk.kty === 'RSA' ? rsaThumbprint(jwk) : 'client-key') };
}

async function resolveClient(client: DevServerClientOptions): Promise<ResolvedClient> {
  const clientId = client.clientId;
  const option = `clients[${clientId}]`;
  const authMethod = client.authMethod ?? 'client_secret_post';
  if (!AUTH_METHODS.has(authMethod)) fail(`${option}.authMethod "${String(authMethod)}" is not supported`, 'clients');
  const grantTypes = list(client.grantTypes ?? ['client_credentials'], `${option}.grantTypes`).map((grant) => {
    if (typeof grant !== 'string' || !GRANT_TYPES.has(grant)) {
      fail(`${option}.grantTypes: "${String(grant)}" is not supported`, 'clients');
    }
    return grant as DevServerGrantType;
  });
  if (grantTypes.length === 0) fail(`${option}.grantTypes must not be empty`, 'clients');
  if (authMethod === 'none' && (grantTypes.includes('client_credentials') || grantTypes.includes(CIBA))) {
    fail(`${option}: a public client (authMethod none) cannot use client_credentials or CIBA`, 'clients');
  }
  const interactive = grantTypes.includes('authorization_code');
  const redirectUris = interactive
    ? list(client.redirectUris ?? [DEFAULT_REDIRECT_URI], `${option}.redirectUris`).map((uri) =>
        absoluteUrl(uri, `${option}.redirectUris`),
      )
    : [];
  const resolved: { -readonly [K in keyof ResolvedClient]: ResolvedClient[K] } = {
    clientId,
    name: client.name === undefined ? clientId : text(client.name, `${option}.name`),
    authMethod,
    grantTypes,
    redirectUris,
  };
  if (authMethod.startsWith('client_secret')) {
    resolved.clientSecret =
      client.clientSecret === undefined
        ? randomBytes(32).toString('base64url')
        : text(client.clientSecret, `${option}.clientSecret`);
  }
  if (authMethod === 'private_key_jwt') {
    if (client.publicKey !== undefined && client.privateKey === undefined) {
      resolved.publicJwk = publicJwkOf(client.publicKey, `${option}.publicKey`);
    } else {
      const key = importRsaKey(client.privateKey ?? (await generateRsaKey()), `${option}.privateKey`);
      resolved.privateKey = key.privateKey;
      resolved.publicJwk = key.publicJwk;
    }
  }
  return resolved;
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
  const checked = {
    port: portOf(options.port),
    host: hostOf(options.host),
    audience: options.audience === undefined ? DEFAULT_AUDIENCE : absoluteUrl(options.audience, 'audience'),
    scopes: scopesOf(options.scopes),
    accessTokenTtl:
      options.accessTokenTtl === undefined ? 3600 : positiveInteger(options.accessTokenTtl, 'accessTokenTtl'),
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
