import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import { ClientCredentialsProvider } from './client-credentials.js';
import type { TokenCacheOptions } from './token-provider.js';

/** Options of an {@link AzureAuthenticationProvider}. */
export interface AzureAuthenticationProviderOptions extends TokenCacheOptions, TransportOptions {
  /** The authority, e.g. `https://login.microsoftonline.com/{tenant-id}`. */
  authority: string;
  /** The application (client) id. */
  clientId: string;
  /** A client secret of the application. */
  clientSecret: string;
  /** The scopes, e.g. `['api://{app-id}/.default']` (an array or one space-separated string). */
  scopes: string | string[];
  /** `client_secret_post` (MSAL's choice) or `client_secret_basic`. @defaultValue 'client_secret_post' */
  clientAuthMethod?: 'client_secret_post' | 'client_secret_basic';
}

/** The Entra ID v2.0 token endpoint of an authority (a trailing `/` or `/v2.0`, as in the issuer, is dropped). */
export function azureTokenEndpoint(authority: unknown): string {
  if (typeof authority !== 'string' || authority.trim() === '') {
    throw new ConfigurationError(
      'authority is required, e.g. https://login.microsoftonline.com/{tenant-id}',
      'authority',
    );
  }
  let url: URL;
  try {
    url = new URL(authority.trim());
  } catch {
    throw new ConfigurationError(
      'authority must be a URL such as https://login.microsoftonline.com/{tenant-id}',
      'authority',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigurationError('authority must not have a query or fragment', 'authority');
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v2\.0$/, '');
  return `${url.origin}${path}/oauth2/v2.0/token`;
}

/**
 * Microsoft Entra ID (Azure AD) app tokens: client-credentials grants to `{authority}/oauth2/v2.0/token` with
 * the client secret and `scope` (e.g. `api://{app-id}/.default`), cached — the seed built a new MSAL app on
 * every call and so never reused a token.
 *
 * @throws {ConfigurationError} when `authority`, `clientId`, `clientSecret` or `scopes` is missing or invalid.
 * @example
 * const provider = new AzureAuthenticationProvider({
 *   authority: 'https://login.microsoftonline.com/6f1e…',
 *   clientId: 'a1b2c3…',
 *   clientSecret: process.env.AZURE_CLIENT_SECRET!,
 *   scopes: ['api://a1b2c3…/.default'],
 * });
 * const token = await provider.authToken();
 */
export class AzureAuthenticationProvider extends ClientCredentialsProvider {
  constructor(options: AzureAuthenticationProviderOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
      throw new ConfigurationError('clientSecret is required', 'clientSecret');
    }
    const scopes = options.scopes;
    if (scopes === undefined || scopes === null || scopes.length === 0) {
      throw new ConfigurationError('scopes is required, e.g. ["api://{app-id}/.default"]', 'scopes');
    }
    const { clientId, clientSecret, clientAuthMethod } = options;
    super({
      ...options,
      tokenEndpoint: azureTokenEndpoint(options.authority),
      clientId,
      clientSecret,
      clientAuthMethod,
      scope: scopes,
    });
  }
}
