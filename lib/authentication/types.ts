/**
 * A successful token-endpoint response (RFC 6749 §5.1, OIDC Core §3.1.3.3), as the server sent it: wire names,
 * unwrapped. Servers may add members (e.g. `authorization_details`, `issued_token_type`); they are kept.
 *
 * @example
 * const tokens: TokenResponse = await getToken.clientCredentials({ audience: 'https://api.example.com/' });
 * fetch(url, { headers: { authorization: `${tokens.token_type} ${tokens.access_token}` } });
 */
export interface TokenResponse {
  /** The access token. */
  access_token: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  /** `Bearer` (or `DPoP`). */
  token_type: string;
  /** The ID token, when `openid` was requested. */
  id_token?: string;
  /** A refresh token, when `offline_access` was requested and allowed. */
  refresh_token?: string;
  /** The granted scopes, space-separated, when they differ from those requested. */
  scope?: string;
  /** Any other member the server sent. */
  [member: string]: unknown;
}
