import type { IncomingHttpHeaders } from 'node:http';

/**
 * A request as the web login sees it, whatever the framework: the adapters fill it from Express's or Fastify's
 * request.
 */
export interface LoginRequest {
  /** The HTTP method. */
  method: string;
  /** The path and query as the browser asked for them (Express's `originalUrl`, Fastify's `url`). */
  url: string;
  /** The request headers. */
  headers: IncomingHttpHeaders;
  /** The body, when the framework has parsed it already (an object of a form, or its text). */
  body?: unknown;
  /** Reads the raw body, when the framework has not (the login then parses the form itself). */
  readBody?: (limit: number) => Promise<string>;
}

/** An answer of the web login: a redirect, an error, or the back-channel logout's 200. */
export interface LoginResponse {
  /** The HTTP status. */
  status: number;
  /** The headers, `Set-Cookie` as a list. */
  headers: Record<string, string | string[]>;
  /** The body, when there is one. */
  body?: string;
}

/** Most bytes of a form the login reads: a `form_post` callback with its tokens, or a logout token. */
export const FORM_LIMIT = 64 * 1024;

/**
 * Tells whether a request is a browser's navigation to a page (which an anonymous user is sent to log in from)
 * rather than an API call (which gets 401): `Sec-Fetch-Mode: navigate`, or a GET/HEAD that accepts `text/html`.
 *
 * @example
 * isNavigation({ method: 'GET', url: '/', headers: { accept: 'text/html,application/xhtml+xml' } }); // true
 */
export function isNavigation(req: LoginRequest): boolean {
  const mode = req.headers['sec-fetch-mode'];
  if (mode !== undefined) return mode === 'navigate';
  const accept = req.headers.accept;
  return (req.method === 'GET' || req.method === 'HEAD') && typeof accept === 'string' && accept.includes('text/html');
}

/**
 * The fields of a form request (`application/x-www-form-urlencoded`), from the body the framework parsed or,
 * failing that, read from the request (at most {@link FORM_LIMIT} bytes). A field sent twice is a list.
 *
 * @example
 * const { logout_token } = await readForm(req);
 */
export async function readForm(req: LoginRequest): Promise<Record<string, string | string[]>> {
  const { body } = req;
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
    return body as Record<string, string | string[]>;
  }
  let text = '';
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = body.toString('utf8');
  else if (req.readBody !== undefined) text = await req.readBody(FORM_LIMIT);
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const known = fields[name];
    fields[name] = known === undefined ? value : [...(typeof known === 'string' ? [known] : known), value];
  }
  return fields;
}

/**
 * A redirect answer (`302`, or `303` to answer a POST; `Cache-Control: no-store`) with the cookies to set.
 *
 * @example
 * redirect('https://tenant.auth0.com/authorize?…', [transactionCookie]);
 */
export function redirect(location: string, cookies: readonly string[] = [], status: 302 | 303 = 302): LoginResponse {
  const headers: Record<string, string | string[]> = { location, 'cache-control': 'no-store' };
  if (cookies.length > 0) headers['set-cookie'] = [...cookies];
  return { status, headers };
}

/**
 * A JSON answer `{ error, error_description }` with the cookies to set, never cached.
 *
 * @example
 * errorAnswer(401, 'unauthorized', 'log in first');
 */
export function errorAnswer(
  status: number,
  error: string,
  description: string,
  cookies: readonly string[] = [],
): LoginResponse {
  const headers: Record<string, string | string[]> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (cookies.length > 0) headers['set-cookie'] = [...cookies];
  return { status, headers, body: JSON.stringify({ error, error_description: description }) };
}

/**
 * Reads a request body of at most `limit` bytes as text, for adapters whose framework has not parsed it. A larger
 * body reads as empty (a form without fields, which the login then refuses as such); the rest is left unread.
 *
 * @example
 * const text = await readStream(req, FORM_LIMIT);
 */
export function readStream(stream: NodeJS.ReadableStream, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limit) {
        stream.removeListener('data', onData);
        resolve('');
        return;
      }
      chunks.push(bytes);
    };
    stream.on('data', onData);
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', reject);
  });
}
