/**
 * The token-type URIs of RFC 8693 §3, for the `subjectTokenType`, `actorTokenType` and `requestedTokenType` of
 * {@link GetToken.tokenExchange} and for comparing an answer's `issued_token_type`.
 *
 * @example
 * const tokens = await getToken.tokenExchange({
 *   subjectToken: userAccessToken,
 *   subjectTokenType: TOKEN_TYPE.accessToken,
 *   requestedTokenType: TOKEN_TYPE.accessToken,
 *   audience: 'https://orders.example.com/',
 * });
 * if (tokens.issued_token_type !== TOKEN_TYPE.accessToken) throw new Error('unexpected token type');
 */
export const TOKEN_TYPE = {
  /** An OAuth 2.0 access token. */
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  /** An OAuth 2.0 refresh token. */
  refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
  /** An OpenID Connect ID token. */
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  /** A JWT of any kind (RFC 7519). */
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;
