import type { KeyObject } from 'node:crypto';
import {
  type ClientAssertionAlgorithm,
  ClientAuthentication,
  type ClientAuthMethod,
  type ClientCredentials,
  checkMutualTls,
  isMutualTls,
} from '../authentication/client-authentication.js';
import { EndpointResolver } from '../authentication/endpoint-resolver.js';
import type { ProviderEndpoints } from '../authentication/endpoints.js';
import type { TokenResponse } from '../authentication/types.js';
import { optionalStrings } from '../authentication/params.js';
import { checkOptionKeys, optionKeys } from '../did-you-mean.js';
import { ConfigurationError } from '../errors.js';
import { RepeatedField } from '../http/form.js';
import { TRANSPORT_OPTION_KEYS, type TransportOptions } from '../http/http-client.js';
import { checkEndpointUrl } from '../http/url.js';
import type { DiscoveryCache } from '../oidc/discovery.js';
import { type PrivateKeyInput, readPrivateKey } from './private-key.js';
import type { StoredToken } from './stores/token-store.js';
import { storedToken, TokenEndpointClient } from './token-endpoint.js';
import {
  CachedTokenProvider,
  TOKEN_CACHE_OPTION_KEYS,
  type TokenCacheOptions,
  tokenCacheKey,
  type TokenSource,
} from './token-provider.js';

/** Options of a {@link ClientCredentialsProvider}: where the token endpoint is, who asks, and for what. */
export interface ClientCredentialsProviderOptions extends TokenCacheOptions, TransportOptions {
  /**
   * The token endpoint URL, e.g. `https://idp.example.com/oauth2/default/v1/token`. Exactly one of
   * `tokenEndpoint`, `domain`, `issuer`, `discoveryUri` and `endpoints` is required.
   */
  tokenEndpoint?: string;
  /** An Auth0 tenant's host, e.g. `tenant.us.auth0.com`: the token endpoint is `https://{domain}/oauth/token`. */
  domain?: string;
  /**
   * The OpenID Provider's issuer, e.g. `https://sso.example.com/realms/ops`: the token endpoint is read from its
   * discovery document, whose `issuer` must equal it (OIDC Discovery §4.3).
   */
  issuer?: string;
  /**
   * Where the token endpoint is read from: the OpenID Provider's discovery document URL
   * (`https://sso.example.com/realms/ops/.well-known/openid-configuration`) or its issuer
   * (`https://tenant.auth0.com/`, the document then being at `{issuer}/.well-known/openid-configuration`).
   * The document's `issuer` must match (OIDC Discovery §4.3).
   */
  discoveryUri?: string;
  /** The provider's endpoints, of which `token` is used (the form the relying party's metadata comes in). */
  endpoints?: ProviderEndpoints;
  /**
   * The discovery cache of `issuer` and `discoveryUri`. @defaultValue one shared by the client objects of the
   * process
   */
  discovery?: DiscoveryCache;
  /** Scheme used with `domain`; `http` only for loopback hosts. @defaultValue 'https' */
  protocol?: 'https' | 'http';
  /** The client id. */
  clientId: string;
  /** The client secret, for `client_secret_post` (the default with a secret) or `client_secret_basic`. */
  clientSecret?: string;
  /** The private key of `private_key_jwt`: PEM text, a JWK (JSON text or object), a `KeyObject`, or a file path. */
  privateKey?: PrivateKeyInput;
  /**
   * How the client authenticates: a secret (`client_secret_post`, `client_secret_basic`, or `client_secret_jwt`,
   * an HS256 assertion unless `clientAssertionSigningAlg` says HS384 or HS512), a private key, or mutual TLS
   * (`tls_client_auth`, `self_signed_tls_client_auth`, RFC 8705) with the client certificate in `httpsAgent`.
   * @defaultValue `private_key_jwt` with a `privateKey`, else `client_secret_post`
   */
  clientAuthMethod?: Exclude<ClientAuthMethod, 'none'>;
  /**
   * Algorithm of the client assertion. @defaultValue HS256 for `client_secret_jwt`; with a private key, the
   * JWK's `alg`, else RS256 / PS256 / ES256-384-512 by key type
   */
  clientAssertionSigningAlg?: ClientAssertionAlgorithm;
  /** `kid` of the client assertion header. @defaultValue the JWK's `kid`, if any */
  clientAssertionKeyId?: string;
  /**
   * `aud` of the client assertion. @defaultValue `https://{domain}/` with `domain` (Auth0's issuer), else the
   * token endpoint URL (RFC 7523, Okta, Entra ID)
   */
  assertionAudience?: string;
  /** The API the token is for (Auth0 `audience`). */
  audience?: string;
  /** Scopes to ask for, as one space-separated string or an array. */
  scope?: string | string[];
  /** The Auth0 organization (id or name) the token is for. */
  organization?: string;
  /**
   * RFC 8707 resource indicator (what standard servers such as node-oidc-provider use instead of `audience`); a
   * list is sent as the `resource` field repeated, for one token good at several resource servers.
   */
  resource?: string | readonly string[];
}

