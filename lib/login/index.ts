// The public surface of lib/login/ on the package root: the framework-neutral web login, its request context and
// its session stores. The Express and Fastify adapters (oidcAuth, fastifyOidcAuth, requiresAuth) are on the
// authn-client/express and authn-client/fastify subpaths.
export { type OidcAccessToken, OidcContext, type OidcRequestContext, SessionAccessToken } from './context.js';
export type { SameSite } from './cookies.js';
export type { OidcAuthOptions, OidcAuthRoutes, OidcAuthSessionOptions } from './options.js';
export { RedisSessionStore, type RedisSessionStoreOptions } from './redis-session-store.js';
export type { LoginRequest, LoginResponse } from './request.js';
export type { Session, SessionLifetimeOptions } from './session.js';
export {
  type LogoutEvent,
  MemorySessionStore,
  type MemorySessionStoreOptions,
  type SessionIdentity,
  type SessionRecord,
  type SessionStore,
  type SessionStoreLock,
} from './session-store.js';
export { type LoginOutcome, WebLogin } from './web-login.js';
