import { KeySourceUnavailableError, ConfigurationError } from '../errors.js';
import type { KeyObject } from 'node:crypto';
import { type DiscoveryCache, discoveryUrl } from '../oidc/discovery.js';
import { scopesOf, type IssuerOptions, type VerifiedAccessToken } from '../token-verifier/access-token-verifier.js';
import {
  algorithmList,
  type AsymmetricAlgorithm,
  type JwsAlgorithm,
  type SymmetricAlgorithm,
} from '../token-verifier/algorithms.js';
import type { AccessTokenClaims } from '../token-verifier/claims.js';
import type { JwksFetcher } from '../token-verifier/jwks-fetcher.js';
import type { ParsedJwt } from '../token-verifier/jwt.js';
import type { OffloadMode } from '../token-verifier/offload.js';
import {
  AsymmetricSignatureVerifier,
  type SignatureVerifier,
  SymmetricSignatureVerifier,
} from '../token-verifier/signature-verifier.js';
import type { VerifiedTokenCacheOptions } from '../token-verifier/token-cache.js';
import { TokenVerifier } from '../token-verifier/token-verifier.js';
import type { KeySets } from './key-sets.js';

/** What the ID-token verifiers of every issuer share. */
export interface IdTokenSettings {
  algorithms?: JwsAlgorithm | readonly JwsAlgorithm[];
  leeway?: number;
  maxTokenAge?: number;
  clock?: () => number;
  maxTokenLength?: number;
  cache?: boolean | VerifiedTokenCacheOptions;
  offload?: OffloadMode;
}

/** The audience a token is meant for, among the configured ones (the first when none: its check says why). */
export function audienceFor(aud: unknown, audiences: readonly string[]): string {
  if (typeof aud === 'string' && audiences.includes(aud)) return aud;
  if (Array.isArray(aud)) for (const item of aud) if (audiences.includes(item as string)) return item as string;
  return audiences[0] as string;
}

/**
 * The keys and checks of one issuer of ID tokens: a {@link TokenVerifier} per configured audience (the
 * client ids whose ID tokens the API accepts), sharing one signature verifier, found by discovery when the
 * entry gives no keys.
 *
 * @throws {ConfigurationError} from the constructor for keys given twice, algorithms that do not suit the keys,
 *   or an issuer that is not an `https:` URL.
 * @example
 * const issuer = new IdTokenIssuer({ issuer, jwksUri }, {}, [clientId], new KeySets({}), () => discovery);
 * const auth = await issuer.verify(parseJwt(token, parseOptions));
 */
export class IdTokenIssuer {
  readonly #entry: IssuerOptions;
  readonly #settings: IdTokenSettings;
  readonly #audiences: readonly string[];
  readonly #keySets: KeySets;
  readonly #discovery: () => DiscoveryCache;
  #verifiers: Map<string, TokenVerifier> | undefined;
  #pending: Promise<Map<string, TokenVerifier>> | undefined;

  constructor(
    entry: IssuerOptions,
    settings: IdTokenSettings,
    audiences: readonly string[],
    keySets: KeySets,
    discovery: () => DiscoveryCache,
  ) {
    this.#entry = entry;
    this.#settings = settings;
    this.#audiences = audiences;
    this.#keySets = keySets;
    this.#discovery = discovery;
    const { jwksUri, jwks, secret } = entry;
    if ([jwksUri, jwks, secret].filter((source) => source !== undefined).length > 1) {
      throw new ConfigurationError(`give one of jwksUri, jwks and secret for issuer "${entry.issuer}"`, 'issuers');
    }
    if (jwksUri !== undefined || jwks !== undefined || secret !== undefined) {
      this.#verifiers = this.#build(
        this.#signatureVerifier(jwks ?? (jwksUri === undefined ? undefined : keySets.get(jwksUri)), secret),
      );
    } else {
      discoveryUrl(entry.issuer);
      algorithmList(this.#algorithms(false), false, 'algorithms');
    }
  }

  #algorithms(symmetric: boolean): readonly JwsAlgorithm[] {
    const value = this.#entry.algorithms ?? this.#settings.algorithms ?? (symmetric ? 'HS256' : 'RS256');
    return Array.isArray(value) ? value : [value as JwsAlgorithm];
  }

  #signatureVerifier(
    jwks: JwksFetcher | undefined,
    secret: string | Uint8Array | KeyObject | undefined,
  ): SignatureVerifier {
    if (secret !== undefined) {
      return new SymmetricSignatureVerifier(secret, { algorithm: this.#algorithms(true) as SymmetricAlgorithm[] });
    }
    return new AsymmetricSignatureVerifier(jwks as JwksFetcher, {
      algorithm: this.#algorithms(false) as AsymmetricAlgorithm[],
      offload: this.#settings.offload,
    });
  }

  #build(signatureVerifier: SignatureVerifier): Map<string, TokenVerifier> {
    const { leeway, maxTokenAge, clock, maxTokenLength, cache } = this.#settings;
    const verifiers = new Map<string, TokenVerifier>();
    for (const audience of this.#audiences) {
      verifiers.set(
        audience,
        new TokenVerifier({
          signatureVerifier,
          issuer: this.#entry.issuer,
          audience,
          leeway,
          maxTokenAge,
          clock,
          maxTokenLength,
          cache,
        }),
      );
    }
    return verifiers;
  }

  /** The verifiers, after discovery on first use (shared by concurrent callers; retried after a failure). */
  #resolve(): Promise<Map<string, TokenVerifier>> {
    const issuer = this.#entry.issuer;
    this.#pending ??= this.#discovery()
      .get(issuer)
      .then((metadata) => {
        if (typeof metadata.jwks_uri !== 'string') {
          throw new KeySourceUnavailableError(`the discovery document of "${issuer}" has no jwks_uri`);
        }
        this.#verifiers = this.#build(this.#signatureVerifier(this.#keySets.get(metadata.jwks_uri), undefined));
        return this.#verifiers;
      })
      .catch((error: unknown) => {
        this.#pending = undefined;
        throw error;
      });
    return this.#pending;
  }

  /** Verifies a parsed ID token of this issuer; resolves to what middleware puts on `req.auth`. */
  verify(jwt: ParsedJwt): Promise<VerifiedAccessToken> {
    const { payload } = jwt;
    const audience = audienceFor(payload.aud, this.#audiences);
    // An API is not the client that sent the authentication request: it has no nonce to compare. The token's
    // own nonce is passed so that a nonce-bearing ID token is not refused for carrying one; the signature
    // still covers it.
    const nonce = typeof payload.nonce === 'string' && payload.nonce !== '' ? { nonce: payload.nonce } : undefined;
    const run = (verifiers: Map<string, TokenVerifier>) =>
      (verifiers.get(audience) as TokenVerifier).verify(jwt.token, nonce).then((claims): VerifiedAccessToken => ({
        header: jwt.header,
        payload: claims as unknown as AccessTokenClaims,
        scopes: scopesOf(claims),
        token: jwt.token,
      }));
    const verifiers = this.#verifiers;
    return verifiers === undefined ? this.#resolve().then(run) : run(verifiers);
  }
}
