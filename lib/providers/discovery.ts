import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';

/**
 * Finds the token endpoint of an OpenID Provider from its discovery document URL. The providers call it the
 * first time they need the endpoint of a `discoveryUri`, and again after a failure.
 */
export type TokenEndpointDiscovery = (discoveryUri: string, transport: TransportOptions) => Promise<string>;

/**
 * The discovery the providers use. OIDC discovery (`lib/oidc/discovery.ts`) is not in this release yet, so it
 * rejects with a `ConfigurationError` that says to pass `tokenEndpoint` instead; it becomes a call into that
 * module when it lands, and nothing else in the providers changes.
 */
export const discoverTokenEndpoint: TokenEndpointDiscovery = () =>
  Promise.reject(
    new ConfigurationError(
      'discoveryUri is not supported yet (OIDC discovery comes in a later release): pass tokenEndpoint instead',
      'discoveryUri',
    ),
  );
