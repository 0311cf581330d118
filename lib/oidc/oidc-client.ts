import { checkOptionKeys, type OptionKeys } from '../did-you-mean.js';
import { TRANSPORT_OPTION_KEYS } from '../http/http-client.js';
import type { IdTokenClaims } from '../token-verifier/claims.js';
import type { LogoutTokenClaims } from '../token-verifier/logout-token-verifier.js';
import type { AuthorizationResponseInput } from './authorization-response.js';
import { discover, type ProviderMetadata } from './discovery.js';
import { type OidcEnvConfig, readOidcEnv } from './env.js';
import { finishLogin, type LoginResult } from './finish-login.js';
import { buildLogoutUrl, type LogoutUrlOptions } from './logout-url.js';
import { checkOidcClientOptions, type OidcClientOptions, type OptionNamer } from './oidc-client-options.js';
import { createRelyingParty, type RelyingParty } from './relying-party.js';
import { type StartedLogin, startLogin, type StartLoginOptions } from './start-login.js';
import { type RefreshedTokens, tokensOf } from './tokens.js';
import type { TransactionValues } from './transaction.js';

/**
 * Every option of an {@link OidcClient}, and the settings `oidcConfigFromEnv` adds to them (`type`, `baseUrl`,
 * `publicKeyUrls`), so that its result may be passed whole.
 *
 * @internal
 */
export const OIDC_CLIENT_OPTION_KEYS: OptionKeys<OidcEnvConfig> = {
  ...TRANSPORT_OPTION_KEYS,
  issuer: true,
  discoveryUri: true,
  clientId: true,
  clientSecret: true,
  privateKey: true,
  clientAssertionSigningAlg: true,
  clientAuthMethod: true,
  clientType: true,
  redirectUri: true,
  postLogoutRedirectUri: true,
  scope: true,
  responseType: true,
  responseMode: true,
  usePkce: true,
  useNonce: true,
  idTokenSigningAlg: true,
  clockTolerance: true,
  authorizationParams: true,
  fetchUserinfo: true,
  jwksOptions: true,
  secret: true,
  transactionStore: true,
  transactionMaxAge: true,
  clock: true,
  type: true,
  baseUrl: true,
  publicKeyUrls: true,
};

/**
 * express-openid-connect's and openid-client's names of options that have other names here (docs/login.md).
 *
 * @internal
 */
export const OIDC_CLIENT_OTHER_NAMES: Readonly<Record<string, string>> = {
  issuerBaseURL: 'issuer',
  clientAssertionSigningKey: 'privateKey',
  enableTelemetry: 'telemetry',
  httpTimeout: 'timeout',
};

/** Refuses an unknown option, naming the closest known one. */
function checkKeys(options: OidcClientOptions): void {
  if (options === null || typeof options !== 'object') return;
  checkOptionKeys(options, Object.keys(OIDC_CLIENT_OPTION_KEYS), { aliases: OIDC_CLIENT_OTHER_NAMES });
}

/** Options of {@link OidcClient.refresh}. */
export interface RefreshOptions {
  /**
   * The verified claims of the ID token the session holds: a new ID token must keep their `iss`, `sub`, `aud`,
   * `azp` and `auth_time` (OIDC Core §12.2). Without them the new ID token is verified, but not against the old.
   */
  previousClaims?: IdTokenClaims;
}

/**
 * An OpenID Connect relying party for one client at one provider, framework-free: it starts logins (the
 * authorization URL and a sealed transaction the browser carries), finishes them (every check of the callback,
 * the code exchange, the ID token), refreshes tokens, builds logout URLs and verifies back-channel logout tokens.
 *
 * Nothing of a login lives in this process: the transaction travels sealed (AES-256-GCM) in a cookie of its own,
 * so any replica with the same `secret` finishes any login, and parallel logins in several tabs never collide. A
 * {@link TransactionStore} shared by the replicas (Redis) refuses a transaction presented twice.
 *
 * Secrets (client secret, key, transaction secrets) live in private fields: `util.inspect(client)` shows none.
 *
 * @throws {ConfigurationError} from the constructor for bad options (an unknown one named with the closest known
 *   one: `unknown option "issuerBaseURL"; did you mean issuer?`), or a provider that lacks what they need.
 * @example
 * const client = await OidcClient.discover({
 *   issuer: 'https://tenant.us.auth0.com/',
 *   clientId,
 *   clientSecret,
 *   redirectUri: 'https://app.example.com/callback',
 *   secret: process.env.AUTHN_SESSION_SECRET!,
 * });
 * const { url, transaction } = await client.startLogin({ returnTo: '/orders' });
 * // set the cookie transaction.name = transaction.value, then redirect to url; at the callback:
 * const { claims, returnTo } = await client.finishLogin(callbackUrl, transactionCookieValues);
 */
