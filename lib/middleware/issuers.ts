import type { KeyObject } from 'node:crypto';
import { verificationFailed } from '../diagnostics.js';
import { ConfigurationError } from '../errors.js';
import { DiscoveryCache } from '../oidc/discovery.js';
import {
  AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type IssuerOptions,
  type VerifiedAccessToken,
} from '../token-verifier/access-token-verifier.js';
import { ALGORITHMS, isAlgorithm, type JwsAlgorithm } from '../token-verifier/algorithms.js';
import { checkClock, checkIssuer, checkLeeway, checkMaxTokenAge } from '../token-verifier/claims.js';
import { jwksSettings } from '../token-verifier/jwks-fetcher.js';
import { checkOffload } from '../token-verifier/offload.js';
import {
  DEFAULT_MAX_TOKEN_LENGTH,
  HeaderCache,
  type ParsedJwt,
  type ParseOptions,
  parseJwt,
} from '../token-verifier/jwt.js';
import { SymmetricSignatureVerifier } from '../token-verifier/signature-verifier.js';
import { TokenVerifier } from '../token-verifier/token-verifier.js';
import { isB64Token } from './extract.js';
import { IdTokenIssuer } from './id-token-issuer.js';
import {
  type IntrospectedAccessToken,
  type IntrospectionOptions,
  type IntrospectionSettings,
  isCompactJws,
  OpaqueTokenVerifier,
} from './introspection.js';
import { KeySets, MAX_ISSUERS } from './key-sets.js';

/** The kind of token an API accepts. */
export type TokenType = 'access_token' | 'id_token';

/**
 * One trusted issuer of the middleware: its keys, as an {@link AccessTokenVerifier} takes them, and — opt-in —
 * how its opaque access tokens are introspected.
 */
export interface IssuerEntry extends IssuerOptions {
  /**
   * Introspect this issuer's opaque access tokens (RFC 7662): a token that is not a JWT is sent to its
   * introspection endpoint with these client credentials. One issuer of a list at most. @defaultValue off
   */
  introspection?: IntrospectionOptions;
}

/**
 * Trusted issuers: issuer strings (keys found by discovery) or `{ issuer, jwksUri | jwks | secret, algorithms,
 * introspection }`.
 */
export type IssuerList = ReadonlyArray<string | IssuerEntry>;

/** The result of a verification: a JWT's, or an opaque token's checked by introspection. */
export type RoutedResult = VerifiedAccessToken | IntrospectedAccessToken;

/**
 * Resolves the issuers trusted for one request (multi-tenant APIs, custom domains): the token's `iss` must be
 * one of them. Verifiers are kept per issuer, so a resolver called on every request never causes a key fetch
 * per request. Its own errors are passed on as they are (the application answers 500).
 */
export type IssuerResolver<R> = (req: R) => IssuerList | Promise<IssuerList>;

/** An OpenMetadata-style public key URL, bound to the one issuer whose tokens it may verify. */
export interface PublicKeyUrl {
  /** The issuer, exactly as its tokens carry it in `iss`. */
  issuer: string;
  /** The JWKS URL of that issuer. */
  jwksUri: string;
  /** The algorithms of this issuer. @defaultValue the middleware's `algorithms` */
  algorithms?: JwsAlgorithm | readonly JwsAlgorithm[];
}

/** What the verifiers of every issuer share: the access-token verifier's settings, and the kind of token. */
export interface VerifierSettings extends Pick<
  AccessTokenVerifierOptions,
  | 'audience'
  | 'algorithms'
  | 'leeway'
  | 'maxTokenAge'
  | 'clock'
  | 'maxTokenLength'
  | 'strictTyp'
  | 'strict'
  | 'cache'
  | 'offload'
  | 'jwksOptions'
  | 'discovery'
> {
  /** Access tokens, or ID tokens for APIs that accept them. */
  tokenType: TokenType;
}

