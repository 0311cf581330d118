import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import { DiscoveryCache } from '../oidc/discovery.js';

/** The transport options a discovery is made with, and the cache to use instead of the shared ones. */
export interface DiscoveryCacheChoice extends TransportOptions {
  /**
   * The discovery cache to use. @defaultValue one shared by every client object of the process (per `timeout`);
   * a client object with its own `httpAgent`, `httpsAgent` or `proxy` gets a cache of its own, used with them
   */
  discovery?: DiscoveryCache;
}

/** The caches shared by client objects without agents or proxy, by timeout. */
const shared = new Map<number | undefined, DiscoveryCache>();
/** The caches of client objects with their own agents or proxy, by options object (one per client object). */
const own = new WeakMap<DiscoveryCacheChoice, DiscoveryCache>();

/**
 * The discovery cache of a client object: its `discovery` option, else one shared by the process (documents
 * reused for 10 minutes and shared by concurrent callers; a failure remembered for 10 s, then retried), else —
 * with agents or a proxy of its own, which a shared cache must not use for others — one of its own.
 *
 * @example
 * const metadata = await discoveryCacheFor(options).get('https://sso.example.com/realms/ops');
 */
export function discoveryCacheFor(options: DiscoveryCacheChoice): DiscoveryCache {
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
 * Checks the `discovery` option of a client object: absent, or a {@link DiscoveryCache}.
 *
 * @throws {ConfigurationError} otherwise.
 * @example
 * checkDiscoveryOption(options.discovery);
 */
export function checkDiscoveryOption(value: unknown): void {
  if (value !== undefined && !(value instanceof DiscoveryCache)) {
    throw new ConfigurationError('discovery must be a DiscoveryCache', 'discovery');
  }
}
