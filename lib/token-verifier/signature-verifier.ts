import { createHmac, createPublicKey, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';
import { rethrowFailure, verificationFailed } from '../diagnostics.js';
import { ConfigurationError, type TokenValidationError } from '../errors.js';
import {
  ALGORITHMS,
  algorithmList,
  type AsymmetricAlgorithm,
  type JwsAlgorithm,
  type SymmetricAlgorithm,
} from './algorithms.js';
import { invalid } from './failure.js';
import { latin1Bytes } from './scratch.js';
import type { JwksKey } from './jwk.js';
import { JwksFetcher, type JwksFetcherOptions } from './jwks-fetcher.js';
import { checkOffload, type OffloadMode, offloadNow } from './offload.js';
import {
  DEFAULT_MAX_TOKEN_LENGTH,
  HeaderCache,
  type JwtHeader,
  type JwtPayload,
  type ParsedJwt,
  type ParseOptions,
  parseJwt,
} from './jwt.js';

/**
 * What verified a signature, as verified-token caches need it: `active` turns false when a JWKS refresh drops
 * the key or when its key set is due for a refresh, and whatever that key verified must be verified again.
 */
export interface KeyHandle {
  /** False once the key left its key set, and while its key set is past its TTL. */
  readonly active: boolean;
}

/** A decoded token whose signature was verified; its claims are not checked. */
export interface VerifiedSignature {
  /** The decoded header. */
  header: JwtHeader;
  /** The decoded claims set, unchecked. */
  payload: JwtPayload;
}

/** The handle of a shared secret: it never leaves its set. */
const SECRET_HANDLE: KeyHandle = Object.freeze({ active: true });

/** Publishes the failure of an asynchronous verification, and rejects with it. */
const failed = rethrowFailure('token');

function signatureError(): TokenValidationError {
  return invalid('Invalid token signature.', 'ERR_TOKEN_SIGNATURE_INVALID');
}

function invalidSignature(): never {
  throw signatureError();
}

/**
 * Verifies the signature of compact JWS tokens with an explicit algorithm allowlist and a key chosen by
 * configuration, never by the token: `jku`, `x5u`, `jwk` and `x5c` headers are ignored, unknown `crit` is
 * rejected. {@link SymmetricSignatureVerifier} and {@link AsymmetricSignatureVerifier} are the two kinds;
 * {@link TokenVerifier} takes either.
 *
 * @example
 * const verifier: SignatureVerifier = new AsymmetricSignatureVerifier(jwksUrl);
 * const payload = await verifier.verifySignature(token); // claims not checked
 */
export abstract class SignatureVerifier {
  /** The algorithms accepted, in the order given. */
  readonly algorithms: readonly JwsAlgorithm[];
  readonly #parse: ParseOptions;

  protected constructor(algorithms: readonly JwsAlgorithm[]) {
    this.algorithms = algorithms;
    this.#parse = {
      algorithms,
      maxLength: DEFAULT_MAX_TOKEN_LENGTH,
      kind: 'token',
      types: null,
      untyped: true,
      headers: new HeaderCache(),
    };
  }

  /** The first (for a single-algorithm verifier, the only) algorithm accepted. */
  get algorithm(): JwsAlgorithm {
    return this.algorithms[0] as JwsAlgorithm;
  }

  /**
   * Parses a token strictly and verifies its signature, without checking any claim (use {@link TokenVerifier}
   * or {@link AccessTokenVerifier} for that). Any `typ` is accepted here.
   *
   * @throws {TokenValidationError} for a malformed token, an algorithm outside the allowlist, a bad signature.
   * @throws {JwksError} / {@link KeyNotFoundError} when no key may verify the token; `NetworkError` subclasses
   *   when the key source is down.
   *
   * Every failure is also published on `authn-client:verification:failure` ({@link DIAGNOSTICS_CHANNELS}).
   */
  verifySignature(token: string): Promise<VerifiedSignature> {
    try {
      if (typeof token !== 'string' || token === '') {
        throw invalid('Token is required but missing.', 'ERR_TOKEN_MISSING');
      }
      const jwt = parseJwt(token, this.#parse);
      const verified = this.verifyParsed(jwt);
      const result = { header: jwt.header, payload: jwt.payload };
      return verified instanceof Promise ? verified.then(() => result, failed) : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(verificationFailed('token', error));
    }
  }

  /**
   * Verifies the signature of a token the strict parser (`parseJwt`) accepted: returns the handle of the key that verified
   * it synchronously when the key is at hand (the hot path), or a promise of it when keys must be fetched.
   *
   * @throws {TokenValidationError} (or rejects) as {@link SignatureVerifier.verifySignature}.
   */
  abstract verifyParsed(jwt: ParsedJwt): KeyHandle | Promise<KeyHandle>;

  /** Rejects an algorithm this verifier was not configured with (a caller may have parsed with a wider list). */
  protected checkAlgorithm(alg: JwsAlgorithm): void {
    if (!this.algorithms.includes(alg)) {
      const expected = this.algorithms.map((a) => `"${a}"`).join(', ');
      throw invalid(
        `Signature algorithm of "${alg}" is not supported. Expected the token to be signed with ${expected}`,
        'ERR_TOKEN_ALG_NOT_ALLOWED',
        'alg',
      );
    }
  }
}

/** Options of a {@link SymmetricSignatureVerifier}. */
export interface SymmetricSignatureVerifierOptions {
  /** The HMAC algorithm, or a list of them. @defaultValue 'HS256' */
  algorithm?: SymmetricAlgorithm | readonly SymmetricAlgorithm[];
}

/**
 * Tells whether the bytes of a would-be HMAC secret are asymmetric key material: PEM armor of any kind, a DER
 * public key (SPKI or PKCS#1), or a JWK. An HMAC keyed with a public key can be forged by anyone who has the
 * key (CVE-2015-9235 and its successors), so such a secret is refused rather than classified.
 */
function isKeyMaterial(bytes: Buffer): boolean {
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN ')) return true;
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      createPublicKey({ key: bytes, format: 'der', type });
      return true;
    } catch {
      // not a DER public key of this type
    }
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && Object.hasOwn(value, 'kty');
  } catch {
    return false;
  }
}