/** Every option of a {@link ClientCredentialsProvider}. */
const OPTION_KEYS = optionKeys<ClientCredentialsProviderOptions>({
  ...TOKEN_CACHE_OPTION_KEYS,
  ...TRANSPORT_OPTION_KEYS,
  tokenEndpoint: true,
  domain: true,
  issuer: true,
  discoveryUri: true,
  endpoints: true,
  discovery: true,
  protocol: true,
  clientId: true,
  clientSecret: true,
  privateKey: true,
  clientAuthMethod: true,
  clientAssertionSigningAlg: true,
  clientAssertionKeyId: true,
  assertionAudience: true,
  audience: true,
  scope: true,
  organization: true,
  resource: true,
});

/**
 * Other names of the same options: OpenMetadata's (`secretKey`), and those of the Authentication API's clients
 * (`clientAssertionSigningKey`, `clientAssertionAudience`).
 */
const OTHER_NAMES = {
  secretKey: 'clientSecret',
  clientAssertionSigningKey: 'privateKey',
  clientAssertionAudience: 'assertionAudience',
};

/** The `private_key_jwt` key material of a {@link ClientCredentials}, read once. */
function assertionKey(
  options: ClientCredentialsProviderOptions,
): Pick<ClientCredentials, 'clientAssertionSigningKey' | 'clientAssertionSigningAlg' | 'clientAssertionKeyId'> {
  if (options.privateKey === undefined || options.privateKey === null) return {};
  const { key, kid, alg } = readPrivateKey(options.privateKey, 'privateKey');
  const keyId = options.clientAssertionKeyId ?? kid;
  return {
    clientAssertionSigningKey: key as KeyObject,
    clientAssertionSigningAlg: options.clientAssertionSigningAlg ?? alg,
    ...(keyId !== undefined && { clientAssertionKeyId: keyId }),
  };
}

