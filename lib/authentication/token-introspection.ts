import { TokenResponseError } from '../errors.js';
import { AuthenticationBase, type RequestOptions } from './base.js';
import type { ExtraParamsOption } from './get-token-params.js';
import { extraParams, optionalString, requireString } from './params.js';
import type { IntrospectionResponse } from './types.js';

/** Options of one {@link TokenIntrospection.introspect} call. */
export interface IntrospectOptions extends RequestOptions, ExtraParamsOption {
  /** What the token is, to speed up the server's lookup: `access_token` or `refresh_token` (RFC 7662 §2.1). */
  tokenTypeHint?: string;
}

/**
 * Token introspection (RFC 7662): asks the provider whether a token is active and what it stands for — the way to
 * check an opaque access token (one that is not a JWT). The provider's `introspection_endpoint`, form-encoded,
 * with the configured client authentication (RFC 7662 §2.1). Auth0 has no introspection endpoint.
 * The token goes only in the request body and never into an error.
 *
 * @throws {ConfigurationError} for invalid options, a missing token, or a provider that advertises no
 *   introspection endpoint, before any request.
 * @throws {Auth0Error} when the server refuses the request (e.g. `invalid_client`).
 * @throws {TokenResponseError} for a 2xx answer that is not a JSON object with a boolean `active`.
 * @example
 * const introspection = new TokenIntrospection({ issuer: 'https://sso.example.com/realms/ops', clientId, clientSecret });
 * const { active, sub, scope } = await introspection.introspect(accessToken);
 */
export class TokenIntrospection extends AuthenticationBase {
  /**
   * Introspects a token and resolves to the answer: `{ active: false }` for a token that is expired, revoked,
   * unknown or not for this client, else `active: true` with what the server says of it (`scope`, `client_id`,
   * `sub`, `aud`, `iss`, `exp`…).
   *
   * @example
   * const answer = await introspection.introspect(token, { tokenTypeHint: 'access_token' });
   * if (!answer.active) throw new Error('token not active');
   */
  async introspect(token: string, options: IntrospectOptions = {}): Promise<IntrospectionResponse> {
    const body = {
      token: requireString(token, 'token'),
      token_type_hint: optionalString(options.tokenTypeHint, 'tokenTypeHint'),
    };
    const answer = await this.authenticatedPost<unknown>(
      await this.endpoint('introspection'),
      { ...body, ...extraParams(options, Object.keys(body)) },
      { encoding: 'form', signal: options.signal, clientAssertion: options.clientAssertion },
    );
    if (typeof answer !== 'object' || answer === null || typeof (answer as { active?: unknown }).active !== 'boolean') {
      throw new TokenResponseError(
        'the introspection endpoint answered 2xx without a JSON object with a boolean active',
      );
    }
    return answer as IntrospectionResponse;
  }
}
