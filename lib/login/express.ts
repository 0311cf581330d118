import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigurationError } from '../errors.js';
import type { OidcRequestContext } from './context.js';
import type { OidcAuthOptions } from './options.js';
import { type LoginRequest, type LoginResponse, readStream } from './request.js';
import { WebLogin } from './web-login.js';

declare global {
  // Express's own way of typing what middleware adds to its requests (declaration merging).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The login state of the request, set by `oidcAuth()` of authn-client. */
      oidc: OidcRequestContext;
    }
  }
}

/** What the web login reads and sets of an Express request. */
export type OidcRequest = IncomingMessage & {
  /** The path and query as received, before any mount point was stripped (Express sets it). */
  originalUrl?: string;
  /** The body, when a body parser has read it (the login reads it itself otherwise). */
  body?: unknown;
  /** The login state, set by `oidcAuth()`. */
  oidc?: OidcRequestContext;
};

/** Express's `next`. */
export type OidcNext = (err?: unknown) => void;

/** An Express middleware of the web login. */
export type OidcMiddleware = (req: OidcRequest, res: ServerResponse, next: OidcNext) => void;

function loginRequest(req: OidcRequest): LoginRequest {
  return {
    method: req.method ?? 'GET',
    url: req.originalUrl ?? req.url ?? '/',
    headers: req.headers,
    // req.body is the form only when a parser has read the body: body-parser 1.x (Express 4) sets it to {} for
    // every request it does not parse (express.json() before a form post), and leaves the stream to be read.
    ...(req.readableEnded && { body: req.body }),
    readBody: (limit) => readStream(req, limit),
  };
}

function write(res: ServerResponse, response: LoginResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) {
    if (name === 'set-cookie') res.appendHeader(name, value);
    else res.setHeader(name, value);
  }
  res.end(response.body);
}

/** Adds the session's cookies to the answer as its headers are written, whoever writes them. */
function beforeHeaders(res: ServerResponse, sessionCookies: () => string[]): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    res.writeHead = writeHead;
    const lines = sessionCookies();
    if (lines.length > 0) res.appendHeader('set-cookie', lines);
    return (writeHead as (...rest: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
}

/**
 * Express middleware that logs users in through an OpenID Provider: serves the login, callback (`GET` and
 * `form_post`), logout and back-channel-logout routes, keeps the session (a sealed cookie, or a
 * `SessionStore`), sets `req.oidc` on every request, and — with `authRequired` (the default) — sends
 * anonymous page views to the login and answers anonymous API calls 401. Express itself is never loaded by this
 * module. Options are those of `OidcClient` plus `baseUrl` and `secret`; without a provider they come from the
 * `OIDC_*` environment variables.
 *
 * @throws {ConfigurationError} for invalid options.
 * @example
 * import express from 'express';
 * import { oidcAuth, requiresAuth } from 'authn-client/express';
 *
 * const app = express();
 * app.use(
 *   oidcAuth({
 *     issuer: 'https://tenant.us.auth0.com/',
 *     clientId: process.env.CLIENT_ID!,
 *     clientSecret: process.env.CLIENT_SECRET!,
 *     baseUrl: 'https://app.example.com',
 *     secret: process.env.AUTHN_SESSION_SECRET!,
 *     authRequired: false,
 *   }),
 * );
 * app.get('/profile', requiresAuth(), (req, res) => res.json(req.oidc.user));
 */
export function oidcAuth(options: OidcAuthOptions = {}): OidcMiddleware {
  const login = new WebLogin(options);
  return (req, res, next) => {
    login.handle(loginRequest(req)).then((outcome) => {
      if (outcome.handled) {
        write(res, outcome.response);
        return;
      }
      req.oidc = outcome.context;
      beforeHeaders(res, outcome.sessionCookies);
      next();
    }, next);
  };
}

/**
 * Guards a route: a request without a session is sent to the login when it is a page view (and brought back
 * after it), or answered 401 `{ error: 'unauthorized' }` when it is an API call. For apps that run `oidcAuth()`
 * with `authRequired: false`.
 *
 * @example
 * app.get('/account', requiresAuth(), (req, res) => res.render('account', { user: req.oidc.user }));
 */
export function requiresAuth(): OidcMiddleware {
  return (req, res, next) => {
    const login = WebLogin.of(req.oidc);
    if (login === undefined) {
      next(new ConfigurationError('requiresAuth() needs oidcAuth() to run before it', 'oidcAuth'));
      return;
    }
    if (req.oidc?.isAuthenticated()) next();
    else write(res, login.challenge(loginRequest(req)));
  };
}
