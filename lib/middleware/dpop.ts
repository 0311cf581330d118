import { hash } from 'node:crypto';
import { ConfigurationError, TokenValidationError } from '../errors.js';
import { type AsymmetricAlgorithm, algorithmList } from '../token-verifier/algorithms.js';
import { importJwk, JwksKey } from '../token-verifier/jwk.js';
import { jwkThumbprint } from '../token-verifier/jwk-thumbprint.js';
import { isNumericDate } from '../token-verifier/claims.js';
import { parseJwt, type ParseOptions } from '../token-verifier/jwt.js';
import { type BearerRequest, credentialsOf, headerLines, MalformedRequest } from './extract.js';
import { MemoryReplayStore, type ReplayStore } from './replay-store.js';

/** Options of DPoP (RFC 9449) in the API middleware: the `dpop` option, when it is an object. */
export interface DpopOptions<R = BearerRequest> {
  /** Refuse bearer tokens: every request must present a DPoP-bound token with its proof. @defaultValue false */
  required?: boolean;
  /**
   * The proof signing algorithms accepted (asymmetric only), also sent in the challenge's `algs`.
   * @defaultValue ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA']
   */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** Seconds a proof is accepted after its `iat`, plus the middleware's leeway. @defaultValue 300 */
  proofMaxAge?: number;
  /**
   * The URL the client called, which the proof's `htu` must name. By default it is built from the request: the
   * scheme (`req.protocol`, which Express and Fastify derive from their proxy settings, else the socket), the
   * `Host` header and the path (`req.originalUrl`, else `req.url`). The `Host` header is the client's to choose:
   * in production, give this with a fixed origin (which also covers a proxy that changes scheme or host).
   */
  url?: (req: R) => string;
  /**
   * Proofs (`jti`) the default in-memory replay store remembers to refuse a replay within their lifetime; when it
   * is full of live ones, a new proof is answered 503 rather than a used one forgotten. Not with `replayStore`.
   * @defaultValue 10000
   */
  maxReplayEntries?: number;
  /**
   * Where accepted proofs are remembered. The default, a {@link MemoryReplayStore}, sees only this process: behind
   * a load balancer a proof replayed to another replica passes, so give every replica one
   * {@link RedisReplayStore}. A store that fails makes the middleware answer 503 (fail closed).
   * @defaultValue a new `MemoryReplayStore({ maxEntries: maxReplayEntries })`
   */
  replayStore?: ReplayStore;
}

/** What the middleware reads of a request for DPoP, besides the headers. */
export interface DpopRequest extends BearerRequest {
  /** The HTTP method, for `htm`. */
  method?: string;
  /** The scheme Express and Fastify derive (`http` or `https`). */
  protocol?: string;
  /** The URL before any router rewrote it (Express). */
  originalUrl?: string;
  /** The socket, for its scheme when the framework gives none. */
  socket?: {
    /** True on a TLS socket. */
    encrypted?: boolean;
  };
}

/** The token and the proof of an `Authorization: DPoP` request. */
export interface DpopCredentials {
  readonly token: string;
  readonly proof: string;
}

const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = [
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
];

/** token68 (RFC 9110 §11.2), which RFC 9449 §7.1 uses for the token after `DPoP`. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
/** The longest proof read: a proof carries one public key, a few kB at most. */
const MAX_PROOF_LENGTH = 8_192;
/** The longest `jti` accepted. */
const MAX_JTI_LENGTH = 256;

/**
 * The token and proof of a request whose `Authorization` scheme is `DPoP` (matched case-insensitively);
 * `undefined` for any other scheme or none; a {@link MalformedRequest} when the header is repeated, the token is
 * not a token68, or the `DPoP` header is missing or repeated (RFC 9449 §4.3 steps 1–2, §7.1).
 *
 * @example
 * dpopCredentials({ headers: { authorization: 'DPoP eyJ…', dpop: 'eyJ…' } }); // { token, proof }
 */
