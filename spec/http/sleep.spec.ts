import { expect } from 'chai';
import { sleep } from '../../lib/http/sleep.js';
import { rejectionOf } from '../helpers/secrets.js';

describe('sleep', () => {
  it('resolves after the given time', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).to.be.at.least(25);
  });

  it('rejects at once with the reason of a signal that has aborted already', async () => {
    const reason = new Error('stopped');
    expect(await rejectionOf(sleep(10_000, AbortSignal.abort(reason)))).to.equal(reason);
  });

  it('rejects with the reason as soon as the signal aborts, without waiting out the time', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = rejectionOf(sleep(10_000, controller.signal));
    setTimeout(() => controller.abort(new Error('cancel')), 10);
    expect((await pending).message).to.equal('cancel');
    expect(Date.now() - started).to.be.below(1000);
  });
});