/** Verifies a token against its issuer; resolves to what middleware puts on `req.auth`. */
type Verify = (token: string, parsed: ParsedJwt | undefined) => Promise<VerifiedAccessToken>;

/** Every algorithm: peeking at a token only needs it well-formed; its issuer's verifier checks `alg`. */
const ANY_ALGORITHM = Object.keys(ALGORITHMS) as JwsAlgorithm[];

/** Normalises one entry of an issuer list, refusing what is not one. */
function entryOf(entry: unknown, option: string): IssuerEntry {
  if (typeof entry === 'string') return { issuer: entry };
  if (typeof entry !== 'object' || entry === null || typeof (entry as IssuerOptions).issuer !== 'string') {
    throw new ConfigurationError(`each ${option} entry must be an issuer string or { issuer, … }`, option);
  }
  return entry as IssuerEntry;
}

function listOf(value: unknown, option: string): IssuerEntry[] {
  if (!Array.isArray(value)) throw new ConfigurationError(`${option} must be a list`, option);
  return value.map((entry: unknown) => entryOf(entry, option));
}

function sameAlgorithms(a: IssuerOptions['algorithms'], b: IssuerOptions['algorithms']): boolean {
  return String(a) === String(b);
}

/** Two option objects with the same members, each the same value: a verifier built for one serves the other. */
function sameOptions(a: object, b: object): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key])
  );
}

/** The one entry of a list that introspects opaque tokens, if any. */
function introspecting(entries: readonly IssuerEntry[]): IssuerEntry | undefined {
  const found = entries.filter((entry) => entry.introspection !== undefined);
  if (found.length > 1) {
    throw new ConfigurationError(
      'only one issuer may introspect opaque tokens: an opaque token does not say which issuer it is from',
      'issuers',
    );
  }
  return found[0];
}

/** Two entries that name the same keys: a verifier built for one serves the other. */
function sameEntry(a: IssuerOptions, b: IssuerOptions): boolean {
  return (
    a.issuer === b.issuer &&
    a.jwksUri === b.jwksUri &&
    a.jwks === b.jwks &&
    a.secret === b.secret &&
    sameAlgorithms(a.algorithms, b.algorithms)
  );
}

/**
 * Routes each token to the verifier of its issuer. With a static issuer list of access tokens, one
 * {@link AccessTokenVerifier} holds every issuer (it matches `iss` before any request). ID tokens, and issuers
 * from a resolver, are parsed first: `iss` must be in the list before any key is looked up, then the
 * issuer's own verifier (kept per issuer) decides. A token that is not a compact JWS goes to the introspection of
 * the one issuer that has it on, if any.
 */
export class IssuerRouter<R> {
  /** The issuers of a static configuration (empty with a resolver). */
  readonly issuers: readonly string[];
  readonly #settings: VerifierSettings;
  readonly #audiences: readonly string[];
  readonly #keySets: KeySets;
  readonly #parse: ParseOptions;
  readonly #resolver: IssuerResolver<R> | undefined;
  readonly #static: Verify | undefined;
  readonly #byIssuer = new Map<string, { entry: IssuerOptions; verify: Verify }>();
  /** The introspection of a static list's introspecting issuer. */
  readonly #opaque: OpaqueTokenVerifier | undefined;
  /** The introspections of a resolver's issuers, by issuer. */
  readonly #opaqueByIssuer = new Map<string, OpaqueTokenVerifier>();
  #discovery: DiscoveryCache | undefined;

