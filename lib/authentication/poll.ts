import { Auth0Error, AuthorizationExpiredError, RateLimitError } from '../errors.js';
import { sleep } from '../http/sleep.js';
import { optionalPositive } from './params.js';

/** Default poll interval, seconds (RFC 8628 §3.2, OpenID CIBA Core §7.3). */
const DEFAULT_POLL_INTERVAL = 5;
/** Seconds added to the poll interval on each `slow_down` (RFC 8628 §3.5, CIBA Core §11). */
const SLOW_DOWN_STEP = 5;

/** When to poll: the interval and the lifetime the server gave with the request. */
export interface PollSchedule {
  /** Seconds between polls. @defaultValue 5 */
  interval?: number;
  /** Seconds until the request expires; polling stops there. @defaultValue no deadline */
  expiresIn?: number;
}

/** A checked {@link PollSchedule}. */
interface Schedule {
  interval: number;
  expiresIn: number | undefined;
}

/**
 * Checks a poll schedule: `interval` and `expiresIn` absent or positive numbers.
 *
 * @throws {ConfigurationError} naming the member at fault.
 */
export function pollSchedule(schedule: PollSchedule): Schedule {
  return {
    interval: optionalPositive(schedule.interval, 'interval') ?? DEFAULT_POLL_INTERVAL,
    expiresIn: optionalPositive(schedule.expiresIn, 'expiresIn'),
  };
}

/**
 * The poll loop of the grants that wait for a user on another device — CIBA (OpenID CIBA Core §7.3) and the
 * device authorization grant (RFC 8628 §3.4–3.5): waits `interval` seconds before each attempt, keeps going on
 * `authorization_pending`, adds 5 s to the interval on each `slow_down` (and waits at least the server's
 * `Retry-After`), and stops with the server's error on anything else (`expired_token`, `access_denied`…).
 *
 * @param attempt - one poll; it must not retry a 429 itself, so that no wait is doubled.
 * @param what - names the request in the error of an expired one, e.g. `'the device authorization'`.
 * @throws {AuthorizationExpiredError} when the next poll would come after `expiresIn`.
 * @throws the signal's `reason` when `signal` aborts, during a wait or a request.
 */
export async function pollUntilApproved<T>(
  attempt: () => Promise<T>,
  schedule: Schedule,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  let { interval } = schedule;
  const { expiresIn } = schedule;
  const deadline = expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000;
  let wait = interval * 1000;
  for (;;) {
    if (Date.now() + wait > deadline) {
      throw new AuthorizationExpiredError(`${what} expired after ${expiresIn} s without approval`);
    }
    await sleep(wait, signal);
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof RateLimitError) {
        if (err.errorCode === 'slow_down') interval += SLOW_DOWN_STEP;
        wait = Math.max(interval, err.retryAfter ?? 0) * 1000;
      } else if (err instanceof Auth0Error && err.errorCode === 'authorization_pending') {
        wait = interval * 1000;
      } else {
        throw err;
      }
    }
  }
}
