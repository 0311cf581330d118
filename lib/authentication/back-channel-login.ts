import type { BodyValue } from '../http/form.js';
import { AuthenticationBase, type RequestOptions } from './base.js';
import type { ExtraParamsOption } from './get-token-params.js';
import { extraParams, optionalPositive, paramsOf, requireString } from './params.js';
import type { BackChannelLoginResponse } from './types.js';

/** Parameters of {@link BackChannelLogin.backChannelLogin}; other members go on the wire under their own names. */
export interface BackChannelLoginParams extends ExtraParamsOption {
  /** A short text shown on both devices so the user can tell the request is theirs. */
  bindingMessage: string;
  /**
   * Who to authenticate: Auth0 wants `{ format: 'iss_sub', iss: 'https://tenant/', sub: 'auth0|…' }`; an object is
   * JSON-serialised, a string is sent as it is.
   */
  loginHint: string | Record<string, unknown>;
  /** Space-separated scopes; must include `openid`. */
  scope: string;
  /** Rich authorization requests (RFC 9396): an array of objects (sent as JSON) or its JSON text. */
  authorizationDetails?: string | readonly Record<string, unknown>[];
  /** Seconds the request may wait for the user; a positive integer (Auth0's default: 300). */
  requestedExpiry?: number;
  /** Other `/bc-authorize` parameters under their wire names, e.g. `audience`. */
  [wireName: string]: BodyValue;
}

const NAMED = ['bindingMessage', 'loginHint', 'scope', 'authorizationDetails', 'requestedExpiry'];
const WIRE_NAMES = ['binding_message', 'login_hint', 'scope', 'authorization_details', 'requested_expiry'];

/**
 * Client-Initiated Backchannel Authentication (OpenID CIBA Core): asks the user to approve a login on their own
 * device (`POST /bc-authorize` on Auth0, else the provider's `backchannel_authentication_endpoint`; form-encoded,
 * with the configured client authentication). Then poll with `GetToken.pollBackchannelLogin`.
 *
 * @throws {ConfigurationError} for invalid options, a missing parameter or a `requestedExpiry` that is not a
 *   positive integer, before any request.
 * @throws {Auth0Error} when the server refuses (e.g. `invalid_request` for an unknown user).
 * @example
 * const ciba = new BackChannelLogin({ domain: 'tenant.auth0.com', clientId, clientSecret });
 * const { auth_req_id, interval, expires_in } = await ciba.backChannelLogin({
 *   bindingMessage: 'Transfer 42',
 *   loginHint: { format: 'iss_sub', iss: 'https://tenant.auth0.com/', sub: 'auth0|123' },
 *   scope: 'openid',
 * });
 */
export class BackChannelLogin extends AuthenticationBase {
  /**
   * Starts a back-channel authentication request.
   *
   * @example
   * const started = await ciba.backChannelLogin({
   *   bindingMessage: 'ABC-123',
   *   loginHint: { format: 'iss_sub', iss: 'https://tenant.auth0.com/', sub: userId },
   *   scope: 'openid email',
   *   audience: 'https://api.example.com/',
   *   requestedExpiry: 120,
   * });
   */
  async backChannelLogin(params: BackChannelLoginParams, options?: RequestOptions): Promise<BackChannelLoginResponse> {
    const p = paramsOf(params, 'backChannelLogin');
    const loginHint = p.loginHint;
    if (typeof loginHint !== 'object' || loginHint === null) requireString(loginHint, 'loginHint');
    const body = {
      ...extraParams(p, WIRE_NAMES, NAMED),
      binding_message: requireString(p.bindingMessage, 'bindingMessage'),
      login_hint: loginHint,
      scope: requireString(p.scope, 'scope'),
      authorization_details: p.authorizationDetails,
      requested_expiry: optionalPositive(p.requestedExpiry, 'requestedExpiry', true),
    };
    return this.authenticatedPost<BackChannelLoginResponse>(await this.endpoint('backchannelAuthentication'), body, {
      encoding: 'form',
      signal: options?.signal,
      clientAssertion: options?.clientAssertion,
    });
  }
}
