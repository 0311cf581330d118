/**
 * Koa middleware (`authn-client/koa`): `koaAuth()` verifies the bearer token of every request and sets
 * `ctx.state.auth`; `requiredScopes()` and the other claim checks guard routes; `authErrorHandler()` answers the
 * errors with an RFC 6750 JSON body. Koa itself is never loaded by this module (its few members used are typed
 * here), and every piece of logic lives in the framework-neutral {@link BearerAuthenticator}.
 *
 * @packageDocumentation
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BearerError } from '../errors.js';
import { type AuthResult, BearerAuthenticator, type BearerAuthOptions } from './bearer.js';
import { authErrorBody } from './challenge.js';
import {
  type ClaimCheck,
  type ClaimValue,
  requireAnyScope,
  requireClaim,
  requireClaimEquals,
  requireClaimIncludes,
  requireScopes,
  type ScopeList,
} from './claim-checks.js';
import type { DpopRequest } from './dpop.js';

/** What {@link koaAuth} puts in `ctx.state`: type an app `new Koa<AuthState>()` to read `ctx.state.auth`. */
export interface AuthState {
  /** The verified token; absent only with `credentialsRequired: false` and no token. */
  auth?: AuthResult;
}

/** The members of a Koa context (Koa 2 and 3 alike) the middleware reads and sets. */
export interface KoaContext {
  /** Node's request: its headers, and its header lines as received (to refuse a repeated `Authorization`). */
  req: {
    /** The request headers, lower-case names. */
    headers: IncomingHttpHeaders;
    /** The header lines as received, names and values alternating. */
    rawHeaders: readonly string[];
  };
  /** The parsed query string, read only with `tokenQueryParameter`. */
  query: unknown;
  /** The request method, for a DPoP proof's `htm`. */
  readonly method: string;
  /** The scheme (Koa reads `X-Forwarded-Proto` when `app.proxy` is set), for a DPoP proof's `htu`. */
  readonly protocol: string;
  /** The request target before any mount rewrote it, for a DPoP proof's `htu`. */
  readonly originalUrl: string;
  /** Koa's per-request state, where `auth` is set (see {@link AuthState}). */
  state: object;
  /** The response status, set by {@link authErrorHandler}. */
  status: number;
  /** The response body, set by {@link authErrorHandler}. */
  body: unknown;
  /** Whether the response headers are sent already. */
  readonly headerSent: boolean;
  /** Sets response headers. */
  set(headers: Record<string, string>): void;
}

/** A Koa middleware. */
export type KoaMiddleware<C = KoaContext> = (ctx: C, next: () => Promise<unknown>) => Promise<void>;

/**
 * The request {@link koaAuth} hands to the authenticator, and to an issuer resolver: the headers and header lines
 * of `ctx.req`, `ctx.query`, the method, scheme and URL (for DPoP), and the context itself (`req.ctx`). Cookies
 * (with `tokenCookie`) are read from the `Cookie` header, as `ctx.cookies.get(name)` reads them.
 */
export interface KoaRequest<C extends KoaContext = KoaContext> extends DpopRequest {
  /** The Koa context of the request. */
  readonly ctx: C;
}

/** The request of each context let through without a token, for the realm of the claim checks' 401. */
const UNAUTHENTICATED = new WeakMap<object, KoaRequest>();

function bearerRequest<C extends KoaContext>(ctx: C): KoaRequest<C> {
  const { req } = ctx;
  return {
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    // Koa parses the query string on first access: only when a token query parameter is configured.
    get query() {
      return ctx.query;
    },
    // Read only for a DPoP proof.
    get method() {
      return ctx.method;
    },
    get protocol() {
      return ctx.protocol;
    },
    get originalUrl() {
      return ctx.originalUrl;
    },
    ctx,
  };
}

