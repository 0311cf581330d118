/**
 * Express middleware (`authn-client/express`): `auth()` verifies the bearer token of every request and sets
 * `req.auth`; `requiredScopes()` and the other claim checks guard routes; `authErrorHandler()` answers the
 * errors with an RFC 6750 JSON body. For web apps, `oidcAuth()` logs users in through an OpenID Provider and
 * sets `req.oidc`, and `requiresAuth()` guards pages. Express itself is never loaded by this module (types only),
 * and every piece of logic lives in the framework-neutral {@link BearerAuthenticator} and {@link WebLogin}.
 *
 * @packageDocumentation
 */
import type { ServerResponse } from 'node:http';
import { BearerError } from '../errors.js';
import { type AuthResult, BearerAuthenticator, type BearerAuthOptions } from './bearer.js';
import { writeAuthError } from './challenge.js';
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
import type { BearerRequest } from './extract.js';

declare global {
  // Express's own way of typing what middleware adds to its requests (declaration merging).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified token, set by `auth()` of authn-client. */
      auth?: AuthResult;
    }
  }
}

/** What the middleware reads and sets of an Express request. */
export interface ExpressRequest extends BearerRequest {
  /** The verified token. */
  auth?: AuthResult;
}

/** Express's `next`. */
export type NextFunction = (err?: unknown) => void;

/** An Express middleware. */
export type Middleware<R = ExpressRequest> = (req: R, res: ServerResponse, next: NextFunction) => void;

/** An Express error-handling middleware (four parameters). */
export type ErrorMiddleware = (err: unknown, req: unknown, res: ServerResponse, next: NextFunction) => void;

/**
 * Verifies the bearer token of each request and sets `req.auth = { payload, header, token, scopes }`; a
 * failure goes to `next(err)` as a {@link BearerError} with `status` and `headers` (`WWW-Authenticate`,
 * `Retry-After`): 401, 400 `invalid_request`, 401 `invalid_token`, or 503 when the key source is down.
 *
 * @throws {ConfigurationError} for invalid options.
 * @example
 * import express from 'express';
 * import { auth, authErrorHandler, requiredScopes } from 'authn-client/express';
 *
 * const app = express();
 * app.use(auth({ issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' }));
 * app.get('/messages', requiredScopes('read:messages'), (req, res) => res.json({ sub: req.auth?.payload.sub }));
 * app.use(authErrorHandler());
 */
export function auth<R extends ExpressRequest = ExpressRequest>(
  options: BearerAuthOptions<R> | BearerAuthenticator<R>,
): Middleware<R> {
  const authenticator = options instanceof BearerAuthenticator ? options : new BearerAuthenticator<R>(options);
  return (req, _res, next) => {
    authenticator.authenticate(req).then((result) => {
      if (result !== undefined) req.auth = result;
      next();
    }, next);
  };
}

function guard(check: ClaimCheck): Middleware {
  return (req, _res, next) => {
    try {
      check(req.auth, req);
    } catch (error) {
      next(error);
      return;
    }
    next();
  };
}

/**
 * Requires every one of `scopes` (space-separated strings or lists) among the token's `scope`, `scp` and
 * `permissions`; else 403 `insufficient_scope` with the needed `scope` in the challenge.
 *
 * @throws {ConfigurationError} for no scope or an invalid one.
 * @example
 * app.post('/messages', requiredScopes('write:messages'), handler);
 */
export function requiredScopes(...scopes: ScopeList): Middleware {
  return guard(requireScopes(...scopes));
}

/**
 * Requires at least one of `scopes`; else 403 `insufficient_scope`.
 *
 * @example
 * app.get('/messages', scopeIncludesAny('read:messages', 'admin'), handler);
 */
export function scopeIncludesAny(...scopes: ScopeList): Middleware {
  return guard(requireAnyScope(...scopes));
}

/**
 * Requires the claim to equal `value`; else 403 `insufficient_scope`.
 *
 * @example
 * app.post('/jobs', claimEquals('gty', 'client-credentials'), handler);
 */
export function claimEquals(claim: string, value: ClaimValue): Middleware {
  return guard(requireClaimEquals(claim, value));
}

/**
 * Requires the claim (an array or a space-separated string) to include every value; else 403.
 *
 * @example
 * app.delete('/posts/:id', claimIncludes('https://example.com/roles', 'editor'), handler);
 */
export function claimIncludes(claim: string, ...values: ClaimValue[]): Middleware {
  return guard(requireClaimIncludes(claim, ...values));
}

/**
 * Requires `test(payload, auth)` to return `true`; else 403 with `description`.
 *
 * @example
 * app.get('/org', claimCheck((payload) => payload.org_id === 'org_123', 'Members of org_123 only'), handler);
 */
export function claimCheck(test: Parameters<typeof requireClaim>[0], description?: string): Middleware {
  return guard(requireClaim(test, description));
}

/**
 * An error handler that answers a {@link BearerError} with its status and headers and a JSON body
 * `{ error, error_description }` (never the token, never a stack), and passes any other error on.
 *
 * @example
 * app.use(authErrorHandler());
 */
export function authErrorHandler(): ErrorMiddleware {
  return (err, _req, res, next) => {
    if (err instanceof BearerError) writeAuthError(res, err);
    else next(err);
  };
}

export { type AuthResult, BearerAuthenticator, type BearerAuthOptions } from './bearer.js';
export type { ClaimValue, ScopeList } from './claim-checks.js';
export type { DpopOptions } from './dpop.js';
// The web login's adapter lives in lib/login/; this subpath is where Express users find it.
export { oidcAuth, type OidcMiddleware, type OidcNext, type OidcRequest, requiresAuth } from '../login/express.js';
export {
  type OidcAccessToken,
  type OidcAuthOptions,
  OidcContext,
  type OidcRequestContext,
  SessionAccessToken,
  WebLogin,
} from '../login/index.js';
