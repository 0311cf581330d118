// The public surface of lib/token-verifier/: signature verifiers, the JWKS cache, the ID-token and
// access-token verifiers, and the types they resolve to.
export type { AsymmetricAlgorithm, JwsAlgorithm, SymmetricAlgorithm } from './algorithms.js';
export type { AccessTokenClaims, IdTokenClaims } from './claims.js';
export { JwksKey, type UnusableKey } from './jwk.js';
export { jwkThumbprint } from './jwk-thumbprint.js';
export { type JsonWebKeySet, JwksFetcher, type JwksFetcherOptions } from './jwks-fetcher.js';
export type { JwtHeader, JwtPayload, ParsedJwt } from './jwt.js';
export type { OffloadMode } from './offload.js';
export {
  BACKCHANNEL_LOGOUT_EVENT,
  type LogoutTokenClaims,
  LogoutTokenVerifier,
  type LogoutTokenVerifierOptions,
} from './logout-token-verifier.js';
export {
  AsymmetricSignatureVerifier,
  type AsymmetricSignatureVerifierOptions,
  type KeyHandle,
  SignatureVerifier,
  SymmetricSignatureVerifier,
  type SymmetricSignatureVerifierOptions,
  type VerifiedSignature,
} from './signature-verifier.js';
export { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './token-cache.js';
export { type IdTokenVerifyOptions, TokenVerifier, type TokenVerifierOptions } from './token-verifier.js';
export {
  AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type IssuerOptions,
  scopesOf,
  type VerifiedAccessToken,
} from './access-token-verifier.js';