export class OidcClient {
  /** The provider's metadata, as discovered. */
  readonly metadata: ProviderMetadata;
  /** The issuer ID tokens must name (or, with `{tenantid}`, the issuer template). */
  readonly issuer: string;
  /** The client id. */
  readonly clientId: string;
  /** The redirect URI (callback). */
  readonly redirectUri: string;
  /**
   * `'none'` when the response comes as a cross-site POST (`form_post`): transaction cookies must then be
   * `SameSite=None; Secure`. `'lax'` otherwise.
   */
  readonly transactionSameSite: 'lax' | 'none';
  readonly #party: RelyingParty;

  /**
   * Builds a client from metadata already at hand (no I/O); {@link OidcClient.discover} fetches it first.
   *
   * @throws {ConfigurationError} for bad options, or metadata that lacks what they need (naming the member).
   */
  constructor(options: OidcClientOptions, metadata: ProviderMetadata) {
    checkKeys(options);
    const party = createRelyingParty(options, metadata);
    this.#party = party;
    this.metadata = metadata;
    this.issuer = party.issuer;
    this.clientId = party.settings.clientId;
    this.redirectUri = party.settings.redirectUri;
    this.transactionSameSite = party.sameSite;
  }

  /**
   * Discovers the provider (`issuer` or `discoveryUri`, the document's issuer checked) and builds the client.
   *
   * @throws {ConfigurationError} for bad options (before any request), or a document that names another issuer
   *   or lacks what the options need.
   * @throws {KeySourceUnavailableError} / {@link NetworkError} when the document cannot be had.
   * @example
   * const client = await OidcClient.discover({ issuer, clientId, clientSecret, redirectUri, secret });
   */
  static async discover(options: OidcClientOptions): Promise<OidcClient> {
    return OidcClient.#discover(options, (option) => option);
  }

