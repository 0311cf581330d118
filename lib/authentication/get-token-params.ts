/**
 * The parameter objects of the {@link GetToken} grants, one interface per method.
 *
 * @packageDocumentation
 */
import type { ExtraParams } from './params.js';

/** The `extraParams` member of every grant's parameters, and of PAR, CIBA and the device authorization. */
export interface ExtraParamsOption {
  /**
   * Other parameters of the request, under their wire names (a provider's custom parameters, e.g. Okta's
   * `acr_values`); a list is sent as the field repeated. A name the library sets itself (`grant_type`,
   * `client_id`, `client_secret`, `client_assertion`, `client_assertion_type`, `code_verifier`) or the wire name
   * of a named option of the call is a `ConfigurationError`.
   */
  extraParams?: ExtraParams;
}

/** Parameters of {@link GetToken.clientCredentials}. */
export interface ClientCredentialsParams extends ExtraParamsOption {
  /** The API identifier the token is for (Auth0's `audience`). Optional when the tenant has a default audience. */
  audience?: string;
  /**
   * RFC 8707 resource indicator: what standard OPs (node-oidc-provider, Keycloak…) use instead of `audience`. A
   * list is sent as the `resource` field repeated, for a token good at several resource servers.
   */
  resource?: string | readonly string[];
  /** The organization (id or name) the token is for. */
  organization?: string;
  /** Space-separated scopes; Auth0 grants every authorised scope when absent. */
  scope?: string;
}

/** Parameters of {@link GetToken.authorizationCode}. */
export interface AuthorizationCodeParams extends ExtraParamsOption {
  /** The code from the authorization response. */
  code: string;
  /**
   * The `redirect_uri` of the authorization request; required when it carried one (RFC 6749 §4.1.3). When
   * absent, none is sent and the provider uses the client's registered one.
   */
  redirectUri?: string;
}

/** Parameters of {@link GetToken.authorizationCodePkce}. */
export interface AuthorizationCodePkceParams extends AuthorizationCodeParams {
  /** The PKCE verifier whose challenge went with the authorization request. */
  codeVerifier: string;
}

/** Parameters of {@link GetToken.login}. */
export interface LoginParams extends ExtraParamsOption {
  /** The user's username or email. */
  username: string;
  /** The user's password. */
  password: string;
  /** Space-separated scopes, e.g. `openid profile offline_access`. */
  scope?: string;
  /** The connection to log in with; when given, Auth0's password-realm grant is used, else the standard `password` grant. */
  realm?: string;
  /** The API identifier the access token is for. */
  audience?: string;
  /** The end user's IP address, sent as `auth0-forwarded-for` (brute-force protection of server-side logins). */
  forwardedFor?: string;
}

/** Parameters of {@link GetToken.refreshToken}. */
export interface RefreshTokenParams extends ExtraParamsOption {
  /** The refresh token. */
  refreshToken: string;
  /** Space-separated scopes, a subset of those originally granted. */
  scope?: string;
}

/** Parameters of {@link GetToken.passwordlessLogin}. */
export interface PasswordlessLoginParams extends ExtraParamsOption {
  /** The email or phone number the code was sent to. */
  username: string;
  /** The one-time code the user received. */
  otp: string;
  /** `email` or `sms`: the connection the code was sent through. */
  realm: 'email' | 'sms';
  /** Space-separated scopes. */
  scope?: string;
  /** The API identifier the access token is for. */
  audience?: string;
}

/** Parameters of {@link GetToken.backchannelLogin}. */
export interface BackchannelLoginParams extends ExtraParamsOption {
  /** The `auth_req_id` returned by `/bc-authorize`. */
  authReqId: string;
}

/** Parameters of {@link GetToken.pollBackchannelLogin}. */
export interface PollBackchannelLoginParams extends BackchannelLoginParams {
  /** Seconds between polls, from the `/bc-authorize` answer. @defaultValue 5 */
  interval?: number;
  /** Seconds until the request expires, from the `/bc-authorize` answer; polling stops there. @defaultValue no deadline */
  expiresIn?: number;
}

/** Parameters of {@link GetToken.accessTokenForConnection}. */
export interface AccessTokenForConnectionParams extends ExtraParamsOption {
  /**
   * Type of `subjectToken`. @defaultValue `urn:ietf:params:oauth:token-type:refresh_token`, as node-auth0
   */
  subjectTokenType?: string;
  /** The user's token (refresh token or access token) at this tenant. */
  subjectToken: string;
  /**
   * The type of token wanted.
   * @defaultValue `http://auth0.com/oauth/token-type/federated-connection-access-token`, as node-auth0
   */
  requestedTokenType?: string;
  /** The connection whose access token is wanted, e.g. `google-oauth2`. */
  connection?: string;
  /** The user's identifier at the connection, when it holds several accounts. */
  loginHint?: string;
}

/**
 * Parameters of {@link GetToken.tokenExchange}: OAuth 2.0 Token Exchange (RFC 8693 §2.1), e.g. Auth0's Custom
 * Token Exchange. `actorToken` and `actorTokenType` go together or not at all.
 */
export interface TokenExchangeParams extends ExtraParamsOption {
  /** The token to exchange: it represents the party on whose behalf the request is made. Kept out of every error. */
  subjectToken: string;
  /** Type of `subjectToken`, e.g. {@link TOKEN_TYPE}`.accessToken`, or the URI of an Auth0 Custom Token Exchange profile. */
  subjectTokenType: string;
  /** The type of token wanted, e.g. {@link TOKEN_TYPE}`.accessToken`; the server picks one when absent. */
  requestedTokenType?: string;
  /** The API identifier (logical name) the token is for; a list is sent as the `audience` field repeated. */
  audience?: string | readonly string[];
  /** RFC 8707 resource indicator: the URI of the resource server the token is for; a list is sent repeated. */
  resource?: string | readonly string[];
  /** Space-separated scopes. */
  scope?: string;
  /** A token of the acting party (delegation, RFC 8693 §1.1). Requires `actorTokenType`. Kept out of every error. */
  actorToken?: string;
  /** Type of `actorToken`; required with it and refused without it (RFC 8693 §2.1). */
  actorTokenType?: string;
  /** The organization (id or name) the token is for (Auth0). */
  organization?: string;
}

/** Parameters of {@link GetToken.mfaOtp}. */
export interface MfaOtpParams extends ExtraParamsOption {
  /** The `mfa_token` of the `mfa_required` error. */
  mfaToken: string;
  /** The code of the user's authenticator app. */
  otp: string;
}

/** Parameters of {@link GetToken.mfaOob}. */
export interface MfaOobParams extends ExtraParamsOption {
  /** The `mfa_token` of the `mfa_required` error. */
  mfaToken: string;
  /** The `oob_code` of the challenge or association. */
  oobCode: string;
  /** The code the user received, when the challenge's `binding_method` is `prompt`. */
  bindingCode?: string;
}

/** Parameters of {@link GetToken.mfaRecoveryCode}. */
export interface MfaRecoveryCodeParams extends ExtraParamsOption {
  /** The `mfa_token` of the `mfa_required` error. */
  mfaToken: string;
  /** One of the user's recovery codes. */
  recoveryCode: string;
}
