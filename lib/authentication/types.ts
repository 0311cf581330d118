/**
 * A successful token-endpoint response (RFC 6749 §5.1, OIDC Core §3.1.3.3), as the server sent it: wire names,
 * unwrapped. Servers may add members (e.g. `authorization_details`); they are kept.
 *
 * @example
 * const tokens: TokenResponse = await getToken.clientCredentials({ audience: 'https://api.example.com/' });
 * fetch(url, { headers: { authorization: `${tokens.token_type} ${tokens.access_token}` } });
 */
export interface TokenResponse {
  /** The access token. */
  access_token: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  /** `Bearer` (or `DPoP`). */
  token_type: string;
  /** The ID token, when `openid` was requested. */
  id_token?: string;
  /** A refresh token, when `offline_access` was requested and allowed. */
  refresh_token?: string;
  /** The granted scopes, space-separated, when they differ from those requested. */
  scope?: string;
  /** The type of the token in `access_token`, in a token-exchange answer (RFC 8693 §2.2.1). */
  issued_token_type?: string;
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * The claims `/userinfo` returns about the user of an access token (OIDC Core §5.3.2), as the server sent them.
 *
 * @example
 * const profile: UserInfo = await users.userinfo(accessToken);
 * console.log(profile.sub, profile.email);
 */
export interface UserInfo {
  /** The user's identifier, e.g. `auth0|64f…`. */
  sub: string;
  /** Other standard (`name`, `email`, `picture`…) and custom claims. */
  [claim: string]: unknown;
}

/**
 * The user created by `/dbconnections/signup`.
 *
 * @example
 * const user: SignupResponse = await database.signup({ email, password, connection: 'Username-Password-Authentication' });
 * console.log(user._id, user.email_verified);
 */
export interface SignupResponse {
  /** The new user's id in the connection (without the `auth0|` prefix). */
  _id: string;
  /** The email the user signed up with. */
  email: string;
  /** Whether the email is verified (always `false` right after signup). */
  email_verified: boolean;
  /** Any other member the server sent (`username`, `given_name`, `user_metadata`…). */
  [member: string]: unknown;
}

/**
 * The answer of `/passwordless/start`.
 *
 * @example
 * const started: PasswordlessStartResponse = await passwordless.email({ email: 'ada@example.com', send: 'code' });
 */
export interface PasswordlessStartResponse {
  /** The id of the passwordless user. */
  _id?: string;
  /** The email the link or code went to. */
  email?: string;
  /** The phone number the code went to. */
  phone_number?: string;
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * The answer of `/delegation` (legacy): a token for another API or application.
 *
 * @example
 * const { id_token } = (await delegated.getToken({ target, apiType: 'app', grantType, idToken })) as DelegationResponse;
 */
export interface DelegationResponse {
  /** The delegated token (`id_token` for `api_type=app`). */
  id_token?: string;
  /** `Bearer`. */
  token_type?: string;
  /** Seconds until the delegated token expires. */
  expires_in?: number;
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * The answer of `/bc-authorize`: the handle to poll the token endpoint with (OpenID CIBA Core §7.3).
 *
 * @example
 * const started: BackChannelLoginResponse = await ciba.backChannelLogin({ bindingMessage, loginHint, scope: 'openid' });
 * const tokens = await getToken.pollBackchannelLogin({
 *   authReqId: started.auth_req_id,
 *   interval: started.interval,
 *   expiresIn: started.expires_in,
 * });
 */
export interface BackChannelLoginResponse {
  /** The authentication request id to pass to the CIBA grant. */
  auth_req_id: string;
  /** Seconds until the request expires. */
  expires_in: number;
  /** Seconds to wait between two polls. */
  interval?: number;
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * The answer of a device authorization request (RFC 8628 §3.2): what to show the user, and the code to poll with.
 *
 * @example
 * const started: DeviceAuthorizationResponse = await deviceAuthorization.start({ scope: 'openid' });
 * console.error(`Open ${started.verification_uri_complete ?? started.verification_uri}, code ${started.user_code}`);
 */
export interface DeviceAuthorizationResponse {
  /** The code to pass to the device grant; never shown to the user. */
  device_code: string;
  /** The code the user enters at `verification_uri`. */
  user_code: string;
  /** Where the user goes, on another device, to approve. */
  verification_uri: string;
  /** `verification_uri` with the user code in it, for a link or a QR code. */
  verification_uri_complete?: string;
  /** Seconds until `device_code` expires. */
  expires_in: number;
  /** Seconds to wait between two polls. */
  interval?: number;
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * The answer of a token introspection (RFC 7662 §2.2): whether the token is active, and what the server says of
 * an active one. Members other than `active` are optional and provider-specific.
 *
 * @example
 * const answer: IntrospectionResponse = await introspection.introspect(token);
 * if (answer.active) console.log(answer.sub, answer.scope);
 */
export interface IntrospectionResponse {
  /** Whether the token is currently active: issued by this server, not expired, not revoked. */
  active: boolean;
  /** Space-separated scopes of the token. */
  scope?: string;
  /** The client the token was issued to. */
  client_id?: string;
  /** A human-readable name of the resource owner. */
  username?: string;
  /** The type of the token, e.g. `Bearer`. */
  token_type?: string;
  /** Expiry, epoch seconds. */
  exp?: number;
  /** Issue time, epoch seconds. */
  iat?: number;
  /** Not before, epoch seconds. */
  nbf?: number;
  /** The subject of the token. */
  sub?: string;
  /** The audience(s) of the token. */
  aud?: string | string[];
  /** The issuer of the token. */
  iss?: string;
  /** The token's identifier. */
  jti?: string;
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * The answer of `/oauth/par` (RFC 9126 §2.2), plus the ready `/authorize` URL that uses it.
 *
 * @example
 * const { authorizationUrl }: PushedAuthorizationResponse = await par.pushedAuthorizationRequest({
 *   responseType: 'code',
 *   redirectUri: 'https://app.example.com/callback',
 * });
 * res.redirect(authorizationUrl);
 */
export interface PushedAuthorizationResponse {
  /** The `urn:ietf:params:oauth:request_uri:…` reference to the pushed request. */
  request_uri: string;
  /** Seconds the reference stays valid. */
  expires_in: number;
  /**
   * Added by authn-client (camelCase because it is not the server's): `https://{domain}/authorize?client_id=…&request_uri=…`.
   */
  authorizationUrl: string;
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * The answer of `/mfa/challenge`.
 *
 * @example
 * const challenge: MfaChallengeResponse = await mfa.challenge({ mfaToken, challengeType: 'oob' });
 * if (challenge.oob_code) await getToken.mfaOob({ mfaToken, oobCode: challenge.oob_code, bindingCode });
 */
export interface MfaChallengeResponse {
  /** `otp` or `oob`: what the user has to answer with. */
  challenge_type: string;
  /** For `oob`: the code to pass to the `mfa-oob` grant. */
  oob_code?: string;
  /** For `oob`: `prompt` when the user must type a binding code shown to them. */
  binding_method?: string;
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * The answer of `/mfa/associate`: what the user needs to finish enrolling a new authenticator.
 *
 * @example
 * const enrolment: MfaAssociateResponse = await mfa.associate({ mfaToken, authenticatorTypes: ['otp'] });
 * showQrCode(enrolment.barcode_uri);
 */
export interface MfaAssociateResponse {
  /** `otp` or `oob`. */
  authenticator_type: string;
  /** For `otp`: the shared secret of the TOTP generator. */
  secret?: string;
  /** For `otp`: an `otpauth://` URI to show as a QR code. */
  barcode_uri?: string;
  /** For `oob`: the channel the code went through (`sms`, `voice`, `auth0`, `email`). */
  oob_channel?: string;
  /** For `oob`: the code to pass to the `mfa-oob` grant. */
  oob_code?: string;
  /** For `oob`: `prompt` when the user must type a binding code. */
  binding_method?: string;
  /** Recovery codes, on the first enrolment. */
  recovery_codes?: string[];
  /** Any other member the server sent. */
  [member: string]: unknown;
}

/**
 * One authenticator enrolled for a user, as `/mfa/authenticators` lists it.
 *
 * @example
 * const authenticators: MfaAuthenticator[] = await mfa.listAuthenticators({ accessToken });
 * const phones = authenticators.filter((a) => a.oob_channel === 'sms');
 */
export interface MfaAuthenticator {
  /** The authenticator id, e.g. `sms|dev_…`, `totp|dev_…`, `recovery-code|dev_…`. */
  id: string;
  /** `otp`, `oob` or `recovery-code`. */
  authenticator_type: string;
  /** Whether enrolment was completed. */
  active: boolean;
  /** For `oob`: `sms`, `voice`, `auth0` or `email`. */
  oob_channel?: string;
  /** A display name, e.g. a masked phone number. */
  name?: string;
  /** Any other member the server sent. */
  [member: string]: unknown;
}
