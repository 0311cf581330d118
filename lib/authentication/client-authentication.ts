import { createPrivateKey, type KeyObject, randomUUID } from 'node:crypto';
import type { Agent as HttpsAgent } from 'node:https';
import jwt from 'jsonwebtoken';
import { ConfigurationError } from '../errors.js';
import type { Body } from '../http/form.js';

/**
 * How the client proves who it is at the token endpoint (RFC 6749 §2.3, RFC 7523, OIDC Core §9, RFC 8705 §2).
 * `client_secret_jwt` signs the assertion with the client secret (HMAC), `private_key_jwt` with a private key.
 * The mutual-TLS methods (`tls_client_auth`, `self_signed_tls_client_auth`) send only `client_id`: the proof is
 * the client certificate, which the `httpsAgent` option presents. They are never chosen unless asked for.
 */
export type ClientAuthMethod =
  | 'client_secret_post'
  | 'client_secret_basic'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth'
  | 'none';

/** The methods whose proof is a TLS client certificate (RFC 8705 §2). */
const MUTUAL_TLS_METHODS: readonly string[] = ['tls_client_auth', 'self_signed_tls_client_auth'];

const METHODS: readonly string[] = [
  'client_secret_post',
  'client_secret_basic',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
  ...MUTUAL_TLS_METHODS,
];

/**
 * Whether a method's proof is the TLS client certificate (RFC 8705 §2) rather than something in the request.
 *
 * @example
 * isMutualTls('tls_client_auth'); // true
 */
export function isMutualTls(method: string | undefined): boolean {
  return method !== undefined && MUTUAL_TLS_METHODS.includes(method);
}

/**
 * Refuses a mutual-TLS `clientAuthMethod` without an `httpsAgent` that presents a client certificate (`cert`
 * and `key`, or `pfx`): every request would reach the token endpoint without any proof of the client.
 *
 * @throws {ConfigurationError} naming `httpsAgent`.
 * @example
 * checkMutualTls('tls_client_auth', new https.Agent({ cert, key }));
 */
export function checkMutualTls(method: ClientAuthMethod | undefined, httpsAgent: HttpsAgent | undefined): void {
  if (!isMutualTls(method)) return;
  const tls = (httpsAgent as { options?: { cert?: unknown; key?: unknown; pfx?: unknown } } | undefined)?.options;
  if (tls === undefined || (tls.pfx === undefined && (tls.cert === undefined || tls.key === undefined))) {
    throw new ConfigurationError(
      `clientAuthMethod "${method}" needs an httpsAgent that presents the client certificate (cert and key, or pfx)`,
      'httpsAgent',
    );
  }
}

/**
 * Algorithms a client assertion may be signed with: HS* with the client secret (`client_secret_jwt`), the
 * others with a private key (`private_key_jwt`).
 */
export type ClientAssertionAlgorithm =
  'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

/** The credentials of a client and the method to present them with. */
export interface ClientCredentials {
  /** The client's id. */
  clientId: string;
  /** The client secret, for `client_secret_post`, `client_secret_basic` and `client_secret_jwt`. */
  clientSecret?: string;
  /** The private key (PEM text or `KeyObject`) that signs `private_key_jwt` assertions. */
  clientAssertionSigningKey?: string | KeyObject;
  /**
   * Algorithm of the assertion; must suit the key: HS256, HS384 or HS512 for `client_secret_jwt`.
   * @defaultValue 'RS256' for `private_key_jwt`, 'HS256' for `client_secret_jwt`
   */
  clientAssertionSigningAlg?: string;
  /** `kid` put in the assertion header, for servers that hold several keys for the client. */
  clientAssertionKeyId?: string;
  /**
   * The `aud` of client assertions. @defaultValue `https://{domain}/` with `domain` (Auth0's issuer), else the
   * token endpoint URL (RFC 7523 §3)
   */
  clientAssertionAudience?: string;
  /**
   * The method; when absent, a configured assertion key means `private_key_jwt`, else a secret means
   * `client_secret_post`, else `none`.
   */
  clientAuthMethod?: ClientAuthMethod;
}

