/**
 * Fastify plugin (`authn-client/fastify`): `fastifyAuth` verifies the bearer token of every request of the
 * context it is registered in and sets `request.auth`; `requiredScopes()` and the other claim checks are
 * `preHandler` hooks for routes; `authErrorHandler` answers the errors with an RFC 6750 JSON body. For web
 * apps, `fastifyOidcAuth` logs users in through an OpenID Provider and sets `request.oidc`, and `requiresAuth()`
 * guards pages. Fastify itself is never loaded by this module (types only), and every piece of logic lives in the
 * framework-neutral {@link BearerAuthenticator} and {@link WebLogin}.
 *
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withoutRegisterOptions } from '../did-you-mean.js';
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

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token, set by `fastifyAuth` of authn-client; `null` when none was required and none came. */
    auth: AuthResult | null;
  }
}

/** An authenticator built elsewhere, shared with the plugin (e.g. by several Fastify instances). */
export interface SharedAuthenticator {
  /** The authenticator every request of the plugin goes through. */
  authenticator: BearerAuthenticator<FastifyRequest>;
}

/** Options of {@link fastifyAuth}: those of {@link BearerAuthenticator}, or one to share. */
export type FastifyAuthOptions = BearerAuthOptions<FastifyRequest> | SharedAuthenticator;

/** A `preHandler` hook. */
export type PreHandler = (request: { auth: AuthResult | null }, reply: unknown, done: (err?: Error) => void) => void;

/**
 * A Fastify plugin that verifies the bearer token of every request (an `onRequest` hook) in the context it is
 * registered in — register it inside the plugin that holds the protected routes — and sets `request.auth`
 * (`null` with `credentialsRequired: false` and no token). A failure is thrown to Fastify as a
 * {@link BearerError} with `statusCode` and `headers` (which Fastify's default error handler sends).
 *
 * @throws {ConfigurationError} (at registration) for invalid options.
 * @example
 * import Fastify from 'fastify';
 * import { authErrorHandler, fastifyAuth, requiredScopes } from 'authn-client/fastify';
 *
 * const app = Fastify();
 * app.setErrorHandler(authErrorHandler);
 * await app.register(async (api) => {
 *   await api.register(fastifyAuth, { issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' });
 *   api.get('/messages', { preHandler: requiredScopes('read:messages') }, async (request) => ({
 *     sub: request.auth?.payload.sub,
 *   }));
 * });
 */
export function fastifyAuth(instance: FastifyInstance, options: FastifyAuthOptions, done: (err?: Error) => void): void {
  let authenticator: BearerAuthenticator<FastifyRequest>;
  try {
    authenticator =
      'authenticator' in options && options.authenticator instanceof BearerAuthenticator
        ? options.authenticator
        : new BearerAuthenticator<FastifyRequest>(withoutRegisterOptions(options as BearerAuthOptions<FastifyRequest>));
  } catch (error) {
    done(error as Error);
    return;
  }
  if (!instance.hasRequestDecorator('auth')) instance.decorateRequest('auth', null);
  instance.addHook('onRequest', (request, _reply, next) => {
    authenticator.authenticate(request).then((result) => {
      if (result !== undefined) request.auth = result;
      next();
    }, next);
  });
  done();
}

// What fastify-plugin would set: the hook applies to the context that registers the plugin, not to a child.
Object.assign(fastifyAuth, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'authn-client',
});

function preHandler(check: ClaimCheck): PreHandler {
  return (request, _reply, done) => {
    try {
      check(request.auth ?? undefined, request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  };
}

/**
 * A `preHandler` requiring every one of `scopes` among the token's `scope`, `scp` and `permissions`; else
 * 403 `insufficient_scope` with the needed `scope` in the challenge.
 *
 * @throws {ConfigurationError} for no scope or an invalid one.
 * @example
 * api.post('/messages', { preHandler: requiredScopes('write:messages') }, handler);
 */
export function requiredScopes(...scopes: ScopeList): PreHandler {
  return preHandler(requireScopes(...scopes));
}

/**
 * A `preHandler` requiring at least one of `scopes`.
 *
 * @example
 * api.get('/messages', { preHandler: scopeIncludesAny('read:messages', 'admin') }, handler);
 */
export function scopeIncludesAny(...scopes: ScopeList): PreHandler {
  return preHandler(requireAnyScope(...scopes));
}

/**
 * A `preHandler` requiring the claim to equal `value`.
 *
 * @example
 * api.post('/jobs', { preHandler: claimEquals('gty', 'client-credentials') }, handler);
 */
export function claimEquals(claim: string, value: ClaimValue): PreHandler {
  return preHandler(requireClaimEquals(claim, value));
}

/**
 * A `preHandler` requiring the claim (an array or a space-separated string) to include every value.
 *
 * @example
 * api.delete('/posts/:id', { preHandler: claimIncludes('https://example.com/roles', 'editor') }, handler);
 */
export function claimIncludes(claim: string, ...values: ClaimValue[]): PreHandler {
  return preHandler(requireClaimIncludes(claim, ...values));
}

/**
 * A `preHandler` requiring `test(payload, auth)` to return `true`.
 *
 * @example
 * api.get('/org', { preHandler: claimCheck((payload) => payload.org_id === 'org_123') }, handler);
 */
export function claimCheck(test: Parameters<typeof requireClaim>[0], description?: string): PreHandler {
  return preHandler(requireClaim(test, description));
}

/**
 * An error handler (`app.setErrorHandler(authErrorHandler)`) that answers a {@link BearerError} with its
 * status and headers and a JSON body `{ error, error_description }` (never the token, never a stack), and
 * hands any other error to the parent error handler.
 *
 * @example
 * app.setErrorHandler(authErrorHandler);
 */
export function authErrorHandler(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
  if (!(error instanceof BearerError)) {
    reply.send(error);
    return;
  }
  reply
    .code(error.status)
    .headers({ ...error.headers, 'cache-control': 'no-store' })
    .send(authErrorBody(error));
}

export { type AuthResult, BearerAuthenticator, type BearerAuthOptions } from './bearer.js';
export type { ClaimValue, ScopeList } from './claim-checks.js';
export type { DpopOptions } from './dpop.js';
// The web login's adapter lives in lib/login/; this subpath is where Express users find it.
export { fastifyOidcAuth, type OidcPreHandler, requiresAuth } from '../login/fastify.js';
export {
  type OidcAccessToken,
  type OidcAuthOptions,
  OidcContext,
  type OidcRequestContext,
  SessionAccessToken,
  WebLogin,
} from '../login/index.js';
