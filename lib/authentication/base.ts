import { ConfigurationError } from '../errors.js';
import type { Body } from '../http/form.js';
import { HttpClient, type HttpRequest } from '../http/http-client.js';
import { checkMutualTls, ClientAuthentication, type ClientCredentials, isMutualTls } from './client-authentication.js';
import { type EndpointOptions, EndpointResolver, resolveOrigin } from './endpoint-resolver.js';
import type { EndpointName } from './endpoints.js';
import { requireString } from './params.js';

export { type EndpointOptions, resolveOrigin };

/** The options shared by every Authentication API class that acts for a client. */
export interface AuthenticationOptions extends EndpointOptions, ClientCredentials {}

/** Options of one call that the caller may pass to any endpoint method. */
export interface RequestOptions {
  /** Aborts the request; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * A client assertion the caller signed itself (RFC 7523, e.g. by a key held in an HSM), for a call that
   * authenticates the client: the request carries it, as `client_assertion`, instead of the configured method's
   * proof. It never appears in an error.
   */
  clientAssertion?: string;
}

/** How a POST body goes on the wire. */
export type Encoding = 'json' | 'form';

/**
 * What one client object sends its requests with: the validated client id, one transport (one axios instance),
 * the client authentication and where each endpoint is. {@link AuthenticationClient} builds one and shares it
 * among its parts, so that they share one discovery too.
 *
 * @internal
 */
export interface SharedTransport {
  /** The validated client id. */
  readonly clientId: string;
  /** The transport. */
  readonly http: HttpClient;
  /** The client authentication of token-endpoint requests. */
  readonly clientAuthentication: ClientAuthentication;
  /** Where each endpoint is. */
  readonly endpoints: EndpointResolver;
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
 * Validates the options of a client object and builds its transport, client authentication and endpoints.
 * Sends nothing: discovery waits for the first call.
 *
 * @throws {ConfigurationError} when not exactly one of `domain`, `issuer`, `discoveryUri` and `endpoints` is
 *   given, `clientId` is missing, or any option is invalid.
 * @internal
 */
export function createSharedTransport(options: AuthenticationOptions): SharedTransport {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('options are required');
  }
  const endpoints = new EndpointResolver(options, isMutualTls(options.clientAuthMethod));
  const clientId = requireString(options.clientId, 'clientId');
  checkMutualTls(options.clientAuthMethod, options.httpsAgent);
  return {
    clientId,
    endpoints,
    clientAuthentication: new ClientAuthentication({ ...options, clientId }),
    http: new HttpClient({ ...options, baseURL: endpoints.origin }),
  };
}

/** Options of one GET or DELETE made by an endpoint method. */
export interface GetOptions extends RequestOptions {
  /** Extra headers, e.g. `Authorization: Bearer …`. */
  headers?: Record<string, string>;
  /** Query parameters. */
  params?: Record<string, string>;
}

/** Options of one POST made by an endpoint method. */
export interface PostOptions extends RequestOptions {
  /** `json` for Auth0's own endpoints, `form` for the OAuth endpoints. @defaultValue 'json' */
  encoding?: Encoding;
  /** Extra headers, e.g. `auth0-forwarded-for`. */
  headers?: Record<string, string>;
  /** Query parameters. */
  params?: Record<string, string>;
  /** Retry a 429 per the client's policy. @defaultValue true */
  retry?: boolean;
}

/**
 * The base of every Authentication API class: validates the options, owns one transport (one axios instance),
 * the client authentication and the provider's endpoints, and offers `get`, `delete`, `post` and
 * `authenticatedPost` to the endpoint methods — the extension point for endpoints this library does not wrap.
 * They send exactly what they are given (`authenticatedPost` adds the client authentication); a path such as
 * `/dbconnections/signup` goes to the tenant (`domain`) or the issuer's origin (`issuer`, `discoveryUri`), an
 * absolute URL as it is. Secrets live in private fields, so `util.inspect(client)` never shows them.
 *
 * @throws {ConfigurationError} when not exactly one of `domain`, `issuer`, `discoveryUri` and `endpoints` is
 *   given, `clientId` is missing, or any option is invalid.
 * @example
 * class Example extends AuthenticationBase {
 *   ping() {
 *     return this.get<string>('/test', { params: { client_id: this.clientId } });
 *   }
 * }
 */
