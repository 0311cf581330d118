import { ConfigurationError } from '../errors.js';
import { authorizeUrlOptionsOf, buildAuthorizeUrl } from './authorize-url.js';
import { checkAuthorizationParams } from './oidc-client-options.js';
import { createPkcePair } from './pkce.js';
import { randomNonce, randomState } from './random.js';
import { MAX_RETURN_TO, safeReturnTo } from './return-to.js';
import type { RelyingParty } from './relying-party.js';
import type { LoginTransaction, TransactionPayload } from './transaction.js';

/**
 * Options of one login: where the application wants the user to land afterwards, and authorization parameters by
 * their wire names (`prompt`, `login_hint`, `max_age`, `organization`, `audience`, `scope`, `acr_values`…), over
 * the client's `authorizationParams`.
 */
export interface StartLoginOptions {
  /**
   * Where to send the user after the login: a path on this application (`/orders/42`), or an absolute URL on the
   * origin of the redirect URI (kept as its path), of at most 512 characters. Anything else is refused, so that
   * no login can be turned into an open redirect.
   */
  returnTo?: string;
  /** Any authorization parameter, by its wire name. */
  [param: string]: string | undefined;
}

/** What `OidcClient.startLogin` returns: where to send the browser, and the cookie to set first. */
export interface StartedLogin {
  /** The authorization request: redirect the browser there. */
  url: string;
  /** The sealed transaction to set as a cookie before redirecting. */
  transaction: LoginTransaction;
}

/** The default `response_mode` of each response type, which is not sent (OAuth 2.0 Multiple Response Types §2.1). */
function defaultModeOf(responseType: string): string {
  return responseType === 'code' ? 'query' : 'fragment';
}

/** A `returnTo`: a path of this application, or an absolute URL on the redirect URI's origin, as its path. */
function checkReturnTo(returnTo: unknown, redirectUri: string): string | undefined {
  if (returnTo === undefined) return undefined;
  const target = safeReturnTo(returnTo, new URL(redirectUri).origin);
  if (target === undefined) {
    throw new ConfigurationError(
      `returnTo must be a path of this application or a URL on the origin of the redirect URI, of at most ${MAX_RETURN_TO} characters`,
      'returnTo',
    );
  }
  return target;
}

function maxAgeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new ConfigurationError('max_age must be a whole number of seconds', 'max_age');
  return Number(value);
}

/**
 * Starts a login (`OidcClient.startLogin`): a fresh `state`, `nonce` and PKCE verifier sealed into a transaction
 * with what the callback must check (`max_age`, organization) and `returnTo`, and the authorization URL — pushed
 * first (PAR) when the provider requires it.
 *
 * @throws {ConfigurationError} for a bad `returnTo`, `scope` or `max_age`, or a parameter the client sets itself.
 * @internal
 */
export async function startLogin(party: RelyingParty, options: StartLoginOptions = {}): Promise<StartedLogin> {
  const { settings, metadata } = party;
  const { returnTo, ...given } = options;
  const params = { ...settings.authorizationParams, ...checkAuthorizationParams(given, 'startLogin') };
  const scope = params.scope ?? settings.scope;
  delete params.scope;
  if (!scope.split(' ').includes('openid')) throw new ConfigurationError('scope must include "openid"', 'scope');
  const { responseType } = settings;
  const pkce = responseType.includes('code') && settings.usePkce ? createPkcePair() : undefined;
  const payload: TransactionPayload = {
    clientId: settings.clientId,
    state: randomState(),
    responseType,
    createdAt: Math.floor(settings.clock()),
  };
  if (settings.useNonce) payload.nonce = randomNonce();
  if (pkce !== undefined) payload.codeVerifier = pkce.codeVerifier;
  const maxAge = maxAgeOf(params.max_age);
  if (maxAge !== undefined) payload.maxAge = maxAge;
  if (params.organization !== undefined) payload.organization = params.organization;
  const target = checkReturnTo(returnTo, settings.redirectUri);
  if (target !== undefined) payload.returnTo = target;

  const request: Record<string, string> = {
    scope,
    state: payload.state,
    ...(payload.nonce !== undefined && { nonce: payload.nonce }),
    ...(pkce !== undefined && { code_challenge: pkce.codeChallenge, code_challenge_method: 'S256' }),
    ...(settings.responseMode !== defaultModeOf(responseType) && { response_mode: settings.responseMode }),
    ...params,
  };
  const transaction = party.sealer.seal(payload, settings.transactionMaxAge, party.sameSite);
  if (metadata.require_pushed_authorization_requests === true) {
    const pushed = await party.api.pushedAuthorizationRequests.pushedAuthorizationRequest({
      responseType,
      redirectUri: settings.redirectUri,
      ...request,
    });
    return { url: pushed.authorizationUrl, transaction };
  }
  const url = buildAuthorizeUrl({
    authorizationEndpoint: metadata.authorization_endpoint as string,
    clientId: settings.clientId,
    redirectUri: settings.redirectUri,
    responseType,
    ...authorizeUrlOptionsOf(request),
  });
  return { url, transaction };
}