  /**
   * Builds a client from the environment, with OpenMetadata's variable names (see {@link oidcConfigFromEnv}), and
   * discovers the provider. `overrides` win over the environment.
   *
   * @throws {ConfigurationError} for a missing or bad variable, naming it; then as {@link OidcClient.discover}.
   * @example
   * const client = await OidcClient.fromEnv(process.env, { transactionStore: new RedisTransactionStore(redis) });
   */
  static async fromEnv(
    env: NodeJS.ProcessEnv = process.env,
    overrides: Partial<OidcClientOptions> = {},
  ): Promise<OidcClient> {
    const { options, name } = readOidcEnv(env);
    return OidcClient.#discover({ ...options, ...overrides }, (option) =>
      Object.hasOwn(overrides, option) ? option : name(option),
    );
  }

  /** Checks the options (naming them as `name` says), discovers the provider, builds the client. */
  static async #discover(options: OidcClientOptions, name: OptionNamer): Promise<OidcClient> {
    checkKeys(options);
    const settings = checkOidcClientOptions(options, name);
    const { timeout, httpAgent, httpsAgent, proxy } = options;
    const metadata = await discover((settings.discoveryUri ?? settings.issuer) as string, {
      timeout,
      httpAgent,
      httpsAgent,
      proxy,
      ...(settings.discoveryUri !== undefined && settings.issuer !== undefined && { issuer: settings.issuer }),
    });
    return new OidcClient(options, metadata);
  }

  /**
   * Starts a login: a fresh `state`, `nonce` and PKCE verifier, sealed into a transaction for the browser to carry,
   * and the authorization URL (pushed first when the provider requires PAR). Set the transaction's cookie, then
   * redirect the browser to `url`.
   *
   * @throws {ConfigurationError} for a bad `returnTo` or parameter, or one the client sets itself.
   * @throws {Auth0Error} / {@link NetworkError} when the provider requires PAR and the push fails.
   * @example
   * const { url, transaction } = await client.startLogin({ returnTo: '/orders', prompt: 'login' });
   * res.cookie(transaction.name, transaction.value, {
   *   maxAge: transaction.maxAge * 1000,
   *   httpOnly: true,
   *   secure: true,
   *   sameSite: transaction.sameSite,
   * });
   * res.redirect(url);
   */
  startLogin(options: StartLoginOptions = {}): Promise<StartedLogin> {
    return startLogin(this.#party, options);
  }

  /**
   * Finishes a login: finds the transaction of the response's `state` among those the browser sent, checks the
   * response (RFC 9207 `iss`, the provider's `error`, the parameters of the response type), marks the transaction
   * used in the store, verifies any ID token of the response (`nonce`, `c_hash`, `at_hash`), exchanges the code
   * (with the PKCE verifier and the client's authentication), verifies the ID token (`nonce`, `max_age`,
   * organization, `at_hash`), and, with `fetchUserinfo`, reads the UserInfo endpoint and checks its `sub`.
   *
   * @param response - the callback: its full URL (query or fragment), the parameters a page posted from its
   *   fragment, or the `form_post` body.
   * @param transactionValues - the request's cookies as a map of name to value (the one named
   *   {@link transactionName} of the response's state is used), or the values of the transaction cookies the
   *   browser sent (every cookie whose name {@link isTransactionCookie} accepts, each opened until one fits).
   * @throws {LoginError} for every failure; `code` says which, `status` what to answer, `transaction` which cookie
   *   to clear.
   * @throws {ConfigurationError} for a callback URL that is not absolute.
   * @example
   * const cookies = new Map(Object.entries(req.cookies as Record<string, string>));
   * const result = await client.finishLogin(new URL(req.originalUrl, baseUrl), cookies);
   * res.clearCookie(result.transaction);
   * res.redirect(result.returnTo ?? '/');
   */
  finishLogin(response: AuthorizationResponseInput, transactionValues: TransactionValues): Promise<LoginResult> {
    return finishLogin(this.#party, response, transactionValues);
  }

  /**
   * Refreshes the tokens with a refresh token. A new ID token is verified, and with `previousClaims` checked
   * against the one it replaces (OIDC Core §12.2). The answer's refresh token is the rotated one when the
   * provider rotated it, else the one given.
   *
   * @throws {Auth0Error} when the provider refuses the refresh token (`invalid_grant`…).
   * @throws {TokenValidationError} when the new ID token fails a check.
   * @throws {TokenResponseError} for an access token that is not a bearer token.
   * @throws {NetworkError} when the provider cannot be reached.
   * @example
   * const tokens = await client.refresh(session.refreshToken, { previousClaims: session.idTokenClaims });
   */
  async refresh(refreshToken: string, options: RefreshOptions = {}): Promise<RefreshedTokens> {
    const { api, idTokens, settings } = this.#party;
    const tokens = tokensOf(await api.getToken.refreshToken({ refreshToken }), settings.clock() * 1000);
    const result: RefreshedTokens = { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    if (tokens.idToken !== undefined) {
      const { previousClaims } = options;
      result.idTokenClaims = await idTokens.verify(tokens.idToken, {
        ...(previousClaims === undefined ? { refreshed: true } : { original: previousClaims }),
        ...(tokens.accessToken !== undefined && { accessToken: tokens.accessToken }),
      });
    }
    return result;
  }

  /**
   * The URL that logs the user out at the provider (RP-Initiated Logout 1.0, or Auth0's `/v2/logout` for a
   * tenant that advertises no `end_session_endpoint`), back to `postLogoutRedirectUri`.
   *
   * @throws {ConfigurationError} when the provider has no logout endpoint.
   * @example
   * res.redirect(client.logoutUrl({ idTokenHint: session.idToken }));
   */
  logoutUrl(options: LogoutUrlOptions = {}): string {
    const { metadata, settings } = this.#party;
    return buildLogoutUrl(metadata, settings.clientId, settings.postLogoutRedirectUri, options);
  }

  /**
   * Verifies a back-channel logout token the provider POSTed (OIDC Back-Channel Logout 1.0 §2.6), and resolves to
   * its claims: end the sessions of its `sid`, or of its `sub`.
   *
   * @throws {TokenValidationError} when the token is not acceptable (an ID token included).
   * @throws {NetworkError} when the provider's keys cannot be had.
   * @example
   * const { sub, sid } = await client.verifyLogoutToken(req.body.logout_token);
   */
  verifyLogoutToken(logoutToken: string): Promise<LogoutTokenClaims> {
    return this.#party.idTokens.verifyLogout(logoutToken);
  }
}
