import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import { ClientCredentialsProvider } from './client-credentials.js';
import type { PrivateKeyInput } from './private-key.js';
import type { TokenCacheOptions } from './token-provider.js';

/** Options of an {@link Auth0AuthenticationProvider}. */
export interface Auth0AuthenticationProviderOptions extends TokenCacheOptions, TransportOptions {
  /** The tenant's host, e.g. `tenant.us.auth0.com` (a custom domain works too). */
  domain: string;
  /** The application's client id. */
  clientId: string;
  /** The application's client secret (`client_secret_post`). One of `clientSecret` / `privateKey` is required. */
  clientSecret?: string;
  /** The private key registered for `private_key_jwt` (PEM, JWK, `KeyObject` or file path). */
  privateKey?: PrivateKeyInput;
  /** The API identifier the token is for, e.g. `https://api.example.com/` (`https://{domain}/api/v2/` for the Management API). */
  audience: string;
  /** Scopes to ask for (Auth0 grants all the application's authorised scopes when none are given). */
  scope?: string | string[];
  /** The organization (id `org_…` or name) the token is for. */
  organization?: string;
  /** `http` only for loopback hosts (tests, the dev server). @defaultValue 'https' */
  protocol?: 'https' | 'http';
}

/**
 * Machine-to-machine tokens from an Auth0 tenant: client-credentials grants to `https://{domain}/oauth/token`
 * with the client secret or a `private_key_jwt` assertion (whose `aud` is `https://{domain}/`), cached.
 * Unlike the OpenMetadata seed it sends the grant to the right URL, URL-encodes the secret, and asks for the
 * audience you give instead of always the Management API.
 *
 * @throws {ConfigurationError} when `domain`, `clientId` or `audience` is missing, or neither `clientSecret` nor
 *   `privateKey` is given.
 * @example
 * const provider = new Auth0AuthenticationProvider({
 *   domain: 'tenant.us.auth0.com',
 *   clientId: process.env.AUTH0_CLIENT_ID!,
 *   clientSecret: process.env.AUTH0_CLIENT_SECRET!,
 *   audience: 'https://api.example.com/',
 * });
 * const token = await provider.authToken();
 */
export class Auth0AuthenticationProvider extends ClientCredentialsProvider {
  constructor(options: Auth0AuthenticationProviderOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    if (typeof options.domain !== 'string' || options.domain.trim() === '') {
      throw new ConfigurationError('domain is required and must be a non-empty string', 'domain');
    }
    if (typeof options.audience !== 'string' || options.audience.trim() === '') {
      throw new ConfigurationError(
        'audience is required: the identifier of the API the token is for (https://{domain}/api/v2/ for the Management API)',
        'audience',
      );
    }
    const { domain, clientId, clientSecret, privateKey, audience, scope, organization } = options;
    super({ ...options, domain, clientId, clientSecret, privateKey, audience, scope, organization });
  }
}