  constructor(entries: IssuerEntry[] | IssuerResolver<R>, settings: VerifierSettings) {
    this.#settings = settings;
    this.#discovery = settings.discovery;
    const audiences = typeof settings.audience === 'string' ? [settings.audience] : settings.audience;
    if (!Array.isArray(audiences) || audiences.length === 0) {
      throw new ConfigurationError('audience is required and must be a non-empty string or list', 'audience');
    }
    this.#audiences = audiences;
    this.#keySets = new KeySets(settings.jwksOptions ?? {});
    this.#parse = {
      algorithms: ANY_ALGORITHM,
      maxLength: settings.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH,
      kind: settings.tokenType === 'id_token' ? 'ID token' : 'access token',
      types: null,
      untyped: true,
      headers: new HeaderCache(),
    };
    if (typeof entries === 'function') {
      this.#resolver = entries;
      this.issuers = Object.freeze([]);
      this.#probe();
      return;
    }
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.issuer)) throw new ConfigurationError(`issuer "${entry.issuer}" is listed twice`, 'issuers');
      seen.add(entry.issuer);
    }
    this.issuers = Object.freeze([...seen]);
    const opaque = introspecting(entries);
    if (opaque !== undefined) this.#opaque = this.#opaqueVerifier(opaque);
    if (settings.tokenType === 'access_token') {
      const verifier = this.#accessVerifier(entries);
      this.#static = (token) => verifier.verifyComplete(token);
    } else {
      // An issuer found by discovery builds its verifiers at the first token: check their options now.
      this.#probe();
      for (const entry of entries) this.#byIssuer.set(entry.issuer, { entry, verify: this.#verifierFor(entry) });
    }
  }

  /**
   * Checks the settings that verifiers built later share (a resolver's, and those of ID-token issuers found by
   * discovery) now, rather than at the first request.
   */
  #probe(): void {
    const s = this.#settings;
    const algorithms: unknown[] = s.algorithms === undefined ? ['RS256'] : [s.algorithms].flat();
    if (algorithms.length === 0 || !algorithms.every(isAlgorithm)) {
      throw new ConfigurationError('algorithms must be supported JWS algorithm names', 'algorithms');
    }
    const issuer = 'https://issuer.invalid/';
    const { leeway, maxTokenAge, clock, maxTokenLength, cache, offload } = s;
    if (s.tokenType === 'access_token') {
      const { audience, strictTyp, strict, jwksOptions } = s;
      const jwksUri = `${issuer}jwks.json`;
      new AccessTokenVerifier({
        issuer,
        jwksUri,
        audience,
        leeway,
        maxTokenAge,
        clock,
        maxTokenLength,
        strictTyp,
        strict,
        cache,
        offload,
        jwksOptions,
      });
      return;
    }
    jwksSettings(s.jwksOptions);
    checkOffload(offload);
    const signatureVerifier = new SymmetricSignatureVerifier('probe'.repeat(8));
    for (const audience of this.#audiences) {
      new TokenVerifier({ signatureVerifier, issuer, audience, leeway, maxTokenAge, clock, maxTokenLength, cache });
    }
  }

  /** The introspection of an entry's opaque tokens; for access tokens only. */
  #opaqueVerifier(entry: IssuerEntry): OpaqueTokenVerifier {
    const s = this.#settings;
    if (s.tokenType !== 'access_token') {
      throw new ConfigurationError(
        'introspection is for opaque access tokens: not with tokenType "id_token"',
        'introspection',
      );
    }
    const claims: IntrospectionSettings = {
      audiences: this.#audiences,
      leeway: checkLeeway(s.leeway),
      maxTokenAge: checkMaxTokenAge(s.maxTokenAge),
      clock: checkClock(s.clock),
    };
    return new OpaqueTokenVerifier(entry.issuer, entry.introspection as IntrospectionOptions, claims);
  }

  #accessVerifier(entries: readonly IssuerEntry[]): AccessTokenVerifier {
    const s = this.#settings;
    const options: AccessTokenVerifierOptions = {
      issuers: entries.map((given) => {
        const entry: IssuerOptions = { ...given };
        delete (entry as IssuerEntry).introspection;
        if (entry.jwksUri === undefined || entry.jwks !== undefined || entry.secret !== undefined) return entry;
        // One key set per URL, shared by the issuers (and the resolver's verifiers) that name it.
        const { jwksUri, ...rest } = entry;
        return { ...rest, jwks: this.#keySets.get(jwksUri) };
      }),
      audience: this.#audiences,
      algorithms: s.algorithms,
      leeway: s.leeway,
      maxTokenAge: s.maxTokenAge,
      clock: s.clock,
      maxTokenLength: s.maxTokenLength,
      strictTyp: s.strictTyp,
      strict: s.strict,
      cache: s.cache,
      offload: s.offload,
      jwksOptions: s.jwksOptions,
      discovery: this.#sharedDiscovery(),
    };
    return new AccessTokenVerifier(options);
  }

  #sharedDiscovery(): DiscoveryCache {
    const { timeout, httpAgent, httpsAgent, proxy } = this.#settings.jwksOptions ?? {};
    this.#discovery ??= new DiscoveryCache({ timeout, httpAgent, httpsAgent, proxy });
    return this.#discovery;
  }

  /** A verifier for one issuer entry. */
  #verifierFor(entry: IssuerOptions): Verify {
    if (this.#settings.tokenType === 'access_token') {
      const verifier = this.#accessVerifier([entry]);
      return (token) => verifier.verifyComplete(token);
    }
    const issuer = new IdTokenIssuer(entry, this.#settings, this.#audiences, this.#keySets, () =>
      this.#sharedDiscovery(),
    );
    return (_token, jwt) => issuer.verify(jwt as ParsedJwt);
  }

  /**
   * Verifies a token with the keys of its issuer.
   *
   * @throws as the verifiers do (rejects); with a resolver, also what the resolver throws, and a
   *   `ConfigurationError` for a list that is not one.
   */
  verify(token: string, req: R): Promise<RoutedResult> {
    // An opaque token (a b64token, RFC 6750 §2.1, but no compact JWS) is for introspection, if an issuer has it.
    if (typeof token === 'string' && !isCompactJws(token) && isB64Token(token)) {
      if (this.#opaque !== undefined) return this.#opaque.verify(token);
      if (this.#resolver !== undefined) {
        return Promise.resolve(this.#resolver(req)).then((list) => this.#introspect(token, listOf(list, 'issuers')));
      }
    }
    const verify = this.#static;
    if (verify !== undefined) return verify(token, undefined);
    let jwt: ParsedJwt;
    try {
      jwt = parseJwt(token, this.#parse);
      if (this.#resolver === undefined) {
        const route = this.#byIssuer.get(checkIssuer(jwt.payload, this.issuers, this.#parse.kind));
        return (route as { verify: Verify }).verify(token, jwt);
      }
    } catch (error) {
      return Promise.reject(verificationFailed(this.#parse.kind, error));
    }
    return Promise.resolve(this.#resolver(req)).then((list) => this.#route(jwt, listOf(list, 'issuers')));
  }

  /**
   * Sends an opaque token to the introspection of the one issuer of a resolver's list that has it on; without
   * one, the token goes the way of a JWT, and is refused as the malformed one it then is.
   */
  #introspect(token: string, entries: readonly IssuerEntry[]): Promise<RoutedResult> {
    const entry = introspecting(entries);
    if (entry === undefined) return this.#route(parseJwt(token, this.#parse), entries);
    let verifier = this.#opaqueByIssuer.get(entry.issuer);
    if (verifier === undefined || !sameOptions(verifier.options, entry.introspection as object)) {
      verifier = this.#opaqueVerifier(entry);
      this.#opaqueByIssuer.delete(entry.issuer);
      if (this.#opaqueByIssuer.size >= MAX_ISSUERS) {
        this.#opaqueByIssuer.delete(this.#opaqueByIssuer.keys().next().value as string);
      }
      this.#opaqueByIssuer.set(entry.issuer, verifier);
    }
    return verifier.verify(token);
  }

  /** Routes a parsed token to the verifier of its issuer in a resolver's list. */
  #route(jwt: ParsedJwt, entries: readonly IssuerOptions[]): Promise<VerifiedAccessToken> {
    let iss: string;
    try {
      iss = checkIssuer(
        jwt.payload,
        entries.map((entry) => entry.issuer),
        this.#parse.kind,
      );
    } catch (error) {
      return Promise.reject(verificationFailed(this.#parse.kind, error));
    }
    const entry = entries.find((candidate) => candidate.issuer === iss) as IssuerOptions;
    let route = this.#byIssuer.get(iss);
    if (route === undefined || !sameEntry(route.entry, entry)) {
      route = { entry: { ...entry }, verify: this.#verifierFor(entry) };
      this.#byIssuer.delete(iss);
      if (this.#byIssuer.size >= MAX_ISSUERS) this.#byIssuer.delete(this.#byIssuer.keys().next().value as string);
      this.#byIssuer.set(iss, route);
    }
    return route.verify(jwt.token, jwt);
  }
}

/**
 * Collects the trusted issuers of the middleware options: `issuer` (with `jwksUri` or `secret`, and
 * `introspection`), `issuers` and `publicKeyUrls`, into one list; or the resolver.
 *
 * @throws {ConfigurationError} for none at all, `issuer` with `issuers`, a resolver with `publicKeyUrls`, a
 *   bare URL in `publicKeyUrls` (it must name its issuer), or keys given both beside and inside `issuers`.
 */
export function collectIssuers<R>(options: {
  issuer?: string;
  issuers?: IssuerList | IssuerResolver<R>;
  publicKeyUrls?: readonly PublicKeyUrl[];
  jwksUri?: string;
  secret?: string | Uint8Array | KeyObject;
  introspection?: IntrospectionOptions;
}): IssuerEntry[] | IssuerResolver<R> {
  const { issuer, issuers, publicKeyUrls, jwksUri, secret, introspection } = options;
  if (issuer !== undefined && issuers !== undefined) {
    throw new ConfigurationError('give either issuer or issuers', 'issuers');
  }
  if (issuer === undefined && (jwksUri !== undefined || secret !== undefined || introspection !== undefined)) {
    throw new ConfigurationError(
      'jwksUri, secret and introspection go with issuer, or inside each issuers entry',
      'issuer',
    );
  }
  if (typeof issuers === 'function') {
    if (publicKeyUrls !== undefined) {
      throw new ConfigurationError('publicKeyUrls cannot be combined with an issuers resolver', 'publicKeyUrls');
    }
    return issuers;
  }
  const entries: IssuerEntry[] = [];
  if (issuer !== undefined) {
    if (typeof issuer !== 'string') throw new ConfigurationError('issuer must be a string', 'issuer');
    entries.push({ issuer, jwksUri, secret, introspection });
  }
  if (issuers !== undefined) entries.push(...listOf(issuers, 'issuers'));
  if (publicKeyUrls !== undefined) {
    if (!Array.isArray(publicKeyUrls)) throw new ConfigurationError('publicKeyUrls must be a list', 'publicKeyUrls');
    for (const item of publicKeyUrls as unknown[]) {
      const pair = item as PublicKeyUrl;
      if (
        typeof item !== 'object' ||
        item === null ||
        typeof pair.issuer !== 'string' ||
        typeof pair.jwksUri !== 'string'
      ) {
        throw new ConfigurationError(
          'each publicKeyUrls entry must be { issuer, jwksUri }: a key set verifies the tokens of its own issuer only, ' +
            'never those of another (a bare URL list would let any listed key vouch for any issuer)',
          'publicKeyUrls',
        );
      }
      entries.push({ issuer: pair.issuer, jwksUri: pair.jwksUri, algorithms: pair.algorithms });
    }
  }
  if (entries.length === 0) {
    throw new ConfigurationError('give issuer, issuers (a list or a resolver) or publicKeyUrls', 'issuer');
  }
  return entries;
}
