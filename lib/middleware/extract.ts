import { parseCookies } from '../http/cookie-header.js';

/** A header value as Node and the frameworks hold it. */
export type HeaderValue = string | readonly string[] | undefined;

/**
 * What the middleware reads of a request: a `node:http` `IncomingMessage`, an Express or a Fastify request
 * all fit. `query` and `cookies` are read only when a token location is configured; when absent, the query
 * is parsed from `url` and the cookies from the `Cookie` header.
 */
export interface BearerRequest {
  /** The request headers, lower-case names. */
  headers: Record<string, HeaderValue>;
  /**
   * The header lines as received, names and values alternating (`IncomingMessage.rawHeaders`): used to refuse a
   * repeated `Authorization` header.
   */
  rawHeaders?: readonly string[];
  /** Every value of every header (Node ≥ 18.3): used instead of `rawHeaders` when only this is there. */
  headersDistinct?: Record<string, HeaderValue>;
  /** The underlying `IncomingMessage` (Fastify). */
  raw?: {
    /** The header lines of the raw request as received. */
    rawHeaders?: readonly string[];
    /** Every value of every header of the raw request. */
    headersDistinct?: Record<string, HeaderValue>;
  };
  /** The parsed query string (Express, Fastify). */
  query?: unknown;
  /** The parsed cookies (cookie-parser, @fastify/cookie). */
  cookies?: unknown;
  /** The request target, for the query when `query` is absent (`node:http`). */
  url?: string;
}

/** Where tokens are looked for besides the `Authorization` header (RFC 6750 §2.1), each only when set. */
export interface TokenLocations {
  /** The query parameter that may carry the token (RFC 6750 §2.3 names it `access_token`). */
  readonly query?: string;
  /** The cookie that may carry the token. */
  readonly cookie?: string;
}

/** Why a request's credentials are malformed: the `error_description` of the 400 answer. */
export class MalformedRequest {
  readonly description: string;
  constructor(description: string) {
    this.description = description;
  }
}

/**
 * The token68 / b64token syntax of RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const BAD_HEADER = 'the Authorization header must be Bearer followed by a space and the token';
const REPEATED = 'the Authorization header must be sent once';
const SEVERAL = 'the token must be sent in one place only';

/**
 * Finds the bearer token of a request, by the rules of RFC 6750 §2: the `Authorization` header (scheme matched
 * case-insensitively, then one or more spaces, then a b64token), and, only when configured, a query parameter
 * or a cookie.
 *
 * Returns the token, `undefined` when the request carries none, or a {@link MalformedRequest} when the request
 * is malformed: an empty or badly formed token, a repeated header or parameter, or a token in more than one
 * place. An `Authorization` header of another scheme (`Basic`, `DPoP`, …) carries no bearer token: RFC 6750
 * §3.1 counts a request "attempted using an unsupported authentication method" as one without authentication
 * information, answered with a bare challenge rather than an error code.
 *
 * With `headerSyntaxLater`, a token from the `Authorization` header is returned before its b64token syntax is
 * checked when no other location is configured. Every token a verifier accepts has that syntax (base64url
 * segments and dots), so the caller runs {@link headerTokenProblem} only when verification fails: the answer
 * is the same, and a regular expression over ~1 KB stays off the path of every accepted request.
 *
 * @example
 * const token = extractToken({ headers: { authorization: 'Bearer eyJ…' } }, {}); // 'eyJ…'
 */
export function extractToken(
  req: BearerRequest,
  locations: TokenLocations,
  headerSyntaxLater = false,
): string | undefined | MalformedRequest {
  const header = req.headers.authorization;
  let token: string | undefined;
  if (header !== undefined) {
    const found = fromHeader(req, header);
    if (found instanceof MalformedRequest) return found;
    token = found;
  }
  const headerOnly = locations.query === undefined && locations.cookie === undefined;
  if (token !== undefined && !(headerOnly && headerSyntaxLater)) {
    const problem = headerTokenProblem(token);
    if (problem !== undefined) return problem;
  }
  return headerOnly ? token : fromOtherPlaces(req, locations, token);
}

/**
 * What is wrong with a token taken from the `Authorization` header: a {@link MalformedRequest} when it is not a
 * b64token (RFC 6750 §2.1), else `undefined`.
 *
 * @example
 * headerTokenProblem('a"b'); // MalformedRequest: Bearer followed by a space and the token
 */
