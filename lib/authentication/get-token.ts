import { Auth0Error, AuthorizationExpiredError, ConfigurationError, RateLimitError } from '../errors.js';
import type { Body } from '../http/form.js';
import { sleep } from '../http/sleep.js';
import { AuthenticationBase, type RequestOptions } from './base.js';
import {
  type ExtraParams,
  extraParams,
  optionalPositive,
  optionalString,
  optionalStrings,
  paramsOf,
  requireString,
} from './params.js';
import type { TokenResponse } from './types.js';
import type {
  ExtraParamsOption,
  ClientCredentialsParams,
  AuthorizationCodeParams,
  AuthorizationCodePkceParams,
  LoginParams,
  RefreshTokenParams,
  PasswordlessLoginParams,
  BackchannelLoginParams,
  PollBackchannelLoginParams,
  AccessTokenForConnectionParams,
  MfaOtpParams,
  MfaOobParams,
  MfaRecoveryCodeParams,
  TokenExchangeParams,
} from './get-token-params.js';

/** Grant types of `/oauth/token`. */
const GRANT = {
  clientCredentials: 'client_credentials',
  authorizationCode: 'authorization_code',
  password: 'password',
  passwordRealm: 'http://auth0.com/oauth/grant-type/password-realm',
  refreshToken: 'refresh_token',
  passwordless: 'http://auth0.com/oauth/grant-type/passwordless/otp',
  ciba: 'urn:openid:params:grant-type:ciba',
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  federatedConnection: 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token',
  mfaOtp: 'http://auth0.com/oauth/grant-type/mfa-otp',
  mfaOob: 'http://auth0.com/oauth/grant-type/mfa-oob',
  mfaRecoveryCode: 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
} as const;

/** Auth0's token types of a federated-connection token exchange, node-auth0's defaults. */
const CONNECTION_SUBJECT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';
const CONNECTION_REQUESTED_TOKEN_TYPE = 'http://auth0.com/oauth/token-type/federated-connection-access-token';

/** Default CIBA poll interval, seconds (OpenID CIBA Core §7.3). */
const DEFAULT_POLL_INTERVAL = 5;
/** Seconds added to the poll interval on each `slow_down` (RFC 8628 §3.5, CIBA Core §11). */
const SLOW_DOWN_STEP = 5;

/**
 * The `actor_token` and `actor_token_type` of a token exchange: both or neither (RFC 8693 §2.1). The messages name
 * the parameter, never its value.
 */
function actorOf(p: TokenExchangeParams): Body {
  const hasToken = p.actorToken !== undefined && p.actorToken !== null;
  const hasType = p.actorTokenType !== undefined && p.actorTokenType !== null;
  if (!hasToken && !hasType) return {};
  if (!hasToken) {
    throw new ConfigurationError(
      'actorTokenType must not be given without actorToken (RFC 8693 §2.1)',
      'actorTokenType',
    );
  }
  const actorToken = requireString(p.actorToken, 'actorToken');
  if (!hasType) {
    throw new ConfigurationError(
      'actorTokenType is required when actorToken is given (RFC 8693 §2.1)',
      'actorTokenType',
    );
  }
  return { actor_token: actorToken, actor_token_type: requireString(p.actorTokenType, 'actorTokenType') };
}

/**
 * Every grant of the token endpoint (`POST /oauth/token`, form-encoded, with the configured client
 * authentication), plus a CIBA polling loop. Each method resolves to the server's {@link TokenResponse} unchanged.
 *
 * @throws {ConfigurationError} (constructor) for invalid options; (methods) for a missing required parameter,
 *   before any request.
 * @throws {Auth0Error} when the server refuses the grant; an `mfa_required` error carries `mfaToken`.
 * @throws {RateLimitError} when rate-limited after the configured retries.
 * @throws {NetworkError | TimeoutError} when no answer came.
 * @example
 * const getToken = new GetToken({ domain: 'tenant.us.auth0.com', clientId, clientSecret });
 * const { access_token } = await getToken.clientCredentials({ audience: 'https://api.example.com/' });
 */
