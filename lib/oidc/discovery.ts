import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { AxiosProxyConfig } from 'axios';
import { AuthnError, ConfigurationError, KeySourceUnavailableError, NetworkError, TimeoutError } from '../errors.js';
import { HttpClient } from '../http/http-client.js';
import type { HttpResponse } from '../http/response.js';
import { checkRemoteUrl } from '../http/url.js';

/**
 * An OpenID Provider's metadata (OpenID Connect Discovery 1.0 §3, RFC 8414): the members this library reads
 * are typed, every other member is kept as served.
 */
export interface ProviderMetadata {
  /** The issuer, equal to the configured one. */
  issuer: string;
  /** Where the provider's signing keys are published (checked to be `https:`, or `http:` on loopback). */
  jwks_uri?: string;
  /** The authorization endpoint (`/authorize` on Auth0). */
  authorization_endpoint?: string;
  /** The token endpoint (`/oauth/token` on Auth0). */
  token_endpoint?: string;
  /** The UserInfo endpoint (`/userinfo`). */
  userinfo_endpoint?: string;
  /** The token revocation endpoint (RFC 7009). */
  revocation_endpoint?: string;
  /** The RP-initiated logout endpoint. */
  end_session_endpoint?: string;
  /** The pushed authorization request endpoint (RFC 9126). */
  pushed_authorization_request_endpoint?: string;
  /** The CIBA backchannel authentication endpoint. */
  backchannel_authentication_endpoint?: string;
  /** The device authorization endpoint (RFC 8628). */
  device_authorization_endpoint?: string;
  /** The token introspection endpoint (RFC 7662). */
  introspection_endpoint?: string;
  /** The dynamic client registration endpoint. */
  registration_endpoint?: string;
  /** Scopes the provider supports. */
  scopes_supported?: string[];
  /** `response_type` values the provider supports. */
  response_types_supported?: string[];
  /** Grant types the provider supports. */
  grant_types_supported?: string[];
  /** Algorithms the provider signs ID tokens with. */
  id_token_signing_alg_values_supported?: string[];
  /** Client authentication methods of the token endpoint. */
  token_endpoint_auth_methods_supported?: string[];
  /** PKCE methods the provider supports (`S256`). */
  code_challenge_methods_supported?: string[];
  /** Claims the provider can supply. */
  claims_supported?: string[];
  /** Any other member of the document. */
  [member: string]: unknown;
}

/** Options of {@link discover} and of a {@link DiscoveryCache}. */
export interface DiscoveryOptions {
  /** Milliseconds before the request is abandoned with a `TimeoutError`. @defaultValue 5000 */
  timeout?: number;
  /** Largest document read, in bytes. @defaultValue 262144 */
  maxResponseBytes?: number;
  /** Agent for an `http:` issuer (loopback only). */
  httpAgent?: HttpAgent;
  /** Agent for an `https:` issuer. */
  httpsAgent?: HttpsAgent;
  /** Proxy, as axios takes it; `false` ignores `HTTP(S)_PROXY`. */
  proxy?: AxiosProxyConfig | false;
}

/** Options of {@link discover}: those of its request, and the issuer a discovery URL's document must name. */
export interface DiscoverOptions extends DiscoveryOptions {
  /**
   * With a discovery URL: the issuer the document must name, exactly, instead of any issuer whose discovery URL
   * it is. For a provider whose document is served elsewhere, such as Microsoft Entra ID's multi-tenant `common`
   * document, which names the issuer template `https://login.microsoftonline.com/{tenantid}/v2.0`.
   */
  issuer?: string;
}

/** Options of a {@link DiscoveryCache}. */
export interface DiscoveryCacheOptions extends DiscoveryOptions {
  /** Seconds a fetched document is reused. @defaultValue 600 */
  cacheTtl?: number;
  /**
   * Seconds a failed discovery is remembered: calls within that time get the same failure without a request,
   * so a provider that is down gets at most one request per this period. @defaultValue 10
   */
  retryAfter?: number;
  /** Issuers remembered at most; the oldest entry is forgotten first. @defaultValue 100 */
  maxEntries?: number;
}

const DEFAULT_TIMEOUT = 5_000;
const DEFAULT_MAX_BYTES = 262_144;

function positive(value: unknown, option: string, fallback: number, min = Number.MIN_VALUE): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigurationError(`${option} must be a finite number${min > 0 ? ' above 0' : ' of at least 0'}`, option);
  }
  return value;
}

const WELL_KNOWN = '/.well-known/openid-configuration';

/**
 * Whether `value` is the URL of a discovery document (its path ends with `/.well-known/openid-configuration`)
 * rather than an issuer.
 *
 * @example
 * isDiscoveryUrl('https://sso.example.com/realms/ops/.well-known/openid-configuration'); // true
 * isDiscoveryUrl('https://tenant.auth0.com/'); // false
 */
