import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import { checkEndpointUrl, isLoopbackHost } from '../http/url.js';
import { type DiscoveryCache, discoveryUrl, isDiscoveryUrl, type ProviderMetadata } from '../oidc/discovery.js';
import { checkDiscoveryOption, discoveryCacheFor } from './discovery-caches.js';
import { requireString } from './params.js';
import {
  AUTH0_PATHS,
  type EndpointName,
  endpointsFromMetadata,
  METADATA_KEYS,
  type ProviderEndpoints,
} from './endpoints.js';

/**
 * Where a client object sends its requests: exactly one of `domain` (Auth0's paths), `issuer` (discovery at
 * `{issuer}/.well-known/openid-configuration`, the document's `issuer` checked against it), `discoveryUri`
 * (the same from an explicit discovery URL) or `endpoints` (explicit URLs, no discovery). Discovery happens on
 * the first call that needs an endpoint, never in a constructor.
 */
export interface EndpointOptions extends TransportOptions {
  /** An Auth0 tenant's host, e.g. `tenant.us.auth0.com`, or `host:port`; no scheme, no path. */
  domain?: string;
  /** The OpenID Provider's issuer, e.g. `https://sso.example.com/realms/ops`: its endpoints are discovered. */
  issuer?: string;
  /**
   * The URL of the provider's discovery document (`…/.well-known/openid-configuration`, or the RFC 8414
   * `…/.well-known/oauth-authorization-server…` form): its endpoints are read from it.
   */
  discoveryUri?: string;
  /** The provider's endpoints, given explicitly: no discovery. Auth0-only calls are refused with these alone. */
  endpoints?: ProviderEndpoints;
  /** Scheme used with `domain`; `http` is accepted only for loopback hosts (tests, the dev server). @defaultValue 'https' */
  protocol?: 'https' | 'http';
  /**
   * The discovery cache of `issuer` and `discoveryUri`. @defaultValue one shared by the client objects of the
   * process
   */
  discovery?: DiscoveryCache;
}

/** The ways to say where the provider is, in the order messages list them. */
const LOCATIONS = ['domain', 'issuer', 'discoveryUri', 'endpoints'] as const;

/** Which of {@link LOCATIONS} a client object was given. */
export type LocationKind = (typeof LOCATIONS)[number];

function validateTransport(options: TransportOptions): void {
  const { timeout, connectTimeout, retry } = options;
  for (const [value, option] of [
    [timeout, 'timeout'],
    [connectTimeout, 'connectTimeout'],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new ConfigurationError(`${option} must be a positive number of milliseconds`, option);
    }
  }
  const { maxRetries, maxDelay } = retry ?? {};
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0 && maxRetries <= 10)) {
    throw new ConfigurationError('retry.maxRetries must be an integer from 0 to 10', 'retry');
  }
  if (maxDelay !== undefined && !(typeof maxDelay === 'number' && Number.isFinite(maxDelay) && maxDelay >= 0)) {
    throw new ConfigurationError('retry.maxDelay must be a non-negative number of milliseconds', 'retry');
  }
}

function hostOf(domain: string): string {
  try {
    return new URL(`http://${domain}`).hostname;
  } catch {
    throw new ConfigurationError(`domain ${JSON.stringify(domain)} is not a valid host name`, 'domain');
  }
}

/**
 * Checks `domain`, `protocol` and the transport options, and returns the origin requests go to, e.g.
 * `https://tenant.auth0.com`.
 *
 * @throws {ConfigurationError} for an empty domain, a domain with a scheme or path, `http` to a host that is not
 *   loopback, or invalid transport options.
 * @example
 * resolveOrigin({ domain: 'tenant.us.auth0.com' }); // 'https://tenant.us.auth0.com'
 */
