import { createPublicKey, type JsonWebKey, type KeyObject, randomBytes } from 'node:crypto';
import { fail, flag, isLoopbackHost, list, text, webUrl } from './checks.js';
import { type DevServerKey, generateRsaKey, importRsaKey, rsaThumbprint } from './keys.js';

/** How a dev-server client authenticates at the token endpoint. */
export type DevServerAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt' | 'none';

/**
 * The grants a dev-server client may use. `implicit` lets it ask for ID tokens (and access tokens) at the
 * authorization endpoint: the `id_token` and `id_token token` response types, and `code id_token` together with
 * `authorization_code`.
 */
export type DevServerGrantType =
  | 'client_credentials'
  | 'authorization_code'
  | 'implicit'
  | 'refresh_token'
  | 'urn:ietf:params:oauth:grant-type:device_code'
  | 'urn:openid:params:grant-type:ciba';

/** The response types of the authorization endpoint (OAuth 2.0 Multiple Response Type Encoding Practices). */
export type DevServerResponseType = 'code' | 'id_token' | 'id_token token' | 'code id_token';

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
  /**
   * Registered redirect URIs, for `authorization_code` and `implicit` clients. With `implicit`, an `http:` URI
   * must be on a loopback host (the dev server lifts node-oidc-provider's https-only rule for those alone).
   * @defaultValue ['http://127.0.0.1/callback']
   */
  redirectUris?: readonly string[];
  /**
   * Where the provider may send the browser after a logout (`post_logout_redirect_uri` of RP-initiated logout,
   * `returnTo` of Auth0's `/v2/logout`), for `authorization_code` and `implicit` clients.
   * @defaultValue ['http://127.0.0.1/']
   */
  postLogoutRedirectUris?: readonly string[];
  /**
   * Where the provider POSTs a logout token (OIDC Back-Channel Logout 1.0) when a session of this client ends;
   * the token carries `sid`. @defaultValue none: no back-channel logout
   */
  backchannelLogoutUri?: string;
  /**
   * Whether a refresh returns a new refresh token and retires the one used (Okta's "Rotate token after every
   * use"). @defaultValue true for public clients (`authMethod: 'none'`), false for others
   */
  rotateRefreshTokens?: boolean;
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
  /** The response types it may ask for at the authorization endpoint (none for machine-to-machine clients). */
  readonly responseTypes: readonly DevServerResponseType[];
  /** Its registered redirect URIs (empty for clients that do not use the authorization endpoint). */
  readonly redirectUris: readonly string[];
  /** Its registered post-logout redirect URIs (empty for clients that do not use the authorization endpoint). */
  readonly postLogoutRedirectUris: readonly string[];
  /** Where logout tokens are posted, when the client has back-channel logout. */
  readonly backchannelLogoutUri?: string;
  /** Whether each refresh rotates the refresh token. */
  readonly rotateRefreshTokens: boolean;
  /** The secret of a `client_secret_*` client. */
  readonly clientSecret?: string;
  /**
   * The private key of a `private_key_jwt` client (absent when only a public key was configured); pass it as
   * `clientAssertionSigningKey`.
   */
  readonly privateKey?: KeyObject;
}

/** A client with its credentials and the public JWK registered for `private_key_jwt`. */
export interface ResolvedClient extends DevServerClient {
  readonly publicJwk?: JsonWebKey;
}

const CIBA = 'urn:openid:params:grant-type:ciba';
/** The grant type of the Device Authorization Grant (RFC 8628). */
export const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const GRANT_TYPES = new Set<string>([
  'client_credentials',
  'authorization_code',
  'implicit',
  'refresh_token',
  DEVICE_CODE,
  CIBA,
]);
const AUTH_METHODS = new Set<string>(['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none']);

/** Default redirect URI of the interactive clients (nothing needs to listen there). */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';
/** Default post-logout redirect URI of the interactive clients. */
export const DEFAULT_POST_LOGOUT_REDIRECT_URI = 'http://127.0.0.1/';

