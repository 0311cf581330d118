import { ConfigurationError } from '../errors.js';

/**
 * The parameters of an authorization response, as the authorization server sent them: a `code` (and `state`,
 * `iss`) on success, or an `error` (RFC 6749 §4.1.2, RFC 9207); an `id_token` and maybe an `access_token` in the
 * implicit and hybrid flows.
 */
export interface AuthorizationResponse {
  /** The authorization code, on success of a `code` flow. */
  code?: string;
  /** The `state` of the request, echoed back; compare it with the one you stored. */
  state?: string;
  /** The issuer that answered (RFC 9207), when the server sends it; compare it with the expected issuer. */
  iss?: string;
  /** The OAuth error code, e.g. `access_denied`, `login_required`. */
  error?: string;
  /** The server's human-readable explanation of `error`. */
  errorDescription?: string;
  /** Every parameter of the response by its wire name, including those above (e.g. `id_token` of a hybrid flow). */
  params: Record<string, string>;
  /**
   * Where the parameters were read: the URL's `query` or `fragment`, or a `body` (a `form_post`, or a fragment's
   * parameters that the page posted).
   */
  from: 'query' | 'fragment' | 'body';
  /**
   * Names of parameters that came more than once, or not as text; `params` holds the first value of each.
   * RFC 6749 §3.1 forbids repeating a parameter: a response with any is not to be trusted.
   */
  repeated: string[];
}

/**
 * An authorization response as a callback receives it: the URL the browser was sent back to (query or fragment),
 * the parameters a page posted from its fragment (`URLSearchParams`), or a `form_post` body as a body parser
 * gives it (an object of strings).
 */
export type AuthorizationResponseInput = string | URL | URLSearchParams | Readonly<Record<string, unknown>>;

function fromEntries(entries: Iterable<[string, unknown]>, from: AuthorizationResponse['from']): AuthorizationResponse {
  const params: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, raw] of entries) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
    if (Object.hasOwn(params, name) || Array.isArray(raw) || typeof value !== 'string') repeated.add(name);
    if (!Object.hasOwn(params, name) && typeof value === 'string') params[name] = value;
  }
  const response: AuthorizationResponse = { params, from, repeated: [...repeated] };
  if (params.code !== undefined) response.code = params.code;
  if (params.state !== undefined) response.state = params.state;
  if (params.iss !== undefined) response.iss = params.iss;
  if (params.error !== undefined) response.error = params.error;
  if (params.error_description !== undefined) response.errorDescription = params.error_description;
  return response;
}

/**
 * Reads an authorization response: from the URL the browser was sent back to (the query string, or the fragment
 * for `response_mode=fragment`), from the parameters a page posted from its fragment (`URLSearchParams`), or from
 * a `form_post` body (an object). It only parses; checking `state` against the stored value and `iss` against
 * the expected issuer is the caller's job (`OidcClient.finishLogin` does all of it).
 *
 * @throws {ConfigurationError} when a string or `URL` is not an absolute URL.
 * @example
 * const response = parseAuthorizationResponse(`https://app.example.com${req.originalUrl}`);
 * if (response.error) throw new Error(response.errorDescription ?? response.error);
 * if (response.state !== session.state) throw new Error('state mismatch');
 * const tokens = await getToken.authorizationCodePkce({ code: response.code!, codeVerifier, redirectUri });
 */
export function parseAuthorizationResponse(response: AuthorizationResponseInput): AuthorizationResponse {
  if (response instanceof URLSearchParams) return fromEntries(response.entries(), 'body');
  if (typeof response === 'object' && response !== null && !(response instanceof URL)) {
    return fromEntries(Object.entries(response), 'body');
  }
  const parsed = response instanceof URL ? response : URL.parse(String(response));
  if (parsed === null) throw new ConfigurationError('url must be an absolute URL', 'url');
  const fragment = new URLSearchParams(parsed.hash.slice(1));
  const query = parsed.searchParams;
  const fromFragment =
    !query.has('code') &&
    !query.has('error') &&
    (fragment.has('code') || fragment.has('error') || fragment.has('id_token') || fragment.has('access_token'));
  return fromFragment ? fromEntries(fragment.entries(), 'fragment') : fromEntries(query.entries(), 'query');
}