export function isDiscoveryUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).pathname.endsWith(WELL_KNOWN);
}

/** Whether a document naming `issuer` belongs at `url` (OIDC Discovery §4.1 and §4.3). */
function servedAt(issuer: unknown, url: URL): boolean {
  if (typeof issuer !== 'string') return false;
  try {
    const expected = new URL(discoveryUrl(issuer));
    return expected.origin === url.origin && expected.pathname === url.pathname;
  } catch {
    return false;
  }
}

/**
 * The discovery URL of an issuer: `{issuer}/.well-known/openid-configuration`, with the issuer's trailing
 * slash dropped first (`https://t.auth0.com/` → `https://t.auth0.com/.well-known/openid-configuration`).
 *
 * @throws {ConfigurationError} for an issuer that is not an `https:` URL (`http:` is accepted for loopback).
 * @example
 * discoveryUrl('https://tenant.auth0.com/'); // 'https://tenant.auth0.com/.well-known/openid-configuration'
 */
export function discoveryUrl(issuer: string): string {
  checkRemoteUrl(issuer, 'issuer');
  return `${issuer.endsWith('/') ? issuer.slice(0, -1) : issuer}${WELL_KNOWN}`;
}

/**
 * The RFC 8414 §3 metadata URL of an issuer with a path (`https://h/p` →
 * `https://h/.well-known/oauth-authorization-server/p`); `undefined` for an issuer without one, whose RFC 8414
 * URL would add nothing to the OpenID Connect one.
 */
function authorizationServerMetadataUrl(issuer: string): string | undefined {
  const { origin, pathname } = new URL(issuer);
  const path = pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  return path === '' ? undefined : `${origin}/.well-known/oauth-authorization-server${path}`;
}

/** GETs a metadata document; rejects only when no answer came. */
async function fetchDocument(
  http: HttpClient,
  url: string,
  signal: AbortSignal,
  timeout: number,
): Promise<HttpResponse> {
  try {
    return await http.send({ method: 'GET', url, signal });
  } catch (error) {
    if (signal.aborted) throw new TimeoutError(`GET ${url} timed out after ${timeout} ms`);
    throw error instanceof AuthnError ? error : new NetworkError(`GET ${url} failed`);
  }
}

/**
 * Fetches an OpenID Provider's discovery document and checks it: a JSON object whose `issuer` equals the
 * configured issuer exactly (OIDC Discovery §4.3), with a `jwks_uri` (when present) that is `https:` (or
 * `http:` on loopback). Redirects are followed within the issuer's origin only. For an issuer with a path whose
 * `{issuer}/.well-known/openid-configuration` answers with an HTTP 4xx, the RFC 8414 §3 form
 * (`{origin}/.well-known/oauth-authorization-server{path}`) is tried next, with the same checks.
 *
 * Given the discovery URL itself (a path ending in `/.well-known/openid-configuration`) instead of an issuer,
 * it fetches that URL and requires the document's `issuer` to be one whose discovery URL it is (§4.1, §4.3):
 * `https://t.auth0.com/` and `https://t.auth0.com` both belong at
 * `https://t.auth0.com/.well-known/openid-configuration`, any other issuer does not — unless `options.issuer`
 * names the issuer the document must name.
 *
 * @throws {ConfigurationError} for an issuer that is not an `https:` URL, and when the document names another
 *   issuer (often a missing or extra trailing slash in the configuration).
 * @throws {KeySourceUnavailableError} for an HTTP error, a body that is not a JSON object, or bad members.
 * @throws {NetworkError} / {@link TimeoutError} when no answer came.
 * @example
 * const metadata = await discover('https://tenant.auth0.com/');
 * console.log(metadata.jwks_uri); // 'https://tenant.auth0.com/.well-known/jwks.json'
 */