export class GetToken extends AuthenticationBase {
  /**
   * Client-credentials grant: a token for this client itself (M2M). Sends `audience` and/or `resource` as given.
   *
   * @example
   * const tokens = await getToken.clientCredentials({ audience: 'https://api.example.com/', scope: 'read:reports' });
   */
  async clientCredentials(params: ClientCredentialsParams = {}, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'clientCredentials');
    return this.#grant(
      GRANT.clientCredentials,
      {
        audience: optionalString(p.audience, 'audience'),
        resource: optionalStrings(p.resource, 'resource'),
        organization: optionalString(p.organization, 'organization'),
        scope: optionalString(p.scope, 'scope'),
      },
      p,
      options,
    );
  }

  /**
   * Authorization-code grant (confidential clients).
   *
   * @example
   * const tokens = await getToken.authorizationCode({ code: req.query.code, redirectUri: 'https://app.example.com/cb' });
   */
  async authorizationCode(params: AuthorizationCodeParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'authorizationCode');
    return this.#grant(
      GRANT.authorizationCode,
      { code: requireString(p.code, 'code'), redirect_uri: optionalString(p.redirectUri, 'redirectUri') },
      p,
      options,
    );
  }

  /**
   * Authorization-code grant with PKCE (RFC 7636). A public client sends only its id; a confidential one also
   * authenticates (the original never did).
   *
   * @example
   * const tokens = await getToken.authorizationCodePkce({ code, codeVerifier, redirectUri: 'http://localhost:3000/cb' });
   */
  async authorizationCodePkce(params: AuthorizationCodePkceParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'authorizationCodePkce');
    return this.#grant(
      GRANT.authorizationCode,
      {
        code: requireString(p.code, 'code'),
        code_verifier: requireString(p.codeVerifier, 'codeVerifier'),
        redirect_uri: optionalString(p.redirectUri, 'redirectUri'),
      },
      p,
      options,
    );
  }

  /**
   * Resource-owner password grant: the standard `password` grant, or Auth0's password-realm grant when `realm`
   * names the connection. An `mfa_required` answer rejects with an `Auth0Error` whose `mfaToken` is set.
   *
   * @example
   * const tokens = await getToken.login({ username, password, realm: 'Username-Password-Authentication', scope: 'openid' });
   */
  async login(params: LoginParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'login');
    const realm = optionalString(p.realm, 'realm');
    const forwardedFor = optionalString(p.forwardedFor, 'forwardedFor');
    return this.#grant(
      realm === undefined ? GRANT.password : GRANT.passwordRealm,
      {
        username: requireString(p.username, 'username'),
        password: requireString(p.password, 'password'),
        realm,
        scope: optionalString(p.scope, 'scope'),
        audience: optionalString(p.audience, 'audience'),
      },
      p,
      options,
      forwardedFor ? { 'auth0-forwarded-for': forwardedFor } : undefined,
    );
  }

  /**
   * Refresh-token grant.
   *
   * @example
   * const tokens = await getToken.refreshToken({ refreshToken: stored.refresh_token });
   */
  async refreshToken(params: RefreshTokenParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'refreshToken');
    return this.#grant(
      GRANT.refreshToken,
      { refresh_token: requireString(p.refreshToken, 'refreshToken'), scope: optionalString(p.scope, 'scope') },
      p,
      options,
    );
  }

  /**
   * Passwordless OTP grant: exchanges the code sent by `Passwordless.email({ send: 'code' })` or `.sms()`.
   *
   * @example
   * const tokens = await getToken.passwordlessLogin({ username: '+14155550100', otp: '123456', realm: 'sms' });
   */
  async passwordlessLogin(params: PasswordlessLoginParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'passwordlessLogin');
    return this.#grant(
      GRANT.passwordless,
      {
        username: requireString(p.username, 'username'),
        otp: requireString(p.otp, 'otp'),
        realm: requireString(p.realm, 'realm'),
        scope: optionalString(p.scope, 'scope'),
        audience: optionalString(p.audience, 'audience'),
      },
      p,
      options,
    );
  }

  /**
   * CIBA grant: one poll for the tokens of a back-channel authentication request. Rejects with an `Auth0Error`
   * (`authorization_pending`, `expired_token`, `access_denied`) or a `RateLimitError` (`slow_down`) until the
   * user approves; {@link GetToken.pollBackchannelLogin} runs the whole loop.
   *
   * @example
   * const tokens = await getToken.backchannelLogin({ authReqId });
   */
  async backchannelLogin(params: BackchannelLoginParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'backchannelLogin');
    return this.#grant(GRANT.ciba, { auth_req_id: requireString(p.authReqId, 'authReqId') }, p, options);
  }

  /**
   * Polls the CIBA grant until the user approves: waits `interval` seconds before each poll, keeps going on
   * `authorization_pending`, adds 5 s to the interval on each `slow_down` (and waits at least the server's
   * `Retry-After`), and stops with the server's error on `expired_token`, `access_denied` or anything else.
   * Polls bypass the transport's 429 retries, so no wait is doubled.
   *
   * @throws {AuthorizationExpiredError} when the next poll would come after `expiresIn`.
   * @throws {Auth0Error} when the server ends the request (`expired_token`, `access_denied`…).
   * @throws the signal's `reason` when `options.signal` aborts, during a wait or a request.
   * @example
   * const started = await backChannel.backChannelLogin({ bindingMessage: 'ABC-123', loginHint, scope: 'openid' });
   * const tokens = await getToken.pollBackchannelLogin(
   *   { authReqId: started.auth_req_id, interval: started.interval, expiresIn: started.expires_in },
   *   { signal: AbortSignal.timeout(600_000) },
   * );
   */
  async pollBackchannelLogin(params: PollBackchannelLoginParams, options: RequestOptions = {}): Promise<TokenResponse> {
    const p = paramsOf(params, 'pollBackchannelLogin');
    const authReqId = requireString(p.authReqId, 'authReqId');
    let interval = optionalPositive(p.interval, 'interval') ?? DEFAULT_POLL_INTERVAL;
    const expiresIn = optionalPositive(p.expiresIn, 'expiresIn');
    const { signal } = options;
    const deadline = expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000;
    let wait = interval * 1000;
    for (;;) {
      if (Date.now() + wait > deadline) {
        throw new AuthorizationExpiredError(
          `the back-channel authentication request expired after ${expiresIn} s without approval`,
        );
      }
      await sleep(wait, signal);
      try {
        return await this.#grant(GRANT.ciba, { auth_req_id: authReqId }, p, options, undefined, false);
      } catch (err) {
        if (err instanceof RateLimitError) {
          if (err.errorCode === 'slow_down') interval += SLOW_DOWN_STEP;
          wait = Math.max(interval, err.retryAfter ?? 0) * 1000;
        } else if (err instanceof Auth0Error && err.errorCode === 'authorization_pending') {
          wait = interval * 1000;
        } else {
          throw err;
        }
      }
    }
  }

  /**
   * Token Vault: exchanges the user's token at this tenant for an access token of a federated connection.
   *
   * @example
   * const { access_token } = await getToken.accessTokenForConnection({
   *   subjectTokenType: 'urn:ietf:params:oauth:token-type:refresh_token',
   *   subjectToken: refreshToken,
   *   requestedTokenType: 'http://auth0.com/oauth/token-type/federated-connection-access-token',
   *   connection: 'google-oauth2',
   * });
   */
  async accessTokenForConnection(
    params: AccessTokenForConnectionParams,
    options?: RequestOptions,
  ): Promise<TokenResponse> {
    const p = paramsOf(params, 'accessTokenForConnection');
    return this.#grant(
      GRANT.federatedConnection,
      {
        subject_token_type: optionalString(p.subjectTokenType, 'subjectTokenType') ?? CONNECTION_SUBJECT_TOKEN_TYPE,
        subject_token: requireString(p.subjectToken, 'subjectToken'),
        requested_token_type:
          optionalString(p.requestedTokenType, 'requestedTokenType') ?? CONNECTION_REQUESTED_TOKEN_TYPE,
        connection: optionalString(p.connection, 'connection'),
        login_hint: optionalString(p.loginHint, 'loginHint'),
      },
      p,
      options,
    );
  }

  /**
   * OAuth 2.0 Token Exchange (RFC 8693), as Auth0's Custom Token Exchange uses it: trades `subjectToken` (and,
   * for delegation, `actorToken`) for a token of `requestedTokenType`. The answer's `issued_token_type` says what
   * was issued. Neither token ever appears in an error.
   *
   * @throws {ConfigurationError} before any request when `subjectToken` or `subjectTokenType` is missing, or when
   *   only one of `actorToken` and `actorTokenType` is given (RFC 8693 §2.1).
   * @example
   * const { access_token, issued_token_type } = await getToken.tokenExchange({
   *   subjectToken: externalToken,
   *   subjectTokenType: 'urn:acme:legacy-session-token',
   *   audience: 'https://api.example.com/',
   *   scope: 'openid read:reports',
   * });
   */
  async tokenExchange(params: TokenExchangeParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'tokenExchange');
    const body: Body = {
      subject_token: requireString(p.subjectToken, 'subjectToken'),
      subject_token_type: requireString(p.subjectTokenType, 'subjectTokenType'),
      requested_token_type: optionalString(p.requestedTokenType, 'requestedTokenType'),
      audience: optionalStrings(p.audience, 'audience'),
      resource: optionalStrings(p.resource, 'resource'),
      scope: optionalString(p.scope, 'scope'),
      ...actorOf(p),
      organization: optionalString(p.organization, 'organization'),
    };
    return this.#grant(GRANT.tokenExchange, body, p, options);
  }

  /**
   * MFA grant with a one-time password from an authenticator app, after an `mfa_required` error.
   *
   * @example
   * const tokens = await getToken.mfaOtp({ mfaToken: err.mfaToken, otp: '123456' });
   */
  async mfaOtp(params: MfaOtpParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'mfaOtp');
    return this.#grant(
      GRANT.mfaOtp,
      { mfa_token: requireString(p.mfaToken, 'mfaToken'), otp: requireString(p.otp, 'otp') },
      p,
      options,
    );
  }

  /**
   * MFA grant with an out-of-band code (SMS, voice, email, push), after `Mfa.challenge` or `Mfa.associate`.
   * Rejects with `authorization_pending` while a push notification is unanswered.
   *
   * @example
   * const tokens = await getToken.mfaOob({ mfaToken, oobCode: challenge.oob_code, bindingCode: '123456' });
   */
  async mfaOob(params: MfaOobParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'mfaOob');
    return this.#grant(
      GRANT.mfaOob,
      {
        mfa_token: requireString(p.mfaToken, 'mfaToken'),
        oob_code: requireString(p.oobCode, 'oobCode'),
        binding_code: optionalString(p.bindingCode, 'bindingCode'),
      },
      p,
      options,
    );
  }

  /**
   * MFA grant with a recovery code. The answer carries a new `recovery_code` to show the user.
   *
   * @example
   * const { access_token, recovery_code } = await getToken.mfaRecoveryCode({ mfaToken, recoveryCode });
   */
  async mfaRecoveryCode(params: MfaRecoveryCodeParams, options?: RequestOptions): Promise<TokenResponse> {
    const p = paramsOf(params, 'mfaRecoveryCode');
    return this.#grant(
      GRANT.mfaRecoveryCode,
      {
        mfa_token: requireString(p.mfaToken, 'mfaToken'),
        recovery_code: requireString(p.recoveryCode, 'recoveryCode'),
      },
      p,
      options,
    );
  }

  /**
   * Any other grant type (an extension grant, RFC 6749 §4.5, or one this class does not name): `params` go on
   * the wire as they are, a list as the field repeated, with the configured client authentication.
   *
   * @throws {ConfigurationError} before any request for a missing grant type, or a parameter the library sets
   *   itself (`grant_type`, `client_id`, `client_secret`, `client_assertion*`, `code_verifier`).
   * @example
   * const tokens = await getToken.grant('urn:ietf:params:oauth:grant-type:jwt-bearer', {
   *   assertion: signedJwt,
   *   scope: 'read:reports',
   * });
   */
  async grant(grantType: string, params: ExtraParams = {}, options?: RequestOptions): Promise<TokenResponse> {
    return this.#grant(requireString(grantType, 'grantType'), {}, { extraParams: params }, options);
  }

  async #grant(
    grantType: string,
    body: Body,
    params: ExtraParamsOption,
    options: RequestOptions = {},
    headers?: Record<string, string>,
    retry?: boolean,
  ): Promise<TokenResponse> {
    const form = { grant_type: grantType, ...body, ...extraParams(params, Object.keys(body)) };
    return this.authenticatedPost<TokenResponse>(await this.endpoint('token'), form, {
      encoding: 'form',
      signal: options.signal,
      clientAssertion: options.clientAssertion,
      headers,
      retry,
    });
  }
}
