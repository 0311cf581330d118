import type { KeyObject } from 'node:crypto';
import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import { checkRemoteUrl } from '../http/url.js';
import { ALGORITHMS, type JwsAlgorithm } from '../token-verifier/algorithms.js';
import { checkClock, type Clock } from '../token-verifier/claims.js';
import type { JwksFetcherOptions } from '../token-verifier/jwks-fetcher.js';
import { checkSecrets } from './seal.js';
import { MemoryTransactionStore, type TransactionStore } from './transaction-store.js';

/** The response types of the relying party: the code flow, the implicit flows and the hybrid flow of OIDC Core. */
export type OidcResponseType = 'code' | 'id_token' | 'id_token token' | 'code id_token';

/** How the provider returns the authorization response (OAuth 2.0 Multiple Response Types, Form Post). */
export type OidcResponseMode = 'query' | 'fragment' | 'form_post';

/** How the relying party authenticates at the token endpoint. */
export type OidcClientAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'tls_client_auth' | 'none';

/**
 * Options of an {@link OidcClient}: where the provider is, who the client is, how users log in, and the secret
 * that seals login transactions. The transport options (`timeout`, `httpsAgent`, `proxy`…) apply to every request
 * to the provider.
 */
export interface OidcClientOptions extends TransportOptions {
  /**
   * The provider's issuer: discovery is at `{issuer}/.well-known/openid-configuration` and the document must name
   * it exactly. With `discoveryUri` too, the document at `discoveryUri` must name this issuer; an issuer holding
   * `{tenantid}` (Microsoft Entra ID's multi-tenant endpoints) is then a template, filled with each ID token's
   * `tid`.
   */
  issuer?: string;
  /** The discovery document's URL (`…/.well-known/openid-configuration`), instead of or with `issuer`. */
  discoveryUri?: string;
  /** The client's id at the provider. */
  clientId: string;
  /** The client secret (`client_secret_basic`, `client_secret_post`, `client_secret_jwt`, and HS256 ID tokens). */
  clientSecret?: string;
  /** The private key (PEM text or `KeyObject`) that signs `private_key_jwt` assertions. */
  privateKey?: string | KeyObject;
  /** The algorithm of client assertions. @defaultValue 'RS256' for `private_key_jwt`, 'HS256' for `client_secret_jwt` */
  clientAssertionSigningAlg?: string;
  /**
   * How the client authenticates at the token endpoint. @defaultValue `private_key_jwt` with a `privateKey`, else
   * `client_secret_post` with a `clientSecret`, else `none`
   */
  clientAuthMethod?: OidcClientAuthMethod;
  /**
   * `confidential` (a web backend that keeps a secret or key) or `public` (a single-page or native app, which
   * cannot). A public client given a secret or key, or a confidential one given neither, is refused.
   * @defaultValue `confidential` when a secret or key is given, else `public`
   */
  clientType?: 'confidential' | 'public';
  /** Where the provider sends the browser back (the callback), registered at the provider. */
  redirectUri: string;
  /** Where the provider sends the browser after a logout, registered at the provider. */
  postLogoutRedirectUri?: string;
  /** The scopes asked for; must include `openid`. @defaultValue 'openid profile email' */
  scope?: string;
  /** The response type. @defaultValue 'code' */
  responseType?: OidcResponseType;
  /** The response mode. @defaultValue 'query' for `code`, 'form_post' for the others */
  responseMode?: OidcResponseMode;
  /** Send an S256 PKCE challenge with a code flow (RFC 7636). @defaultValue true */
  usePkce?: boolean;
  /** Send a `nonce` and require it in the ID token; the implicit and hybrid flows always do. @defaultValue true */
  useNonce?: boolean;
  /** The algorithm the provider signs ID tokens with; `HS256` verifies with the client secret. @defaultValue 'RS256' */
  idTokenSigningAlg?: JwsAlgorithm;
  /** Seconds of clock skew tolerated in ID-token and logout-token times; 0 to 300. @defaultValue 60 */
  clockTolerance?: number;
  /** Parameters added to every authorization request, by their wire names (`audience`, `prompt`, `acr_values`…). */
  authorizationParams?: Record<string, string>;
  /** Fetch the UserInfo endpoint after each login and refuse a `sub` that differs from the ID token's. @defaultValue false */
  fetchUserinfo?: boolean;
  /** Options of the ID-token key set: cache, cooldown, timeout. */
  jwksOptions?: JwksFetcherOptions;
  /**
   * Seals login transactions: one secret of at least 32 characters, or a list (the first seals, every one opens,
   * so a secret is rotated by putting the new one first).
   */
  secret: string | string[];
  /**
   * Remembers used transactions so that a callback presented again is refused: shared by every replica with a
   * {@link RedisTransactionStore}. @defaultValue a new {@link MemoryTransactionStore} (this process only)
   */
  transactionStore?: TransactionStore;
  /** Seconds a login may take from `startLogin` to the callback; 60 to 3600. @defaultValue 600 */
  transactionMaxAge?: number;
  /** The current time in epoch seconds, for tests. @defaultValue `() => Date.now() / 1000` */
  clock?: () => number;
}

