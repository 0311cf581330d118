import { sign } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import {
  BUSY_AFTER,
  BUSY_AFTER_MAX,
  checkOffload,
  checkOnPool,
  OFFLOAD_MODES,
  offloadNow,
  offloadThreshold,
  pendingOnPool,
} from '../../lib/token-verifier/offload.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';
import { thrownBy } from '../helpers/secrets.js';

const DATA = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdXRoMHwxMjMifQ';
/** This machine lets the process run on several cores: `auto` may use the pool (else it never does). */
const PARALLEL = availableParallelism() > 1;

/** The verdict of a check on the pool, and whether it came after checkOnPool() returned. */
function onPool(
  data: string,
  signature: Buffer,
  key = rsaKeys().publicKey,
): Promise<{ valid: boolean; later: boolean }> {
  return new Promise((resolve) => {
    let returned = false;
    checkOnPool('sha256', data, key, signature, (valid) => resolve({ valid, later: returned }));
    returned = true;
  });
}

/**
 * Lets the event loop wait for something (a timer), and makes sure it did: on a loaded machine a timer may be due
 * before the loop gets to wait for it.
 */
async function loopWaits(): Promise<void> {
  const idle = performance.nodeTiming.idleTime;
  while (performance.nodeTiming.idleTime === idle) await sleep(1);
}

/** The threshold of an ES256 check. */
const THRESHOLD = offloadThreshold(undefined);

/** The decisions of `count` calls in a row, without the event loop running in between. */
function decisions(count: number): boolean[] {
  return Array.from({ length: count }, () => offloadNow(THRESHOLD));
}

/** What {@link decisionsFor} saw. */
interface Run {
  /** Ms into the run of the first decision for the pool; `NaN` when none was. */
  readonly first: number;
  /** Whether every decision from the first for the pool on was for the pool. */
  readonly steady: boolean;
  /** The last decision, taken once `ms` had passed. */
  readonly last: boolean;
}

/**
 * Decisions in a row for `ms` milliseconds after the event loop waited, without it running in between. The last
 * one is taken once `ms` have passed, even when the process was paused (a collection, the scheduler): a pause makes
 * the first decision for the pool come later, never sooner.
 */
async function decisionsFor(ms: number): Promise<Run> {
  await loopWaits();
  const start = performance.now();
  let first = Number.NaN;
  let steady = true;
  for (;;) {
    const onPool = offloadNow(THRESHOLD);
    const at = performance.now() - start;
    if (onPool && Number.isNaN(first)) first = at;
    else if (!onPool && !Number.isNaN(first)) steady = false;
    if (at >= ms) return { first, steady, last: onPool };
  }
}

