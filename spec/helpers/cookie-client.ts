// A cookie-keeping HTTP client for the web-login specs: what a browser does with cookies (per host, not per port;
// Path; Max-Age and Expires; Secure ignored on loopback) and redirects (followed by hand, each hop recorded), with
// fetch underneath. No JavaScript: a form_post page is not submitted (the browser specs cover that).

/** One cookie as the jar keeps it. */
interface StoredCookie {
  value: string;
  path: string;
  expiresAt: number;
}

/** A response of the client, with its body read. */
export interface ClientResponse {
  url: string;
  status: number;
  headers: Headers;
  text: string;
  /** The `Set-Cookie` lines of this response. */
  setCookies: string[];
}

/** The hops of a followed redirect chain, first to last. */
export type Hops = ClientResponse[];

function pathMatches(cookiePath: string, requestPath: string): boolean {
  return (
    requestPath === cookiePath ||
    (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
  );
}

/** A browser-like cookie jar and redirect follower. */
export class CookieClient {
  readonly #jar = new Map<string, Map<string, StoredCookie>>();

  /** The cookies the client would send to `url`, by name. */
  cookiesFor(url: string): Map<string, string> {
    const { hostname, pathname } = new URL(url);
    const cookies = new Map<string, string>();
    const now = Date.now();
    // Longer paths first, as browsers send them.
    const entries = [...(this.#jar.get(hostname) ?? [])].sort(([, a], [, b]) => b.path.length - a.path.length);
    for (const [name, cookie] of entries) {
      if (cookie.expiresAt > now && pathMatches(cookie.path, pathname) && !cookies.has(name)) {
        cookies.set(name, cookie.value);
      }
    }
    return cookies;
  }

  /** Sets a cookie by hand (a stolen or forged one, in the specs). */
  set(url: string, name: string, value: string, path = '/'): void {
    const { hostname } = new URL(url);
    const jar = this.#jar.get(hostname) ?? new Map<string, StoredCookie>();
    jar.set(name, { value, path, expiresAt: Infinity });
    this.#jar.set(hostname, jar);
  }

  #store(url: string, lines: readonly string[]): void {
    const { hostname, pathname } = new URL(url);
    const jar = this.#jar.get(hostname) ?? new Map<string, StoredCookie>();
    this.#jar.set(hostname, jar);
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      let path = pathname.slice(0, pathname.lastIndexOf('/') + 1) || '/';
      let expiresAt = Infinity;
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.trim().split('=');
        if (key.toLowerCase() === 'path') path = value;
        if (key.toLowerCase() === 'max-age') expiresAt = Date.now() + Number(value) * 1000;
        if (key.toLowerCase() === 'expires' && expiresAt === Infinity) expiresAt = Date.parse(value);
      }
      const key = `${name};${path}`;
      if (expiresAt <= Date.now()) jar.delete(key);
      else jar.set(key, { value: pair.slice(equals + 1).trim(), path, expiresAt });
    }
  }

  /** Sends one request with the jar's cookies, stores the cookies of the answer, does not follow redirects. */
  async request(url: string, init: RequestInit = {}): Promise<ClientResponse> {
    const headers = new Headers(init.headers);
    const cookies = [...this.cookiesFor(url)].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookies !== '') headers.set('cookie', cookies);
    if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml');
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    const setCookies = response.headers.getSetCookie();
    this.#store(url, setCookies);
    return { url, status: response.status, headers: response.headers, text: await response.text(), setCookies };
  }

  /** Requests `url` and follows redirects (as GET) until an answer that is not one; every hop is returned. */
  async follow(url: string, init: RequestInit = {}, maxHops = 20): Promise<Hops> {
    const hops: Hops = [await this.request(url, init)];
    while (hops.length <= maxHops) {
      const last = hops.at(-1)!;
      const location = last.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(last.status) || location === null) return hops;
      hops.push(await this.request(new URL(location, last.url).href));
    }
    throw new Error(`more than ${maxHops} redirects from ${url}`);
  }
}
