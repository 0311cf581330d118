import { type KeyObject, verify, type VerifyKeyObjectInput } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ConfigurationError } from '../errors.js';
import { latin1Bytes } from './scratch.js';

/**
 * Where the asymmetric signature check (RS*, PS*, ES*, EdDSA) of a verifier runs: `never` on the event loop's
 * thread, `always` on libuv's thread pool (`crypto.verify` with a callback), `auto` on the thread pool while
 * verifications pile up (the event loop busy with them for 5 ms without a pause, or enough of them already
 * waiting on the pool: 3, or 32 for the cheap RSA-2048 check) and inline otherwise. HMAC (HS*) is always checked
 * inline: it costs less than the trip to the pool. The verdicts are the same in every mode.
 *
 * @example
 * const verifier = new AccessTokenVerifier({ issuer, audience, offload: 'never' });
 */
export type OffloadMode = 'auto' | 'always' | 'never';

/** The values of {@link OffloadMode}. */
export const OFFLOAD_MODES: readonly OffloadMode[] = Object.freeze(['auto', 'always', 'never']);

/**
 * Checks waiting on the thread pool at or above which `auto` sends the next one there too, by what the check
 * costs inline: the trip costs the event loop's thread about 11 µs and a wait for a pool thread, so the pool
 * pays sooner for a dearer check. Measured on 2 idle cores (docs/performance.md), `offload: 'always'` against
 * `'never'` per number of verifications in flight: RSA-2048 (26 µs inline) gains from 32–48 in flight, RSA-3072
 * (46 µs) from 4–8, ES256 (58 µs), EdDSA (83 µs), RSA-4096 (69 µs) and ES384/ES512 (0.6–1.3 ms) from 2–4.
 *
 * @param rsaBits The modulus length of an RSA key; `undefined` for an EC or OKP key.
 * @example
 * offloadThreshold(2048); // 32
 * offloadThreshold(undefined); // 3
 */
export function offloadThreshold(rsaBits: number | undefined): number {
  if (rsaBits === undefined || rsaBits >= 4096) return 3;
  return rsaBits >= 3072 ? 6 : 32;
}

/**
 * Milliseconds the event loop runs verifications without waiting for anything in between (requests arrive faster
 * than it answers them) after which `auto` starts sending them to the pool. A caller that verifies one token after
 * another in a loop of its own looks the same: its one check sent to the pool comes back before any other
 * verification began, and `auto` then waits twice as long before it tries again, up to {@link BUSY_AFTER_MAX}.
 */
export const BUSY_AFTER = 5;

/** The longest `auto` waits, after callers found alone, before it takes a busy event loop for a pile-up (ms). */
export const BUSY_AFTER_MAX = 80;

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
/** Decisions of `auto` so far: each verification's number. */
let begun = 0;
/** The number of the last verification sent to the pool. */
let submitted = -1;
/** Milliseconds of a busy event loop after which verifications go to the pool: doubles after a false alarm. */
let patience = BUSY_AFTER;
/** True once the event loop has been busy for `patience` ms: every verification then looks at it. */
let busy = false;
/** When the loop was last seen to have waited (`performance.now()`, ms). */
let waited = 0;
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
    throw new ConfigurationError('offload must be "auto", "always" or "never"', 'offload');
  }
  return value as OffloadMode;
}

/**
 * The decision of `auto` for one verification: true to check its signature on the thread pool. True while at
 * least `threshold` others wait on the pool (see {@link offloadThreshold}), and once the event loop has run
 * verifications for {@link BUSY_AFTER} ms (longer after false alarms) without waiting for anything in between,
 * until it waits again or a check comes back from the pool before any other verification began; never in a
 * process confined to one core. A process that verifies one token at a time pays a counter per verification, and
 * one read of the loop's idle time and of the clock per sixteen.
 *
 * @example
 * const onPool = mode === 'always' || (mode === 'auto' && offloadNow(offloadThreshold(2048)));
 */
export function offloadNow(threshold: number): boolean {
  if (!PARALLEL) return false;
  begun++;
  if (pending >= threshold) return true;
  // Quiet so far: look at the loop once in a while. Busy: look every time, so that a pause ends it at once.
  if (!busy && ++calls < SAMPLE_EVERY) return false;
  calls = 0;
  const idleNow = timing.idleTime;
  const now = performance.now();
  // The pile-up is over when the loop waited since the last look, or when the last check sent to the pool came
  // back before any other verification began: its caller was alone (the pool answered before the loop had to wait),
  // and the next pile-up is taken for one only after twice as long.
  const alone = busy && pending === 0 && begun === submitted + 1;
  if (idleNow !== idle || alone) {
    if (alone && idleNow === idle) patience = Math.min(patience * 2, BUSY_AFTER_MAX);
    idle = idleNow;
    waited = now;
    busy = false;
    return false;
  }
  busy = now - waited > patience;
  // Another check already waits on the pool: the pile-up is real.
  if (busy && pending > 0) patience = BUSY_AFTER;
  return busy;
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
  submitted = begun;
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
