import { type KeyObject, verify, type VerifyKeyObjectInput } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ConfigurationError } from '../errors.js';
import { latin1Bytes } from './scratch.js';

/**
 * Where the asymmetric signature check (RS*, PS*, ES*, EdDSA) of a verifier runs: `never` on the event loop's
 * thread, `always` on libuv's thread pool (`crypto.verify` with a callback), `auto` on the thread pool while
 * verifications pile up (the event loop busy for a few hundred of them in a row, or at least four waiting on the
 * pool) and inline otherwise. HMAC (HS*) is always checked inline: it costs less than the trip to the pool. The
 * verdicts are the same in every mode.
 *
 * @example
 * const verifier = new AccessTokenVerifier({ issuer, audience, offload: 'never' });
 */
export type OffloadMode = 'auto' | 'always' | 'never';

/** The values of {@link OffloadMode}. */
export const OFFLOAD_MODES: readonly OffloadMode[] = Object.freeze(['auto', 'always', 'never']);

/**
 * Verifications waiting on the thread pool at or above which `auto` sends the next one there too: the load
 * that put them there is still on. Chosen from `npm run bench:offload` on 2 cores (docs/performance.md).
 */
export const OFFLOAD_THRESHOLD = 4;

/**
 * Verifications in a row without the event loop waiting for anything (requests arrive faster than it answers
 * them) after which `auto` starts sending them to the pool. A caller that verifies one token after another in a
 * loop of its own looks the same, and pays one trip to the pool per this many verifications.
 */
export const BUSY_STREAK = 256;

/** While the loop is not found busy, it is looked at once per this many verifications. */
const SAMPLE_EVERY = 16;

/**
 * Whether the process may run on more than one core (its CPU affinity, as `taskset` sets it): on one core, the
 * pool's threads take their time from the event loop's, and `auto` stays inline.
 */
const PARALLEL = availableParallelism() > 1;

/** The event loop's time blocked waiting for events (ms), which grows only when it runs out of work. */
const timing = performance.nodeTiming;

/** Verifications waiting on the thread pool now, across the process (the pool is the process's). */
let pending = 0;
/** Verifications counted since the loop last waited (a lower bound, in steps of {@link SAMPLE_EVERY}). */
let streak = 0;
/** Verifications since the loop was last looked at. */
let calls = 0;
/** The loop's idle time when it was last looked at. */
let idle = -1;

/**
 * Validates an `offload` option.
 *
 * @throws {ConfigurationError} for anything but `'auto'`, `'always'` or `'never'`.
 * @example
 * checkOffload(undefined); // 'auto'
 */
export function checkOffload(value: unknown): OffloadMode {
  if (value === undefined) return 'auto';
  if (!OFFLOAD_MODES.includes(value as OffloadMode)) {
    throw new ConfigurationError("offload must be 'auto', 'always' or 'never'", 'offload');
  }
  return value as OffloadMode;
}

/**
 * The decision of `auto` for one verification: true to check its signature on the thread pool. True while at
 * least {@link OFFLOAD_THRESHOLD} others wait on the pool, and once {@link BUSY_STREAK} verifications ran
 * without the event loop waiting for anything in between, until it waits again; never in a process confined to
 * one core. A process that verifies one token at a time pays a counter per verification and one read of the
 * loop's idle time per sixteen.
 *
 * @example
 * const onPool = mode === 'always' || (mode === 'auto' && offloadNow());
 */
export function offloadNow(): boolean {
  if (!PARALLEL) return false;
  if (pending >= OFFLOAD_THRESHOLD) return true;
  const busy = streak > BUSY_STREAK;
  // Quiet so far: look at the loop once in a while. Busy: look every time, so that a pause ends it at once.
  if (!busy && ++calls < SAMPLE_EVERY) return false;
  calls = 0;
  const now = timing.idleTime;
  if (now !== idle) {
    idle = now;
    streak = 0;
    return false;
  }
  streak += busy ? 1 : SAMPLE_EVERY;
  return streak > BUSY_STREAK;
}

/** Verifications waiting on the thread pool now, across the process. */
export function pendingOnPool(): number {
  return pending;
}

/** How `crypto.verify` takes the public key of one algorithm: the `KeyObject`, or it with padding or encoding. */
export type PoolKey = KeyObject | VerifyKeyObjectInput;

/**
 * Checks a signature over an ASCII signing input on libuv's thread pool, with `crypto.verify` and a callback;
 * calls `done` with the verdict on the event loop's thread (false, never an error, for any signature that does
 * not verify). Node copies the data and the signature when it queues the job, so the signing input's bytes may
 * sit in the shared scratch buffer.
 *
 * @example
 * checkOnPool('sha256', signingInput, publicKey, signature, (valid) => console.log(valid));
 */
export function checkOnPool(
  digest: string | null,
  data: string,
  key: PoolKey,
  signature: Buffer,
  done: (valid: boolean) => void,
): void {
  pending++;
  try {
    verify(digest, latin1Bytes(data), key, signature, (error, valid) => {
      pending--;
      done(error === null && valid);
    });
  } catch {
    pending--;
    done(false);
  }
}
