import { LoginError, NetworkError, StoreUnavailableError, TokenValidationError } from '../errors.js';
import { parseCookies } from '../http/cookie-header.js';
import { sleep } from '../http/sleep.js';
import { OidcClient } from '../oidc/oidc-client.js';
import { safeReturnTo } from '../oidc/return-to.js';
import type { LoginTokens } from '../oidc/tokens.js';
import { isTransactionCookie, type LoginTransaction } from '../oidc/transaction.js';
import type { IdTokenClaims } from '../token-verifier/claims.js';
import type { LogoutTokenClaims } from '../token-verifier/logout-token-verifier.js';
import { OidcContext } from './context.js';
import { type CookieAttributes, deleteCookie, serializeCookie } from './cookies.js';
import { confirmLogout, fromElsewhere } from './logout-confirmation.js';
import { checkOidcAuthOptions, type OidcAuthOptions, type OidcAuthSettings } from './options.js';
import { errorAnswer, isNavigation, type LoginRequest, type LoginResponse, readForm, redirect } from './request.js';
import { RefreshFlights } from './refresh-flights.js';
import { type ActiveSession, SessionManager } from './session-manager.js';
import type { SessionOwner } from './session.js';
import type { SessionStore } from './session-store.js';

/** What {@link WebLogin.handle} decided: the login answered the request, or the app goes on with `req.oidc`. */
export type LoginOutcome =
  | {
      /** The login answered: a route of its own, a guard, or an error. */
      readonly handled: true;
      /** The answer to write. */
      readonly response: LoginResponse;
    }
  | {
      /** The app handles the request. */
      readonly handled: false;
      /** What to set as `req.oidc`. */
      readonly context: OidcContext;
      /** The `Set-Cookie` lines of the session, to add as the answer's headers are written (synchronous). */
      readonly sessionCookies: () => string[];
    };

/**
 * Most bytes of older transaction cookies a browser keeps when it starts a login: beyond, the oldest are deleted.
 * Parallel tabs keep theirs (a transaction cookie with a short `returnTo` takes about 500 bytes), but a page that
 * drives the browser through the login route again and again cannot grow every request's `Cookie` header until
 * the server refuses it (431).
 */
const PENDING_TRANSACTION_BYTES = 4096;

/** What the browser is told when the provider or a store cannot be reached (the details go to `onError`). */
const UNAVAILABLE = 'the login service is unavailable; try again later';
/** How often a request waits for another replica's refresh of its session, and how long each time. */
const LOCK_ATTEMPTS = 100;
const LOCK_POLL_MS = 100;

/** The login the guard of each context answers from, for `requiresAuth()`. */
const logins = new WeakMap<OidcContext, WebLogin>();

/**
 * The framework-neutral core of the web login, under the Express and Fastify adapters: serves the login,
 * callback, logout and back-channel-logout routes, opens the session of every other request into an
 * {@link OidcContext} (`req.oidc`), and guards the routes that need a login. Every piece of state travels with the
 * browser (the login transaction and the session, sealed) or lives in a shared {@link SessionStore}, so any replica
 * serves any request.
 *
 * Answers: a login error 400 (or the status of the {@link LoginError}); the provider or the session store down
 * 503; an anonymous request to a guarded route a redirect to the login (a page) or 401 (an API call).
 *
 * @throws {ConfigurationError} for invalid options.
 * @example
 * const login = new WebLogin({ issuer, clientId, clientSecret, baseUrl: 'https://app.example.com', secret });
 * const outcome = await login.handle({ method: req.method, url: req.url, headers: req.headers });
 */
export class WebLogin {
  readonly #settings: OidcAuthSettings;
  readonly #sessions: SessionManager;
  readonly #transactionAttributes: CookieAttributes;
  #client: Promise<OidcClient> | undefined;
  readonly #refreshes = new RefreshFlights<LoginTokens>();

