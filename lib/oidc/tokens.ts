import type { TokenResponse } from '../authentication/types.js';
import { TokenResponseError } from '../errors.js';
import type { IdTokenClaims } from '../token-verifier/claims.js';

/** The tokens of a login or a refresh, in camelCase. */
export interface OidcTokens {
  /** The ID token. */
  idToken?: string;
  /** The access token, for the APIs (and the UserInfo endpoint). */
  accessToken?: string;
  /** The refresh token, when the provider issued one (`offline_access`). */
  refreshToken?: string;
  /** The access token's type, `Bearer`. */
  tokenType?: string;
  /** When the access token expires, epoch milliseconds (from `expires_in`). */
  expiresAt?: number;
  /** The scopes granted, when the provider said. */
  scope?: string;
}

/** The tokens of a finished login: always an ID token, whose claims were verified. */
export interface LoginTokens extends OidcTokens {
  /** The ID token. */
  idToken: string;
}

/** The tokens of a refresh, and the claims of the new ID token when the provider issued one. */
export interface RefreshedTokens extends OidcTokens {
  /**
   * The refresh token to use next time: the new one when the provider rotated it, else the one the refresh
   * used.
   */
  refreshToken: string;
  /** The verified claims of the new ID token, when the response carried one. */
  idTokenClaims?: IdTokenClaims;
}

/** A token-endpoint or implicit-flow answer, by its wire names. */
export type TokenFields = Partial<Pick<TokenResponse, 'id_token' | 'access_token' | 'refresh_token' | 'scope'>> & {
  token_type?: unknown;
  expires_in?: unknown;
};

/**
 * The tokens of a token response or of an implicit-flow authorization response, with `expires_in` turned into an
 * epoch-ms `expiresAt` (the provider's clock is not trusted, `now` is ours).
 *
 * @throws {TokenResponseError} for an access token whose `token_type` is not `Bearer` (in any case): this client
 *   presents access tokens as bearer tokens and nothing else.
 * @internal
 */
export function tokensOf(fields: TokenFields, now: number): OidcTokens {
  const tokens: OidcTokens = {};
  const { id_token, access_token, refresh_token, token_type, expires_in, scope } = fields;
  if (typeof id_token === 'string' && id_token !== '') tokens.idToken = id_token;
  if (typeof access_token === 'string' && access_token !== '') {
    if (typeof token_type === 'string' && token_type.toLowerCase() !== 'bearer') {
      throw new TokenResponseError(`the access token's token_type must be Bearer; found ${JSON.stringify(token_type)}`);
    }
    tokens.accessToken = access_token;
    tokens.tokenType = 'Bearer';
    const seconds = typeof expires_in === 'string' ? Number(expires_in) : expires_in;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) tokens.expiresAt = now + seconds * 1000;
  }
  if (typeof refresh_token === 'string' && refresh_token !== '') tokens.refreshToken = refresh_token;
  if (typeof scope === 'string' && scope !== '') tokens.scope = scope;
  return tokens;
}
