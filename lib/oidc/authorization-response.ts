import { ConfigurationError } from '../errors.js';

/**
 * The parameters of an authorization response, as the authorization server put them on the redirect URI: a
 * `code` (and `state`, `iss`) on success, or an `error` (RFC 6749 §4.1.2, RFC 9207).
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
}

/**
 * Reads the authorization response from the URL the browser was sent back to: the query string, or the fragment
 * for `response_mode=fragment` (implicit and hybrid flows). It only parses; checking `state` against the stored
 * value and `iss` against the expected issuer is the caller's job.
 *
 * @throws {ConfigurationError} when `url` is not an absolute URL.
 * @example
 * const response = parseAuthorizationResponse(`https://app.example.com${req.originalUrl}`);
 * if (response.error) throw new Error(response.errorDescription ?? response.error);
 * if (response.state !== session.state) throw new Error('state mismatch');
 * const tokens = await getToken.authorizationCodePkce({ code: response.code!, codeVerifier, redirectUri });
 */
export function parseAuthorizationResponse(url: string | URL): AuthorizationResponse {
  const parsed = url instanceof URL ? url : URL.parse(String(url));
  if (parsed === null) throw new ConfigurationError('url must be an absolute URL', 'url');
  const fragment = new URLSearchParams(parsed.hash.slice(1));
  const query = parsed.searchParams;
  const fromFragment =
    !query.has('code') &&
    !query.has('error') &&
    (fragment.has('code') || fragment.has('error') || fragment.has('id_token') || fragment.has('access_token'));
  const params = Object.fromEntries((fromFragment ? fragment : query).entries());
  const response: AuthorizationResponse = { params };
  if (params.code !== undefined) response.code = params.code;
  if (params.state !== undefined) response.state = params.state;
  if (params.iss !== undefined) response.iss = params.iss;
  if (params.error !== undefined) response.error = params.error;
  if (params.error_description !== undefined) response.errorDescription = params.error_description;
  return response;
}
