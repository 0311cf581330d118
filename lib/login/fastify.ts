import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withoutRegisterOptions } from '../did-you-mean.js';
import { ConfigurationError } from '../errors.js';
import type { OidcRequestContext } from './context.js';
import type { OidcAuthOptions } from './options.js';
import { type LoginRequest, type LoginResponse, readStream } from './request.js';
import { WebLogin } from './web-login.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The login state of the request, set by `fastifyOidcAuth` of authn-client. */
    oidc: OidcRequestContext;
  }
}

/** A `preHandler` hook of the web login. */
export type OidcPreHandler = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;

/** The session cookies each request's answer must carry, found again in `onSend`. */
const sessionCookies = new WeakMap<FastifyRequest, () => string[]>();

function loginRequest(request: FastifyRequest): LoginRequest {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    // onRequest runs before Fastify reads the body: the login reads its forms from the raw request itself.
    readBody: (limit) => readStream(request.raw, limit),
  };
}

function write(reply: FastifyReply, response: LoginResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

/**
 * A Fastify plugin that logs users in through an OpenID Provider: the login, callback (`GET` and `form_post`),
 * logout and back-channel-logout routes, the session (a sealed cookie, or a `SessionStore`), `request.oidc`
 * on every request of the context it is registered in, and — with `authRequired` (the default) — anonymous page
 * views sent to the login and anonymous API calls answered 401. It needs no body parser (it reads its own forms)
 * and Fastify itself is never loaded by this module. Options as `oidcAuth()`'s.
 *
 * @throws {ConfigurationError} (at registration) for invalid options.
 * @example
 * import Fastify from 'fastify';
 * import { fastifyOidcAuth, requiresAuth } from 'authn-client/fastify';
 *
 * const app = Fastify();
 * await app.register(fastifyOidcAuth, {
 *   issuer: 'https://tenant.us.auth0.com/',
 *   clientId: process.env.CLIENT_ID!,
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   baseUrl: 'https://app.example.com',
 *   secret: process.env.AUTHN_SESSION_SECRET!,
 *   authRequired: false,
 * });
 * app.get('/profile', { preHandler: requiresAuth() }, async (request) => request.oidc.user);
 */
export function fastifyOidcAuth(
  instance: FastifyInstance,
  options: OidcAuthOptions,
  done: (err?: Error) => void,
): void {
  let login: WebLogin;
  try {
    login = new WebLogin(withoutRegisterOptions(options));
  } catch (error) {
    done(error as Error);
    return;
  }
  if (!instance.hasRequestDecorator('oidc')) instance.decorateRequest('oidc', null as unknown as OidcRequestContext);
  // The login's routes exist in this context (so that they are not 404 wherever the plugin is registered); the
  // onRequest hook answers them before the handler could run.
  for (const [method, url] of login.routeList()) {
    instance.route({ method, url, handler: (_request, reply) => reply.code(404).send() });
  }
  instance.addHook('onRequest', (request, reply, next) => {
    login.handle(loginRequest(request)).then((outcome) => {
      if (outcome.handled) {
        write(reply, outcome.response);
        return;
      }
      request.oidc = outcome.context;
      sessionCookies.set(request, outcome.sessionCookies);
      next();
    }, next);
  });
  instance.addHook('onSend', (request, reply, payload, next) => {
    const lines = sessionCookies.get(request)?.() ?? [];
    if (lines.length > 0) reply.header('set-cookie', lines);
    next(null, payload);
  });
  done();
}

// What fastify-plugin would set: the hooks apply to the context that registers the plugin, not to a child.
Object.assign(fastifyOidcAuth, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'authn-client-login',
});

/**
 * A `preHandler` that guards a route: a request without a session is sent to the login when it is a page view,
 * or answered 401 when it is an API call. For apps that register `fastifyOidcAuth` with `authRequired: false`.
 *
 * @example
 * app.get('/account', { preHandler: requiresAuth() }, async (request) => request.oidc.user);
 */
export function requiresAuth(): OidcPreHandler {
  return (request, reply, done) => {
    const login = WebLogin.of(request.oidc);
    if (login === undefined) {
      done(new ConfigurationError('requiresAuth() needs fastifyOidcAuth registered before it', 'fastifyOidcAuth'));
      return;
    }
    if (request.oidc.isAuthenticated()) done();
    else write(reply, login.challenge(loginRequest(request)));
  };
}
