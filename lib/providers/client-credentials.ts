import type { KeyObject } from 'node:crypto';
import { resolveOrigin } from '../authentication/base.js';
import {
  type ClientAssertionAlgorithm,
  ClientAuthentication,
  type ClientAuthMethod,
  type ClientCredentials,
  checkMutualTls,
  isMutualTls,
} from '../authentication/client-authentication.js';
import type { TokenResponse } from '../authentication/types.js';
import { optionalStrings } from '../authentication/params.js';
import { ConfigurationError } from '../errors.js';
import { RepeatedField } from '../http/form.js';
import type { TransportOptions } from '../http/http-client.js';
import type { DiscoveryCache } from '../oidc/discovery.js';
import { checkDiscoveryOption, discoverTokenEndpoint, type TokenEndpointDiscovery } from './discovery.js';
import { type PrivateKeyInput, readPrivateKey } from './private-key.js';
import type { StoredToken } from './stores/token-store.js';
import { checkEndpointUrl, storedToken, TokenEndpointClient } from './token-endpoint.js';
import { CachedTokenProvider, type TokenCacheOptions, tokenCacheKey, type TokenSource } from './token-provider.js';

/** Options of a {@link ClientCredentialsProvider}: where the token endpoint is, who asks, and for what. */
export interface ClientCredentialsProviderOptions extends TokenCacheOptions, TransportOptions {
  /** The token endpoint URL, e.g. `https://idp.example.com/oauth2/default/v1/token`. One of the three is required. */
  tokenEndpoint?: string;
  /** An Auth0 tenant's host, e.g. `tenant.us.auth0.com`: the token endpoint is `https://{domain}/oauth/token`. */
  domain?: string;
  /**
   * Where the token endpoint is read from: the OpenID Provider's discovery document URL
   * (`https://sso.example.com/realms/ops/.well-known/openid-configuration`) or its issuer
   * (`https://tenant.auth0.com/`, the document then being at `{issuer}/.well-known/openid-configuration`).
   * The document's `issuer` must match (OIDC Discovery §4.3).
   */
  discoveryUri?: string;
  /**
   * The discovery cache of `discoveryUri`. @defaultValue one shared by the providers of the process
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
   * How the client authenticates: a secret, a private key, or mutual TLS (`tls_client_auth`,
   * `self_signed_tls_client_auth`, RFC 8705) with the client certificate in `httpsAgent`.
   * @defaultValue `private_key_jwt` with a `privateKey`, else `client_secret_post`
   */
  clientAuthMethod?: Exclude<ClientAuthMethod, 'none'>;
  /** Algorithm of the client assertion. @defaultValue the JWK's `alg`, else RS256 / PS256 / ES256-384-512 by key type */
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
  readonly #credentials: ClientCredentials;
  readonly #client: TokenEndpointClient;
  readonly #discover: TokenEndpointDiscovery;
  readonly #params: {
    audience: string | undefined;
    scope: string | undefined;
    organization: string | undefined;
    resource: string | RepeatedField | undefined;
  };
  #endpoint: Promise<{ url: string; auth: ClientAuthentication }> | undefined;
  /** The token endpoint, or the discovery URL until discovery has found it. */
  #url = '';

  constructor(options: ClientCredentialsProviderOptions, discover: TokenEndpointDiscovery = discoverTokenEndpoint) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    const { tokenEndpoint, domain, discoveryUri } = options;
    const given = [tokenEndpoint, domain, discoveryUri].filter((value) => value !== undefined && value !== null);
    if (given.length !== 1) {
      throw new ConfigurationError('exactly one of tokenEndpoint, domain or discoveryUri is required', 'tokenEndpoint');
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
    checkDiscoveryOption(options.discovery);
    this.#options = options;
    this.#discover = discover;
    this.#client = new TokenEndpointClient(options);
    this.#credentials = {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      clientAuthMethod: options.clientAuthMethod,
      ...assertionKey(options),
    };
    this.#params = {
      audience: optionalText(options.audience, 'audience'),
      scope: scopeString(options.scope),
      organization: optionalText(options.organization, 'organization'),
      resource: Array.isArray(options.resource)
        ? optionalStrings(options.resource, 'resource')
        : optionalText(options.resource, 'resource'),
    };
    let identity: string;
    if (domain !== undefined && domain !== null) {
      const origin = resolveOrigin({ ...options, domain });
      identity = `${origin}/oauth/token`;
      this.#endpoint = Promise.resolve(this.#bind(identity, options.assertionAudience ?? `${origin}/`));
    } else if (tokenEndpoint !== undefined && tokenEndpoint !== null) {
      identity = this.#check(tokenEndpoint, 'tokenEndpoint');
      this.#endpoint = Promise.resolve(this.#bind(identity, options.assertionAudience ?? identity));
    } else {
      identity = checkEndpointUrl(discoveryUri, 'discoveryUri');
      // Check the credentials now, although the assertion audience will be known only after discovery.
      this.#bind(identity, identity);
    }
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

  /** Checks an endpoint URL and the transport options it will be used with. */
  #check(value: unknown, option: string): string {
    const url = checkEndpointUrl(value, option);
    const { host, protocol } = new URL(url);
    resolveOrigin({ ...this.#options, domain: host, protocol: protocol === 'http:' ? 'http' : 'https' });
    return url;
  }

  #bind(url: string, assertionAudience: string): { url: string; auth: ClientAuthentication } {
    this.#url = url;
    return { url, auth: new ClientAuthentication(this.#credentials, assertionAudience) };
  }

  /** The token endpoint (the discovery URL until discovery has found the endpoint). */
  get endpoint(): string {
    return this.#url;
  }

  /** The token endpoint and its client authentication, discovered once (and again after a failed discovery). */
  #resolve(): Promise<{ url: string; auth: ClientAuthentication }> {
    if (this.#endpoint === undefined) {
      const discoveryUri = this.#options.discoveryUri as string;
      const found = this.#discover(discoveryUri, this.#options).then((url) => {
        const endpoint = this.#check(url, 'token_endpoint');
        return this.#bind(endpoint, this.#options.assertionAudience ?? endpoint);
      });
      found.catch(() => {
        if (this.#endpoint === found) this.#endpoint = undefined;
      });
      this.#endpoint = found;
    }
    return this.#endpoint;
  }

  /**
   * Sends one client-credentials grant and resolves to the server's response, validated.
   *
   * @throws {Auth0Error} for an HTTP error (`access_denied`, `invalid_client`…), `NetworkError`/`TimeoutError`
   *   when no answer came, `TokenResponseError` for a 2xx answer without a usable token, `ConfigurationError`
   *   for a discovery document naming another issuer or without a `token_endpoint`.
   */
  async grant(): Promise<{ response: TokenResponse; token: StoredToken }> {
    const { url, auth } = await this.#resolve();
    const { body, headers } = auth.parts();
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
 *   `clientId` or both of `clientSecret`/`privateKey` are missing, or any option is invalid.
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
    super(new ClientCredentialsSource(options), options);
  }
}
