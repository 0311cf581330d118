import { expect } from 'chai';
import { ConfigurationError, NetworkError, StoreUnavailableError } from '../../lib/errors.js';
import { checkStoreTimeout, DEFAULT_STORE_TIMEOUT, storeCall } from '../../lib/stores/store-call.js';

describe('storeCall', () => {
  it('resolves to what the command answered in time', async () => {
    expect(await storeCall('Test store', 'GET', 100, () => Promise.resolve('value'))).to.equal('value');
  });

  it('rejects with a StoreUnavailableError naming the store and operation when no answer comes in time', async () => {
    const started = Date.now();
    const never = new Promise<string>(() => undefined);
    const failure = await storeCall('Test store', 'GET', 30, () => never).catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(StoreUnavailableError).and.instanceOf(NetworkError);
    expect((failure as StoreUnavailableError).code).to.equal('ERR_STORE_UNAVAILABLE');
    expect((failure as Error).message).to.equal('Test store: GET did not answer within 30 ms');
    expect(Date.now() - started).to.be.within(25, 1000);
  });

  it('wraps a failed command, keeping only the first line of its message', async () => {
    const failure = await storeCall('Test store', 'SET', 100, () =>
      Promise.reject(new Error('Connection is closed.\n    at stack line with details')),
    ).catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(StoreUnavailableError);
    expect((failure as Error).message).to.equal('Test store: SET failed: Connection is closed.');
  });

  it('wraps a command that throws before returning a promise', async () => {
    const failure = await storeCall('Test store', 'DEL', 100, () => {
      throw new TypeError('boom');
    }).catch((err: unknown) => err);
    expect((failure as Error).message).to.equal('Test store: DEL failed: boom');
  });

  it('ignores an answer or a failure that comes after the deadline, without an unhandled rejection', async () => {
    let fail: (reason: unknown) => void = () => undefined;
    const late = new Promise<string>((_resolve, reject) => {
      fail = reject;
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failure = await storeCall('Test store', 'GET', 10, () => late).catch((err: unknown) => err);
      expect(failure).to.be.instanceOf(StoreUnavailableError);
      fail(new Error('too late'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('checkStoreTimeout', () => {
  it('defaults to one second', () => {
    expect(checkStoreTimeout(undefined)).to.equal(DEFAULT_STORE_TIMEOUT).and.to.equal(1000);
  });

  it('accepts whole milliseconds from 1 to 60000 and refuses anything else, naming the option', () => {
    expect(checkStoreTimeout(1)).to.equal(1);
    expect(checkStoreTimeout(60_000)).to.equal(60_000);
    for (const bad of [0, -1, 1.5, 60_001, Number.NaN, '1000', null]) {
      expect(() => checkStoreTimeout(bad, 'sessionStoreTimeout'))
        .to.throw(ConfigurationError, 'sessionStoreTimeout must be an integer from 1 to 60000 milliseconds')
        .with.property('option', 'sessionStoreTimeout');
    }
  });
});
