import type { AccessToken, AuthenticationProvider } from './token-provider.js';

/**
 * The provider of an API without authentication (`authProvider: 'no-auth'`): no request, no cache. Its token is
 * the empty string — send no `Authorization` header when the token is empty — where the seed sent the literal
 * `Bearer no_token`. It never expires.
 *
 * @example
 * const provider = new NoOpAuthenticationProvider();
 * const token = await provider.authToken(); // ''
 * const headers = token ? { authorization: `Bearer ${token}` } : {};
 */
export class NoOpAuthenticationProvider implements AuthenticationProvider {
  /** Resolves to `''`. */
  authToken(): Promise<string> {
    return Promise.resolve('');
  }

  /** Resolves to `{ accessToken: '', expiresAt: Infinity }`. */
  getAccessToken(): Promise<AccessToken> {
    return Promise.resolve({ accessToken: '', expiresAt: Infinity });
  }

  /** Does nothing: there is no token to forget. */
  invalidate(): Promise<void> {
    return Promise.resolve();
  }
}
