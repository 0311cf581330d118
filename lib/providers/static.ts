import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { ConfigurationError } from '../errors.js';
import { decodeJwt } from '../token-verifier/jwt.js';
import type { StoredToken } from './stores/token-store.js';
import { unverifiedTime } from './token-endpoint.js';
import { CachedTokenProvider, type TokenCacheOptions, tokenCacheKey, type TokenSource } from './token-provider.js';

/** Options of an {@link OpenMetadataAuthenticationProvider}. */
export interface OpenMetadataAuthenticationProviderOptions extends TokenCacheOptions {
  /** The bot's JWT itself, or the path of a file holding it (re-read when the token nears its `exp`). */
  jwtToken: string;
}

/** Whether `value` is a well-formed compact JWT (decoded, not verified). */
function isJwt(value: string): boolean {
  try {
    decodeJwt(value);
    return true;
  } catch {
    return false;
  }
}

/** A JWT given literally or in a file. */
class StaticJwtSource implements TokenSource {
  readonly cacheKey: string;
  readonly #literal: string | undefined;
  readonly #path: string | undefined;
  readonly #clock: () => number;

  constructor(options: OpenMetadataAuthenticationProviderOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
    const value = typeof options.jwtToken === 'string' ? options.jwtToken.trim() : undefined;
    if (value === undefined || value === '') {
      throw new ConfigurationError('jwtToken is required: the JWT or the path of a file holding it', 'jwtToken');
    }
    if (isJwt(value)) {
      this.#literal = value;
      this.cacheKey = tokenCacheKey(['static-jwt', 'literal', tokenCacheKey([value])]);
    } else if (existsSync(value)) {
      this.#path = value;
      this.cacheKey = tokenCacheKey(['static-jwt', 'file', value]);
    } else {
      // Never echo the value: it may be a token with a typo rather than a path.
      throw new ConfigurationError('jwtToken is neither a JWT nor the path of an existing file', 'jwtToken');
    }
    this.#clock = options.clock ?? Date.now;
  }

  async #read(): Promise<string> {
    if (this.#literal !== undefined) return this.#literal;
    let text: string;
    try {
      text = (await readFile(this.#path as string, 'utf8')).trim();
    } catch (failure) {
      const code = String((failure as { code?: unknown }).code);
      throw new ConfigurationError(`jwtToken file ${String(this.#path)} could not be read (${code})`, 'jwtToken');
    }
    if (!isJwt(text)) {
      throw new ConfigurationError(`jwtToken file ${String(this.#path)} does not hold a JWT`, 'jwtToken');
    }
    return text;
  }

  async fetchToken(): Promise<StoredToken> {
    const token = await this.#read();
    const now = this.#clock();
    const expiresAt = unverifiedTime(token, 'exp') ?? Infinity;
    if (expiresAt <= now) {
      throw new ConfigurationError(
        `the jwtToken expired at ${new Date(expiresAt).toISOString()}: issue a new one for the bot`,
        'jwtToken',
      );
    }
    return { accessToken: token, expiresAt, issuedAt: Math.min(now, unverifiedTime(token, 'iat') ?? now) };
  }
}

/**
 * The OpenMetadata bot token: a JWT given literally or by file path (no network). Its expiry is read from its
 * own `exp` (unverified), so the provider re-reads the file `refreshSkew` seconds before the token expires and
 * picks up a rotated token; a token without `exp` is kept until {@link CachedTokenProvider.invalidate}. An
 * expired token is a `ConfigurationError` rather than a request doomed to 401.
 *
 * @throws {ConfigurationError} when `jwtToken` is neither a JWT nor the path of an existing file.
 * @example
 * const provider = new OpenMetadataAuthenticationProvider({ jwtToken: '/etc/openmetadata/bot.jwt' });
 * const token = await provider.authToken();
 */
export class OpenMetadataAuthenticationProvider extends CachedTokenProvider {
  constructor(options: OpenMetadataAuthenticationProviderOptions) {
    super(new StaticJwtSource(options), options);
  }
}