/**
 * Verifies HS256 / HS384 / HS512 tokens with a shared secret (for ID tokens: the client secret, as UTF-8
 * bytes). The secret must be at least as long as the hash of every configured algorithm (32 bytes for HS256,
 * RFC 7518 §3.2); it is kept as a `KeyObject` in a private field, so it shows in no message and no
 * `util.inspect`. MACs are compared in constant time after a length check. Key material (a PEM, a DER public
 * key, a JWK) is refused as a secret: a public key used as an HMAC key lets anyone forge tokens.
 *
 * @throws {ConfigurationError} for a secret that is missing, too short or key material, or an algorithm that is
 *   not HS*.
 * @example
 * const verifier = new SymmetricSignatureVerifier(process.env.AUTH0_CLIENT_SECRET!, { algorithm: 'HS256' });
 */
export class SymmetricSignatureVerifier extends SignatureVerifier {
  readonly #secret: KeyObject;

  constructor(sharedSecret: string | Uint8Array | KeyObject, options: SymmetricSignatureVerifierOptions = {}) {
    super(algorithmList<SymmetricAlgorithm>(options.algorithm ?? 'HS256', true));
    let secret: KeyObject;
    if (sharedSecret instanceof KeyObject) {
      if (sharedSecret.type !== 'secret') {
        throw new ConfigurationError('sharedSecret must be a secret KeyObject', 'sharedSecret');
      }
      secret = sharedSecret;
    } else if (typeof sharedSecret === 'string' || sharedSecret instanceof Uint8Array) {
      secret = createSecretKey(typeof sharedSecret === 'string' ? Buffer.from(sharedSecret, 'utf8') : sharedSecret);
    } else {
      throw new ConfigurationError('sharedSecret must be a string, bytes or a secret KeyObject', 'sharedSecret');
    }
    if (isKeyMaterial(secret.export())) {
      throw new ConfigurationError(
        'sharedSecret must be a shared secret, not key material (PEM, DER or JWK): an HMAC keyed with a public key can be forged by anyone',
        'sharedSecret',
      );
    }
    const size = secret.symmetricKeySize ?? 0;
    for (const alg of this.algorithms) {
      const needed = ALGORITHMS[alg].hashLength;
      if (size < needed) {
        throw new ConfigurationError(
          `sharedSecret must be at least ${needed} bytes for ${alg} (RFC 7518 §3.2); it has ${size}`,
          'sharedSecret',
        );
      }
    }
    this.#secret = secret;
  }

