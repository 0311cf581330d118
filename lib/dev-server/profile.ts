// The two faces of the dev server: Auth0's paths, or node-oidc-provider's own under an issuer that may have a path.

/**
 * What the dev server looks like. `auth0`: an Auth0 tenant (Auth0's paths, an issuer with a trailing slash,
 * `audience`, `/v2/logout`). `standard`: node-oidc-provider's own routes under an issuer without a trailing slash
 * and with an optional path, as Keycloak's or Okta's, with introspection and RP-initiated logout.
 */
export type DevServerProfile = 'auth0' | 'standard';

/** The profiles, in the order the help lists them. */
export const PROFILES: readonly DevServerProfile[] = ['auth0', 'standard'];

/** The oidc-provider routes every profile serves. */
type RouteName =
  | 'authorization'
  | 'token'
  | 'userinfo'
  | 'revocation'
  | 'jwks'
  | 'pushed_authorization_request'
  | 'backchannel_authentication'
  | 'device_authorization'
  | 'code_verification'
  | 'end_session';

/** The path of each oidc-provider route, as its `routes` option takes them (introspection: standard only). */
export type Routes = Readonly<Record<RouteName, string>> & { readonly introspection?: string };

/**
 * Auth0's paths. `/v2/logout` is served by oidc-provider's RP-initiated logout (with `returnTo` read as
 * `post_logout_redirect_uri`), which the discovery document does not advertise, as on Auth0.
 */
export const AUTH0_ROUTES: Routes = {
  authorization: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  revocation: '/oauth/revoke',
  jwks: '/.well-known/jwks.json',
  pushed_authorization_request: '/oauth/par',
  backchannel_authentication: '/bc-authorize',
  device_authorization: '/oauth/device/code',
  code_verification: '/activate',
  end_session: '/v2/logout',
};

/** node-oidc-provider's own paths (its defaults), relative to the issuer. */
export const STANDARD_ROUTES: Routes = {
  authorization: '/auth',
  token: '/token',
  userinfo: '/me',
  revocation: '/token/revocation',
  introspection: '/token/introspection',
  jwks: '/jwks',
  pushed_authorization_request: '/request',
  backchannel_authentication: '/backchannel',
  device_authorization: '/device/auth',
  code_verification: '/device',
  end_session: '/session/end',
};

/** The routes of a profile. */
export function routesOf(profile: DevServerProfile): Routes {
  return profile === 'auth0' ? AUTH0_ROUTES : STANDARD_ROUTES;
}

/** The path of the discovery document, relative to the issuer. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** The absolute URLs of the dev server's endpoints; which ones exist depends on the profile. */
export interface DevServerEndpoints {
  /** The discovery document: `{issuer}/.well-known/openid-configuration`. */
  discovery: string;
  /** Authorization: `/authorize` (auth0), `/auth` (standard). */
  authorization: string;
  /** Token: `/oauth/token` (auth0), `/token` (standard). */
  token: string;
  /** UserInfo: `/userinfo` (auth0), `/me` (standard). */
  userinfo: string;
  /** Revocation (RFC 7009): `/oauth/revoke` (auth0), `/token/revocation` (standard). */
  revocation: string;
  /** The public signing keys: `/.well-known/jwks.json` (auth0), `/jwks` (standard). */
  jwks: string;
  /** Pushed authorization requests (RFC 9126): `/oauth/par` (auth0), `/request` (standard). */
  pushedAuthorization: string;
  /** CIBA back-channel authentication: `/bc-authorize` (auth0), `/backchannel` (standard). */
  backchannelAuthentication: string;
  /** Device authorization (RFC 8628): `/oauth/device/code` (auth0), `/device/auth` (standard). */
  deviceAuthorization: string;
  /** The device flow's `verification_uri`, where the user enters the code: `/activate` (auth0), `/device` (standard). */
  deviceVerification: string;
  /** Token introspection (RFC 7662): `/token/introspection`; standard profile only (Auth0 has none). */
  introspection?: string;
  /** RP-initiated logout, the discovered `end_session_endpoint`: `/session/end`; standard profile only. */
  endSession?: string;
  /** Auth0's logout, `/v2/logout` (`returnTo`, `client_id`); auth0 profile only, not in the discovery document. */
  logout?: string;
}

/** The endpoints of a server of `profile` whose issuer is `issuer`. */
export function endpointsOf(profile: DevServerProfile, issuer: string): DevServerEndpoints {
  const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
  const routes = routesOf(profile);
  const url = (route: RouteName | 'introspection'): string => `${base}${routes[route] ?? ''}`;
  const endpoints: DevServerEndpoints = {
    discovery: `${base}${DISCOVERY_PATH}`,
    authorization: url('authorization'),
    token: url('token'),
    userinfo: url('userinfo'),
    revocation: url('revocation'),
    jwks: url('jwks'),
    pushedAuthorization: url('pushed_authorization_request'),
    backchannelAuthentication: url('backchannel_authentication'),
    deviceAuthorization: url('device_authorization'),
    deviceVerification: url('code_verification'),
  };
  if (profile === 'auth0') endpoints.logout = url('end_session');
  else Object.assign(endpoints, { introspection: url('introspection'), endSession: url('end_session') });
  return endpoints;
}
