import { Auth0Error, ConfigurationError, NetworkError, TimeoutError } from '../errors.js';
import { responseError, UNKNOWN_ERROR_CODE } from '../http/map-error.js';
import { parseBody } from '../http/response.js';
import { type AuthorizationResponse, parseAuthorizationResponse } from '../oidc/authorization-response.js';

/** Options of {@link headlessLogin}. */
export interface HeadlessLoginOptions {
  /** Where the flow ends; the driver stops there without requesting it. @defaultValue the URL's `redirect_uri` */
  redirectUri?: string;
  /** Redirects followed before giving up. @defaultValue 10 */
  maxRedirects?: number;
  /** Milliseconds each request may take. @defaultValue 10000 */
  timeout?: number;
  /** Aborts the flow; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The authorization response the flow ended with, and the URL it was read from. */
export interface HeadlessLoginResult extends AuthorizationResponse {
  /** The full redirect URI the authorization server sent the browser to. */
  url: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function endpointOf(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** A cookie jar for one origin: enough for the session and interaction cookies of an authorization server. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', value = ''] = attribute.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
        return false;
      });
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(equals + 1).trim());
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function positiveInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`${option} must be a positive integer`, option);
  }
  return value;
}

/**
 * Drives an authorization request without a browser: requests the `/authorize` URL, follows the redirects of
 * the login and consent steps with a cookie jar (all on the authorization server's origin), and stops at the
 * redirect URI, returning the `code`, `state` and `iss` it carries (or the `error`). It works against any server
 * that needs no user input, such as the dev server, whose test user logs in and consents automatically.
 *
 * @throws {ConfigurationError} for a URL that is not absolute or has no redirect URI to stop at.
 * @throws {Auth0Error} when the authorization server answers with an error page instead of a redirect.
 * @throws {NetworkError} on a transport failure, a redirect to another origin, or too many redirects.
 * @throws {TimeoutError} when a request takes longer than `timeout`.
 * @example
 * const { codeVerifier, codeChallenge } = createPkcePair();
 * const url = buildAuthorizeUrl({
 *   domain: server.domain,
 *   protocol: 'http',
 *   clientId: 'spa',
 *   redirectUri: 'http://127.0.0.1/callback',
 *   state: randomState(),
 *   codeChallenge,
 * });
 * const { code } = await headlessLogin(url);
 */
export async function headlessLogin(
  authorizeUrl: string | URL,
  options: HeadlessLoginOptions = {},
): Promise<HeadlessLoginResult> {
  const start = URL.parse(String(authorizeUrl));
  if (start === null || !/^https?:$/.test(start.protocol)) {
    throw new ConfigurationError('authorizeUrl must be an absolute http(s) URL', 'authorizeUrl');
  }
  const redirectUri = options.redirectUri ?? start.searchParams.get('redirect_uri') ?? undefined;
  const stopAt = redirectUri === undefined ? null : URL.parse(redirectUri);
  if (stopAt === null) {
    throw new ConfigurationError('give redirectUri: the URL has no absolute redirect_uri to stop at', 'redirectUri');
  }
  const maxRedirects = positiveInteger(options.maxRedirects, 'maxRedirects', 10);
  const timeout = positiveInteger(options.timeout, 'timeout', 10_000);
  const jar = new CookieJar();

  let url = start;
  for (let redirects = 0; ; redirects++) {
    if (endpointOf(url) === endpointOf(stopAt)) return { ...parseAuthorizationResponse(url), url: url.href };
    if (url.origin !== start.origin) {
      throw new NetworkError(
        `the authorization server redirected to another origin (${url.origin}), not to redirectUri`,
      );
    }
    if (redirects > maxRedirects) throw new NetworkError(`more than ${maxRedirects} redirects; the flow did not end`);
    const response = await get(url, jar, timeout, options.signal);
    const location = response.headers.get('location');
    if (REDIRECTS.has(response.status) && location !== null) {
      await response.body?.cancel();
      url = new URL(location, url);
      continue;
    }
    const headers = Object.fromEntries(
      [...response.headers].filter(([name]) => name !== 'set-cookie' && name !== 'location'),
    );
    const body = parseBody(await response.text());
    if (response.status < 400) {
      throw new Auth0Error(`expected a redirect from ${endpointOf(url)}, got HTTP ${response.status}`, {
        statusCode: response.status,
        errorCode: UNKNOWN_ERROR_CODE,
        headers,
      });
    }
    throw responseError({ status: response.status, headers, body });
  }
}

async function get(url: URL, jar: CookieJar, timeout: number, signal: AbortSignal | undefined): Promise<Response> {
  const timer = AbortSignal.timeout(timeout);
  try {
    const cookie = jar.header();
    const response = await fetch(url, {
      redirect: 'manual',
      headers: cookie === '' ? {} : { cookie },
      signal: signal === undefined ? timer : AbortSignal.any([timer, signal]),
    });
    jar.store(response.headers.getSetCookie());
    return response;
  } catch (failure) {
    if (signal?.aborted) throw signal.reason;
    const target = `GET ${url.origin}${url.pathname}`;
    if (timer.aborted) throw new TimeoutError(`${target} timed out after ${timeout} ms`);
    const cause = (failure as { cause?: { code?: unknown } } | null)?.cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    throw new NetworkError(`${target} failed${code}`);
  }
}