export function resolveOrigin(options: EndpointOptions): string {
  const domain = requireString(options.domain, 'domain');
  const protocol = options.protocol ?? 'https';
  if (domain.includes('/') || /\s/.test(domain)) {
    throw new ConfigurationError(
      `domain must be a host name such as "tenant.auth0.com", without scheme or path; found ${JSON.stringify(domain)}`,
      'domain',
    );
  }
  if (protocol !== 'https' && protocol !== 'http') {
    throw new ConfigurationError('protocol must be "https" or "http"', 'protocol');
  }
  if (protocol === 'http' && !isLoopbackHost(hostOf(domain))) {
    throw new ConfigurationError('protocol "http" is only allowed for loopback hosts', 'protocol');
  }
  validateTransport(options);
  return `${protocol}://${domain}`;
}

/** Which location option was given: exactly one, or a `ConfigurationError`. */
function locationOf(options: EndpointOptions): LocationKind {
  const given = LOCATIONS.filter((name) => options[name] !== undefined && options[name] !== null);
  if (given.length === 1) return given[0] as LocationKind;
  throw new ConfigurationError(
    given.length === 0
      ? 'exactly one of domain, issuer, discoveryUri or endpoints is required'
      : `${given.join(' and ')} cannot be used together: give exactly one of domain, issuer, discoveryUri or endpoints`,
    given[1] ?? 'domain',
  );
}

/** Auth0's endpoints on a tenant's origin. */
function auth0Endpoints(origin: string): ProviderEndpoints {
  const endpoints: ProviderEndpoints = {};
  for (const [name, path] of Object.entries(AUTH0_PATHS)) {
    if (path !== undefined) endpoints[name as EndpointName] = `${origin}${path}`;
  }
  return endpoints;
}

/** Checks every URL of an explicit `endpoints` object; returns a copy with the URLs normalised. */
function checkEndpoints(value: unknown): ProviderEndpoints {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError('endpoints must be an object of endpoint URLs', 'endpoints');
  }
  const endpoints: ProviderEndpoints = {};
  for (const [name, url] of Object.entries(value)) {
    if (!Object.hasOwn(METADATA_KEYS, name)) {
      throw new ConfigurationError(
        `endpoints.${name} is not an endpoint: use ${Object.keys(METADATA_KEYS).join(', ')}`,
        'endpoints',
      );
    }
    if (url !== undefined) endpoints[name as EndpointName] = checkEndpointUrl(url, `endpoints.${name}`);
  }
  return endpoints;
}

/**
 * Turns the location options of a client object into the URL of each call: Auth0's paths under `domain`, the
 * endpoints of the discovery document of `issuer` or `discoveryUri` (through a {@link DiscoveryCache}: one
 * request shared by concurrent callers, cached, a failure retried after the cache's short memory of it), or
 * the explicit `endpoints`. Everything is checked in the constructor, which sends nothing.
 *
 * @internal
 */
export class EndpointResolver {
  /** Which location option was given. */
  readonly kind: LocationKind;
  /** The origin of Auth0-only endpoints (`/dbconnections`, `/passwordless`…): `undefined` with `endpoints`. */
  readonly origin: string | undefined;
  /** The issuer or discovery URL, as configured. */
  readonly #source: string | undefined;
  readonly #endpoints: ProviderEndpoints | undefined;
  readonly #cache: DiscoveryCache | undefined;
  readonly #mutualTls: boolean;
  #mapped: { metadata: ProviderMetadata; endpoints: ProviderEndpoints } | undefined;