export async function discover(issuer: string, options: DiscoverOptions = {}): Promise<ProviderMetadata> {
  const byUrl = typeof issuer === 'string' && isDiscoveryUrl(issuer);
  let url = byUrl ? checkRemoteUrl(issuer, 'discoveryUri').href : discoveryUrl(issuer);
  const timeout = positive(options.timeout, 'timeout', DEFAULT_TIMEOUT);
  const http = new HttpClient({
    telemetry: false,
    timeout,
    retry: { maxRetries: 0 },
    maxResponseBytes: positive(options.maxResponseBytes, 'maxResponseBytes', DEFAULT_MAX_BYTES, 1),
    httpAgent: options.httpAgent,
    httpsAgent: options.httpsAgent,
    proxy: options.proxy,
  });
  const signal = AbortSignal.timeout(timeout);
  let response = await fetchDocument(http, url, signal, timeout);
  const rfc8414 = byUrl ? undefined : authorizationServerMetadataUrl(issuer);
  if (rfc8414 !== undefined && response.status >= 400 && response.status < 500) {
    // RFC 8414 §3: an issuer with a path may publish its metadata under the well-known prefix instead.
    url = rfc8414;
    response = await fetchDocument(http, url, signal, timeout);
  }
  if (response.status < 200 || response.status > 299) {
    throw new KeySourceUnavailableError(`OpenID Provider discovery ${url} answered HTTP ${response.status}`);
  }
  const document = response.body;
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new KeySourceUnavailableError(`OpenID Provider discovery ${url} did not answer with a JSON object`);
  }
  const metadata = document as Record<string, unknown>;
  if (byUrl && options.issuer !== undefined) {
    if (metadata.issuer !== options.issuer) {
      throw new ConfigurationError(
        `the discovery document ${url} names another issuer; expected ${JSON.stringify(options.issuer)}, found ${JSON.stringify(String(metadata.issuer))}`,
        'issuer',
      );
    }
  } else if (byUrl) {
    if (!servedAt(metadata.issuer, new URL(url))) {
      throw new ConfigurationError(
        `the discovery document ${url} names the issuer ${JSON.stringify(String(metadata.issuer))}, ` +
          'whose discovery document is elsewhere',
        'discoveryUri',
      );
    }
  } else if (metadata.issuer !== issuer) {
    throw new ConfigurationError(
      'the discovery document names another issuer (the configured issuer must equal it exactly); ' +
        `expected ${JSON.stringify(issuer)}, found ${JSON.stringify(String(metadata.issuer))}`,
      'issuer',
    );
  }
  if (metadata.jwks_uri !== undefined) {
    try {
      checkRemoteUrl(metadata.jwks_uri, 'jwks_uri');
    } catch (error) {
      throw new KeySourceUnavailableError(`OpenID Provider discovery ${url}: ${(error as Error).message}`);
    }
  }
  return metadata as ProviderMetadata;
}

interface CacheEntry {
  readonly promise: Promise<ProviderMetadata>;
  /** Epoch ms after which the entry is fetched again. */
  expiresAt: number;
}

/**
 * Remembers discovery documents per issuer. Concurrent callers share one request (the promise is cached);
 * a document is reused for `cacheTtl` seconds; a failure is evicted after `retryAfter` seconds (until then
 * callers get the same failure without a request).
 *
 * @throws {ConfigurationError} from the constructor for invalid options.
 * @example
 * const discovery = new DiscoveryCache({ cacheTtl: 600 });
 * const { jwks_uri } = await discovery.get('https://tenant.auth0.com/');
 */
export class DiscoveryCache {
  /** Seconds a document is reused. */
  readonly cacheTtl: number;
  /** Seconds a failure is remembered. */
  readonly retryAfter: number;
  /** Issuers remembered at most. */
  readonly maxEntries: number;
  readonly #options: DiscoveryOptions;
  readonly #entries = new Map<string, CacheEntry>();

  constructor(options: DiscoveryCacheOptions = {}) {
    this.cacheTtl = positive(options.cacheTtl, 'cacheTtl', 600);
    this.retryAfter = positive(options.retryAfter, 'retryAfter', 10, 0);
    const maxEntries = options.maxEntries ?? 100;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new ConfigurationError('maxEntries must be a positive integer', 'maxEntries');
    }
    this.maxEntries = maxEntries;
    positive(options.timeout, 'timeout', DEFAULT_TIMEOUT);
    this.#options = { ...options };
  }

  /**
   * Resolves to the issuer's metadata, from the cache when it can. `issuer` may also be the discovery URL
   * itself, as {@link discover} takes it; the two forms are cached apart.
   *
   * @throws as {@link discover}.
   */
  get(issuer: string): Promise<ProviderMetadata> {
    const now = Date.now();
    const entries = this.#entries;
    const cached = entries.get(issuer);
    if (cached !== undefined && now < cached.expiresAt) return cached.promise;
    if (cached !== undefined) entries.delete(issuer);
    if (entries.size >= this.maxEntries) entries.delete(entries.keys().next().value as string);
    const entry: CacheEntry = { promise: discover(issuer, this.#options), expiresAt: Number.POSITIVE_INFINITY };
    entries.set(issuer, entry);
    entry.promise.then(
      () => {
        entry.expiresAt = Date.now() + this.cacheTtl * 1000;
      },
      (error: unknown) => {
        entry.expiresAt = Date.now() + this.retryAfter * 1000;
        // Registered before any caller's handler, so every caller sees when discovery will be tried again.
        if (error instanceof NetworkError) error.retryAt = entry.expiresAt;
      },
    );
    return entry.promise;
  }

  /** Forgets every document and failure. */
  clear(): void {
    this.#entries.clear();
  }
}
