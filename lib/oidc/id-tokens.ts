import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import {
  ALGORITHMS,
  type AsymmetricAlgorithm,
  type JwsAlgorithm,
  type SymmetricAlgorithm,
} from '../token-verifier/algorithms.js';
import type { Clock, IdTokenClaims } from '../token-verifier/claims.js';
import type { JwksFetcherOptions } from '../token-verifier/jwks-fetcher.js';
import { type LogoutTokenClaims, LogoutTokenVerifier } from '../token-verifier/logout-token-verifier.js';
import {
  AsymmetricSignatureVerifier,
  type SignatureVerifier,
  SymmetricSignatureVerifier,
} from '../token-verifier/signature-verifier.js';
import { type IdTokenVerifyOptions, TokenVerifier } from '../token-verifier/token-verifier.js';

/** The placeholder of Microsoft Entra ID's multi-tenant issuer, `https://login.microsoftonline.com/{tenantid}/v2.0`. */
export const TENANT_PLACEHOLDER = '{tenantid}';

/** Most tenants whose ID-token verifier a template keeps. */
const MAX_TENANTS = 100;

/** What the ID tokens of one provider and client are checked with. @internal */
export interface IdTokensOptions {
  /** The issuer, or an issuer template holding {@link TENANT_PLACEHOLDER}. */
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  algorithm: JwsAlgorithm;
  jwksUri: string | undefined;
  jwksOptions: JwksFetcherOptions | undefined;
  transport: TransportOptions;
  leeway: number;
  clock: Clock;
}

/** What the verifiers of one issuer are made with. */
interface VerifierSettings {
  signatureVerifier: SignatureVerifier;
  issuer: string;
  audience: string;
  leeway: number;
  clock: Clock;
}

/** The `tid` claim of a token, read without verifying it, when it looks like a tenant id. */
function tenantOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    const tid = (payload as { tid?: unknown } | null)?.tid;
    return typeof tid === 'string' && /^[0-9a-f-]{36}$/i.test(tid) ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ID-token and logout-token checks of one relying party: one signature verifier (the provider's JWKS, or the
 * client secret for HS*), and a {@link TokenVerifier} and a {@link LogoutTokenVerifier} for the issuer — or, for an
 * issuer template, one of each per tenant, whose issuer is the template filled with the token's `tid` (as
 * Microsoft documents for multi-tenant apps).
 *
 * @internal
 */
export class IdTokens {
  /** The issuer, or the issuer template. */
  readonly issuer: string;
  readonly #signatureVerifier: SignatureVerifier;
  readonly #options: IdTokensOptions;
  readonly #verifiers = new Map<string, TokenVerifier>();
  readonly #logoutVerifiers = new Map<string, LogoutTokenVerifier>();

  constructor(options: IdTokensOptions) {
    this.issuer = options.issuer;
    this.#options = options;
    const { algorithm, clientSecret, jwksUri } = options;
    if (ALGORITHMS[algorithm].family === 'hmac') {
      this.#signatureVerifier = new SymmetricSignatureVerifier(clientSecret as string, {
        algorithm: algorithm as SymmetricAlgorithm,
      });
    } else {
      if (jwksUri === undefined) {
        throw new ConfigurationError('the provider publishes no jwks_uri to verify ID tokens with', 'jwks_uri');
      }
      const { httpAgent, httpsAgent, proxy } = options.transport;
      this.#signatureVerifier = new AsymmetricSignatureVerifier(jwksUri, {
        algorithm: algorithm as AsymmetricAlgorithm,
        httpAgent,
        httpsAgent,
        proxy,
        ...options.jwksOptions,
      });
    }
  }

  /** Whether the issuer is a template rather than one issuer. */
  get templated(): boolean {
    return this.issuer.includes(TENANT_PLACEHOLDER);
  }

  /** Whether `iss` (an authorization response's, RFC 9207) names this issuer, or an issuer of the template. */
  matches(iss: string): boolean {
    if (!this.templated) return iss === this.issuer;
    const [head = '', tail = ''] = this.issuer.split(TENANT_PLACEHOLDER);
    const tenant = iss.slice(head.length, iss.length - tail.length);
    return iss.startsWith(head) && iss.endsWith(tail) && /^[0-9a-f-]{36}$/i.test(tenant);
  }

  /**
   * Verifies an ID token as {@link TokenVerifier.verify} does, with the issuer of its tenant for a template.
   *
   * @throws as {@link TokenVerifier.verify}.
   */
  verify(token: string, options: IdTokenVerifyOptions): Promise<IdTokenClaims> {
    return this.#verifierOf(token, this.#verifiers, (settings) => new TokenVerifier(settings)).verify(token, options);
  }

  /**
   * Verifies a back-channel logout token as {@link LogoutTokenVerifier.verify} does, with the keys of the ID tokens
   * and, for a template, the issuer of its tenant.
   *
   * @throws as {@link LogoutTokenVerifier.verify}.
   */
  verifyLogout(token: string): Promise<LogoutTokenClaims> {
    return this.#verifierOf(token, this.#logoutVerifiers, (settings) => new LogoutTokenVerifier(settings)).verify(
      token,
    );
  }

  /** The verifier of `token`'s issuer in `verifiers`, made and kept (for at most {@link MAX_TENANTS}) if new. */
  #verifierOf<T>(token: string, verifiers: Map<string, T>, make: (settings: VerifierSettings) => T): T {
    const tenant = this.templated && typeof token === 'string' ? tenantOf(token) : undefined;
    const issuer = tenant === undefined ? this.issuer : this.issuer.replace(TENANT_PLACEHOLDER, tenant);
    let verifier = verifiers.get(issuer);
    if (verifier === undefined) {
      if (verifiers.size >= MAX_TENANTS) verifiers.clear();
      const { clientId, leeway, clock } = this.#options;
      verifier = make({ signatureVerifier: this.#signatureVerifier, issuer, audience: clientId, leeway, clock });
      verifiers.set(issuer, verifier);
    }
    return verifier;
  }
}
