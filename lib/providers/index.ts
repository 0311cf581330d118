// The public surface of lib/providers/: token providers, their cache, and the stores.
export {
  type AccessToken,
  type AuthenticationProvider,
  CachedTokenProvider,
  DEFAULT_REFRESH_SKEW,
  type TokenCacheOptions,
  tokenCacheKey,
  type TokenSource,
} from './token-provider.js';
export { ClientCredentialsProvider, type ClientCredentialsProviderOptions } from './client-credentials.js';
export { Auth0AuthenticationProvider, type Auth0AuthenticationProviderOptions } from './auth0.js';
export { OktaAuthenticationProvider, type OktaAuthenticationProviderOptions } from './okta.js';
export { AzureAuthenticationProvider, type AzureAuthenticationProviderOptions } from './azure.js';
export {
  GoogleAuthenticationProvider,
  type GoogleAuthenticationProviderOptions,
  type GoogleServiceAccount,
} from './google.js';
export { CustomOIDCAuthenticationProvider, type CustomOIDCAuthenticationProviderOptions } from './custom-oidc.js';
export { OpenMetadataAuthenticationProvider, type OpenMetadataAuthenticationProviderOptions } from './static.js';
export { NoOpAuthenticationProvider } from './no-op.js';
export {
  type Auth0SSOClientConfig,
  type AuthenticationProviderConfig,
  type AuthProviderName,
  type AzureSSOClientConfig,
  createAuthenticationProvider,
  type CustomOIDCSSOClientConfig,
  type GoogleSSOClientConfig,
  type OktaSSOClientConfig,
  type NoAuthSelection,
  type OpenMetadataJWTClientConfig,
  type ProviderSelection,
} from './registry.js';
export type { PrivateKeyInput } from './private-key.js';
export { DEFAULT_EXPIRES_IN } from './token-endpoint.js';
export type { StoredToken, TokenStore, TokenStoreLock } from './stores/token-store.js';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './stores/memory.js';
export { RedisTokenStore, type RedisTokenStoreOptions } from './stores/redis.js';
export type { RedisClientLike } from '../stores/redis-client.js';
