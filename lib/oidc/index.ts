// The public surface of lib/oidc/: provider discovery, the relying-party helpers, login transactions and their
// stores, and the OIDC_* configuration.
export { buildAuthorizeUrl, type AuthorizeUrlOptions } from './authorize-url.js';
export {
  type AuthorizationResponse,
  type AuthorizationResponseInput,
  parseAuthorizationResponse,
} from './authorization-response.js';
export {
  DiscoveryCache,
  type DiscoveryCacheOptions,
  type DiscoveryOptions,
  type DiscoverOptions,
  discover,
  discoveryUrl,
  type ProviderMetadata,
} from './discovery.js';
export { oidcConfigFromEnv, type OidcEnvConfig, type OidcProviderType } from './env.js';
export type { LogoutUrlOptions } from './logout-url.js';
export type { LoginResult } from './finish-login.js';
export { OidcClient, type RefreshOptions } from './oidc-client.js';
export type { StartedLogin, StartLoginOptions } from './start-login.js';
export type {
  OidcClientAuthMethod,
  OidcClientOptions,
  OidcResponseMode,
  OidcResponseType,
} from './oidc-client-options.js';
export { createPkcePair, pkceChallenge, randomPkceVerifier, type PkcePair } from './pkce.js';
export { randomNonce, randomState } from './random.js';
export type { LoginTokens, OidcTokens, RefreshedTokens } from './tokens.js';
export { RedisTransactionStore, type RedisTransactionStoreOptions } from './redis-transaction-store.js';
export {
  isTransactionCookie,
  type LoginTransaction,
  TRANSACTION_COOKIE_PREFIX,
  transactionName,
  type TransactionValues,
} from './transaction.js';
export {
  MemoryTransactionStore,
  type MemoryTransactionStoreOptions,
  type TransactionStore,
} from './transaction-store.js';