/**
 * Verifies the bearer token of each request, sets `ctx.state.auth = { payload, header, token, scopes }` and
 * awaits `next()`. A failure is thrown as a {@link BearerError} with `status`, `expose` and `headers`
 * (`WWW-Authenticate`, `Retry-After`), which Koa's default error handler sends: 401, 400 `invalid_request`,
 * 401 `invalid_token`, or 503 when the key source is down. {@link authErrorHandler} adds the JSON body.
 *
 * @throws {ConfigurationError} for invalid options.
 * @example
 * import Koa from 'koa';
 * import { authErrorHandler, koaAuth, requiredScopes, type AuthState } from 'authn-client/koa';
 *
 * const app = new Koa<AuthState>();
 * app.use(authErrorHandler()); // first: it catches what the middleware after it throws
 * app.use(koaAuth({ issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' }));
 * app.use(requiredScopes('read:messages'));
 * app.use((ctx) => {
 *   ctx.body = { sub: ctx.state.auth?.payload.sub };
 * });
 */
export function koaAuth<C extends KoaContext = KoaContext>(
  options: BearerAuthOptions<KoaRequest<C>> | BearerAuthenticator<KoaRequest<C>>,
): KoaMiddleware<C> {
  const authenticator =
    options instanceof BearerAuthenticator ? options : new BearerAuthenticator<KoaRequest<C>>(options);
  return async (ctx, next) => {
    const request = bearerRequest(ctx);
    const result = await authenticator.authenticate(request);
    if (result === undefined) UNAUTHENTICATED.set(ctx, request);
    else (ctx.state as AuthState).auth = result;
    await next();
  };
}

function guard(check: ClaimCheck): KoaMiddleware {
  return async (ctx, next) => {
    check((ctx.state as AuthState).auth, UNAUTHENTICATED.get(ctx));
    await next();
  };
}

/**
 * Requires every one of `scopes` (space-separated strings or lists) among the token's `scope`, `scp` and
 * `permissions`; else throws 403 `insufficient_scope` with the needed `scope` in the challenge.
 *
 * @throws {ConfigurationError} for no scope or an invalid one.
 * @example
 * router.post('/messages', requiredScopes('write:messages'), handler); // @koa/router
 */
export function requiredScopes(...scopes: ScopeList): KoaMiddleware {
  return guard(requireScopes(...scopes));
}

/**
 * Requires at least one of `scopes`; else throws 403 `insufficient_scope`.
 *
 * @example
 * router.get('/messages', scopeIncludesAny('read:messages', 'admin'), handler);
 */
export function scopeIncludesAny(...scopes: ScopeList): KoaMiddleware {
  return guard(requireAnyScope(...scopes));
}

/**
 * Requires the claim to equal `value`; else throws 403 `insufficient_scope`.
 *
 * @example
 * router.post('/jobs', claimEquals('gty', 'client-credentials'), handler);
 */
export function claimEquals(claim: string, value: ClaimValue): KoaMiddleware {
  return guard(requireClaimEquals(claim, value));
}

/**
 * Requires the claim (an array or a space-separated string) to include every value; else throws 403.
 *
 * @example
 * router.delete('/posts/:id', claimIncludes('https://example.com/roles', 'editor'), handler);
 */
export function claimIncludes(claim: string, ...values: ClaimValue[]): KoaMiddleware {
  return guard(requireClaimIncludes(claim, ...values));
}

/**
 * Requires `test(payload, auth)` to return `true`; else throws 403 with `description`.
 *
 * @example
 * router.get('/org', claimCheck((payload) => payload.org_id === 'org_123', 'Members of org_123 only'), handler);
 */
export function claimCheck(test: Parameters<typeof requireClaim>[0], description?: string): KoaMiddleware {
  return guard(requireClaim(test, description));
}

/**
 * A middleware, used before {@link koaAuth}, that catches a {@link BearerError} thrown after it and answers with
 * its status and headers, `Cache-Control: no-store`, and a JSON body `{ error, error_description }` (never the
 * token, never a stack). Any other error, and one thrown once the headers are sent, is rethrown.
 *
 * @example
 * app.use(authErrorHandler());
 * app.use(koaAuth({ issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' }));
 */
export function authErrorHandler(): KoaMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof BearerError) || ctx.headerSent) throw error;
      ctx.status = error.status;
      ctx.set({ ...error.headers, 'Cache-Control': 'no-store' });
      ctx.body = authErrorBody(error);
    }
  };
}

export { type AuthResult, BearerAuthenticator, type BearerAuthOptions } from './bearer.js';
export type { ClaimValue, ScopeList } from './claim-checks.js';
export type { DpopOptions, DpopRequest } from './dpop.js';