/** The checked options of an `OidcClient`, with every default applied. @internal */
export interface OidcSettings {
  readonly issuer: string | undefined;
  readonly discoveryUri: string | undefined;
  readonly clientId: string;
  readonly clientType: 'confidential' | 'public';
  readonly clientAuthMethod: OidcClientAuthMethod;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string | undefined;
  readonly scope: string;
  readonly responseType: OidcResponseType;
  readonly responseMode: OidcResponseMode;
  readonly usePkce: boolean;
  readonly useNonce: boolean;
  readonly idTokenSigningAlg: JwsAlgorithm;
  readonly clockTolerance: number;
  readonly authorizationParams: Readonly<Record<string, string>>;
  readonly fetchUserinfo: boolean;
  readonly secrets: readonly string[];
  readonly transactionStore: TransactionStore;
  readonly transactionMaxAge: number;
  readonly clock: Clock;
}

/** Names an option in messages and on the `ConfigurationError`: the option itself, or the variable it came from. */
export type OptionNamer = (option: string) => string;

const RESPONSE_TYPES: readonly string[] = ['code', 'id_token', 'id_token token', 'code id_token'];
const RESPONSE_MODES: readonly string[] = ['query', 'fragment', 'form_post'];
const AUTH_METHODS: readonly string[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'none',
];

/**
 * Authorization parameters the client sets itself for every login; one given in `authorizationParams` or to
 * `startLogin` is refused rather than silently dropped or doubled. (`scope` has an option of its own, and
 * `startLogin` may change it for one login.)
 */
export const RESERVED_AUTHORIZATION_PARAMS: ReadonlySet<string> = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request',
  'request_uri',
]);

function fail(message: string, option: string): never {
  throw new ConfigurationError(message, option);
}

function optionalText(value: unknown, option: string, name: OptionNamer): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    fail(`${name(option)} must be a non-empty string`, name(option));
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly string[], option: string, name: OptionNamer): T {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    fail(`${name(option)} must be one of ${allowed.map((item) => `"${item}"`).join(', ')}`, name(option));
  }
  return value as T;
}

