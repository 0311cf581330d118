/**
 * authn-client: an Auth0-style authentication API client for Node.js.
 *
 * - verify ID tokens and access tokens ({@link TokenVerifier}, {@link AccessTokenVerifier});
 * - get cached M2M tokens ({@link ClientCredentialsProvider} and the other token providers);
 * - call every endpoint of the Authentication API ({@link AuthenticationClient} and its parts);
 * - log users in to web apps ({@link WebLogin}, its sessions in cookies or a {@link SessionStore}).
 * - observe JWKS fetches, token grants and verification failures on `node:diagnostics_channel`
 *   ({@link DIAGNOSTICS_CHANNELS}).
 *
 * The Express and Fastify middleware (the API's bearer checks and the web login) live on the
 * `authn-client/express` and `authn-client/fastify` subpaths.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export { VERSION } from './version.js';
export {
  DIAGNOSTICS_CHANNELS,
  type JwksCooldownMessage,
  type JwksFetchMessage,
  type JwksStaleMessage,
  type TokenGrantMessage,
  type VerificationFailureMessage,
} from './diagnostics.js';
export type { TransportOptions } from './http/http-client.js';
export type { RetryOptions } from './http/retry.js';
export { type Body, type BodyValue, RepeatedField } from './http/form.js';
export * from './authentication/index.js';
export * from './token-verifier/index.js';
export * from './providers/index.js';
export * from './oidc/index.js';
export * from './middleware/index.js';
export * from './login/index.js';
