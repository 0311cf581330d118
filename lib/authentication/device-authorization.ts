import { AuthenticationBase, type RequestOptions } from './base.js';
import type { ExtraParamsOption } from './get-token-params.js';
import { extraParams, optionalString, paramsOf } from './params.js';
import type { DeviceAuthorizationResponse } from './types.js';

/** Parameters of {@link DeviceAuthorization.start}. */
export interface DeviceAuthorizationParams extends ExtraParamsOption {
  /** Space-separated scopes, e.g. `openid profile offline_access`. */
  scope?: string;
  /** The API the access token is for (Auth0's `audience`). */
  audience?: string;
}

/**
 * The device authorization grant (RFC 8628): starts a login that the user finishes on another device — a
 * browser on their phone or laptop — for a CLI, a CI job or a device without a keyboard.
 * `POST /oauth/device/code` on Auth0, else the provider's `device_authorization_endpoint`; form-encoded, with the
 * configured client authentication (a public client sends its `client_id` only). Then show the user
 * `verification_uri` and `user_code` (or `verification_uri_complete`) and poll with `GetToken.pollDeviceCode`.
 *
 * @throws {ConfigurationError} for invalid options or parameters, or a provider that advertises no device
 *   authorization endpoint, before any request.
 * @throws {Auth0Error} when the server refuses (e.g. `unauthorized_client` for a client without the grant).
 * @example
 * const client = new AuthenticationClient({ issuer: 'https://sso.example.com/realms/ops', clientId: 'cli' });
 * const started = await client.deviceAuthorization.start({ scope: 'openid offline_access' });
 * console.error(`Open ${started.verification_uri} and enter ${started.user_code}`);
 * const tokens = await client.getToken.pollDeviceCode({
 *   deviceCode: started.device_code,
 *   interval: started.interval,
 *   expiresIn: started.expires_in,
 * });
 */
export class DeviceAuthorization extends AuthenticationBase {
  /**
   * Starts a device authorization (RFC 8628 §3.1) and resolves to the server's answer: `device_code`,
   * `user_code`, `verification_uri`, `verification_uri_complete?`, `expires_in`, `interval?`.
   *
   * @example
   * const { user_code, verification_uri_complete } = await deviceAuthorization.start({
   *   scope: 'openid',
   *   audience: 'https://api.example.com/',
   * });
   */
  async start(params: DeviceAuthorizationParams = {}, options?: RequestOptions): Promise<DeviceAuthorizationResponse> {
    const p = paramsOf(params, 'start');
    const body = { scope: optionalString(p.scope, 'scope'), audience: optionalString(p.audience, 'audience') };
    return this.authenticatedPost<DeviceAuthorizationResponse>(
      await this.endpoint('deviceAuthorization'),
      { ...body, ...extraParams(p, Object.keys(body)) },
      { encoding: 'form', signal: options?.signal, clientAssertion: options?.clientAssertion },
    );
  }
}
