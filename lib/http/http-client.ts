import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosProxyConfig } from 'axios';
import type { OptionKeys } from '../did-you-mean.js';
import { ConfigurationError, RateLimitError } from '../errors.js';
import { VERSION } from '../version.js';
import { type Body, compact, encodeForm } from './form.js';
import { responseError, transportError } from './map-error.js';
import { type HttpResponse, parseBody, plainHeaders } from './response.js';
import { rateLimitDelay, type RetryOptions, type RetryPolicy, retryPolicy } from './retry.js';
import { connectTimeoutAgents } from './connect-timeout.js';
import { sleep } from './sleep.js';
import { telemetryHeader } from './telemetry.js';
import { isLoopbackHost } from './url.js';

/** The transport options every client object accepts. */
export interface TransportOptions {
  /** Send the `Auth0-Client` telemetry header. @defaultValue true */
  telemetry?: boolean;
  /** Replaces the telemetry payload (`{ name, version, env }`), e.g. for a wrapper SDK. */
  clientInfo?: Record<string, unknown>;
  /**
   * Milliseconds before a request is abandoned with a `TimeoutError`: the whole request, from its start to the
   * end of the answer, connection included. @defaultValue 10000
   */
  timeout?: number;
  /**
   * Milliseconds to establish a new connection (TCP, and the TLS handshake for `https:`); one that takes longer
   * fails at once with a `TimeoutError` instead of using up `timeout` (auth0-python's connect timeout). It
   * needs the library's own agents: with `httpAgent` or `httpsAgent`, set the agent's own timeouts instead.
   * @defaultValue none: only `timeout` applies
   */
  connectTimeout?: number;
  /** How 429 answers are retried. @defaultValue `{ maxRetries: 2, maxDelay: 10000 }` */
  retry?: RetryOptions;
  /** Agent for `http:` requests (keep-alive, sockets). */
  httpAgent?: HttpAgent;
  /** Agent for `https:` requests (keep-alive, mTLS certificates, custom CAs). */
  httpsAgent?: HttpsAgent;
  /**
   * Proxy for every request, as axios takes it; `false` ignores `HTTP(S)_PROXY`. When absent, `HTTP(S)_PROXY`
   * and `NO_PROXY` apply, except to loopback hosts, which are never sent through a proxy from the environment.
   */
  proxy?: AxiosProxyConfig | false;
}

/** Every key of {@link TransportOptions}, for the options objects that include them. */
export const TRANSPORT_OPTION_KEYS: OptionKeys<TransportOptions> = {
  telemetry: true,
  clientInfo: true,
  timeout: true,
  connectTimeout: true,
  retry: true,
  httpAgent: true,
  httpsAgent: true,
  proxy: true,
};

/** Options of an {@link HttpClient}: where it sends requests, and how. */
export interface HttpClientOptions extends TransportOptions {
  /**
   * Origin every relative path is resolved against, e.g. `https://tenant.auth0.com`. @defaultValue none: every
   * request names an absolute URL
   */
  baseURL?: string;
  /**
   * Redirects followed, each within the origin of the request it answers; a redirect elsewhere fails with a
   * `NetworkError`. @defaultValue 5
   */
  maxRedirects?: number;
  /** Largest response body read, in bytes; a longer one is abandoned with a `NetworkError`. @defaultValue no limit */
  maxResponseBytes?: number;
}

/** One request of an endpoint method. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** A path on the base URL (`/oauth/token`) or an absolute URL, on any origin. */
  url: string;
  /** Query parameters, added to those of `url`. */
  params?: Record<string, string>;
  /** A JSON body; absent members are omitted. */
  json?: Body;
  /** A form body (`application/x-www-form-urlencoded`); absent members are omitted, objects sent as JSON. */
  form?: Body;
  /** Extra headers of this request. */
  headers?: Record<string, string>;
  /** Aborts the request (and any wait before a retry); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Retry a 429 per the client's policy. @defaultValue true */
  retry?: boolean;
}

/** Default of {@link TransportOptions.timeout}. */
export const DEFAULT_TIMEOUT = 10_000;