  verifyParsed(jwt: ParsedJwt): KeyHandle {
    const alg = jwt.header.alg;
    this.checkAlgorithm(alg);
    const spec = ALGORITHMS[alg];
    if (jwt.signature.length !== spec.signatureLength) invalidSignature();
    // HMAC takes bytes faster than a string it must encode; createHmac() is synchronous, so the shared scratch
    // buffer may hold them.
    const mac = createHmac(spec.digest as string, this.#secret)
      .update(latin1Bytes(jwt.signingInput))
      .digest();
    if (!timingSafeEqual(mac, jwt.signature)) invalidSignature();
    return SECRET_HANDLE;
  }
}

/** Options of an {@link AsymmetricSignatureVerifier}: the algorithms, and the options of its key set. */
export interface AsymmetricSignatureVerifierOptions extends JwksFetcherOptions {
  /** The algorithm, or a list of them. @defaultValue 'RS256' */
  algorithm?: AsymmetricAlgorithm | readonly AsymmetricAlgorithm[];
  /**
   * Where signatures are checked: `auto` on libuv's thread pool while more than a few verifications are in
   * flight and on the event loop's thread below that, `always` on the pool, `never` on the event loop's thread.
   * The verdicts are the same in every mode. @defaultValue 'auto'
   */
  offload?: OffloadMode;
}

const FETCHER_OPTIONS = [
  'cacheTtl',
  'cooldown',
  'timeout',
  'maxStale',
  'maxResponseBytes',
  'httpAgent',
  'httpsAgent',
  'proxy',
] as const;

/**
 * Verifies RS*, PS*, ES* and EdDSA (Ed25519) tokens with the keys of a JWKS, through a {@link JwksFetcher}
 * (its own, or one given to share a cache). The key is found by the token's `kid` among the keys whose type,
 * curve, size and own `alg` suit the token's algorithm; when the key is cached and the check runs inline,
 * verification is synchronous. With `offload` (`auto` by default), the check goes to libuv's thread pool while
 * verifications pile up, so that the event loop keeps parsing, checking claims and answering requests.
 *
 * @throws {ConfigurationError} for a JWKS URL that is not `https:` (`http:` is accepted for loopback hosts),
 *   an algorithm that is not asymmetric, fetcher options given together with a fetcher, or an unknown
 *   `offload`.
 * @example
 * const verifier = new AsymmetricSignatureVerifier('https://tenant.auth0.com/.well-known/jwks.json', {
 *   algorithm: ['RS256', 'PS256'],
 *   cacheTtl: 600,
 * });
 */
export class AsymmetricSignatureVerifier extends SignatureVerifier {
  /** The key set this verifier reads keys from. */
  readonly jwks: JwksFetcher;
  /** Where signatures are checked. */
  readonly offload: OffloadMode;

  constructor(jwksUrl: string | JwksFetcher, options: AsymmetricSignatureVerifierOptions = {}) {
    super(algorithmList<AsymmetricAlgorithm>(options.algorithm ?? 'RS256', false));
    this.offload = checkOffload(options.offload);
    if (jwksUrl instanceof JwksFetcher) {
      const given = FETCHER_OPTIONS.find((name) => options[name] !== undefined);
      if (given !== undefined) {
        throw new ConfigurationError(`${given} belongs to the JwksFetcher when one is given`, given);
      }
      this.jwks = jwksUrl;
    } else {
      this.jwks = new JwksFetcher(jwksUrl, options);
    }
  }

  verifyParsed(jwt: ParsedJwt): KeyHandle | Promise<KeyHandle> {
    this.checkAlgorithm(jwt.header.alg);
    const keys = this.jwks.candidates(jwt.header.kid, jwt.header.alg);
    return keys instanceof Promise ? keys.then((found) => this.#check(jwt, found)) : this.#check(jwt, keys);
  }

  #check(jwt: ParsedJwt, keys: readonly JwksKey[]): KeyHandle | Promise<KeyHandle> {
    const offload = this.offload;
    if (offload === 'never') return check(jwt, keys);
    if (offload === 'auto' && !offloadNow((keys[0] as JwksKey).offloadThreshold(jwt.header.alg))) {
      return check(jwt, keys);
    }
    return checkOnPool(jwt, keys);
  }
}

function check(jwt: ParsedJwt, keys: readonly JwksKey[]): KeyHandle {
  const { alg } = jwt.header;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as JwksKey;
    if (key.verify(alg, jwt.signingInput, jwt.signature)) return key;
  }
  return invalidSignature();
}

/** {@link check} on the thread pool: the candidates in turn, each after the one before failed. */
function checkOnPool(jwt: ParsedJwt, keys: readonly JwksKey[]): Promise<KeyHandle> {
  const { header, signingInput, signature } = jwt;
  return new Promise((resolve, reject) => {
    let next = 0;
    const done = (valid: boolean): void => {
      if (valid) resolve(keys[next - 1] as JwksKey);
      else if (next === keys.length) reject(signatureError());
      else (keys[next++] as JwksKey).verifyOnPool(header.alg, signingInput, signature, done);
    };
    done(false);
  });
}