/** A request's client authentication: fields to add to the body and headers to add to the request. */
export interface ClientAuthenticationParts {
  /** Fields to merge into the request body (`client_id`, and the secret or the assertion). */
  body: Body;
  /** Headers to add to the request (`Authorization: Basic …` for `client_secret_basic`). */
  headers: Record<string, string>;
}

/** Seconds a client assertion stays valid (RFC 7523 asks for a short life; Auth0 allows up to 5 minutes). */
export const ASSERTION_LIFETIME = 180;

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const KEY_TYPES: Record<ClientAssertionAlgorithm, string> = {
  HS256: 'secret',
  HS384: 'secret',
  HS512: 'secret',
  RS256: 'rsa',
  RS384: 'rsa',
  RS512: 'rsa',
  PS256: 'rsa',
  PS384: 'rsa',
  PS512: 'rsa',
  ES256: 'ec',
  ES384: 'ec',
  ES512: 'ec',
};

/** The curve (as `node:crypto` names it) of each ES algorithm (RFC 7518 §3.4). */
const ES_CURVES: Readonly<Record<string, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** Smallest RSA key that signs client assertions, in bits (RFC 7518 §3.3; jsonwebtoken refuses smaller ones). */
const MIN_RSA_BITS = 2048;

/**
 * The ES algorithm a named curve (as `node:crypto` names it in `asymmetricKeyDetails.namedCurve`) signs, if any.
 *
 * @example
 * curveAlgorithm('prime256v1'); // 'ES256'
 * curveAlgorithm('secp256k1'); // undefined
 */
export function curveAlgorithm(namedCurve: string | undefined): ClientAssertionAlgorithm | undefined {
  const found = Object.entries(ES_CURVES).find(([, curve]) => curve === namedCurve);
  return found?.[0] as ClientAssertionAlgorithm | undefined;
}

function isAssertionAlgorithm(alg: string): alg is ClientAssertionAlgorithm {
  return Object.hasOwn(KEY_TYPES, alg);
}