function flag(value: unknown, option: string, name: OptionNamer, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${name(option)} must be a boolean`, name(option));
  return value;
}

function integer(value: unknown, option: string, name: OptionNamer, fallback: number, min: number, max: number) {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    fail(`${name(option)} must be a whole number of seconds from ${min} to ${max}`, name(option));
  }
  return value;
}

/** An absolute http(s) URL without a fragment (RFC 6749 §3.1.2), as a redirect URI must be. */
function redirectUrl(value: unknown, option: string, name: OptionNamer, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  const url = typeof value === 'string' ? URL.parse(value) : null;
  if (url === null || !/^https?:$/.test(url.protocol) || url.hash !== '' || String(value).includes('#')) {
    fail(`${name(option)} must be an absolute http(s) URL without a fragment`, name(option));
  }
  return value as string;
}

/**
 * Checks a set of authorization parameters: an object of strings, none of which the client sets itself.
 *
 * @throws {ConfigurationError} naming `option`.
 * @internal
 */
export function checkAuthorizationParams(
  value: unknown,
  option: string,
  name: OptionNamer = (o) => o,
): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`${name(option)} must be an object of strings`, name(option));
  }
  const params: Record<string, string> = {};
  for (const [key, param] of Object.entries(value)) {
    if (param === undefined) continue;
    if (typeof param !== 'string') fail(`${name(option)}.${key} must be a string`, name(option));
    if (RESERVED_AUTHORIZATION_PARAMS.has(key)) {
      fail(`${name(option)}.${key} is set by the client itself and cannot be given`, name(option));
    }
    params[key] = param;
  }
  return params;
}

function clientTypeOf(options: OidcClientOptions, method: string | undefined, name: OptionNamer) {
  const credential = options.clientSecret !== undefined || options.privateKey !== undefined;
  const clientType =
    options.clientType === undefined
      ? credential || method === 'tls_client_auth'
        ? 'confidential'
        : 'public'
      : oneOf<'confidential' | 'public'>(options.clientType, ['confidential', 'public'], 'clientType', name);
  if (clientType === 'public') {
    if (credential) {
      fail(
        `a public client has no secret or key: the implicit flow and PKCE need only the client id (remove ${name('clientSecret')}, or make ${name('clientType')} "confidential")`,
        name('clientSecret'),
      );
    }
    if (method !== undefined && method !== 'none') {
      fail(
        `${name('clientAuthMethod')} must be "none" for a public client; found ${JSON.stringify(method)}`,
        name('clientAuthMethod'),
      );
    }
  } else if (!credential && method !== 'tls_client_auth') {
    fail(
      `a confidential client needs its ${name('clientSecret')} (or a privateKey) to exchange the code for tokens`,
      name('clientSecret'),
    );
  }
  return clientType;
}

function defaultAuthMethod(options: OidcClientOptions): OidcClientAuthMethod {
  if (options.privateKey !== undefined) return 'private_key_jwt';
  return options.clientSecret === undefined ? 'none' : 'client_secret_post';
}

/**
 * Checks `OidcClient` options without any I/O and applies the defaults. Every message and `option` names the
 * option through `name` — `oidcConfigFromEnv` names the environment variable instead — and never quotes a secret.
 *
 * @throws {ConfigurationError} for the first bad or inconsistent option.
 * @internal
 */
export function checkOidcClientOptions(options: OidcClientOptions, name: OptionNamer = (o) => o): OidcSettings {
  if (options === null || typeof options !== 'object') fail('options are required', 'options');
  const { issuer, discoveryUri } = options;
  if (issuer !== undefined) checkRemoteUrl(issuer, name('issuer'));
  if (discoveryUri !== undefined) checkRemoteUrl(discoveryUri, name('discoveryUri'));
  if (issuer === undefined && discoveryUri === undefined) {
    const names = [...new Set([name('issuer'), name('discoveryUri')])].join(' or ');
    fail(`give the provider's ${names}`, name('discoveryUri'));
  }
  const clientId =
    optionalText(options.clientId, 'clientId', name) ?? fail(`${name('clientId')} is required`, name('clientId'));
  optionalText(options.clientSecret, 'clientSecret', name);
  const method =
    options.clientAuthMethod === undefined
      ? undefined
      : oneOf<OidcClientAuthMethod>(options.clientAuthMethod, AUTH_METHODS, 'clientAuthMethod', name);
  const clientType = clientTypeOf(options, method, name);

  const responseType = oneOf<OidcResponseType>(options.responseType ?? 'code', RESPONSE_TYPES, 'responseType', name);
  const implicit = responseType !== 'code';
  const responseMode = oneOf<OidcResponseMode>(
    options.responseMode ?? (implicit ? 'form_post' : 'query'),
    RESPONSE_MODES,
    'responseMode',
    name,
  );
  if (implicit && responseMode === 'query') {
    fail(
      `${name('responseMode')} "query" would put tokens in the URL; use "form_post" or "fragment"`,
      name('responseMode'),
    );
  }
  const usePkce = flag(options.usePkce, 'usePkce', name, true);
  if (clientType === 'public' && responseType.includes('code') && !usePkce) {
    fail(`a public client must use PKCE with the code flow; do not disable ${name('usePkce')}`, name('usePkce'));
  }
  const useNonce = flag(options.useNonce, 'useNonce', name, true);
  if (implicit && !useNonce) {
    fail(`the ${responseType} response type requires a nonce; do not disable ${name('useNonce')}`, name('useNonce'));
  }
  const scope = optionalText(options.scope, 'scope', name) ?? 'openid profile email';
  if (!scope.split(' ').includes('openid')) fail(`${name('scope')} must include "openid"`, name('scope'));

  const idTokenSigningAlg = oneOf<JwsAlgorithm>(
    options.idTokenSigningAlg ?? 'RS256',
    Object.keys(ALGORITHMS),
    'idTokenSigningAlg',
    name,
  );
  if (ALGORITHMS[idTokenSigningAlg].family === 'hmac' && options.clientSecret === undefined) {
    fail(
      `${name('idTokenSigningAlg')} ${JSON.stringify(idTokenSigningAlg)} is verified with the client secret, which is missing`,
      name('clientSecret'),
    );
  }
  const fetchUserinfo = flag(options.fetchUserinfo, 'fetchUserinfo', name, false);
  if (fetchUserinfo && responseType === 'id_token') {
    fail(
      `${name('fetchUserinfo')} needs an access token, which the id_token response type does not return`,
      name('fetchUserinfo'),
    );
  }
  const store = options.transactionStore;
  if (store !== undefined && typeof (store as Partial<TransactionStore> | null)?.consume !== 'function') {
    fail(`${name('transactionStore')} must have a consume() method`, name('transactionStore'));
  }
  const authorizationParams = checkAuthorizationParams(options.authorizationParams, 'authorizationParams', name);
  if (authorizationParams.scope !== undefined) {
    fail(`${name('authorizationParams')}.scope repeats an option; use ${name('scope')}`, name('authorizationParams'));
  }
  return {
    issuer,
    discoveryUri,
    clientId,
    clientType,
    clientAuthMethod: method ?? defaultAuthMethod(options),
    redirectUri: redirectUrl(options.redirectUri, 'redirectUri', name, true) as string,
    postLogoutRedirectUri: redirectUrl(options.postLogoutRedirectUri, 'postLogoutRedirectUri', name, false),
    scope,
    responseType,
    responseMode,
    usePkce,
    useNonce,
    idTokenSigningAlg,
    clockTolerance: integer(options.clockTolerance, 'clockTolerance', name, 60, 0, 300),
    authorizationParams,
    fetchUserinfo,
    secrets: checkSecrets(options.secret, name('secret')),
    transactionStore: store ?? new MemoryTransactionStore(),
    transactionMaxAge: integer(options.transactionMaxAge, 'transactionMaxAge', name, 600, 60, 3600),
    clock: checkClock(options.clock),
  };
}
