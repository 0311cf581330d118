// The public surface of lib/middleware/ on the package root: the framework-neutral bearer authenticator, the
// claim checks, the RFC 6750 error helpers and the plain node:http wrapper. The Express and Fastify adapters
// are on their own subpaths (authn-client/express, authn-client/fastify) and are not re-exported here.
export { type AuthResult, BearerAuthenticator, type BearerAuthOptions } from './bearer.js';
export { authErrorBody, type AuthErrorBody, toBearerError, writeAuthError } from './challenge.js';
export {
  type ClaimCheck,
  type ClaimValue,
  requireAnyScope,
  requireClaim,
  requireClaimEquals,
  requireClaimIncludes,
  requireScopes,
  type ScopeList,
} from './claim-checks.js';
export type { DpopOptions, DpopRequest } from './dpop.js';
export { RedisReplayStore, type RedisReplayStoreOptions } from './redis-replay-store.js';
export { MemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from './replay-store.js';
export type { BearerRequest, HeaderValue } from './extract.js';
export type { IntrospectedAccessToken, IntrospectionOptions } from './introspection.js';
export type { IssuerEntry, IssuerList, IssuerResolver, PublicKeyUrl, RoutedResult, TokenType } from './issuers.js';
export { type AuthenticatedRequest, withAuth, type WithAuthOptions } from './node-http.js';
