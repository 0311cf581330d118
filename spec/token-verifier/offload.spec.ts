import { sign } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import {
  BUSY_STREAK,
  checkOffload,
  checkOnPool,
  OFFLOAD_MODES,
  OFFLOAD_THRESHOLD,
  offloadNow,
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

/** The decisions of `count` calls in a row, without the event loop running in between. */
function decisions(count: number): boolean[] {
  return Array.from({ length: count }, () => offloadNow());
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
        expect(err.message).to.equal("offload must be 'auto', 'always' or 'never'");
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
    beforeEach(async () => {
      // The event loop waits for a moment: whatever streak an earlier test left is over.
      await sleep(2);
      offloadNow();
    });

    it('stays inline while the event loop waits between verifications, a few at a time', async () => {
      const seen: boolean[] = [];
      for (let i = 0; i < 40; i++) {
        seen.push(...decisions(15));
        await sleep(1);
      }
      expect(seen).to.have.length(600);
      expect(seen.filter(Boolean)).to.deep.equal([]);
    });

    it('goes to the pool once verifications run a streak without the loop waiting, until it waits again', async () => {
      const seen = decisions(BUSY_STREAK + 64);
      if (!PARALLEL) {
        expect(seen.filter(Boolean)).to.deep.equal([], 'one core: never the pool');
        return;
      }
      const first = seen.indexOf(true);
      expect(first, 'the first decision for the pool').to.be.within(BUSY_STREAK, BUSY_STREAK + 32);
      expect(seen.slice(first).every(Boolean), 'every one after it').to.equal(true);
      await sleep(2);
      expect(offloadNow()).to.equal(false);
    });

    it(`goes to the pool while ${OFFLOAD_THRESHOLD} checks wait on it`, async () => {
      const signature = sign('sha256', Buffer.from(DATA, 'latin1'), rsaKeys().privateKey);
      const waiting = Array.from({ length: OFFLOAD_THRESHOLD }, () => onPool(DATA, signature));
      expect(offloadNow()).to.equal(PARALLEL);
      await Promise.all(waiting);
      expect(offloadNow()).to.equal(false);
    });
  });
});
