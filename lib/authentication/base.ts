import { ConfigurationError } from '../errors.js';
import type { Body } from '../http/form.js';
import { isLoopbackHost } from '../http/url.js';
import { HttpClient, type HttpRequest, type TransportOptions } from '../http/http-client.js';
import { checkMutualTls, ClientAuthentication, type ClientCredentials } from './client-authentication.js';

/** Where a client sends its requests. */
export interface EndpointOptions extends TransportOptions {
  /** The tenant's host, e.g. `tenant.us.auth0.com`, or `host:port`; no scheme, no path. */
  domain: string;
  /** `http` is accepted only for loopback hosts (tests, the dev server). @defaultValue 'https' */
  protocol?: 'https' | 'http';
}

/** The options shared by every Authentication API class that acts for a client. */
export interface AuthenticationOptions extends EndpointOptions, ClientCredentials {}

/** Options of one call that the caller may pass to any endpoint method. */
export interface RequestOptions {
  /** Aborts the request; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** How a POST body goes on the wire. */
export type Encoding = 'json' | 'form';

function requireText(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${option} is required and must be a non-empty string`, option);
  }
  return value;
}

function validateTransport(options: TransportOptions): void {
  const { timeout, retry } = options;
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0)) {
    throw new ConfigurationError('timeout must be a positive number of milliseconds', 'timeout');
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
    throw new ConfigurationError(`domain "${domain}" is not a valid host name`, 'domain');
  }
}

/**
 * Checks `domain` and `protocol` and returns the origin requests go to, e.g. `https://tenant.auth0.com`.
 *
 * @throws {ConfigurationError} for an empty domain, a domain with a scheme or path, or `http` to a host that is
 *   not loopback.
 */
export function resolveOrigin(options: EndpointOptions): string {
  const domain = requireText(options.domain, 'domain');
  const protocol = options.protocol ?? 'https';
  if (domain.includes('/') || /\s/.test(domain)) {
    throw new ConfigurationError(
      `domain must be a host name such as "tenant.auth0.com", without scheme or path (got "${domain}")`,
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

/**
 * What one client object sends its requests with: the validated origin and client id, one transport (one axios
 * instance) and the client authentication. {@link AuthenticationClient} builds one and shares it among its parts.
 *
 * @internal
 */
export interface SharedTransport {
  /** The origin requests go to, e.g. `https://tenant.auth0.com`. */
  readonly origin: string;
  /** The validated client id. */
  readonly clientId: string;
  /** The transport. */
  readonly http: HttpClient;
  /** The client authentication of token-endpoint requests. */
  readonly clientAuthentication: ClientAuthentication;
}

/**
 * The options key under which {@link AuthenticationClient} hands its {@link SharedTransport} to its parts. Not
 * exported from the package: only the facade can use it.
 *
 * @internal
 */
export const SHARED_TRANSPORT: unique symbol = Symbol('authn-client.sharedTransport');

/** Options that may carry a shared transport. @internal */
export type SharedOptions<T> = T & { [SHARED_TRANSPORT]?: SharedTransport };

/**
 * Validates the options of a client object and builds its transport and client authentication.
 *
 * @throws {ConfigurationError} when `domain` or `clientId` is missing, or any option is invalid.
 * @internal
 */
export function createSharedTransport(options: AuthenticationOptions): SharedTransport {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('options are required');
  }
  const origin = resolveOrigin(options);
  const clientId = requireText(options.clientId, 'clientId');
  checkMutualTls(options.clientAuthMethod, options.httpsAgent);
  return {
    origin,
    clientId,
    clientAuthentication: new ClientAuthentication({ ...options, clientId }, `${origin}/`),
    http: new HttpClient({ ...options, baseURL: origin }),
  };
}

/**
 * The base of every Authentication API class: validates the options, owns one transport (one axios instance)
 * and the client authentication, and offers `get`, `delete`, `post` and `authenticatedPost` to the endpoint
 * methods. Secrets live in private fields, so `util.inspect(client)` never shows them.
 *
 * @throws {ConfigurationError} when `domain` or `clientId` is missing, or any option is invalid.
 * @example
 * class Example extends AuthenticationBase {
 *   ping() {
 *     return this.get<string>('/test');
 *   }
 * }
 */
export class AuthenticationBase {
  /** The tenant's host, as configured. */
  readonly domain: string;
  /** The client id every request is made for. */
  readonly clientId: string;
  /** The origin requests go to, e.g. `https://tenant.auth0.com`. */
  readonly origin: string;
  readonly #http: HttpClient;
  readonly #clientAuthentication: ClientAuthentication;

  constructor(options: AuthenticationOptions) {
    const transport = (options as SharedOptions<AuthenticationOptions> | undefined)?.[SHARED_TRANSPORT];
    const { origin, clientId, http, clientAuthentication } = transport ?? createSharedTransport(options);
    this.origin = origin;
    this.domain = options.domain;
    this.clientId = clientId;
    this.#clientAuthentication = clientAuthentication;
    this.#http = http;
  }

  /** The client-authentication method of this client's requests. */
  get clientAuthMethod(): ClientAuthentication['method'] {
    return this.#clientAuthentication.method;
  }

  /** GET a path; resolves to the parsed body (JSON or text). */
  protected get<T>(path: string, options: RequestOptions & { headers?: Record<string, string> } = {}): Promise<T> {
    return this.#http.request<T>({ method: 'GET', url: path, headers: options.headers, signal: options.signal });
  }

  /** DELETE a path; resolves to the parsed body. */
  protected delete<T>(path: string, options: RequestOptions & { headers?: Record<string, string> } = {}): Promise<T> {
    return this.#http.request<T>({ method: 'DELETE', url: path, headers: options.headers, signal: options.signal });
  }

  /** POST without client authentication (only `client_id` is added). */
  protected post<T>(path: string, body: Body, options: PostOptions = {}): Promise<T> {
    return this.#send<T>(path, { client_id: this.clientId, ...body }, {}, options);
  }

  /** POST with the configured client authentication added (exactly one method). */
  protected authenticatedPost<T>(path: string, body: Body, options: PostOptions = {}): Promise<T> {
    const auth = this.#clientAuthentication.parts();
    return this.#send<T>(path, { ...body, ...auth.body }, auth.headers, options);
  }

  #send<T>(path: string, body: Body, authHeaders: Record<string, string>, options: PostOptions): Promise<T> {
    const request: HttpRequest = {
      method: 'POST',
      url: path,
      headers: { ...options.headers, ...authHeaders },
      signal: options.signal,
      retry: options.retry,
    };
    if (options.encoding === 'form') request.form = body;
    else request.json = body;
    return this.#http.request<T>(request);
  }
}

/** Options of one POST made by an endpoint method. */
export interface PostOptions extends RequestOptions {
  /** `json` for Auth0's own endpoints, `form` for the OAuth endpoints. @defaultValue 'json' */
  encoding?: Encoding;
  /** Extra headers, e.g. `auth0-forwarded-for`. */
  headers?: Record<string, string>;
  /** Retry a 429 per the client's policy. @defaultValue true */
  retry?: boolean;
}
