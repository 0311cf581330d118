import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import { DiscoveryCache } from '../oidc/discovery.js';

/** What {@link discoverTokenEndpoint} is called with: the provider's transport, and optionally a cache. */
export interface TokenEndpointDiscoveryOptions extends TransportOptions {
  /**
   * The discovery cache to use. @defaultValue one shared by every provider of the process (per `timeout`); a
   * provider with its own `httpAgent`, `httpsAgent` or `proxy` gets a cache of its own, used with them
   */
  discovery?: DiscoveryCache;
}

/**
 * Finds the token endpoint of an OpenID Provider from its discovery document. The providers call it the first
 * time they need the endpoint of a `discoveryUri`, and again after a failure.
 */
export type TokenEndpointDiscovery = (discoveryUri: string, options: TokenEndpointDiscoveryOptions) => Promise<string>;

/** The caches shared by providers without agents or proxy, by timeout. */
const shared = new Map<number | undefined, DiscoveryCache>();
/** The caches of providers with their own agents or proxy, by options object (one per provider). */
const own = new WeakMap<TokenEndpointDiscoveryOptions, DiscoveryCache>();

function cacheFor(options: TokenEndpointDiscoveryOptions): DiscoveryCache {
  if (options.discovery !== undefined) return options.discovery;
  const { timeout, httpAgent, httpsAgent, proxy } = options;
  const settings = { timeout, httpAgent, httpsAgent, proxy };
  if (httpAgent === undefined && httpsAgent === undefined && proxy === undefined) {
    let cache = shared.get(timeout);
    if (cache === undefined) shared.set(timeout, (cache = new DiscoveryCache(settings)));
    return cache;
  }
  let cache = own.get(options);
  if (cache === undefined) own.set(options, (cache = new DiscoveryCache(settings)));
  return cache;
}

/**
 * Checks the `discovery` option of a provider: absent, or a {@link DiscoveryCache}.
 *
 * @throws {ConfigurationError} otherwise.
 */
export function checkDiscoveryOption(value: unknown): void {
  if (value !== undefined && !(value instanceof DiscoveryCache)) {
    throw new ConfigurationError('discovery must be a DiscoveryCache', 'discovery');
  }
}

/**
 * The discovery the providers use: reads `token_endpoint` from the OpenID Provider's discovery document, through
 * a {@link DiscoveryCache} (documents reused for 10 minutes and shared by concurrent callers; a failure remembered
 * for 10 s, then retried). `discoveryUri` is either the document's URL (`…/.well-known/openid-configuration`),
 * whose `issuer` must then be one whose discovery URL it is, or the issuer itself, which the document's `issuer`
 * must then equal exactly (OIDC Discovery §4.3).
 *
 * @throws {ConfigurationError} (rejects) for a document naming another issuer, or without a `token_endpoint`.
 * @throws {NetworkError} (rejects; `TimeoutError`, `KeySourceUnavailableError`) when the document cannot be had.
 * @example
 * const tokenEndpoint = await discoverTokenEndpoint('https://sso.example.com/realms/ops', {});
 */
export const discoverTokenEndpoint: TokenEndpointDiscovery = async (discoveryUri, options) => {
  const metadata = await cacheFor(options).get(discoveryUri);
  const endpoint = metadata.token_endpoint;
  if (typeof endpoint !== 'string' || endpoint === '') {
    throw new ConfigurationError(
      `the discovery document of ${JSON.stringify(discoveryUri)} has no token_endpoint: pass tokenEndpoint instead`,
      'discoveryUri',
    );
  }
  return endpoint;
};
