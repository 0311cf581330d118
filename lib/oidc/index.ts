// The public surface of lib/oidc/; filled as its classes land.
export { createPkcePair, pkceChallenge, randomPkceVerifier, type PkcePair } from './pkce.js';
export { randomNonce, randomState } from './random.js';
export { buildAuthorizeUrl, type AuthorizeUrlOptions } from './authorize-url.js';
export { parseAuthorizationResponse, type AuthorizationResponse } from './authorization-response.js';