function importSigningKey(key: string | KeyObject, alg: ClientAssertionAlgorithm): KeyObject {
  if (KEY_TYPES[alg] === 'secret') {
    throw new ConfigurationError(
      `clientAssertionSigningAlg "${alg}" signs with the client secret: use clientAuthMethod "client_secret_jwt"`,
      'clientAssertionSigningAlg',
    );
  }
  let keyObject: KeyObject;
  try {
    keyObject = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch {
    // The parser's message may quote the key material: say only what is wrong.
    throw new ConfigurationError(
      'clientAssertionSigningKey is not a readable private key',
      'clientAssertionSigningKey',
    );
  }
  if (keyObject.type !== 'private') {
    throw new ConfigurationError('clientAssertionSigningKey must be a private key', 'clientAssertionSigningKey');
  }
  const wanted = KEY_TYPES[alg];
  const actual = keyObject.asymmetricKeyType === 'rsa-pss' ? 'rsa' : keyObject.asymmetricKeyType;
  if (actual !== wanted) {
    throw new ConfigurationError(
      `clientAssertionSigningKey is a ${String(keyObject.asymmetricKeyType)} key, which cannot sign ${alg}`,
      'clientAssertionSigningKey',
    );
  }
  // What jsonwebtoken checks at every signature, checked once here: its refusal is a plain Error at each request.
  const { modulusLength, namedCurve } = keyObject.asymmetricKeyDetails ?? {};
  if (actual === 'rsa' && !((modulusLength ?? 0) >= MIN_RSA_BITS)) {
    throw new ConfigurationError(
      `clientAssertionSigningKey is an RSA key of ${String(modulusLength)} bits; ${alg} needs at least ${MIN_RSA_BITS}`,
      'clientAssertionSigningKey',
    );
  }
  if (actual === 'ec' && curveAlgorithm(namedCurve) !== alg) {
    throw new ConfigurationError(
      `clientAssertionSigningKey is an EC key on ${String(namedCurve)}, which cannot sign ${alg} (${ES_CURVES[alg]})`,
      'clientAssertionSigningKey',
    );
  }
  // Whatever else jsonwebtoken refuses (an RSA-PSS key for RS*, or whose parameters do not suit the algorithm):
  // found by one signature now rather than at every request. Its reasons never quote the key.
  try {
    jwt.sign({}, keyObject, { algorithm: alg });
  } catch (failure) {
    throw new ConfigurationError(
      `clientAssertionSigningKey cannot sign ${alg}: ${(failure as Error).message}`,
      'clientAssertionSigningKey',
    );
  }
  return keyObject;
}

function resolveMethod(credentials: ClientCredentials): ClientAuthMethod {
  const { clientAuthMethod, clientSecret, clientAssertionSigningKey } = credentials;
  if (clientAuthMethod !== undefined) {
    if (!METHODS.includes(clientAuthMethod)) {
      throw new ConfigurationError(
        `clientAuthMethod ${JSON.stringify(String(clientAuthMethod))} is not supported`,
        'clientAuthMethod',
      );
    }
    if (clientAuthMethod.startsWith('client_secret') && !clientSecret) {
      throw new ConfigurationError(`clientAuthMethod "${clientAuthMethod}" needs a clientSecret`, 'clientSecret');
    }
    if (clientAuthMethod === 'private_key_jwt' && !clientAssertionSigningKey) {
      throw new ConfigurationError(
        'clientAuthMethod "private_key_jwt" needs a clientAssertionSigningKey',
        'clientAssertionSigningKey',
      );
    }
    return clientAuthMethod;
  }
  if (clientAssertionSigningKey) return 'private_key_jwt';
  return clientSecret ? 'client_secret_post' : 'none';
}

/** Options of one {@link ClientAuthentication.parts} call. */
export interface ClientAuthenticationCall {
  /** The `aud` of an assertion made for this request, unless `clientAssertionAudience` is configured. */
  audience?: string;
  /**
   * A client assertion signed by the caller (RFC 7523), sent instead of the configured method's proof: the
   * request then authenticates with it alone.
   */
  clientAssertion?: string;
}

/**
 * Adds exactly one client-authentication method to token-endpoint requests: `client_secret_post` (the secret
 * in the body), `client_secret_basic` (an `Authorization: Basic` header, RFC 6749 §2.3.1 encoding),
 * `client_secret_jwt` (a fresh assertion per request, signed with the secret: HS256 unless configured
 * otherwise), `private_key_jwt` (a fresh assertion per request signed with the private key, RFC 7523),
 * `tls_client_auth` and `self_signed_tls_client_auth` (the TLS client certificate, RFC 8705; the body carries
 * `client_id` only) or `none` (public clients).
 * The secret and the key live in private fields: `util.inspect` of the object shows neither.
 *
 * @throws {ConfigurationError} at construction when the method lacks its credential, or the key is unreadable,
 *   public, of the wrong type or curve for the algorithm, or an RSA key under 2048 bits.
 * @example
 * const auth = new ClientAuthentication(
 *   { clientId: 'abc', clientAssertionSigningKey: privateKeyPem },
 *   'https://tenant.auth0.com/',
 * );
 * const { body, headers } = auth.parts();
 */
export class ClientAuthentication {
  /** The method every request of this client uses. */
  readonly method: ClientAuthMethod;
  readonly #clientId: string;
  readonly #secret: string | undefined;
  readonly #key: KeyObject | string | undefined;
  readonly #alg: ClientAssertionAlgorithm;
  readonly #keyId: string | undefined;
  readonly #audience: string | undefined;
  readonly #fixedAudience: string | undefined;

  /**
   * @param credentials - the client id and its credentials.
   * @param audience - the `aud` of assertions when a call names none and `clientAssertionAudience` is not
   *   configured: Auth0 wants its issuer `https://{domain}/`; RFC 7523 servers such as Okta want the token
   *   endpoint URL.
   */
  constructor(credentials: ClientCredentials, audience?: string) {
    this.method = resolveMethod(credentials);
    this.#clientId = credentials.clientId;
    this.#secret = credentials.clientSecret || undefined;
    this.#keyId = credentials.clientAssertionKeyId;
    this.#audience = audience;
    this.#fixedAudience = optionalAudience(credentials.clientAssertionAudience);
    const alg = credentials.clientAssertionSigningAlg ?? (this.method === 'client_secret_jwt' ? 'HS256' : 'RS256');
    if (!isAssertionAlgorithm(alg)) {
      throw new ConfigurationError(
        `clientAssertionSigningAlg ${JSON.stringify(alg)} is not supported`,
        'clientAssertionSigningAlg',
      );
    }
    this.#alg = alg;
    if (this.method === 'private_key_jwt' && credentials.clientAssertionSigningKey) {
      this.#key = importSigningKey(credentials.clientAssertionSigningKey, alg);
    } else if (this.method === 'client_secret_jwt') {
      this.#key = hmacKey(this.#secret as string, alg);
    }
  }

  /**
   * Signs a new client assertion: `iss` = `sub` = client id, 3-minute life, random `jti`, and `aud` the
   * configured `clientAssertionAudience`, else `audience`, else the constructor's.
   *
   * @throws {ConfigurationError} when no key or secret signs assertions, or no audience is known.
   */
  createAssertion(now: number = Date.now(), audience?: string): string {
    if (this.#key === undefined) throw new ConfigurationError('no clientAssertionSigningKey is configured');
    const aud = this.#fixedAudience ?? audience ?? this.#audience;
    if (aud === undefined) {
      throw new ConfigurationError('the audience of the client assertion is not known', 'clientAssertionAudience');
    }
    const iat = Math.floor(now / 1000);
    const header = this.#keyId === undefined ? undefined : { alg: this.#alg, typ: 'JWT', kid: this.#keyId };
    return jwt.sign(
      { iss: this.#clientId, sub: this.#clientId, aud, iat, exp: iat + ASSERTION_LIFETIME, jti: randomUUID() },
      this.#key,
      { algorithm: this.#alg, ...(header && { header }) },
    );
  }

  /**
   * The body fields and headers that authenticate one request: with the configured method, or with the
   * caller's own `clientAssertion` alone.
   */
  parts(call: ClientAuthenticationCall = {}): ClientAuthenticationParts {
    if (call.clientAssertion !== undefined) return this.#assertion(requireAssertion(call.clientAssertion));
    switch (this.method) {
      case 'client_secret_post':
        return { body: { client_id: this.#clientId, client_secret: this.#secret }, headers: {} };
      case 'client_secret_basic': {
        // RFC 6749 §2.3.1: each part form-urlencoded before base64.
        const pair = `${formEncode(this.#clientId)}:${formEncode(this.#secret ?? '')}`;
        return {
          body: { client_id: this.#clientId },
          headers: { Authorization: `Basic ${Buffer.from(pair).toString('base64')}` },
        };
      }
      case 'client_secret_jwt':
      case 'private_key_jwt':
        return this.#assertion(this.createAssertion(Date.now(), call.audience));
      case 'tls_client_auth':
      case 'self_signed_tls_client_auth':
      case 'none':
        return { body: { client_id: this.#clientId }, headers: {} };
    }
  }

  #assertion(assertion: string): ClientAuthenticationParts {
    return {
      body: { client_id: this.#clientId, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion },
      headers: {},
    };
  }
}

function optionalAudience(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError('clientAssertionAudience must be a non-empty string', 'clientAssertionAudience');
  }
  return value;
}

function requireAssertion(value: unknown): string {
  // A compact JWS: three base64url segments. The value itself never goes into the message.
  if (typeof value !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(value)) {
    throw new ConfigurationError('clientAssertion must be a signed JWT (compact serialization)', 'clientAssertion');
  }
  return value;
}

/** Bytes of the HMAC key each HS* algorithm needs at least: the size of its hash (RFC 7518 §3.2). */
const HMAC_KEY_BYTES: Partial<Record<ClientAssertionAlgorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };

function hmacKey(secret: string, alg: ClientAssertionAlgorithm): string {
  const bytes = HMAC_KEY_BYTES[alg];
  if (bytes === undefined) {
    throw new ConfigurationError(
      `clientAssertionSigningAlg "${alg}" needs a private key: client_secret_jwt signs with HS256, HS384 or HS512`,
      'clientAssertionSigningAlg',
    );
  }
  if (Buffer.byteLength(secret) < bytes) {
    throw new ConfigurationError(
      `clientSecret is too short to sign ${alg} client assertions: at least ${bytes} bytes (RFC 7518 §3.2)`,
      'clientSecret',
    );
  }
  return secret;
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