  /**
   * @param options - the location and transport options.
   * @param mutualTls - the client authenticates with a TLS client certificate: discovered `mtls_endpoint_aliases`
   *   win (RFC 8705 §5).
   */
  constructor(options: EndpointOptions, mutualTls = false) {
    this.kind = locationOf(options);
    this.#mutualTls = mutualTls;
    if (options.protocol !== undefined && this.kind !== 'domain') {
      throw new ConfigurationError(`protocol goes with domain only (${this.kind} names its own scheme)`, 'protocol');
    }
    validateTransport(options);
    switch (this.kind) {
      case 'domain':
        this.origin = resolveOrigin(options);
        this.#endpoints = auth0Endpoints(this.origin);
        break;
      case 'issuer': {
        const issuer = requireString(options.issuer, 'issuer');
        if (isDiscoveryUrl(issuer)) {
          throw new ConfigurationError('issuer is the URL of a discovery document: pass it as discoveryUri', 'issuer');
        }
        this.origin = new URL(discoveryUrl(issuer)).origin;
        this.#source = issuer;
        break;
      }
      case 'discoveryUri':
        // Kept as given: an issuer given here is compared with the document's as it is written.
        this.origin = new URL(checkEndpointUrl(options.discoveryUri, 'discoveryUri')).origin;
        this.#source = options.discoveryUri as string;
        break;
      case 'endpoints':
        this.#endpoints = checkEndpoints(options.endpoints);
        this.origin = undefined;
        break;
    }
    if (this.#source !== undefined) {
      checkDiscoveryOption(options.discovery);
      this.#cache = discoveryCacheFor(options);
    }
  }

  /**
   * The endpoints of the provider: Auth0's under `domain`, the discovered ones, or the configured ones.
   *
   * @throws {ConfigurationError} (rejects) when the discovery document names another issuer.
   * @throws {NetworkError} (rejects; `TimeoutError`, `KeySourceUnavailableError`) when it cannot be had.
   */
  async endpoints(): Promise<ProviderEndpoints> {
    if (this.#cache === undefined) return this.#endpoints as ProviderEndpoints;
    const metadata = await this.#cache.get(this.#source as string);
    if (this.#mapped?.metadata !== metadata) {
      this.#mapped = { metadata, endpoints: endpointsFromMetadata(metadata, { mutualTls: this.#mutualTls }) };
    }
    return this.#mapped.endpoints;
  }

  /**
   * The URL of one endpoint, checked (`https:`, or `http:` on loopback).
   *
   * @throws {ConfigurationError} (rejects) naming the metadata key when the provider does not advertise the
   *   endpoint, or advertises a URL that is not acceptable.
   */
  async url(name: EndpointName): Promise<string> {
    const url = (await this.endpoints())[name];
    const key = METADATA_KEYS[name];
    if (url === undefined) throw this.#missing(name, key);
    // Configured URLs were checked in the constructor; discovered ones are checked when used.
    return this.#cache === undefined ? url : checkEndpointUrl(url, key);
  }

  /**
   * The URL of an Auth0-only endpoint (`/dbconnections/signup`, `/passwordless/start`…): on the tenant with
   * `domain`, on the issuer's origin with `issuer` or `discoveryUri`.
   *
   * @throws {ConfigurationError} with `endpoints` alone, which name no such endpoint.
   */
  auth0Url(path: string): string {
    if (this.origin === undefined) {
      throw new ConfigurationError(
        `${path} is an Auth0 endpoint, which endpoints cannot name: configure domain or issuer to call it`,
        'endpoints',
      );
    }
    return `${this.origin}${path}`;
  }

  /**
   * The `aud` of a client assertion sent to `called`: Auth0's issuer `https://{domain}/` with `domain`, else the
   * token endpoint URL (RFC 7523 §3), else — a provider without a token endpoint — the endpoint called.
   */
  async assertionAudience(called: string): Promise<string> {
    if (this.kind === 'domain') return `${this.origin}/`;
    const token = (await this.endpoints()).token;
    return token === undefined ? called : checkEndpointUrl(token, METADATA_KEYS.token);
  }

  #missing(name: EndpointName, key: string): ConfigurationError {
    switch (this.kind) {
      case 'domain':
        return new ConfigurationError(
          `Auth0 has no ${key} (domain ${this.origin}): configure issuer or endpoints to call it`,
          'domain',
        );
      case 'endpoints':
        return new ConfigurationError(`endpoints has no ${name} (the provider's ${key})`, 'endpoints');
      default:
        return new ConfigurationError(
          `the discovery document of ${JSON.stringify(this.#source)} has no ${key}`,
          this.kind,
        );
    }
  }
}