export class AuthenticationBase {
  /** The tenant's host, as configured with `domain`. */
  readonly domain: string | undefined;
  /** The client id every request is made for. */
  readonly clientId: string;
  /**
   * The origin Auth0-only endpoints are called on, e.g. `https://tenant.auth0.com`: the tenant's, or the
   * issuer's; `undefined` with `endpoints` alone.
   */
  readonly origin: string | undefined;
  readonly #http: HttpClient;
  readonly #clientAuthentication: ClientAuthentication;
  readonly #endpoints: EndpointResolver;

  constructor(options: AuthenticationOptions) {
    const transport = (options as SharedOptions<AuthenticationOptions> | undefined)?.[SHARED_TRANSPORT];
    const { clientId, http, clientAuthentication, endpoints } = transport ?? createSharedTransport(options);
    this.origin = endpoints.origin;
    this.domain = options.domain;
    this.clientId = clientId;
    this.#clientAuthentication = clientAuthentication;
    this.#http = http;
    this.#endpoints = endpoints;
  }

  /** The client-authentication method of this client's requests. */
  get clientAuthMethod(): ClientAuthentication['method'] {
    return this.#clientAuthentication.method;
  }

  /**
   * The URL of one of the provider's endpoints: Auth0's path with `domain`, the discovered one with `issuer` or
   * `discoveryUri` (discovering on first use), the configured one with `endpoints`.
   *
   * @throws {ConfigurationError} (rejects) naming the metadata key when the provider has no such endpoint.
   */
  protected endpoint(name: EndpointName): Promise<string> {
    return this.#endpoints.url(name);
  }

  /** GET a path or URL; resolves to the parsed body (JSON or text). */
  protected async get<T>(url: string, options: GetOptions = {}): Promise<T> {
    return this.#http.request<T>({ method: 'GET', url: this.#target(url), ...pick(options) });
  }

  /** DELETE a path or URL; resolves to the parsed body. */
  protected async delete<T>(url: string, options: GetOptions = {}): Promise<T> {
    return this.#http.request<T>({ method: 'DELETE', url: this.#target(url), ...pick(options) });
  }

  /** POST exactly `body`, without client authentication. */
  protected async post<T>(url: string, body: Body, options: PostOptions = {}): Promise<T> {
    return this.#send<T>(this.#target(url), body, {}, options);
  }

  /** POST `body` with the client authentication added (exactly one method). */
  protected async authenticatedPost<T>(url: string, body: Body, options: PostOptions = {}): Promise<T> {
    const target = this.#target(url);
    const { clientAssertion } = options;
    const signs = clientAssertion === undefined && this.#clientAuthentication.method.endsWith('_jwt');
    const audience = signs ? await this.#endpoints.assertionAudience(target) : undefined;
    const auth = this.#clientAuthentication.parts({ audience, clientAssertion });
    return this.#send<T>(target, { ...body, ...auth.body }, auth.headers, options);
  }

  /** A path on the Auth0-only origin, or an absolute URL as it is. */
  #target(url: string): string {
    return url.startsWith('/') ? this.#endpoints.auth0Url(url) : url;
  }

  #send<T>(url: string, body: Body, authHeaders: Record<string, string>, options: PostOptions): Promise<T> {
    const request: HttpRequest = {
      method: 'POST',
      url,
      ...pick(options),
      headers: { ...options.headers, ...authHeaders },
      retry: options.retry,
    };
    if (options.encoding === 'form') request.form = body;
    else request.json = body;
    return this.#http.request<T>(request);
  }
}

/** The members of call options that go to the transport as they are. */
function pick(options: GetOptions): Pick<HttpRequest, 'headers' | 'params' | 'signal'> {
  return { headers: options.headers, params: options.params, signal: options.signal };
}