function optionalText(value: unknown, option: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${option} must be a non-empty string when given`, option);
  }
  return value;
}

/** Scopes as one space-separated string, or `undefined` for none. */
export function scopeString(value: unknown, option = 'scope'): string | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? value.split(/\s+/) : value;
  if (!Array.isArray(list) || !list.every((scope) => typeof scope === 'string')) {
    throw new ConfigurationError(`${option} must be a string or an array of strings`, option);
  }
  const scopes = (list as string[]).map((scope) => scope.trim()).filter((scope) => scope !== '');
  return scopes.length === 0 ? undefined : scopes.join(' ');
}

/**
 * Client-credentials grants against one token endpoint: builds and sends the request, and turns the answer
 * into a cacheable token. Used by {@link ClientCredentialsProvider} and the `authn token` command.
 */
export class ClientCredentialsSource implements TokenSource {
  readonly cacheKey: string;
  readonly #options: ClientCredentialsProviderOptions;
  readonly #auth: ClientAuthentication;
  readonly #client: TokenEndpointClient;
  readonly #endpoints: EndpointResolver;
  readonly #params: {
    audience: string | undefined;
    scope: string | undefined;
    organization: string | undefined;
    resource: string | RepeatedField | undefined;
  };
  /** The token endpoint, or the issuer or discovery URL it is read from until a grant has found it. */
  #url: string;

  constructor(options: ClientCredentialsProviderOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    const { tokenEndpoint } = options;
    const locations = ['tokenEndpoint', 'domain', 'issuer', 'discoveryUri', 'endpoints'] as const;
    const given = locations.filter((name) => options[name] !== undefined && options[name] !== null);
    if (given.length !== 1) {
      throw new ConfigurationError(
        'exactly one of tokenEndpoint, domain, issuer, discoveryUri or endpoints is required',
        'tokenEndpoint',
      );
    }
    if (typeof options.clientId !== 'string' || options.clientId.trim() === '') {
      throw new ConfigurationError('clientId is required and must be a non-empty string', 'clientId');
    }
    if (options.clientAuthMethod !== undefined && (options.clientAuthMethod as string) === 'none') {
      throw new ConfigurationError(
        'a client-credentials grant needs a client secret or a private key',
        'clientAuthMethod',
      );
    }
    checkMutualTls(options.clientAuthMethod, options.httpsAgent);
    if (
      !isMutualTls(options.clientAuthMethod) &&
      !options.clientSecret &&
      (options.privateKey === undefined || options.privateKey === null)
    ) {
      throw new ConfigurationError('clientSecret or privateKey is required', 'clientSecret');
    }
    this.#options = options;
    this.#endpoints = new EndpointResolver(
      tokenEndpoint === undefined || tokenEndpoint === null
        ? options
        : {
            ...options,
            tokenEndpoint: undefined,
            endpoints: { token: checkEndpointUrl(tokenEndpoint, 'tokenEndpoint') },
          },
      isMutualTls(options.clientAuthMethod),
    );
    this.#client = new TokenEndpointClient(options);
    this.#auth = new ClientAuthentication({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      clientAuthMethod: options.clientAuthMethod,
      clientAssertionAudience: options.assertionAudience,
      ...assertionKey(options),
    });
    this.#params = {
      audience: optionalText(options.audience, 'audience'),
      scope: scopeString(options.scope),
      organization: optionalText(options.organization, 'organization'),
      resource: Array.isArray(options.resource)
        ? optionalStrings(options.resource, 'resource')
        : optionalText(options.resource, 'resource'),
    };
    const where = tokenEndpoint ?? options.endpoints?.token ?? options.issuer ?? options.discoveryUri;
    if (this.#endpoints.kind === 'endpoints' && where === undefined) {
      throw new ConfigurationError('endpoints.token is required: the grant goes to the token endpoint', 'endpoints');
    }
    // The cache key names the token endpoint, or the document it is read from.
    const identity =
      this.#endpoints.kind === 'domain' ? `${this.#endpoints.origin}/oauth/token` : new URL(String(where)).href;
    this.#url = identity;
    const scope = this.#params.scope?.split(' ').sort().join(' ');
    const { audience, organization, resource } = this.#params;
    this.cacheKey = tokenCacheKey([
      'client_credentials',
      identity,
      options.clientId,
      audience,
      scope,
      organization,
      resource instanceof RepeatedField ? [...resource.values].sort() : resource,
    ]);
  }

  /** The token endpoint (the issuer or discovery URL it is read from, until a grant has found it), for diagnostics. */
  get endpoint(): string {
    return this.#url;
  }

  /**
   * Sends one client-credentials grant and resolves to the server's response, validated.
   *
   * @throws {Auth0Error} for an HTTP error (`access_denied`, `invalid_client`…), `NetworkError`/`TimeoutError`
   *   when no answer came, `TokenResponseError` for a 2xx answer without a usable token, `ConfigurationError`
   *   for a discovery document naming another issuer or without a `token_endpoint`.
   */
  async grant(): Promise<{ response: TokenResponse; token: StoredToken }> {
    const url = await this.#endpoints.url('token');
    this.#url = url;
    const signs = this.#auth.method.endsWith('_jwt');
    const audience = signs ? await this.#endpoints.assertionAudience(url) : undefined;
    const { body, headers } = this.#auth.parts({ audience });
    const sentAt = (this.#options.clock ?? Date.now)();
    const response = await this.#client.post(
      url,
      { grant_type: 'client_credentials', ...this.#params, ...body },
      headers,
    );
    return { response, token: storedToken(response, sentAt) };
  }

  async fetchToken(): Promise<StoredToken> {
    return (await this.grant()).token;
  }
}

/**
 * The general token provider: OAuth 2.0 client-credentials grants against any token endpoint — given as a URL,
 * as an Auth0 `domain` (`https://{domain}/oauth/token`), or read from the discovery document of a
 * `discoveryUri` (once, the document cached and shared; a failed discovery is retried later) — authenticated by
 * client secret (post or basic) or `private_key_jwt`, and cached per (token endpoint, client id, audience,
 * scope, organization, resource) by {@link CachedTokenProvider}.
 *
 * The secret and the key live in private fields: `util.inspect(provider)` shows neither.
 *
 * @throws {ConfigurationError} when not exactly one of `tokenEndpoint`, `domain`, `discoveryUri` is given, when
 *   `clientId` or both of `clientSecret`/`privateKey` are missing, an option is unknown (named with the closest
 *   known one: `unknown option "scopes"; did you mean scope?`), or any option is invalid.
 * @example
 * const provider = new ClientCredentialsProvider({
 *   domain: 'tenant.us.auth0.com',
 *   clientId: process.env.CLIENT_ID!,
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   audience: 'https://api.example.com/',
 * });
 * const token = await provider.authToken(); // one grant, then the cache until 120 s before expiry
 */
export class ClientCredentialsProvider extends CachedTokenProvider {
  constructor(options: ClientCredentialsProviderOptions) {
    // The providers built on this one take options of their own (Okta's `scopes`…) and hand them on whole: only a
    // ClientCredentialsProvider itself is checked for unknown keys.
    if (new.target === ClientCredentialsProvider && options !== null && typeof options === 'object') {
      checkOptionKeys(options, OPTION_KEYS, { aliases: OTHER_NAMES });
    }
    super(new ClientCredentialsSource(options), options);
  }
}
