import type { ProviderMetadata } from '../oidc/discovery.js';

/**
 * The endpoints of an OpenID Provider that the client objects call, as absolute URLs: what `endpoints` gives
 * explicitly, or what {@link endpointsFromMetadata} reads from a discovery document. Each is optional: a call
 * whose endpoint is absent is refused with a `ConfigurationError` naming the metadata key, before any request.
 *
 * @example
 * const client = new AuthenticationClient({
 *   endpoints: {
 *     token: 'https://sso.example.com/realms/ops/protocol/openid-connect/token',
 *     revocation: 'https://sso.example.com/realms/ops/protocol/openid-connect/revoke',
 *   },
 *   clientId,
 *   clientSecret,
 * });
 */
export interface ProviderEndpoints {
  /** `authorization_endpoint`: where the user is sent to log in (PAR's `authorizationUrl` starts with it). */
  authorization?: string;
  /** `token_endpoint`: every grant of {@link GetToken}. */
  token?: string;
  /** `revocation_endpoint` (RFC 7009): {@link RevokeToken}. */
  revocation?: string;
  /** `userinfo_endpoint` (OIDC Core §5.3): {@link Users.userinfo}. */
  userinfo?: string;
  /** `pushed_authorization_request_endpoint` (RFC 9126): {@link PushedAuthorizationRequests}. */
  pushedAuthorizationRequest?: string;
  /** `backchannel_authentication_endpoint` (OpenID CIBA Core): {@link BackChannelLogin}. */
  backchannelAuthentication?: string;
  /** `device_authorization_endpoint` (RFC 8628). */
  deviceAuthorization?: string;
  /** `introspection_endpoint` (RFC 7662). */
  introspection?: string;
  /** `end_session_endpoint` (OpenID Connect RP-Initiated Logout). */
  endSession?: string;
  /** `jwks_uri`: the provider's signing keys. */
  jwks?: string;
}

/** The name of one endpoint in {@link ProviderEndpoints}. */
export type EndpointName = keyof ProviderEndpoints;

/** The metadata key (OIDC Discovery §3, RFC 8414 §2) of each endpoint. */
export const METADATA_KEYS: Readonly<Record<EndpointName, string>> = {
  authorization: 'authorization_endpoint',
  token: 'token_endpoint',
  revocation: 'revocation_endpoint',
  userinfo: 'userinfo_endpoint',
  pushedAuthorizationRequest: 'pushed_authorization_request_endpoint',
  backchannelAuthentication: 'backchannel_authentication_endpoint',
  deviceAuthorization: 'device_authorization_endpoint',
  introspection: 'introspection_endpoint',
  endSession: 'end_session_endpoint',
  jwks: 'jwks_uri',
};

/**
 * Auth0's path of each endpoint, used with `domain`. Auth0 has no introspection endpoint: with `domain`, an
 * introspection is refused as for any provider that does not advertise one.
 */
export const AUTH0_PATHS: Readonly<Record<EndpointName, string | undefined>> = {
  authorization: '/authorize',
  token: '/oauth/token',
  revocation: '/oauth/revoke',
  userinfo: '/userinfo',
  pushedAuthorizationRequest: '/oauth/par',
  backchannelAuthentication: '/bc-authorize',
  deviceAuthorization: '/oauth/device/code',
  introspection: undefined,
  endSession: '/v2/logout',
  jwks: '/.well-known/jwks.json',
};

/** Options of {@link endpointsFromMetadata}. */
export interface EndpointsFromMetadataOptions {
  /**
   * The client authenticates with a TLS client certificate (RFC 8705): the endpoints of `mtls_endpoint_aliases`
   * (§5) replace those of the document where the provider gives an alias. @defaultValue false
   */
  mutualTls?: boolean;
}

function stringMember(source: Record<string, unknown>, key: string): string | undefined {
  const value = source[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The endpoints a discovery document advertises, under their {@link ProviderEndpoints} names; with
 * `mutualTls`, the RFC 8705 §5 `mtls_endpoint_aliases` win where they exist. Members that are absent or not
 * strings are left out. The URLs are not checked here: each is checked when a call is about to use it.
 *
 * @example
 * const metadata = await discover('https://sso.example.com/realms/ops');
 * const client = new AuthenticationClient({ endpoints: endpointsFromMetadata(metadata), clientId, clientSecret });
 */
export function endpointsFromMetadata(
  metadata: ProviderMetadata,
  options: EndpointsFromMetadataOptions = {},
): ProviderEndpoints {
  const document = metadata as Record<string, unknown>;
  const aliases = document.mtls_endpoint_aliases;
  const mtls =
    options.mutualTls === true && aliases !== null && typeof aliases === 'object' && !Array.isArray(aliases)
      ? (aliases as Record<string, unknown>)
      : {};
  const endpoints: ProviderEndpoints = {};
  for (const [name, key] of Object.entries(METADATA_KEYS) as [EndpointName, string][]) {
    const url = stringMember(mtls, key) ?? stringMember(document, key);
    if (url !== undefined) endpoints[name] = url;
  }
  return endpoints;
}
