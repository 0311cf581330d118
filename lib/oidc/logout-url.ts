import { ConfigurationError } from '../errors.js';
import type { ProviderMetadata } from './discovery.js';

/** Options of `OidcClient.logoutUrl`. */
export interface LogoutUrlOptions {
  /** The ID token of the session being ended (`id_token_hint`): the provider then knows whose session it is. */
  idTokenHint?: string;
  /** Where the provider sends the browser afterwards; registered at the provider. @defaultValue the client's option */
  postLogoutRedirectUri?: string;
  /** A value the provider hands back to `postLogoutRedirectUri` unchanged. */
  state?: string;
}

/**
 * Whether the provider is an Auth0 tenant without an advertised `end_session_endpoint`: its token endpoint is
 * Auth0's `/oauth/token` on the issuer's origin. Such a tenant logs out at `/v2/logout`.
 */
function isAuth0(metadata: ProviderMetadata): boolean {
  const issuer = URL.parse(metadata.issuer);
  return issuer !== null && metadata.token_endpoint === `${issuer.origin}/oauth/token`;
}

function text(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(`${option} must be a non-empty string when given`, option);
  }
  return value;
}

/**
 * The URL that ends the user's session at the provider: OpenID Connect RP-Initiated Logout 1.0 at the
 * `end_session_endpoint` (`id_token_hint`, `post_logout_redirect_uri`, `state`, `client_id`), or, for an Auth0
 * tenant that does not advertise one, Auth0's `/v2/logout` (`client_id`, `returnTo`).
 *
 * @throws {ConfigurationError} when the provider has no logout endpoint, or an option is not a non-empty string.
 * @internal
 */
export function buildLogoutUrl(
  metadata: ProviderMetadata,
  clientId: string,
  fallbackRedirectUri: string | undefined,
  options: LogoutUrlOptions,
): string {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('options must be an object');
  const idTokenHint = text(options.idTokenHint, 'idTokenHint');
  const redirectUri = text(options.postLogoutRedirectUri, 'postLogoutRedirectUri') ?? fallbackRedirectUri;
  const state = text(options.state, 'state');
  const endpoint = metadata.end_session_endpoint;
  if (typeof endpoint === 'string' && endpoint !== '') {
    const url = new URL(endpoint);
    if (idTokenHint !== undefined) url.searchParams.set('id_token_hint', idTokenHint);
    url.searchParams.set('client_id', clientId);
    if (redirectUri !== undefined) url.searchParams.set('post_logout_redirect_uri', redirectUri);
    if (state !== undefined) url.searchParams.set('state', state);
    return url.href;
  }
  if (isAuth0(metadata)) {
    const url = new URL('/v2/logout', metadata.issuer);
    url.searchParams.set('client_id', clientId);
    if (redirectUri !== undefined) url.searchParams.set('returnTo', redirectUri);
    return url.href;
  }
  throw new ConfigurationError(
    'the provider advertises no end_session_endpoint, so there is no URL to log out at',
    'end_session_endpoint',
  );
}
