import { expect } from 'chai';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { SingleUseIds } from '../../lib/stores/single-use-ids.js';
import { thrownBy } from '../helpers/secrets.js';

describe('SingleUseIds', () => {
  it('uses an id once until its time to live has passed', () => {
    const ids = new SingleUseIds(10, 'TestStore', 'ids');
    expect(ids.use('a', 100, 0)).to.equal(true);
    expect(ids.use('a', 100, 99)).to.equal(false);
    expect(ids.use('a', 100, 100)).to.equal(true);
    expect(ids.use('b', 0, 100)).to.equal(true);
    expect(ids.use('b', 0, 100), 'a time to live of at least 1 ms').to.equal(false);
  });

  it('looks for expired ids in a full set at most once a second, and refuses a new id meanwhile', () => {
    const ids = new SingleUseIds(2, 'TestStore', 'ids');
    ids.use('a', 10, 0);
    ids.use('b', 5000, 0);
    expect(thrownBy(() => ids.use('c', 10, 5))).to.be.instanceOf(StoreUnavailableError); // swept at 5: none expired
    expect(
      thrownBy(() => ids.use('c', 10, 500)),
      '"a" has expired, but the last sweep was at 5',
    ).to.be.instanceOf(StoreUnavailableError);
    expect(ids.use('c', 10, 1005)).to.equal(true);
    expect(ids.size).to.equal(2);
  });

  it('refuses a maxEntries that is not a whole number above 0', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN, '10']) {
      const err = thrownBy(() => new SingleUseIds(maxEntries, 'TestStore', 'ids')) as ConfigurationError;
      expect([err.constructor, err.option]).to.deep.equal([ConfigurationError, 'maxEntries']);
    }
  });
});
