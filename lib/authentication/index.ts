// The public surface of lib/authentication/.
export { AuthenticationClient } from './authentication-client.js';
export { BackChannelLogin, type BackChannelLoginParams } from './back-channel-login.js';
export {
  AuthenticationBase,
  type AuthenticationOptions,
  type Encoding,
  type EndpointOptions,
  type GetOptions,
  type PostOptions,
  type RequestOptions,
} from './base.js';
export {
  ClientAuthentication,
  type ClientAuthenticationCall,
  type ClientAssertionAlgorithm,
  type ClientAuthenticationParts,
  type ClientAuthMethod,
  type ClientCredentials,
} from './client-authentication.js';
export { type ChangePasswordParams, Database, type SignupParams } from './database.js';
export { Delegated, type DelegationParams } from './delegated.js';
export {
  type EndpointName,
  endpointsFromMetadata,
  type EndpointsFromMetadataOptions,
  type ProviderEndpoints,
} from './endpoints.js';
export { Enterprise } from './enterprise.js';
export { GetToken } from './get-token.js';
export {
  type AccessTokenForConnectionParams,
  type AuthorizationCodeParams,
  type AuthorizationCodePkceParams,
  type BackchannelLoginParams,
  type ClientCredentialsParams,
  type ExtraParamsOption,
  type LoginParams,
  type MfaOobParams,
  type MfaOtpParams,
  type MfaRecoveryCodeParams,
  type PasswordlessLoginParams,
  type PollBackchannelLoginParams,
  type RefreshTokenParams,
  type TokenExchangeParams,
} from './get-token-params.js';
export {
  Mfa,
  type MfaAssociateParams,
  type MfaChallengeParams,
  type MfaDeleteAuthenticatorParams,
  type MfaListAuthenticatorsParams,
} from './mfa.js';
export { Passwordless, type PasswordlessEmailParams, type PasswordlessSmsParams } from './passwordless.js';
export type { ExtraParams } from './params.js';
export { PushedAuthorizationRequests, type PushedAuthorizationRequestParams } from './pushed-authorization-requests.js';
export { RevokeToken, type RevokeRefreshTokenParams } from './revoke-token.js';
export { TOKEN_TYPE } from './token-types.js';
export type {
  BackChannelLoginResponse,
  DelegationResponse,
  MfaAssociateResponse,
  MfaAuthenticator,
  MfaChallengeResponse,
  PasswordlessStartResponse,
  PushedAuthorizationResponse,
  SignupResponse,
  TokenResponse,
  UserInfo,
} from './types.js';
export { type UserinfoOptions, Users, type UsersOptions } from './users.js';