  constructor(options: OidcAuthOptions) {
    const settings = checkOidcAuthOptions(options);
    this.#settings = settings;
    this.#sessions = new SessionManager({
      secret: settings.secrets,
      lifetime: settings.lifetime,
      store: settings.store,
      logoutStore: settings.logoutStore,
      name: settings.cookieName,
      attributes: { sameSite: settings.sameSite, secure: settings.secure, domain: settings.cookieDomain },
      clock: () => Date.now() / 1000,
      owner: () => this.#owner(),
    });
    this.#transactionAttributes = { sameSite: 'Lax', secure: settings.secure };
  }

  /**
   * Handles one request: answers it when it is one of the login's routes (or a guarded route with no session),
   * else opens its session for the app.
   *
   * @throws any error that is not the login's to answer (the adapters pass it to the framework).
   * @example
   * const outcome = await login.handle(request);
   * if (outcome.handled) write(outcome.response);
   */
  async handle(req: LoginRequest): Promise<LoginOutcome> {
    try {
      const response = await this.#route(req);
      if (response !== undefined) return { handled: true, response };
      const cookies = parseCookies(req.headers.cookie);
      const active = await this.#sessions.load(cookies);
      const context = new OidcContext(active, this.#refresher);
      logins.set(context, this);
      const sessionCookies = () => this.#sessions.cookieLines(active, cookies);
      if (this.#settings.authRequired && active === undefined) {
        return { handled: true, response: this.challenge(req, sessionCookies()) };
      }
      return { handled: false, context, sessionCookies };
    } catch (error) {
      return { handled: true, response: this.#failure(error) };
    }
  }

  /**
   * The answer to an anonymous request to a guarded route: a page view is redirected to the login, which
   * brings the user back to the page; anything else gets 401.
   *
   * @example
   * if (!req.oidc.isAuthenticated()) write(login.challenge(request));
   */
  challenge(req: LoginRequest, cookies: readonly string[] = []): LoginResponse {
    const { login } = this.#settings.routes;
    if (login !== undefined && isNavigation(req)) {
      return redirect(`${login}?returnTo=${encodeURIComponent(req.url)}`, cookies);
    }
    return errorAnswer(401, 'unauthorized', 'authentication required', cookies);
  }

  /**
   * The routes this login serves, as `[method, path]` pairs (the back-channel logout only with a store).
   *
   * @example
   * for (const [method, path] of login.routeList()) console.log(method, path);
   */
  routeList(): Array<['GET' | 'POST', string]> {
    const { login, callback, logout, backchannelLogout } = this.#settings.routes;
    const list: Array<['GET' | 'POST', string]> = [];
    if (login !== undefined) list.push(['GET', login]);
    list.push(['GET', callback], ['POST', callback]);
    if (logout !== undefined) list.push(['GET', logout], ['POST', logout]);
    if (backchannelLogout !== undefined && this.#settings.logoutStore !== undefined) {
      list.push(['POST', backchannelLogout]);
    }
    return list;
  }

  /** The web login that made `context`, for `requiresAuth()`; `undefined` for a context it did not make. */
  static of(context: unknown): WebLogin | undefined {
    return context instanceof OidcContext ? logins.get(context) : undefined;
  }

  /** The client, discovered on first use; a failed discovery is tried again by the next request. */
  #oidcClient(): Promise<OidcClient> {
    const { client } = this.#settings;
    this.#client ??= (
      client instanceof OidcClient || client instanceof Promise ? Promise.resolve(client) : OidcClient.discover(client)
    ).catch((error: unknown) => {
      this.#client = undefined;
      throw error;
    });
    return this.#client;
  }

  /**
   * The client and issuer a session must have been issued for: from the options when they name both, else from
   * the client (discovered on first use), so that a session cookie is served without the provider when it can be.
   */
  async #owner(): Promise<SessionOwner> {
    const { client } = this.#settings;
    if (!(client instanceof OidcClient || client instanceof Promise)) {
      const { clientId, issuer } = client;
      if (typeof clientId === 'string' && typeof issuer === 'string') return { clientId, issuer };
    }
    const { clientId, issuer } = await this.#oidcClient();
    return { clientId, issuer };
  }

  readonly #refresher = {
    refresh: async (active: ActiveSession): Promise<void> => {
      const { tokens } = active.session;
      const shared = this.#settings.store?.lock !== undefined && active.id !== undefined;
      // One refresh per refresh token in this process, shared by the session's concurrent requests.
      const next = await this.#refreshes.run(tokens.refreshToken as string, () =>
        shared ? this.#refreshLocked(active) : this.#redeem(tokens, active.claims),
      );
      this.#sessions.adopt(active, next);
      // A refresh under the store's lock has written the record already.
      if (!shared) await this.#sessions.save(active);
    },
  };

  /**
   * Refreshes a session of the store under its lock, so that of the replicas that refresh it at the same moment
   * one redeems its refresh token and the others take the tokens it wrote: the holder reads the record again
   * (another replica may have refreshed it meanwhile), redeems, and writes the record before giving the lock up;
   * a waiter reads the record until it holds other tokens, or takes the lock once it is free.
   */
  async #refreshLocked(active: ActiveSession): Promise<LoginTokens> {
    const store = this.#settings.store as Required<SessionStore>;
    const held = active.session.tokens.refreshToken;
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      const lock = await store.lock(active.id as string);
      if (lock === undefined) {
        await sleep(LOCK_POLL_MS);
        const current = await this.#sessions.current(active);
        if (current !== undefined && current.tokens.refreshToken !== held) return current.tokens;
        continue;
      }
      try {
        const current = await this.#sessions.current(active);
        if (current !== undefined && current.tokens.refreshToken !== held) return current.tokens;
        const next = await this.#redeem(active.session.tokens, active.claims);
        await this.#sessions.save({ ...active, session: { ...active.session, tokens: next } });
        return next;
      } finally {
        await lock.release();
      }
    }
    throw new StoreUnavailableError('session store: another replica kept the refresh of this session locked');
  }

  /** Redeems the session's refresh token (OIDC Core §12.2 checks against the login's claims). */
  async #redeem(tokens: LoginTokens, claims: IdTokenClaims): Promise<LoginTokens> {
    const client = await this.#oidcClient();
    const fresh = await client.refresh(tokens.refreshToken as string, { previousClaims: claims });
    // A refresh without a new ID token keeps the login's; everything else is the refresh's.
    const next: LoginTokens = { idToken: fresh.idToken ?? tokens.idToken, refreshToken: fresh.refreshToken };
    if (fresh.accessToken !== undefined) next.accessToken = fresh.accessToken;
    if (fresh.tokenType !== undefined) next.tokenType = fresh.tokenType;
    if (fresh.expiresAt !== undefined) next.expiresAt = fresh.expiresAt;
    if (fresh.scope !== undefined) next.scope = fresh.scope;
    return next;
  }

  async #route(req: LoginRequest): Promise<LoginResponse | undefined> {
    const { routes, logoutStore } = this.#settings;
    const url = new URL(req.url, this.#settings.origin);
    switch (url.pathname) {
      case routes.login:
        return req.method === 'GET' ? this.#login(req, url) : undefined;
      case routes.callback:
        return req.method === 'GET' || req.method === 'POST' ? this.#callback(req, url) : undefined;
      case routes.logout:
        return req.method === 'GET' || req.method === 'POST' ? this.#logout(req, url) : undefined;
      case routes.backchannelLogout:
        return req.method === 'POST' && logoutStore !== undefined ? this.#backchannelLogout(req) : undefined;
      default:
        return undefined;
    }
  }

  #transactionCookie(transaction: LoginTransaction): string {
    const sameSite = transaction.sameSite === 'none' ? 'None' : 'Lax';
    const attributes = { ...this.#transactionAttributes, sameSite, maxAge: transaction.maxAge } as const;
    return serializeCookie(this.#settings.hostPrefix + transaction.name, transaction.value, attributes);
  }

  /** The `Set-Cookie` line that deletes the transaction cookie `OidcClient` names `name`. */
  #deleteTransaction(name: string): string {
    return deleteCookie(this.#settings.hostPrefix + name, this.#transactionAttributes);
  }

  /**
   * The request's transaction cookies, under the names `OidcClient` gives them: on https only the `__Host-` ones,
   * which a sibling sub-domain cannot set.
   */
  #transactions(cookies: ReadonlyMap<string, string>): Map<string, string> {
    const prefix = this.#settings.hostPrefix;
    const found = new Map<string, string>();
    for (const [name, value] of cookies) {
      const unprefixed = name.slice(prefix.length);
      if (name.startsWith(prefix) && isTransactionCookie(unprefixed)) found.set(unprefixed, value);
    }
    return found;
  }

  async #login(req: LoginRequest, url: URL): Promise<LoginResponse> {
    const returnTo = safeReturnTo(url.searchParams.get('returnTo'), this.#settings.origin);
    const client = await this.#oidcClient();
    const { url: authorize, transaction } = await client.startLogin({
      returnTo: returnTo ?? this.#settings.defaultReturnTo,
    });
    const stale = this.#staleTransactions(this.#transactions(parseCookies(req.headers.cookie)));
    return redirect(authorize, [
      ...stale.map((name) => this.#deleteTransaction(name)),
      this.#transactionCookie(transaction),
    ]);
  }

  /** The oldest transaction cookies (browsers send them first) past {@link PENDING_TRANSACTION_BYTES}. */
  #staleTransactions(transactions: ReadonlyMap<string, string>): string[] {
    const pending = [...transactions];
    let bytes = 0;
    for (let index = pending.length - 1; index >= 0; index--) {
      const [name, value] = pending[index] as [string, string];
      bytes += this.#settings.hostPrefix.length + name.length + value.length + 3;
      if (bytes > PENDING_TRANSACTION_BYTES) return pending.slice(0, index + 1).map(([stale]) => stale);
    }
    return [];
  }

  async #callback(req: LoginRequest, url: URL): Promise<LoginResponse> {
    const cookies = parseCookies(req.headers.cookie);
    const response = req.method === 'POST' ? await readForm(req) : url;
    const client = await this.#oidcClient();
    let result: Awaited<ReturnType<OidcClient['finishLogin']>>;
    try {
      result = await client.finishLogin(response, this.#transactions(cookies));
    } catch (error) {
      // The transaction the response was for is spent either way; another tab's login goes on.
      if (!(error instanceof LoginError)) throw error;
      this.#settings.onError?.(error);
      const spent = error.transaction === undefined ? [] : [this.#deleteTransaction(error.transaction)];
      // A provider or store that cannot be reached is the app's trouble, and its message names internal hosts.
      const description = error.status === 503 ? UNAVAILABLE : error.message;
      return errorAnswer(error.status, error.error ?? 'login_failed', `${error.code}: ${description}`, spent);
    }
    const active = await this.#sessions.create({
      tokens: result.tokens,
      ...(result.userinfo !== undefined && { userinfo: result.userinfo }),
      createdAt: Math.floor(Date.now() / 1000),
    });
    const returnTo = safeReturnTo(result.returnTo, this.#settings.origin) ?? this.#settings.defaultReturnTo;
    return redirect(new URL(returnTo, this.#settings.origin).href, [
      ...this.#sessions.cookieLines(active, cookies),
      this.#deleteTransaction(result.transaction),
    ]);
  }

  async #logout(req: LoginRequest, url: URL): Promise<LoginResponse> {
    const cookies = parseCookies(req.headers.cookie);
    const active = await this.#sessions.load(cookies);
    // Another site may not end the session (logout CSRF): the user confirms with a POST from the app's origin.
    if (active !== undefined && fromElsewhere(req, this.#settings.origin)) {
      return confirmLogout(url.pathname + url.search);
    }
    const lines = await this.#sessions.destroy(active, cookies);
    const returnTo = safeReturnTo(url.searchParams.get('returnTo'), this.#settings.origin);
    const local = new URL(returnTo ?? this.#settings.defaultReturnTo, this.#settings.origin).href;
    const status = req.method === 'POST' ? 303 : 302;
    if (!this.#settings.idpLogout || active === undefined) return redirect(local, lines, status);
    const client = await this.#oidcClient();
    try {
      return redirect(client.logoutUrl({ idTokenHint: active.session.tokens.idToken }), lines, status);
    } catch {
      // A provider without a logout endpoint (Google): the app's session is all there is to end.
      return redirect(local, lines, status);
    }
  }

  async #backchannelLogout(req: LoginRequest): Promise<LoginResponse> {
    const form = await readForm(req);
    const token = form.logout_token;
    if (typeof token !== 'string') {
      return errorAnswer(400, 'invalid_request', 'the request must carry one logout_token');
    }
    const client = await this.#oidcClient();
    let claims: LogoutTokenClaims;
    try {
      claims = await client.verifyLogoutToken(token);
    } catch (error) {
      if (!(error instanceof TokenValidationError)) throw error;
      this.#settings.onError?.(error);
      return errorAnswer(400, 'invalid_request', error.message);
    }
    const now = Date.now() / 1000;
    // The logout took place when the token was issued: a token that comes late (a retry) or again (a replay) must
    // not end the sessions begun since. (Its iat is checked: at most the clock tolerance ahead of now.)
    const at = Math.min(now, claims.iat);
    const event = {
      ...(typeof claims.sub === 'string' && { sub: claims.sub }),
      ...(typeof claims.sid === 'string' && { sid: claims.sid }),
    };
    await this.#settings.logoutStore?.endSessions(event, at, now + this.#settings.lifetime.longest());
    return { status: 200, headers: { 'cache-control': 'no-store' } };
  }

  /**
   * The answer to a provider or store that is down (503, reported to `onError`: the browser is not told which host
   * failed, nor how); any other failure is the framework's to answer.
   */
  #failure(error: unknown): LoginResponse {
    if (!(error instanceof NetworkError)) throw error;
    this.#settings.onError?.(error);
    return errorAnswer(503, 'temporarily_unavailable', UNAVAILABLE);
  }
}
