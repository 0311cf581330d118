/**
 * The parameter objects of the {@link GetToken} grants, one interface per method.
 *
 * @packageDocumentation
 */
/** Parameters of {@link GetToken.clientCredentials}. */
export interface ClientCredentialsParams {
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
export interface AuthorizationCodeParams {
  /** The code from the authorization response. */
  code: string;
  /** The `redirect_uri` of the authorization request. */
  redirectUri: string;
}

/** Parameters of {@link GetToken.authorizationCodePkce}. */
export interface AuthorizationCodePkceParams extends AuthorizationCodeParams {
  /** The PKCE verifier whose challenge went with the authorization request. */
  codeVerifier: string;
}

/** Parameters of {@link GetToken.login}. */
export interface LoginParams {
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
export interface RefreshTokenParams {
  /** The refresh token. */
  refreshToken: string;
  /** Space-separated scopes, a subset of those originally granted. */
  scope?: string;
}

/** Parameters of {@link GetToken.passwordlessLogin}. */
export interface PasswordlessLoginParams {
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
export interface BackchannelLoginParams {
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
export interface AccessTokenForConnectionParams {
  /** Type of `subjectToken`, e.g. `urn:ietf:params:oauth:token-type:refresh_token`. */
  subjectTokenType: string;
  /** The user's token (refresh token or access token) at this tenant. */
  subjectToken: string;
  /** e.g. `http://auth0.com/oauth/token-type/federated-connection-access-token`. */
  requestedTokenType: string;
  /** The connection whose access token is wanted, e.g. `google-oauth2`. */
  connection?: string;
  /** The user's identifier at the connection, when it holds several accounts. */
  loginHint?: string;
}

/**
 * Parameters of {@link GetToken.tokenExchange}: OAuth 2.0 Token Exchange (RFC 8693 §2.1), e.g. Auth0's Custom
 * Token Exchange. `actorToken` and `actorTokenType` go together or not at all.
 */
export interface TokenExchangeParams {
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
export interface MfaOtpParams {
  /** The `mfa_token` of the `mfa_required` error. */
  mfaToken: string;
  /** The code of the user's authenticator app. */
  otp: string;
}

/** Parameters of {@link GetToken.mfaOob}. */
export interface MfaOobParams {
  /** The `mfa_token` of the `mfa_required` error. */
  mfaToken: string;
  /** The `oob_code` of the challenge or association. */
  oobCode: string;
  /** The code the user received, when the challenge's `binding_method` is `prompt`. */
  bindingCode?: string;
}

/** Parameters of {@link GetToken.mfaRecoveryCode}. */
export interface MfaRecoveryCodeParams {
  /** The `mfa_token` of the `mfa_required` error. */
  mfaToken: string;
  /** One of the user's recovery codes. */
  recoveryCode: string;
}
