// The public surface of lib/oidc/: provider discovery (more relying-party helpers land here later).
export {
  DiscoveryCache,
  type DiscoveryCacheOptions,
  type DiscoveryOptions,
  discover,
  discoveryUrl,
  type ProviderMetadata,
} from './discovery.js';
