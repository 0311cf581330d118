import type { RateLimitError } from '../errors.js';

/** How a client retries a rate-limited (429) request. Nothing else is ever retried automatically. */
export interface RetryOptions {
  /** Retries after the first attempt, so at most `maxRetries + 1` requests. `0` turns retries off. @defaultValue 2 */
  maxRetries?: number;
  /** Longest wait, in milliseconds, before one retry; a server asking for longer gets its error back at once. @defaultValue 10000 */
  maxDelay?: number;
}

/** Base of the exponential backoff used when the server gives no hint (ms). */
const BACKOFF_BASE = 250;
/** Upper bound of the random jitter added to every wait (ms), so that a fleet does not retry in step. */
const JITTER = 250;

/** {@link RetryOptions} with the defaults applied. */
export type RetryPolicy = Required<RetryOptions>;

/** Applies the defaults to retry options; the caller has validated them. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return { maxRetries: options.maxRetries ?? 2, maxDelay: options.maxDelay ?? 10_000 };
}

/**
 * How long to wait (ms) before retry number `attempt` (1-based) of a rate-limited request, or `undefined` when
 * it must not be retried: retries used up, or the server asks for a longer wait than `maxDelay`.
 * `Retry-After` wins over `x-ratelimit-reset`; with neither, the wait doubles from 250 ms.
 */
export function rateLimitDelay(
  error: RateLimitError,
  attempt: number,
  policy: RetryPolicy,
  now: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempt > policy.maxRetries) return undefined;
  let wait: number;
  if (error.retryAfter !== undefined) wait = error.retryAfter * 1000;
  else if (error.resetAt !== undefined) wait = Math.max(0, error.resetAt * 1000 - now);
  else wait = BACKOFF_BASE * 2 ** (attempt - 1);
  if (wait > policy.maxDelay) return undefined;
  return Math.min(wait + Math.floor(random() * JITTER), policy.maxDelay);
}
