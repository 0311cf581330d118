import { AuthenticationBase, type RequestOptions } from './base.js';
import { paramsOf, requireString } from './params.js';

/** Parameters of {@link RevokeToken.revokeRefreshToken}. */
export interface RevokeRefreshTokenParams {
  /** The refresh token to revoke. */
  token: string;
}

/**
 * Token revocation (RFC 7009): `POST /oauth/revoke` on Auth0, else the provider's `revocation_endpoint`;
 * form-encoded, with the configured client authentication.
 *
 * @throws {ConfigurationError} for invalid options, a missing token, or a provider that advertises no
 *   revocation endpoint, before any request.
 * @throws {Auth0Error} when the server refuses (e.g. `invalid_client`).
 * @example
 * const revoke = new RevokeToken({ domain: 'tenant.auth0.com', clientId, clientSecret });
 * await revoke.revokeRefreshToken({ token: refreshToken });
 */
export class RevokeToken extends AuthenticationBase {
  /**
   * Revokes a refresh token (and, at Auth0, the grant it belongs to). Resolves when the server accepted it.
   *
   * @example
   * await revoke.revokeRefreshToken({ token: session.refreshToken });
   */
  async revokeRefreshToken(params: RevokeRefreshTokenParams, options?: RequestOptions): Promise<void> {
    const p = paramsOf(params, 'revokeRefreshToken');
    const body = { token: requireString(p.token, 'token') };
    await this.authenticatedPost<unknown>(await this.endpoint('revocation'), body, {
      encoding: 'form',
      signal: options?.signal,
      clientAssertion: options?.clientAssertion,
    });
  }
}
