// A cookie-keeping HTTP client for the web-login specs: what a browser does with cookies (per host, not per port;
// Path; Max-Age and Expires; Secure ignored on loopback) and redirects (followed by hand, each hop recorded), with
// node:http underneath. No JavaScript, but the forms a page submits by script are submitted (form_post, logout).
import { request as httpRequest } from 'node:http';
import { parseForms } from '../../lib/dev-server/html-form.js';

/** One cookie as the jar keeps it. */
interface StoredCookie {
  name: string;
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

/** What a request may say besides its URL. */
export interface ClientRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
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
    const entries = [...(this.#jar.get(hostname)?.values() ?? [])].sort((a, b) => b.path.length - a.path.length);
    for (const { name, value, path, expiresAt } of entries) {
      if (expiresAt > now && pathMatches(path, pathname) && !cookies.has(name)) cookies.set(name, value);
    }
    return cookies;
  }

  /** Sets a cookie by hand (a stolen or forged one, in the specs). */
  set(url: string, name: string, value: string, path = '/'): void {
    const { hostname } = new URL(url);
    const jar = this.#jar.get(hostname) ?? new Map<string, StoredCookie>();
    jar.set(`${name};${path}`, { name, value, path, expiresAt: Infinity });
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
      else jar.set(key, { name, value: pair.slice(equals + 1).trim(), path, expiresAt });
    }
  }

  /**
   * Sends one request with the jar's cookies, stores the cookies of the answer, does not follow redirects. It
   * uses node:http rather than fetch, which would send `Sec-Fetch-Mode: cors` whatever the spec asks: by default
   * the request is a browser's navigation (`Accept: text/html…`, `Sec-Fetch-Mode: navigate`).
   */
  request(url: string, init: ClientRequestInit = {}): Promise<ClientResponse> {
    const headers: Record<string, string> = { ...init.headers };
    const cookies = [...this.cookiesFor(url)].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookies !== '') headers.cookie = cookies;
    headers.accept ??= 'text/html,application/xhtml+xml';
    headers['sec-fetch-mode'] ??= headers.accept.includes('text/html') ? 'navigate' : 'cors';
    const body = init.body === undefined ? undefined : String(init.body);
    if (init.body instanceof URLSearchParams) headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return new Promise((resolve, reject) => {
      const sent = httpRequest(url, { method: init.method ?? 'GET', headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          const setCookies = answer.headers['set-cookie'] ?? [];
          this.#store(url, setCookies);
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(answer.headers)) {
            for (const item of Array.isArray(value) ? value : [value ?? '']) responseHeaders.append(name, item);
          }
          resolve({
            url,
            status: answer.statusCode ?? 0,
            headers: responseHeaders,
            text: Buffer.concat(chunks).toString('utf8'),
            setCookies,
          });
        });
      });
      sent.on('error', reject);
      sent.end(body);
    });
  }

  /**
   * Requests `url` and follows what a browser follows without a person: redirects (as GET), and pages whose one
   * form has only hidden fields (the provider's `form_post` answer and logout confirmation submit themselves with
   * a script). Every hop is returned.
   */
  async follow(url: string, init: ClientRequestInit = {}, maxHops = 20): Promise<Hops> {
    const hops: Hops = [await this.request(url, init)];
    while (hops.length <= maxHops) {
      const last = hops.at(-1)!;
      const location = last.headers.get('location');
      if ([301, 302, 303, 307, 308].includes(last.status) && location !== null) {
        hops.push(await this.request(new URL(location, last.url).href));
        continue;
      }
      const forms = last.status === 200 ? parseForms(last.text) : [];
      const form = forms.length === 1 ? forms[0]! : undefined;
      if (form === undefined || form.method !== 'post' || form.inputs.some((input) => input.type !== 'hidden')) {
        return hops;
      }
      const body = new URLSearchParams(form.inputs.map((input): [string, string] => [input.name, input.value]));
      hops.push(await this.request(new URL(form.action ?? last.url, last.url).href, { method: 'POST', body }));
    }
    throw new Error(`more than ${maxHops} redirects from ${url}`);
  }
}