export function headerTokenProblem(token: string): MalformedRequest | undefined {
  return isB64Token(token) ? undefined : new MalformedRequest(BAD_HEADER);
}

/**
 * Whether a token has the b64token syntax of RFC 6750 §2.1 (what any bearer token may be made of).
 *
 * @example
 * isB64Token('2YotnFZFEjr1zCsicMWpAA'); // true
 */
export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token);
}

/**
 * What follows `scheme` (lower case) in an `Authorization` header value, after the spaces: `''` when nothing
 * does; `undefined` when the header names another scheme (matched case-insensitively).
 *
 * @example
 * credentialsOf('Bearer  eyJ…', 'bearer'); // 'eyJ…'
 */
export function credentialsOf(header: string, scheme: string): string | undefined {
  const space = header.indexOf(' ');
  const named = space === -1 ? header : header.slice(0, space);
  if (named.length !== scheme.length || named.toLowerCase() !== scheme) return undefined;
  if (space === -1) return '';
  let start = space + 1;
  while (header.charCodeAt(start) === 32) start++;
  return header.slice(start);
}

/** The bearer token of an `Authorization` header; `undefined` for another scheme. */
function fromHeader(req: BearerRequest, header: HeaderValue): string | undefined | MalformedRequest {
  if (typeof header !== 'string' || headerLines(req, 'authorization') > 1) return new MalformedRequest(REPEATED);
  const token = credentialsOf(header, 'bearer');
  // Its b64token syntax is checked by extractToken, now or (headerSyntaxLater) when verification fails.
  return token === '' ? new MalformedRequest(BAD_HEADER) : token;
}

/**
 * How many lines of header `name` (lower case) the request had: Node keeps only the first `Authorization` in
 * `headers`, and joins other repeated headers. Counted in the raw header lines: `headersDistinct` holds the same,
 * but Node builds it on first access, an object and an array per header, several µs per request on a busy server.
 *
 * @example
 * headerLines(req, 'authorization'); // 1
 */
export function headerLines(req: BearerRequest, name: string): number {
  const lines = req.rawHeaders ?? req.raw?.rawHeaders;
  if (lines === undefined) return (req.headersDistinct ?? req.raw?.headersDistinct)?.[name]?.length ?? 0;
  let count = 0;
  for (let i = 0; i < lines.length; i += 2) {
    const line = lines[i] as string;
    if (line.length === name.length && line.toLowerCase() === name) count++;
  }
  return count;
}

function fromOtherPlaces(
  req: BearerRequest,
  locations: TokenLocations,
  header: string | undefined,
): string | undefined | MalformedRequest {
  let token = header;
  const places: Array<[string | undefined, () => unknown]> = [
    [locations.query, () => queryValue(req, locations.query as string)],
    [locations.cookie, () => cookieValue(req, locations.cookie as string)],
  ];
  for (const [name, read] of places) {
    if (name === undefined) continue;
    const value = read();
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      return new MalformedRequest(`the ${name === locations.query ? 'query parameter' : 'cookie'} must be sent once`);
    }
    if (!B64TOKEN.test(value)) return new MalformedRequest('the token is not a well-formed bearer token');
    if (token !== undefined) return new MalformedRequest(SEVERAL);
    token = value;
  }
  return token;
}

function queryValue(req: BearerRequest, name: string): unknown {
  const { query } = req;
  if (typeof query === 'object' && query !== null) {
    return Object.prototype.hasOwnProperty.call(query, name) ? (query as Record<string, unknown>)[name] : undefined;
  }
  const url = req.url;
  if (typeof url !== 'string') return undefined;
  const mark = url.indexOf('?');
  if (mark === -1) return undefined;
  const values = new URLSearchParams(url.slice(mark + 1)).getAll(name);
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}

function cookieValue(req: BearerRequest, name: string): unknown {
  const { cookies } = req;
  if (typeof cookies === 'object' && cookies !== null) {
    return Object.prototype.hasOwnProperty.call(cookies, name) ? (cookies as Record<string, unknown>)[name] : undefined;
  }
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  // A repeated name (cookies of several paths) yields the first one, as browsers send the most specific path first.
  const value = parseCookies(header).get(name);
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