export function dpopCredentials(req: BearerRequest): DpopCredentials | MalformedRequest | undefined {
  const header = req.headers.authorization;
  const token = typeof header === 'string' ? credentialsOf(header, 'dpop') : undefined;
  if (token === undefined) return undefined;
  if (headerLines(req, 'authorization') > 1) return new MalformedRequest('the Authorization header must be sent once');
  if (!TOKEN68.test(token)) return new MalformedRequest('the Authorization header must be DPoP followed by the token');
  const proof = req.headers.dpop;
  if (typeof proof !== 'string' || proof === '' || headerLines(req, 'dpop') > 1) {
    return new MalformedRequest('a DPoP request must carry exactly one DPoP header');
  }
  return { token, proof };
}

/** A proof that failed a check: the short, fixed `error_description` of the 401 `invalid_dpop_proof`. */
export class DpopProofFailure extends TokenValidationError {}

function refuse(description: string, claim?: string): never {
  throw new DpopProofFailure(description, 'ERR_DPOP_PROOF_INVALID', claim);
}

/** The settings of {@link DpopProofVerifier}, checked. */
export interface DpopSettings<R> {
  readonly required: boolean;
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly proofMaxAge: number;
  readonly url: ((req: R) => string) | undefined;
  /** The store given, or `undefined` for a memory store of `maxReplayEntries` on the middleware's clock. */
  readonly replayStore: ReplayStore | undefined;
  readonly maxReplayEntries: number;
}

/**
 * Checks the `dpop` option of the middleware and applies its defaults; `undefined` when DPoP is off.
 *
 * @throws {ConfigurationError} for a value that is not a boolean or an options object, or invalid members.
 */
export function dpopSettings<R>(value: unknown): DpopSettings<R> | undefined {
  if (value === undefined || value === false) return undefined;
  if (value !== true && (typeof value !== 'object' || value === null)) {
    throw new ConfigurationError('dpop must be a boolean or an options object', 'dpop');
  }
  const options = (value === true ? {} : value) as DpopOptions<R>;
  const required = options.required ?? false;
  if (typeof required !== 'boolean') throw new ConfigurationError('dpop.required must be a boolean', 'dpop');
  const proofMaxAge = options.proofMaxAge ?? 300;
  if (typeof proofMaxAge !== 'number' || !Number.isFinite(proofMaxAge) || proofMaxAge <= 0 || proofMaxAge > 3_600) {
    throw new ConfigurationError('dpop.proofMaxAge must be a number of seconds above 0, at most 3600', 'dpop');
  }
  const maxReplayEntries = options.maxReplayEntries ?? 10_000;
  if (!Number.isSafeInteger(maxReplayEntries) || maxReplayEntries < 1) {
    throw new ConfigurationError('dpop.maxReplayEntries must be a whole number above 0', 'dpop');
  }
  const { replayStore } = options;
  if (replayStore !== undefined && typeof replayStore?.remember !== 'function') {
    throw new ConfigurationError('dpop.replayStore must be a ReplayStore (a remember method)', 'dpop');
  }
  if (replayStore !== undefined && options.maxReplayEntries !== undefined) {
    throw new ConfigurationError('dpop.maxReplayEntries is for the default store; not with dpop.replayStore', 'dpop');
  }
  if (options.url !== undefined && typeof options.url !== 'function') {
    throw new ConfigurationError('dpop.url must be a function of the request', 'dpop');
  }
  const algorithms = algorithmList<AsymmetricAlgorithm>(options.algorithms ?? DEFAULT_ALGORITHMS, false, 'dpop');
  return { required, algorithms, proofMaxAge, url: options.url, replayStore, maxReplayEntries };
}

/** The URL a request was sent to, without query or fragment, as `htu` must name it (RFC 9449 §4.3 step 9). */
function requestUrl(req: DpopRequest): string | undefined {
  const host = req.headers.host;
  const target = req.originalUrl ?? req.url;
  if (typeof host !== 'string' || typeof target !== 'string') return undefined;
  const scheme = req.protocol ?? (req.socket?.encrypted === true ? 'https' : 'http');
  return `${scheme}://${host}${target}`;
}