describe('offload', () => {
  describe('checkOffload', () => {
    it("is 'auto' by default and takes each mode", () => {
      expect(checkOffload(undefined)).to.equal('auto');
      for (const mode of OFFLOAD_MODES) expect(checkOffload(mode)).to.equal(mode);
      expect(OFFLOAD_MODES).to.deep.equal(['auto', 'always', 'never']);
    });

    it('refuses anything else, naming the option', () => {
      for (const value of ['AUTO', 'sometimes', true, 1, null, '']) {
        const err = thrownBy(() => checkOffload(value));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal('offload');
        expect(err.message).to.equal('offload must be "auto", "always" or "never"');
      }
    });
  });

  describe('checkOnPool', () => {
    it('calls back on a later turn with the verdict of crypto.verify, for RSA and EC keys', async () => {
      const rsa = rsaKeys();
      const signature = sign('sha256', Buffer.from(DATA, 'latin1'), rsa.privateKey);
      expect(await onPool(DATA, signature)).to.deep.equal({ valid: true, later: true });
      expect(await onPool(`${DATA}x`, signature)).to.deep.equal({ valid: false, later: true });
      const ec = ecKeys('P-256');
      const ecKey = { key: ec.publicKey, dsaEncoding: 'ieee-p1363' as const };
      const ecSignature = sign('sha256', Buffer.from(DATA, 'latin1'), {
        key: ec.privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      expect((await onPool(DATA, ecSignature, ecKey as never)).valid).to.equal(true);
      expect((await onPool(DATA, Buffer.alloc(64), ecKey as never)).valid).to.equal(false);
    });

    it('reads the signing input before it returns: checks queued back to back over the shared scratch buffer', async () => {
      const { privateKey } = rsaKeys();
      const inputs = Array.from({ length: 8 }, (_, i) => `${DATA}${'A'.repeat(i)}`);
      const verdicts = await Promise.all(
        inputs.map((data) => onPool(data, sign('sha256', Buffer.from(data, 'latin1'), privateKey))),
      );
      expect(verdicts.map(({ valid }) => valid)).to.deep.equal(inputs.map(() => true));
    });

    it('counts the checks waiting on the pool, and answers false at once for what crypto.verify refuses to take', async () => {
      const signature = sign('sha256', Buffer.from(DATA, 'latin1'), rsaKeys().privateKey);
      const before = pendingOnPool();
      const checks = [onPool(DATA, signature), onPool(DATA, signature)];
      expect(pendingOnPool()).to.equal(before + 2);
      await Promise.all(checks);
      expect(pendingOnPool()).to.equal(before);
      const refused = await onPool(DATA, signature, { key: rsaKeys().publicKey, dsaEncoding: 'bogus' } as never);
      expect(refused).to.deep.equal({ valid: false, later: false });
      expect(pendingOnPool()).to.equal(before);
    });
  });

  describe('offloadNow', () => {
    const signature = sign('sha256', Buffer.from(DATA, 'latin1'), rsaKeys().privateKey);

    /**
     * Sends a check to the pool and lets it come back after the event loop's busy time ran out while it was waiting
     * there, then lets the loop wait: no pile-up is left, and the busy time of `auto` is {@link BUSY_AFTER} again,
     * whatever false alarms an earlier test raised it with.
     */
    async function realPileUp(): Promise<void> {
      await loopWaits();
      const waiting = onPool(DATA, signature);
      // Busy until a decision goes to the pool, the check still waiting there (its answer needs the loop).
      const end = performance.now() + 1000;
      while (PARALLEL && !offloadNow(THRESHOLD) && performance.now() < end);
      await waiting;
      // The event loop waits for a moment: the pile-up is over.
      await loopWaits();
      offloadNow(THRESHOLD);
    }

    /** A caller alone: the loop is busy, one check goes to the pool and comes back before anything else began. */
    async function falseAlarm(): Promise<void> {
      expect((await decisionsFor(BUSY_AFTER_MAX + 40)).last).to.equal(PARALLEL);
      expect(offloadNow(THRESHOLD)).to.equal(PARALLEL); // busy: this one goes to the pool, its caller waits alone
      const answered = onPool(DATA, signature);
      // The pool answers while the event loop is busy; then the loop takes the answer without waiting for it.
      const end = performance.now() + 20;
      while (performance.now() < end);
      await new Promise((resolve) => setImmediate(resolve));
      expect((await answered).valid).to.equal(true);
      // The next verification finds the pile-up over: the check came back before any other began.
      expect(offloadNow(THRESHOLD)).to.equal(false);
    }

    beforeEach(realPileUp);

    it('stays inline while the event loop waits between verifications, a few at a time', async () => {
      const seen: boolean[] = [];
      for (let i = 0; i < 40; i++) {
        seen.push(...decisions(15));
        await loopWaits();
      }
      expect(seen).to.have.length(600);
      expect(seen.filter(Boolean)).to.deep.equal([]);
    });

    it(`goes to the pool once verifications run ${BUSY_AFTER} ms without the loop waiting, until it waits again`, async () => {
      const run = await decisionsFor(BUSY_AFTER + 30);
      if (!PARALLEL) {
        expect(run.first).to.be.NaN;
        return;
      }
      expect(run.first, 'the first decision for the pool').to.be.within(BUSY_AFTER, BUSY_AFTER + 30);
      expect(run.steady, 'every one after it').to.equal(true);
      await loopWaits();
      expect(offloadNow(THRESHOLD)).to.equal(false);
    });

    it(
      'ends the pile-up as soon as a check sent to the pool comes back before any other verification began',
      falseAlarm,
    );

    it('waits twice as long after each false alarm, up to a limit; a real pile-up brings the short wait back', async function () {
      // Milliseconds of a busy event loop, 20 times over, on a machine shared with other jobs (and with whatever the
      // rest of the suite left running in this process): a run the scheduler spoiled is tried again, twice at most.
      this.retries(2);
      if (!PARALLEL) return expect((await decisionsFor(BUSY_AFTER_MAX)).first).to.be.NaN;
      await realPileUp();
      // When the first decision for the pool comes, in ms of a busy loop (later if the machine pauses the process).
      const firstFor = async () => (await decisionsFor(BUSY_AFTER_MAX + 40)).first;
      const around = (ms: number) => [ms, ms + 30] as const;
      expect(await firstFor()).to.be.within(...around(BUSY_AFTER));
      await falseAlarm();
      expect(await firstFor()).to.be.within(...around(2 * BUSY_AFTER));
      await falseAlarm();
      expect(await firstFor()).to.be.within(...around(4 * BUSY_AFTER));
      for (let i = 0; i < 6; i++) await falseAlarm();
      expect(await firstFor()).to.be.within(...around(BUSY_AFTER_MAX));
      await realPileUp();
      expect(await firstFor()).to.be.within(...around(BUSY_AFTER));
    });

    it('goes to the pool while as many checks as its threshold wait on it', async () => {
      const waiting = Array.from({ length: 3 }, () => onPool(DATA, signature));
      expect(offloadNow(4)).to.equal(false);
      expect(offloadNow(3)).to.equal(PARALLEL);
      await Promise.all(waiting);
      expect(offloadNow(3)).to.equal(false);
    });
  });

  describe('offloadThreshold', () => {
    it('waits for 32 checks on the pool for RSA under 3072 bits, 6 up to 4096, 3 for any dearer check', () => {
      expect([2048, 2050, 3071].map(offloadThreshold)).to.deep.equal([32, 32, 32]);
      expect([3072, 4095].map(offloadThreshold)).to.deep.equal([6, 6]);
      expect([4096, 8192, undefined].map(offloadThreshold)).to.deep.equal([3, 3, 3]);
    });
  });
});