/**
 * The transport of one client object: one axios instance, telemetry, timeouts, same-origin redirects, error
 * mapping and 429 retries. Requests may go to absolute URLs on several origins (Google's token endpoint is on
 * another host than its issuer): redirects are judged against the origin of each request, and whether a proxy
 * from the environment applies is decided by each request's host. Never lets an axios error out: every failure
 * is an `Auth0Error`, `RateLimitError`, `NetworkError` or `TimeoutError`, none of which holds the request.
 *
 * @throws {ConfigurationError} from the constructor for `connectTimeout` with an agent of the caller's.
 * @example
 * const http = new HttpClient({ baseURL: 'https://tenant.auth0.com' });
 * const config = await http.request({ method: 'GET', url: '/.well-known/openid-configuration' });
 */
export class HttpClient {
  readonly #axios: AxiosInstance;
  readonly #retry: RetryPolicy;
  readonly #timeout: number;
  readonly #connectTimeout: number | undefined;
  readonly #proxy: AxiosProxyConfig | false | undefined;

  constructor(options: HttpClientOptions) {
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.#connectTimeout = options.connectTimeout;
    let agents: Pick<TransportOptions, 'httpAgent' | 'httpsAgent'> = options;
    if (options.connectTimeout !== undefined) {
      if (options.httpAgent !== undefined || options.httpsAgent !== undefined) {
        throw new ConfigurationError(
          "connectTimeout needs the library's own agents: with httpAgent or httpsAgent, set the agent's timeouts",
          'connectTimeout',
        );
      }
      agents = connectTimeoutAgents(options.connectTimeout);
    }
    this.#retry = retryPolicy(options.retry);
    this.#proxy = options.proxy;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.telemetry !== false) {
      headers['Auth0-Client'] = telemetryHeader(options.clientInfo);
      headers['User-Agent'] = `authn-client/${VERSION}`;
    }
    this.#axios = axios.create({
      baseURL: options.baseURL,
      timeout: this.#timeout,
      headers,
      ...agents,
      maxRedirects: options.maxRedirects ?? 5,
      maxContentLength: options.maxResponseBytes ?? -1,
      beforeRedirect: (redirect, _response, request) => {
        const from = new URL(String(request?.url), options.baseURL);
        if (String(redirect.protocol) !== from.protocol || String(redirect.host) !== from.host) {
          throw new Error('redirect to another origin refused');
        }
      },
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
    });
  }

  /**
   * Sends one request and resolves to the response whatever its status; rejects only when no response came
   * (`NetworkError`, `TimeoutError`) or the signal aborted.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...request.headers };
    let data: string | URLSearchParams | undefined;
    if (request.form !== undefined) {
      data = encodeForm(request.form);
    } else if (request.json !== undefined) {
      data = JSON.stringify(compact(request.json));
      headers['Content-Type'] = 'application/json';
    }
    try {
      const response = await this.#axios.request<string>({
        method: request.method,
        url: request.url,
        params: request.params,
        data,
        headers,
        signal: request.signal,
        // Loopback hosts never go through a proxy from the environment, whatever the other requests' hosts.
        proxy: this.#proxy ?? (isLoopbackHost(this.#resolve(request.url)?.hostname ?? '') ? false : undefined),
      });
      const text = typeof response.data === 'string' ? response.data : '';
      return {
        status: response.status,
        headers: plainHeaders(response.headers as Record<string, unknown>),
        body: parseBody(text),
      };
    } catch (failure) {
      if (request.signal?.aborted) throw request.signal.reason;
      const url = this.#resolve(request.url)?.href ?? request.url;
      throw transportError(failure, request.method, url, this.#timeout, this.#connectTimeout);
    }
  }

  /**
   * Sends a request and resolves to the parsed body of a 2xx answer. Any other status rejects with the typed
   * error of the answer; a 429 is retried first (unless `retry: false`), waiting out `Retry-After` or
   * `x-ratelimit-reset` plus jitter, as long as the wait stays within `retry.maxDelay`.
   */
  async request<T = unknown>(request: HttpRequest): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.send(request);
      if (response.status >= 200 && response.status < 300) return response.body as T;
      const error = responseError(response);
      const delay =
        error instanceof RateLimitError && request.retry !== false && response.status === 429
          ? rateLimitDelay(error, attempt, this.#retry, Date.now())
          : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, request.signal);
    }
  }

  #resolve(url: string): URL | undefined {
    try {
      return new URL(url, this.#axios.defaults.baseURL);
    } catch {
      return undefined;
    }
  }
}
