import { expect } from 'chai';
import { ConfigurationError, TokenValidationError } from '../../lib/errors.js';
import {
  checkAudience,
  checkClock,
  checkIssuer,
  checkLeeway,
  checkText,
  isNumericDate,
  systemClock,
} from '../../lib/token-verifier/claims.js';
import { thrownBy } from '../helpers/secrets.js';

describe('claims', () => {
  it('validates leeway: a finite number of seconds from 0 to 300, 60 by default', () => {
    expect([checkLeeway(undefined), checkLeeway(0), checkLeeway(300), checkLeeway(12.5)]).to.deep.equal([
      60, 0, 300, 12.5,
    ]);
    for (const value of ['60', -0.5, 300.5, Number.NaN, Number.POSITIVE_INFINITY, null, {}]) {
      expect(thrownBy(() => checkLeeway(value))).to.be.instanceOf(ConfigurationError);
    }
  });

  it('validates clock and text options', () => {
    expect(checkClock(undefined)).to.equal(systemClock);
    expect(Math.abs(systemClock() - Date.now() / 1000)).to.be.below(5);
    expect(thrownBy(() => checkClock(5))).to.be.instanceOf(ConfigurationError);
    expect(checkText('a', 'issuer')).to.equal('a');
    expect((thrownBy(() => checkText('  ', 'issuer')) as ConfigurationError).option).to.equal('issuer');
  });

  it('accepts finite numbers only as NumericDates', () => {
    expect([1, 1.5, -1, 0].every(isNumericDate)).to.equal(true);
    expect([Number.NaN, Number.POSITIVE_INFINITY, '1', null, undefined, [1]].some(isNumericDate)).to.equal(false);
  });

  it('lists every allowed issuer and audience in its messages', () => {
    const iss = thrownBy(() => checkIssuer({ iss: 'https://c/' }, ['https://a/', 'https://b/'], 'access token'));
    expect(iss.message).to.equal(
      'Issuer (iss) claim mismatch in the access token; expected one of "https://a/", "https://b/", found "https://c/"',
    );
    const aud = thrownBy(() => checkAudience({ aud: ['x', 'y'] }, ['api-1', 'api-2'], 'access token'));
    expect(aud).to.be.instanceOf(TokenValidationError);
    expect(aud.message).to.equal(
      'Audience (aud) claim mismatch in the access token; expected one of "api-1", "api-2" but was not one of "x, y"',
    );
    expect(() => checkAudience({ aud: ['x', 'api-2'] }, ['api-1', 'api-2'], 'access token')).not.to.throw();
  });
});
