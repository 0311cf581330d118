import { ConfigurationError } from '../errors.js';
import { AuthenticationBase, type RequestOptions } from './base.js';
import { optionalString, paramsOf, requireString } from './params.js';
import type { DelegationResponse } from './types.js';

/** Parameters of {@link Delegated.getToken}. */
export interface DelegationParams {
  /** The client id of the target application or API. */
  target: string;
  /** `app` for an application, or the add-on type (e.g. `firebase`, `aws`). */
  apiType: string;
  /** `urn:ietf:params:oauth:grant-type:jwt-bearer` with an ID token, `refresh_token` with a refresh token. */
  grantType: string;
  /** The ID token to delegate from; exactly one of `idToken` and `refreshToken`. */
  idToken?: string;
  /** The refresh token to delegate from; exactly one of `idToken` and `refreshToken`. */
  refreshToken?: string;
  /** Space-separated scopes. @defaultValue 'openid' */
  scope?: string;
}

/**
 * Delegation (`POST /delegation`, JSON, legacy and disabled for tenants created after June 2017): a token for
 * another application or add-on, from an ID token or a refresh token.
 *
 * @throws {ConfigurationError} for invalid options, a missing parameter, or both or neither of `idToken` and
 *   `refreshToken`, before any request.
 * @throws {Auth0Error} when the server refuses.
 * @example
 * const delegated = new Delegated({ domain: 'tenant.auth0.com', clientId });
 * const result = await delegated.getToken({
 *   target: otherClientId,
 *   apiType: 'app',
 *   grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
 *   idToken,
 * });
 */
export class Delegated extends AuthenticationBase {
  /**
   * Asks for a delegation token.
   *
   * @example
   * const { id_token } = await delegated.getToken({ target, apiType: 'app', grantType: 'refresh_token', refreshToken });
   */
  async getToken(params: DelegationParams, options?: RequestOptions): Promise<DelegationResponse> {
    const p = paramsOf(params, 'getToken');
    const idToken = optionalString(p.idToken, 'idToken');
    const refreshToken = optionalString(p.refreshToken, 'refreshToken');
    if (idToken && refreshToken) {
      throw new ConfigurationError('give only one of idToken and refreshToken, not both', 'idToken');
    }
    if (!idToken && !refreshToken) {
      throw new ConfigurationError('one of idToken and refreshToken is required', 'idToken');
    }
    return this.post<DelegationResponse>(
      '/delegation',
      {
        client_id: this.clientId,
        grant_type: requireString(p.grantType, 'grantType'),
        target: requireString(p.target, 'target'),
        api_type: requireString(p.apiType, 'apiType'),
        scope: optionalString(p.scope, 'scope') ?? 'openid',
        id_token: idToken,
        refresh_token: refreshToken,
      },
      options,
    );
  }
}
