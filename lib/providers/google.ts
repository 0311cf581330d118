import { createPrivateKey, type KeyObject, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { ConfigurationError, TokenResponseError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import type { StoredToken } from './stores/token-store.js';
import { checkEndpointUrl } from '../http/url.js';
import { TokenEndpointClient, unverifiedTime } from './token-endpoint.js';
import { CachedTokenProvider, type TokenCacheOptions, tokenCacheKey, type TokenSource } from './token-provider.js';

/** The members of a Google service-account key file that the provider reads. */
export interface GoogleServiceAccount {
  /** The service account's e-mail: `iss` and `sub` of the assertion. */
  client_email: string;
  /** The PEM private key. */
  private_key: string;
  /** Id of the key, put in the assertion header as `kid`. */
  private_key_id?: string;
  /** Google's token endpoint. @defaultValue 'https://oauth2.googleapis.com/token' */
  token_uri?: string;
  [member: string]: unknown;
}

/** Options of a {@link GoogleAuthenticationProvider}. */
export interface GoogleAuthenticationProviderOptions extends TokenCacheOptions, TransportOptions {
  /** The service-account key: the path of its JSON file, the JSON text, or the parsed object. */
  serviceAccount: string | GoogleServiceAccount;
  /** The `aud` the ID token is for (`target_audience`): the URL or client id of the API that will verify it. */
  audience: string;
}

const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Seconds the grant assertion lives (Google accepts up to one hour; it is used once, at once). */
const ASSERTION_LIFETIME = 300;

/** Parses the service-account key from a path, JSON text or object, without ever quoting its content. */
export function readServiceAccount(input: unknown): GoogleServiceAccount {
  let account: unknown = input;
  if (typeof input === 'string') {
    let text = input.trim();
    if (!text.startsWith('{')) {
      if (!existsSync(text)) {
        throw new ConfigurationError(
          'serviceAccount is neither service-account JSON nor the path of a file',
          'serviceAccount',
        );
      }
      try {
        text = readFileSync(text, 'utf8');
      } catch (failure) {
        const code = String((failure as { code?: unknown }).code);
        throw new ConfigurationError(`serviceAccount file ${text} could not be read (${code})`, 'serviceAccount');
      }
    }
    try {
      account = JSON.parse(text);
    } catch {
      throw new ConfigurationError('serviceAccount is not valid JSON', 'serviceAccount');
    }
  }
  if (account === null || typeof account !== 'object' || Array.isArray(account)) {
    throw new ConfigurationError('serviceAccount must be a path, JSON text or an object', 'serviceAccount');
  }
  const { client_email, private_key, private_key_id, token_uri } = account as Record<string, unknown>;
  if (typeof client_email !== 'string' || client_email === '') {
    throw new ConfigurationError('serviceAccount has no client_email', 'serviceAccount');
  }
  if (typeof private_key !== 'string' || private_key === '') {
    throw new ConfigurationError('serviceAccount has no private_key', 'serviceAccount');
  }
  if (private_key_id !== undefined && typeof private_key_id !== 'string') {
    throw new ConfigurationError('serviceAccount private_key_id must be a string', 'serviceAccount');
  }
  if (token_uri !== undefined && typeof token_uri !== 'string') {
    throw new ConfigurationError('serviceAccount token_uri must be a string', 'serviceAccount');
  }
  return account as GoogleServiceAccount;
}

/** Google ID tokens for a service account (RFC 7523 JWT-bearer grant with `target_audience`). */
class GoogleIdTokenSource implements TokenSource {
  readonly cacheKey: string;
  readonly #email: string;
  readonly #key: KeyObject;
  readonly #kid: string | undefined;
  readonly #tokenUri: string;
  readonly #audience: string;
  readonly #client: TokenEndpointClient;
  readonly #clock: () => number;

  constructor(options: GoogleAuthenticationProviderOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    const account = readServiceAccount(options.serviceAccount);
    if (typeof options.audience !== 'string' || options.audience.trim() === '') {
      throw new ConfigurationError(
        'audience is required: the URL or client id of the API that will verify the ID token',
        'audience',
      );
    }
    try {
      this.#key = createPrivateKey(account.private_key);
    } catch {
      throw new ConfigurationError('serviceAccount private_key is not a readable PEM private key', 'serviceAccount');
    }
    if (this.#key.asymmetricKeyType !== 'rsa') {
      throw new ConfigurationError('serviceAccount private_key must be an RSA key', 'serviceAccount');
    }
    this.#email = account.client_email;
    this.#kid = account.private_key_id || undefined;
    this.#tokenUri = checkEndpointUrl(account.token_uri ?? GOOGLE_TOKEN_URI, 'serviceAccount.token_uri');
    this.#audience = options.audience;
    this.#client = new TokenEndpointClient(options);
    this.#clock = options.clock ?? Date.now;
    this.cacheKey = tokenCacheKey(['google-id-token', this.#tokenUri, this.#email, this.#audience]);
  }

  /** Google's token endpoint (the service account's `token_uri`). */
  get endpoint(): string {
    return this.#tokenUri;
  }

  async fetchToken(): Promise<StoredToken> {
    const sentAt = this.#clock();
    const iat = Math.floor(sentAt / 1000);
    const header: jwt.JwtHeader = { alg: 'RS256', typ: 'JWT', ...(this.#kid !== undefined && { kid: this.#kid }) };
    const assertion = jwt.sign(
      {
        iss: this.#email,
        sub: this.#email,
        aud: this.#tokenUri,
        iat,
        exp: iat + ASSERTION_LIFETIME,
        jti: randomUUID(),
        target_audience: this.#audience,
      },
      this.#key,
      { algorithm: 'RS256', header },
    );
    const response = await this.#client.post(this.#tokenUri, { grant_type: JWT_BEARER, assertion }, {}, 'id_token');
    const idToken = response.id_token as string;
    const expiresAt = unverifiedTime(idToken, 'exp');
    if (expiresAt === undefined) {
      throw new TokenResponseError('the id_token in the token response is not a JWT with a numeric exp');
    }
    return { accessToken: idToken, issuedAt: unverifiedTime(idToken, 'iat') ?? sentAt, expiresAt };
  }
}

/**
 * Google-signed OIDC ID tokens for a service account, to call APIs behind Google (Cloud Run, IAP, Cloud
 * Functions) or any API that accepts Google ID tokens: the provider signs an RS256 assertion with the account's
 * key (`iss` = `sub` = `client_email`, `aud` = `token_uri`, `target_audience` = `audience`, `kid` =
 * `private_key_id`), exchanges it with the `urn:ietf:params:oauth:grant-type:jwt-bearer` grant, and caches the
 * returned `id_token` until shortly before its own `exp` (read without verification; a malformed one is a
 * `TokenResponseError`).
 *
 * @throws {ConfigurationError} when the service account cannot be read, or `audience` is missing.
 * @example
 * const provider = new GoogleAuthenticationProvider({
 *   serviceAccount: '/var/secrets/ingestion-sa.json',
 *   audience: 'https://metadata.example.com',
 * });
 * const idToken = await provider.authToken();
 */
export class GoogleAuthenticationProvider extends CachedTokenProvider {
  constructor(options: GoogleAuthenticationProviderOptions) {
    super(new GoogleIdTokenSource(options), options);
  }
}
