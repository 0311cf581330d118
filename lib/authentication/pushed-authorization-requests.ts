import type { BodyValue } from '../http/form.js';
import { AuthenticationBase, type RequestOptions } from './base.js';
import type { ExtraParamsOption } from './get-token-params.js';
import { extraParams, paramsOf, requireString } from './params.js';
import type { PushedAuthorizationResponse } from './types.js';

/**
 * Parameters of {@link PushedAuthorizationRequests.pushedAuthorizationRequest}. Every other member is an
 * authorization-request parameter under its wire name (`scope`, `state`, `nonce`, `audience`, `organization`,
 * `code_challenge`, `code_challenge_method`, `request` for JAR, `authorization_details` for RAR…); objects and
 * arrays are sent as JSON, a {@link RepeatedField} as the parameter repeated (several RFC 8707 `resource`s).
 */
export interface PushedAuthorizationRequestParams extends ExtraParamsOption {
  /** `code` (or another response type the client may use). */
  responseType: string;
  /** Where the authorization server sends the user back. */
  redirectUri: string;
  /** Any other authorization-request parameter, under its wire name. */
  [wireName: string]: BodyValue;
}

const NAMED = ['responseType', 'redirectUri'];
const WIRE_NAMES = ['response_type', 'redirect_uri'];

/** What the server answers, before the authorization URL is added. */
type ParAnswer = Omit<PushedAuthorizationResponse, 'authorizationUrl'> & { request_uri: string; expires_in: number };

/**
 * Pushed Authorization Requests (RFC 9126): sends the authorization request's parameters straight to the server
 * (`POST /oauth/par` on Auth0, else the provider's `pushed_authorization_request_endpoint`; form-encoded, with the
 * configured client authentication) and returns the `request_uri` that stands for them, with the ready URL of
 * the authorization endpoint to send the user to.
 *
 * @throws {ConfigurationError} for invalid options, a missing parameter, a parameter the library sets itself
 *   (client authentication, a named option's wire name), or a provider that advertises no PAR or no
 *   authorization endpoint, before any request.
 * @throws {Auth0Error} when the server refuses (e.g. `invalid_request`, `invalid_client`).
 * @example
 * const par = new PushedAuthorizationRequests({ domain: 'tenant.auth0.com', clientId, clientSecret });
 * const { authorizationUrl } = await par.pushedAuthorizationRequest({
 *   responseType: 'code',
 *   redirectUri: 'https://app.example.com/callback',
 *   scope: 'openid profile',
 *   state,
 * });
 */
export class PushedAuthorizationRequests extends AuthenticationBase {
  /**
   * Pushes an authorization request.
   *
   * @example
   * const { request_uri, expires_in, authorizationUrl } = await par.pushedAuthorizationRequest({
   *   responseType: 'code',
   *   redirectUri: 'https://app.example.com/callback',
   *   code_challenge: challenge,
   *   code_challenge_method: 'S256',
   *   authorization_details: [{ type: 'payment_initiation', amount: '42' }],
   * });
   */
  async pushedAuthorizationRequest(
    params: PushedAuthorizationRequestParams,
    options?: RequestOptions,
  ): Promise<PushedAuthorizationResponse> {
    const p = paramsOf(params, 'pushedAuthorizationRequest');
    const body = {
      ...extraParams(p, WIRE_NAMES, NAMED),
      response_type: requireString(p.responseType, 'responseType'),
      redirect_uri: requireString(p.redirectUri, 'redirectUri'),
    };
    const authorization = new URL(await this.endpoint('authorization'));
    const response = await this.authenticatedPost<ParAnswer>(await this.endpoint('pushedAuthorizationRequest'), body, {
      encoding: 'form',
      signal: options?.signal,
      clientAssertion: options?.clientAssertion,
    });
    authorization.searchParams.set('client_id', this.clientId);
    authorization.searchParams.set('request_uri', String(response.request_uri));
    return { ...response, authorizationUrl: authorization.href };
  }
}
