import { Auth0Error, NetworkError, RateLimitError, TimeoutError } from '../errors.js';
import { CONNECT_TIMEOUT_CODE } from './connect-timeout.js';
import type { HttpResponse } from './response.js';

/** `errorCode` when the body names none, as in Auth0's SDKs. */
export const UNKNOWN_ERROR_CODE = 'a0.sdk.internal.unknown';

/** Longest text body quoted in an error message (an HTML error page is cut here). */
const MAX_TEXT_MESSAGE = 300;

function firstString(body: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function describe(response: HttpResponse): { errorCode: string; message: string } {
  const { body, status } = response;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const fields = body as Record<string, unknown>;
    return {
      errorCode: firstString(fields, ['errorCode', 'error', 'code']) ?? UNKNOWN_ERROR_CODE,
      message: firstString(fields, ['error_description', 'message', 'description', 'error']) ?? `HTTP ${status}`,
    };
  }
  const text = typeof body === 'string' ? body.trim() : JSON.stringify(body);
  return {
    errorCode: UNKNOWN_ERROR_CODE,
    message: text === '' ? `HTTP ${status}` : text.slice(0, MAX_TEXT_MESSAGE),
  };
}

/**
 * Reads `Retry-After` as seconds: a delta (`"3"`) or an HTTP date relative to `now` (epoch ms).
 * Returns `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Reads `x-ratelimit-reset` as epoch seconds; `undefined` when absent or not an integer. */
export function parseRateLimitReset(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/**
 * Turns an HTTP error response into the typed error: `RateLimitError` for a 429 or an OAuth `slow_down`
 * (whatever the status), else `Auth0Error`. Any body shape gives an error: object, array, string, number,
 * HTML, or nothing at all.
 */
export function responseError(response: HttpResponse, now: number = Date.now()): Auth0Error {
  const { errorCode, message } = describe(response);
  const details = { statusCode: response.status, errorCode, content: response.body, headers: response.headers };
  if (response.status === 429 || errorCode === 'slow_down') {
    return new RateLimitError(message, {
      ...details,
      resetAt: parseRateLimitReset(response.headers['x-ratelimit-reset']),
      retryAfter: parseRetryAfter(response.headers['retry-after'], now),
    });
  }
  return new Auth0Error(message, details);
}

/** The parts of a transport failure that are safe to keep: no config, no request, no body. */
interface TransportFailure {
  code?: unknown;
  message?: unknown;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Turns a failure of the transport (never a response) into a `NetworkError` or `TimeoutError` that names the
 * request (method and URL without query) and the system error code, and keeps nothing else (a connection not
 * made within `connectTimeout` says so): the axios error,
 * which carries the request config with its body and headers, is dropped.
 */
export function transportError(
  failure: unknown,
  method: string,
  url: string,
  timeout: number,
  connectTimeout?: number,
): NetworkError {
  const { code, message } = (failure ?? {}) as TransportFailure;
  const systemCode = typeof code === 'string' ? code : undefined;
  const target = `${method} ${url.split('?')[0]}`;
  if (systemCode === CONNECT_TIMEOUT_CODE) {
    return new TimeoutError(`${target} could not connect within the connect timeout of ${connectTimeout} ms`);
  }
  if (systemCode !== undefined && TIMEOUT_CODES.has(systemCode)) {
    return new TimeoutError(`${target} timed out after ${timeout} ms`);
  }
  const text = typeof message === 'string' && message !== '' ? message.split('\n')[0] : undefined;
  const reason = [text, systemCode && `(${systemCode})`].filter(Boolean).join(' ') || 'unknown failure';
  const cause = systemCode === undefined ? undefined : Object.assign(new Error(systemCode), { code: systemCode });
  return new NetworkError(`${target} failed: ${reason}`, cause === undefined ? undefined : { cause });
}
