import { ConfigurationError, TokenValidationError } from '../errors.js';
import { HttpClient } from '../http/http-client.js';
import { type RequestOptions, SHARED_TRANSPORT, type SharedOptions } from './base.js';
import { type EndpointOptions, EndpointResolver } from './endpoint-resolver.js';
import { requireString } from './params.js';
import type { UserInfo } from './types.js';

/**
 * Options of {@link Users}: where the provider is (`domain`, `issuer`, `discoveryUri` or `endpoints`) and the
 * transport; no client id, since the userinfo endpoint acts for the token's user.
 */
export type UsersOptions = EndpointOptions;

/** Options of one {@link Users.userinfo} call. */
export interface UserinfoOptions extends Omit<RequestOptions, 'clientAssertion'> {
  /**
   * The `sub` of the verified ID token of the same login: the response must be about that user, or the call
   * rejects (OIDC Core §5.3.2, the token-substitution check).
   */
  subject?: string;
}

/**
 * The user's profile (OIDC Core §5.3) for an access token: `GET /userinfo` on Auth0, else the provider's
 * `userinfo_endpoint`. No client credentials are involved. The access token goes only in the `Authorization`
 * header and never into an error.
 *
 * @throws {ConfigurationError} for invalid location options, a missing access token, or a provider that
 *   advertises no userinfo endpoint, before any request.
 * @throws {Auth0Error} when the server refuses the token (401).
 * @example
 * const users = new Users({ domain: 'tenant.us.auth0.com' });
 * const profile = await users.userinfo(accessToken);
 */
export class Users {
  /** The tenant's host, as configured with `domain`. */
  readonly domain: string | undefined;
  /** The tenant's origin with `domain`, the issuer's with `issuer` or `discoveryUri`, else `undefined`. */
  readonly origin: string | undefined;
  readonly #http: HttpClient;
  readonly #endpoints: EndpointResolver;

  constructor(options: UsersOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    const shared = (options as SharedOptions<UsersOptions>)[SHARED_TRANSPORT];
    this.#endpoints = shared?.endpoints ?? new EndpointResolver(options);
    this.origin = this.#endpoints.origin;
    this.domain = options.domain;
    this.#http = shared?.http ?? new HttpClient({ ...options, baseURL: this.origin });
  }

  /**
   * Returns the claims about the user of `accessToken`; with `subject`, only if they are about that user.
   *
   * @throws {TokenValidationError} `ERR_USERINFO_SUB_MISMATCH` when `subject` is given and the response's `sub`
   *   differs from it.
   * @example
   * const claims = await idTokens.verify(tokens.id_token, { nonce });
   * const { email } = await users.userinfo(tokens.access_token, { subject: claims.sub });
   */
  async userinfo(accessToken: string, options: UserinfoOptions = {}): Promise<UserInfo> {
    const token = requireString(accessToken, 'accessToken');
    const subject = options.subject === undefined ? undefined : requireString(options.subject, 'subject');
    const profile = await this.#http.request<UserInfo>({
      method: 'GET',
      url: await this.#endpoints.url('userinfo'),
      headers: { Authorization: `Bearer ${token}` },
      signal: options.signal,
    });
    if (subject !== undefined && profile?.sub !== subject) {
      throw new TokenValidationError(
        `Subject (sub) claim mismatch in the userinfo response; expected ${JSON.stringify(subject)}, found ${JSON.stringify(String(profile?.sub))}`,
        'ERR_USERINFO_SUB_MISMATCH',
        'sub',
      );
    }
    return profile;
  }
}
