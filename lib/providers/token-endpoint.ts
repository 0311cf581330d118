import type { TokenResponse } from '../authentication/types.js';
import { TokenResponseError } from '../errors.js';
import type { Body } from '../http/form.js';
import { HttpClient, type TransportOptions } from '../http/http-client.js';
import { decodeJwt } from '../token-verifier/jwt.js';
import type { StoredToken } from './stores/token-store.js';

/**
 * Seconds a token is assumed to live when the response has no `expires_in` and the access token is not a JWT
 * with an `exp` (RFC 6749 makes `expires_in` only RECOMMENDED). Short on purpose: a few more grants are better
 * than a token used after it expired.
 */
export const DEFAULT_EXPIRES_IN = 300;

/**
 * Reads a 2xx token-endpoint response: a JSON object with a non-empty `access_token` (or whichever member
 * `tokenMember` names) and, when present, an `expires_in` that is a positive number (a numeric string, as some
 * servers send, is accepted and converted).
 *
 * @throws {TokenResponseError} otherwise; the message never quotes the body.
 */
export function readTokenResponse(body: unknown, tokenMember = 'access_token'): TokenResponse {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new TokenResponseError('the token endpoint answered 2xx without a JSON object');
  }
  const response = { ...(body as Record<string, unknown>) };
  const token = response[tokenMember];
  if (typeof token !== 'string' || token === '') {
    throw new TokenResponseError(`the token response has no ${tokenMember}`);
  }
  const expiresIn = response.expires_in;
  if (expiresIn !== undefined && expiresIn !== null) {
    const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn.trim()) ? Number(expiresIn) : expiresIn;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new TokenResponseError('the token response has an expires_in that is not a positive number');
    }
    response.expires_in = seconds;
  } else {
    delete response.expires_in;
  }
  return response as TokenResponse;
}

/**
 * A numeric date claim (`exp`, `iat`) of a JWT handed to us by a trusted party (our token endpoint, our own
 * file), read **without verifying** the token, in epoch ms. `undefined` when the token is not a well-formed
 * JWT (an opaque token) or the claim is not a positive number.
 *
 * @example
 * const expiresAt = unverifiedTime(response.access_token, 'exp') ?? Date.now() + 300_000;
 */
export function unverifiedTime(token: string, claim: 'exp' | 'iat'): number | undefined {
  let value: unknown;
  try {
    value = decodeJwt(token).payload[claim];
  } catch {
    return undefined;
  }
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

/**
 * The cached form of a token response: the access token, and its expiry from `expires_in` counted from
 * `sentAt` (when the request left, so the estimate errs early), else from the token's own `exp` when it is a
 * JWT, else {@link DEFAULT_EXPIRES_IN}.
 */
export function storedToken(response: TokenResponse, sentAt: number): StoredToken {
  const accessToken = response.access_token;
  if (typeof response.expires_in === 'number') {
    return { accessToken, issuedAt: sentAt, expiresAt: sentAt + response.expires_in * 1000 };
  }
  const exp = unverifiedTime(accessToken, 'exp');
  return { accessToken, issuedAt: sentAt, expiresAt: exp ?? sentAt + DEFAULT_EXPIRES_IN * 1000 };
}

/**
 * POSTs form-encoded grants to token endpoints on the shared transport (one `HttpClient`, one axios instance),
 * so that timeouts, 429 retries, same-origin redirects and error mapping are those of every other call of the
 * library.
 */
export class TokenEndpointClient {
  readonly #http: HttpClient;

  constructor(options: TransportOptions = {}) {
    const { telemetry, clientInfo, timeout, retry, httpAgent, httpsAgent, proxy } = options;
    this.#http = new HttpClient({ telemetry, clientInfo, timeout, retry, httpAgent, httpsAgent, proxy });
  }

  /**
   * Sends `body` (plus `headers`) to `url` and resolves to the validated token response.
   *
   * @throws {Auth0Error} for an HTTP error, {@link NetworkError} / `TimeoutError` when no answer came,
   *   {@link TokenResponseError} for a 2xx answer without a usable token.
   */
  async post(
    url: string,
    body: Body,
    headers: Record<string, string> = {},
    tokenMember?: string,
  ): Promise<TokenResponse> {
    const answer = await this.#http.request<unknown>({ method: 'POST', url, form: body, headers });
    return readTokenResponse(answer, tokenMember);
  }
}
