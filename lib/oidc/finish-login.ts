import type { TokenResponse, UserInfo } from '../authentication/types.js';
import {
  Auth0Error,
  ConfigurationError,
  LoginError,
  type LoginErrorCode,
  NetworkError,
  TokenResponseError,
  TokenValidationError,
} from '../errors.js';
import type { IdTokenClaims } from '../token-verifier/claims.js';
import type { IdTokenVerifyOptions } from '../token-verifier/token-verifier.js';
import type { AuthorizationResponseInput } from './authorization-response.js';
import { type AcceptedCallback, acceptCallback } from './callback.js';
import type { RelyingParty } from './relying-party.js';
import { type LoginTokens, tokensOf } from './tokens.js';
import type { TransactionValues } from './transaction.js';

/** What `OidcClient.finishLogin` returns. */
export interface LoginResult {
  /** The tokens of the login. */
  tokens: LoginTokens;
  /** The verified claims of the ID token. */
  claims: IdTokenClaims;
  /** Where the application wanted the user to land, as given to `startLogin`. */
  returnTo?: string;
  /** The UserInfo endpoint's claims, with `fetchUserinfo`. */
  userinfo?: UserInfo;
  /** The name of the transaction cookie this login consumed: clear that one, and no other. */
  transaction: string;
}

/**
 * Turns a failure of the provider's endpoints into the {@link LoginError} of a login: the token or UserInfo
 * endpoint's refusal (`refusal`), a bad ID token, an unusable token response, or a provider that cannot be reached.
 */
function loginFailure(error: unknown, refusal: LoginErrorCode, transaction: string): unknown {
  const details = { transaction, cause: error };
  if (error instanceof LoginError || error instanceof ConfigurationError) return error;
  if (error instanceof Auth0Error) {
    return new LoginError(`the provider refused: ${error.message}`, refusal, {
      ...details,
      error: error.errorCode,
      errorDescription: error.message,
    });
  }
  if (error instanceof TokenValidationError) {
    return error.code === 'ERR_USERINFO_SUB_MISMATCH'
      ? new LoginError(error.message, 'ERR_LOGIN_USERINFO', details)
      : new LoginError(`the ID token was refused: ${error.message}`, 'ERR_LOGIN_ID_TOKEN_INVALID', details);
  }
  if (error instanceof TokenResponseError) return new LoginError(error.message, 'ERR_LOGIN_TOKEN_RESPONSE', details);
  if (error instanceof NetworkError) {
    return new LoginError(
      `the provider could not be reached: ${error.message}`,
      'ERR_LOGIN_PROVIDER_UNAVAILABLE',
      details,
    );
  }
  return error;
}

/** Marks the transaction used: refused if it was before, and the login fails closed if the store is down. */
async function consume(party: RelyingParty, { name, expiresAt }: AcceptedCallback): Promise<void> {
  const { settings } = party;
  const ttl = Math.max(1, (expiresAt - settings.clock()) * 1000);
  let fresh: boolean;
  try {
    fresh = await settings.transactionStore.consume(name, ttl);
  } catch (error) {
    throw new LoginError(
      'the transaction store failed, so the login cannot be checked for a replay and is refused',
      'ERR_LOGIN_STORE_UNAVAILABLE',
      { transaction: name, cause: error },
    );
  }
  if (!fresh) {
    throw new LoginError(
      'this login transaction was used already: the callback was replayed',
      'ERR_LOGIN_TRANSACTION_REPLAYED',
      { transaction: name },
    );
  }
}

function exchange(party: RelyingParty, code: string, codeVerifier: string | undefined): Promise<TokenResponse> {
  const { getToken } = party.api;
  const { redirectUri } = party.settings;
  return codeVerifier === undefined
    ? getToken.authorizationCode({ code, redirectUri })
    : getToken.authorizationCodePkce({ code, codeVerifier, redirectUri });
}

/**
 * The tokens and verified ID-token claims of an accepted response: an ID token of the front channel (implicit
 * and hybrid flows) is verified with its `c_hash` / `at_hash`; one of the code exchange too, and in the hybrid
 * flow it must be about the same user (OIDC Core §3.3.3.6).
 */
async function tokensAndClaims(
  party: RelyingParty,
  { payload, response }: AcceptedCallback,
): Promise<{ tokens: LoginTokens; claims: IdTokenClaims }> {
  const { params } = response;
  const { idTokens } = party;
  const now = party.settings.clock() * 1000;
  const checks: IdTokenVerifyOptions = {
    ...(payload.nonce !== undefined && { nonce: payload.nonce }),
    ...(payload.maxAge !== undefined && { maxAge: payload.maxAge }),
    ...(payload.organization !== undefined && { organization: payload.organization }),
  };
  const front = tokensOf(params, now) as LoginTokens;
  let frontClaims: IdTokenClaims | undefined;
  if (params.id_token !== undefined) {
    frontClaims = await idTokens.verify(front.idToken, {
      ...checks,
      ...(params.code !== undefined && { code: params.code }),
      ...(front.accessToken !== undefined && { accessToken: front.accessToken, requireAtHash: true }),
    });
    if (params.code === undefined) return { tokens: front, claims: frontClaims };
  }
  const tokens = tokensOf(await exchange(party, params.code as string, payload.codeVerifier), now);
  if (tokens.idToken === undefined) {
    throw new TokenResponseError('the token endpoint answered without an id_token; is "openid" in the scope?');
  }
  const claims = await idTokens.verify(tokens.idToken, {
    ...checks,
    ...(tokens.accessToken !== undefined && { accessToken: tokens.accessToken }),
  });
  if (frontClaims !== undefined && (claims.iss !== frontClaims.iss || claims.sub !== frontClaims.sub)) {
    throw new TokenValidationError(
      'the ID tokens of the authorization and token endpoints are about different users (OIDC Core §3.3.3.6)',
      'ERR_TOKEN_SUB_MISMATCH',
      'sub',
    );
  }
  return { tokens: tokens as LoginTokens, claims };
}

/**
 * Finishes a login (`OidcClient.finishLogin`): the callback's checks ({@link acceptCallback}), the transaction
 * marked used in the store (before the code is redeemed), the ID tokens and the code exchange, and the UserInfo
 * endpoint with `fetchUserinfo`.
 *
 * @throws {LoginError} for every failure.
 * @throws {ConfigurationError} for a callback URL that is not absolute.
 * @internal
 */
export async function finishLogin(
  party: RelyingParty,
  response: AuthorizationResponseInput,
  transactionValues: TransactionValues,
): Promise<LoginResult> {
  const { settings, metadata, idTokens } = party;
  const accepted = acceptCallback(response, transactionValues, {
    sealer: party.sealer,
    clientId: settings.clientId,
    issuer: party.issuer,
    issuerMatches: (iss) => idTokens.matches(iss),
    issRequired: metadata.authorization_response_iss_parameter_supported === true,
    now: settings.clock(),
  });
  await consume(party, accepted);
  const { name, payload } = accepted;
  try {
    const { tokens, claims } = await tokensAndClaims(party, accepted);
    const result: LoginResult = { tokens, claims, transaction: name };
    if (payload.returnTo !== undefined) result.returnTo = payload.returnTo;
    if (settings.fetchUserinfo && tokens.accessToken !== undefined) {
      try {
        result.userinfo = await party.api.users.userinfo(tokens.accessToken, { subject: claims.sub });
      } catch (error) {
        throw loginFailure(error, 'ERR_LOGIN_USERINFO', name);
      }
    }
    return result;
  } catch (error) {
    throw loginFailure(error, 'ERR_LOGIN_TOKEN_REQUEST', name);
  }
}
