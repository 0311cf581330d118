import { Auth0Error, ConfigurationError } from '../errors.js';
import { UNKNOWN_ERROR_CODE } from '../http/map-error.js';
import { type AuthorizationResponse, parseAuthorizationResponse } from '../oidc/authorization-response.js';
import { browse, type BrowseEnd, endpointOf, type HeadlessOptions, httpUrl } from './headless-browser.js';

/** Options of {@link headlessLogin}. */
export interface HeadlessLoginOptions extends HeadlessOptions {
  /** Where the flow ends; the driver stops there without requesting it. @defaultValue the URL's `redirect_uri` */
  redirectUri?: string;
}

/** The authorization response the flow ended with, and where it was read from. */
export interface HeadlessLoginResult extends AuthorizationResponse {
  /**
   * The full redirect URI the authorization server sent the browser to (with the response in its query or
   * fragment), or for `form_post` the redirect URI the page would post `params` to.
   */
  url: string;
  /** How the response came: in the query, in the fragment, or as a form to post (`params` is its body). */
  responseMode: 'query' | 'fragment' | 'form_post';
}

/** Options of {@link headlessLogout}. */
export interface HeadlessLogoutOptions extends HeadlessOptions {
  /**
   * Where the flow ends. @defaultValue the URL's `post_logout_redirect_uri` (or Auth0's `returnTo`); without one,
   * the flow ends at the provider's "signed out" page
   */
  postLogoutRedirectUri?: string;
}

/** Where a headless logout or device approval ended. */
export interface HeadlessFlowResult {
  /** The last URL: the post-logout redirect URI with its parameters, or the provider's final page. */
  url: string;
  /** The `state` the provider returned with the post-logout redirect, if any. */
  state?: string;
}

function unexpectedPage(end: Extract<BrowseEnd, { kind: 'page' }>): Auth0Error {
  return new Auth0Error(`expected a redirect from ${endpointOf(end.url)}, found HTTP ${end.status}`, {
    statusCode: end.status,
    errorCode: UNKNOWN_ERROR_CODE,
  });
}

/**
 * Drives an authorization request without a browser: requests the authorization URL, follows the redirects of
 * the login and consent steps with a cookie jar (all on the authorization server's origin), submits the pages
 * that submit themselves, fills a login form when given `credentials` (the dev server's `interactions: 'form'`),
 * and stops at the redirect URI, returning the `code`, `state`, `iss` (or `id_token`, `access_token`…) it
 * carries, or the `error`. A `form_post` response is read from the page, not posted. It works against any server
 * that needs no choice from the user, such as the dev server.
 *
 * @throws {ConfigurationError} for a URL that is not absolute or has no redirect URI to stop at.
 * @throws {Auth0Error} when the authorization server answers with an error page instead of a redirect, or
 *   refuses the credentials (`errorCode` `access_denied`).
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
  const start = httpUrl(authorizeUrl, 'authorizeUrl');
  const redirectUri = options.redirectUri ?? start.searchParams.get('redirect_uri') ?? undefined;
  const stopAt = redirectUri === undefined ? null : URL.parse(redirectUri);
  if (stopAt === null) {
    throw new ConfigurationError('give redirectUri: the URL has no absolute redirect_uri to stop at', 'redirectUri');
  }
  const end = await browse(start, stopAt, options);
  if (end.kind === 'page') throw unexpectedPage(end);
  if (end.kind === 'form_post') {
    return { ...parseAuthorizationResponse(end.fields), url: end.url.href, responseMode: 'form_post' };
  }
  const response = parseAuthorizationResponse(end.url);
  const fragment = new URLSearchParams(end.url.hash.slice(1));
  const inFragment = fragment.size > 0 && Object.keys(response.params).every((name) => fragment.has(name));
  return { ...response, url: end.url.href, responseMode: inFragment ? 'fragment' : 'query' };
}

/**
 * Ends the provider's session without a browser: requests a logout URL (the `end_session_endpoint` with
 * `id_token_hint` or `client_id`, or Auth0's `/v2/logout`) with the cookies of the login (`cookies`), submits the
 * dev server's logout page, and stops at the post-logout redirect URI (or the provider's "signed out" page). The
 * provider then sends its back-channel logout tokens.
 *
 * @throws {ConfigurationError} for a URL that is not absolute http(s).
 * @throws {Auth0Error} when the provider answers with an error (e.g. a post-logout redirect URI not registered).
 * @throws {NetworkError} on a transport failure, a redirect to another origin, or too many redirects.
 * @example
 * const cookies = new HeadlessCookieJar();
 * const { code } = await headlessLogin(authorizeUrl, { cookies });
 * // …
 * const logout = new URL(server.endpoints.endSession!);
 * logout.search = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: 'http://127.0.0.1/' }).toString();
 * const { url } = await headlessLogout(logout, { cookies }); // 'http://127.0.0.1/'
 */
export async function headlessLogout(
  logoutUrl: string | URL,
  options: HeadlessLogoutOptions = {},
): Promise<HeadlessFlowResult> {
  const start = httpUrl(logoutUrl, 'logoutUrl');
  const target =
    options.postLogoutRedirectUri ??
    start.searchParams.get('post_logout_redirect_uri') ??
    start.searchParams.get('returnTo') ??
    undefined;
  const end = await browse(start, target === undefined ? undefined : httpUrl(target, 'postLogoutRedirectUri'), options);
  if (end.kind === 'page' && end.hasForm) throw unexpectedPage(end);
  const state = end.url.searchParams.get('state');
  return { url: end.url.href, ...(state !== null && { state }) };
}

/**
 * Approves a device code (RFC 8628) without a browser, as the user would on another device: opens the
 * `verification_uri_complete` of a device authorization response, confirms the code, logs in (at once, or with
 * `credentials` on a login form) and consents, ending at the provider's "device activated" page. The device's
 * next poll of the token endpoint then gets its tokens. (With `interactions: 'auto'`, a browser opening that URL
 * approves the device the same way.)
 *
 * @throws {ConfigurationError} for a URL that is not absolute http(s).
 * @throws {Auth0Error} when the provider refuses the code (unknown, expired or used: `errorCode`
 *   `invalid_grant`) or the credentials.
 * @throws {NetworkError} on a transport failure or too many redirects.
 * @example
 * const started = await fetch(server.endpoints.deviceAuthorization, {
 *   method: 'POST',
 *   body: new URLSearchParams({ client_id: 'device', scope: 'openid offline_access' }),
 * });
 * const { device_code, verification_uri_complete } = await started.json();
 * await headlessDeviceApproval(verification_uri_complete);
 * // the device's next poll of server.endpoints.token with device_code gets the tokens
 */
export async function headlessDeviceApproval(
  verificationUriComplete: string | URL,
  options: HeadlessOptions = {},
): Promise<HeadlessFlowResult> {
  const start = httpUrl(verificationUriComplete, 'verificationUriComplete');
  const end = await browse(start, undefined, options);
  if (end.kind !== 'page' || end.hasForm) {
    throw new Auth0Error(`${endpointOf(end.url)} asked for the code again: it is unknown, expired or used`, {
      statusCode: end.kind === 'page' ? end.status : 200,
      errorCode: 'invalid_grant',
    });
  }
  return { url: end.url.href };
}
