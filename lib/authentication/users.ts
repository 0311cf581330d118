import { ConfigurationError } from '../errors.js';
import { HttpClient } from '../http/http-client.js';
import {
  type EndpointOptions,
  type RequestOptions,
  resolveOrigin,
  SHARED_TRANSPORT,
  type SharedOptions,
} from './base.js';
import { requireString } from './params.js';
import type { UserInfo } from './types.js';

/** Options of {@link Users}: where to send requests; no client id, since `/userinfo` acts for the token's user. */
export type UsersOptions = EndpointOptions;

/**
 * The user's profile (`GET /userinfo`, OIDC Core §5.3) for an access token. No client credentials are involved.
 * The access token goes only in the `Authorization` header and never into an error.
 *
 * @throws {ConfigurationError} for a missing or invalid `domain`, or a missing access token, before any request.
 * @throws {Auth0Error} when the server refuses the token (401).
 * @example
 * const users = new Users({ domain: 'tenant.us.auth0.com' });
 * const profile = await users.userinfo(accessToken);
 */
export class Users {
  /** The tenant's host, as configured. */
  readonly domain: string;
  /** The origin requests go to, e.g. `https://tenant.auth0.com`. */
  readonly origin: string;
  readonly #http: HttpClient;

  constructor(options: UsersOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    this.origin = resolveOrigin(options);
    this.domain = options.domain;
    this.#http =
      (options as SharedOptions<UsersOptions>)[SHARED_TRANSPORT]?.http ??
      new HttpClient({ ...options, baseURL: this.origin });
  }

  /**
   * Returns the claims about the user of `accessToken`.
   *
   * @example
   * const { sub, email } = await users.userinfo(req.auth.token);
   */
  async userinfo(accessToken: string, options: RequestOptions = {}): Promise<UserInfo> {
    const token = requireString(accessToken, 'accessToken');
    return this.#http.request<UserInfo>({
      method: 'GET',
      url: '/userinfo',
      headers: { Authorization: `Bearer ${token}` },
      signal: options.signal,
    });
  }
}