/**
 * The default clients: two machine-to-machine clients, a confidential web app (code flow), a public single-page
 * app (code + PKCE, implicit and hybrid) and a public device client (RFC 8628).
 */
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
    grantTypes: ['authorization_code', 'implicit', 'refresh_token'],
  },
  {
    clientId: 'device',
    name: 'Device (input-constrained)',
    authMethod: 'none',
    grantTypes: [DEVICE_CODE, 'refresh_token'],
  },
];

/** The default clients, each changed by the entry of `given` with its `clientId`, then the new entries. */
export function mergeClients(given: unknown): DevServerClientOptions[] {
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

function responseTypesOf(grantTypes: readonly DevServerGrantType[]): DevServerResponseType[] {
  const code = grantTypes.includes('authorization_code');
  const implicit = grantTypes.includes('implicit');
  return [
    ...(code ? (['code'] as const) : []),
    ...(implicit ? (['id_token', 'id_token token'] as const) : []),
    ...(code && implicit ? (['code id_token'] as const) : []),
  ];
}

/**
 * Web URIs of an interactive client; with `implicit`, an `http:` URI must be on a loopback host, the only place
 * where the dev server lifts node-oidc-provider's https-only rule for the implicit flow.
 */
function uris(value: unknown, fallback: string, implicit: boolean, option: string): string[] {
  return list(value ?? [fallback], option).map((uri) => {
    const checked = webUrl(uri, option);
    const url = new URL(checked);
    if (implicit && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      fail(`${option}: an implicit client's http URI must be on a loopback host (${checked})`, option);
    }
    return checked;
  });
}

function grantTypesOf(client: DevServerClientOptions, option: string): DevServerGrantType[] {
  const grantTypes = list(client.grantTypes ?? ['client_credentials'], `${option}.grantTypes`).map((grant) => {
    if (typeof grant !== 'string' || !GRANT_TYPES.has(grant)) {
      fail(`${option}.grantTypes: "${String(grant)}" is not supported`, 'clients');
    }
    return grant as DevServerGrantType;
  });
  if (grantTypes.length === 0) fail(`${option}.grantTypes must not be empty`, 'clients');
  return grantTypes;
}

/**
 * Checks one client and applies the defaults; generates its secret or key when not given (off the event loop).
 *
 * @throws {ConfigurationError} for any invalid field.
 */
export async function resolveClient(client: DevServerClientOptions): Promise<ResolvedClient> {
  const clientId = client.clientId;
  const option = `clients[${clientId}]`;
  const authMethod = client.authMethod ?? 'client_secret_post';
  if (!AUTH_METHODS.has(authMethod)) fail(`${option}.authMethod "${String(authMethod)}" is not supported`, 'clients');
  const grantTypes = grantTypesOf(client, option);
  if (authMethod === 'none' && (grantTypes.includes('client_credentials') || grantTypes.includes(CIBA))) {
    fail(`${option}: a public client (authMethod none) cannot use client_credentials or CIBA`, 'clients');
  }
  const responseTypes = responseTypesOf(grantTypes);
  const interactive = responseTypes.length > 0;
  const implicit = grantTypes.includes('implicit');
  const resolved: { -readonly [K in keyof ResolvedClient]: ResolvedClient[K] } = {
    clientId,
    name: client.name === undefined ? clientId : text(client.name, `${option}.name`),
    authMethod,
    grantTypes,
    responseTypes,
    redirectUris: interactive
      ? uris(client.redirectUris, DEFAULT_REDIRECT_URI, implicit, `${option}.redirectUris`)
      : [],
    postLogoutRedirectUris: interactive
      ? uris(
          client.postLogoutRedirectUris,
          DEFAULT_POST_LOGOUT_REDIRECT_URI,
          implicit,
          `${option}.postLogoutRedirectUris`,
        )
      : [],
    rotateRefreshTokens: flag(client.rotateRefreshTokens, authMethod === 'none', `${option}.rotateRefreshTokens`),
  };
  if (interactive && client.backchannelLogoutUri !== undefined) {
    resolved.backchannelLogoutUri = webUrl(client.backchannelLogoutUri, `${option}.backchannelLogoutUri`);
  }
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