/** A URL compared as RFC 9449 §4.3 says: without query and fragment, scheme and host case-insensitively. */
function normalisedUrl(text: string): string | undefined {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * Checks DPoP proofs (RFC 9449 §4.3) for one middleware: the proof's header (`typ: dpop+jwt`, an allowed
 * asymmetric `alg`, a public `jwk` that suits it) and signature; `htm`, `htu`, `iat` within `proofMaxAge` and
 * the leeway, `ath` equal to the hash of the access token, and that the token's `cnf.jkt` is the thumbprint of
 * the proof's key (RFC 9449 §6); then, last, that its `jti` was not used before within the proof's lifetime, in
 * the replay store.
 */
export class DpopProofVerifier<R extends DpopRequest = DpopRequest> {
  readonly settings: DpopSettings<R>;
  readonly #leeway: number;
  readonly #parse: ParseOptions;
  /** Where `jkt:jti` of the proofs accepted are remembered. */
  readonly #replays: ReplayStore;

  /** `clock`: the middleware's, epoch seconds; the default replay store runs on it. */
  constructor(settings: DpopSettings<R>, leeway: number, clock: () => number) {
    this.settings = settings;
    this.#leeway = leeway;
    this.#replays =
      settings.replayStore ??
      new MemoryReplayStore({ maxEntries: settings.maxReplayEntries, clock: () => clock() * 1000 });
    this.#parse = {
      algorithms: settings.algorithms,
      maxLength: MAX_PROOF_LENGTH,
      kind: 'token',
      types: new Set(['dpop+jwt']),
      untyped: false,
    };
  }

  /**
   * Verifies `proof` for a request that presented `token`, whose verified claims are `payload`.
   *
   * @throws {DpopProofFailure} (rejects) for a proof that fails a check or was used before, or a token not bound
   *   to the proof's key; the replay store's own failure (a `StoreUnavailableError`) as it is.
   */
  async verify(
    proof: string,
    token: string,
    payload: Readonly<Record<string, unknown>>,
    req: R,
    now: number,
  ): Promise<void> {
    let jwt;
    try {
      jwt = parseJwt(proof, this.#parse);
    } catch (error) {
      const code = (error as TokenValidationError).code;
      refuse(
        code === 'ERR_TOKEN_ALG_NOT_ALLOWED'
          ? 'the DPoP proof algorithm is not accepted'
          : 'the DPoP proof is malformed',
      );
    }
    const key = importJwk(jwt.header.jwk);
    if (!(key instanceof JwksKey) || !key.verify(jwt.header.alg, jwt.signingInput, jwt.signature)) {
      refuse('the DPoP proof signature is invalid');
    }
    const claims = jwt.payload;
    const { jti, htm, htu, iat, ath } = claims;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH)
      refuse('the DPoP proof has no valid jti', 'jti');
    if (htm !== (req.method ?? '').toUpperCase()) refuse('the DPoP proof is for another HTTP method', 'htm');
    const called = this.settings.url === undefined ? requestUrl(req) : this.settings.url(req);
    const expected = typeof called === 'string' ? normalisedUrl(called) : undefined;
    if (typeof htu !== 'string' || expected === undefined || normalisedUrl(htu) !== expected) {
      refuse('the DPoP proof is for another URL', 'htu');
    }
    if (!isNumericDate(iat)) refuse('the DPoP proof has no issue time', 'iat');
    const leeway = this.#leeway;
    if (iat > now + leeway) refuse('the DPoP proof is issued in the future', 'iat');
    const until = iat + this.settings.proofMaxAge + leeway;
    if (now >= until) refuse('the DPoP proof has expired', 'iat');
    if (ath !== hash('sha256', token, 'base64url')) refuse('the DPoP proof is for another access token', 'ath');
    const jkt = jwkThumbprint(jwt.header.jwk as Record<string, unknown>);
    const cnf = payload.cnf as { jkt?: unknown } | undefined;
    if (jkt === undefined || typeof cnf !== 'object' || cnf === null || cnf.jkt !== jkt) {
      refuse('the token is not bound to the DPoP proof key', 'cnf');
    }
    // Remembered until the proof could no longer be accepted anyway.
    if (!(await this.#replays.remember(`${jkt}:${jti}`, (until - now) * 1000))) {
      refuse('the DPoP proof was already used', 'jti');
    }
  }
}
