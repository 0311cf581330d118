import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import type { DiscoveryCache } from '../oidc/discovery.js';
import { ClientCredentialsProvider } from './client-credentials.js';
import type { TokenCacheOptions } from './token-provider.js';

/** Options of a {@link CustomOIDCAuthenticationProvider}. */
export interface CustomOIDCAuthenticationProviderOptions extends TokenCacheOptions, TransportOptions {
  /** The token endpoint URL (Keycloak: `{base}/realms/{realm}/protocol/openid-connect/token`). One of the two is required. */
  tokenEndpoint?: string;
  /**
   * The discovery document URL (`…/.well-known/openid-configuration`) or the issuer, from whose discovery
   * document the token endpoint is read; the document's `issuer` must match (OIDC Discovery §4.3).
   */
  discoveryUri?: string;
  /** The discovery cache of `discoveryUri`. @defaultValue one shared by the providers of the process */
  discovery?: DiscoveryCache;
  /** The client id. */
  clientId: string;
  /** The client secret. */
  clientSecret: string;
  /** `client_secret_post` or `client_secret_basic` (Keycloak and most OPs accept both). @defaultValue 'client_secret_post' */
  clientAuthMethod?: 'client_secret_post' | 'client_secret_basic';
  /** Scopes to ask for (an array or one space-separated string). */
  scope?: string | string[];
  /** An `audience` parameter, for servers that take one (Auth0-style). */
  audience?: string;
  /** An RFC 8707 `resource` indicator, or a list of them, for servers that take one. */
  resource?: string | readonly string[];
}

/**
 * Client-credentials tokens from any standards OpenID Provider (Keycloak, node-oidc-provider, Ping, …), by
 * token endpoint or discovery document, with the client secret, cached. The seed sent neither
 * scope nor audience; this provider sends them when given.
 *
 * @throws {ConfigurationError} when not exactly one of `tokenEndpoint` / `discoveryUri` is given, or `clientId` /
 *   `clientSecret` is missing.
 * @example
 * const provider = new CustomOIDCAuthenticationProvider({
 *   tokenEndpoint: 'https://sso.example.com/realms/ops/protocol/openid-connect/token',
 *   clientId: 'ingestion-bot',
 *   clientSecret: process.env.OIDC_CLIENT_SECRET!,
 *   scope: 'metadata:write',
 * });
 * const token = await provider.authToken();
 */
export class CustomOIDCAuthenticationProvider extends ClientCredentialsProvider {
  constructor(options: CustomOIDCAuthenticationProviderOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
      throw new ConfigurationError('clientSecret is required', 'clientSecret');
    }
    const { tokenEndpoint, discoveryUri, clientId, clientSecret, clientAuthMethod, scope, audience, resource } =
      options;
    super({
      ...options,
      tokenEndpoint,
      discoveryUri,
      clientId,
      clientSecret,
      clientAuthMethod,
      scope,
      audience,
      resource,
    });
  }
}
