import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import { ClientCredentialsProvider } from './client-credentials.js';
import type { PrivateKeyInput } from './private-key.js';
import type { TokenCacheOptions } from './token-provider.js';

/** Options of an {@link OktaAuthenticationProvider}. */
export interface OktaAuthenticationProviderOptions extends TokenCacheOptions, TransportOptions {
  /**
   * The authorization server's token endpoint, e.g. `https://{org}.okta.com/oauth2/default/v1/token`; it is
   * also the `aud` of the client assertion.
   */
  tokenEndpoint: string;
  /** The service application's client id. */
  clientId: string;
  /** The private key registered for the application: a JWK (JSON text or object; its `kid` goes in the assertion header), PEM text, a `KeyObject`, or a file path. */
  privateKey: PrivateKeyInput;
  /** Scopes to ask for, e.g. `['customScope']` (an array or one space-separated string). */
  scopes?: string | string[];
}

/**
 * Okta service-app tokens: client-credentials grants authenticated by `private_key_jwt` (RFC 7523), the
 * assertion signed with your JWK or PEM key, `aud` = the token endpoint, a 3-minute life and a fresh `jti`
 * (the seed used one hour and posted everything in the query string), cached.
 *
 * @throws {ConfigurationError} when `tokenEndpoint`, `clientId` or `privateKey` is missing or unusable.
 * @example
 * const provider = new OktaAuthenticationProvider({
 *   tokenEndpoint: 'https://example.okta.com/oauth2/default/v1/token',
 *   clientId: '0oa1b2c3d4',
 *   privateKey: process.env.OKTA_PRIVATE_JWK!, // '{"kty":"RSA","kid":"…","d":"…",…}'
 *   scopes: ['orders:read'],
 * });
 * const token = await provider.authToken();
 */
export class OktaAuthenticationProvider extends ClientCredentialsProvider {
  constructor(options: OktaAuthenticationProviderOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    if (options.privateKey === undefined || options.privateKey === null) {
      throw new ConfigurationError('privateKey is required (Okta service apps use private_key_jwt)', 'privateKey');
    }
    if (options.tokenEndpoint === undefined || options.tokenEndpoint === null) {
      throw new ConfigurationError(
        'tokenEndpoint is required, e.g. https://{org}.okta.com/oauth2/default/v1/token',
        'tokenEndpoint',
      );
    }
    const { tokenEndpoint, clientId, privateKey, scopes } = options;
    super({ ...options, tokenEndpoint, clientId, privateKey, scope: scopes, clientAuthMethod: 'private_key_jwt' });
  }
}
