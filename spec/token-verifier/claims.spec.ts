import { expect } from 'chai';
import { ConfigurationError, TokenValidationError } from '../../lib/errors.js';
import {
  checkAudience,
  checkClock,
  checkIssuer,
  checkLeeway,
  checkMaxTokenAge,
  checkText,
  checkTextList,
  checkTokenAge,
  checkTrustedAudiences,
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

  it('validates maxTokenAge: absent, or a positive finite number of seconds', () => {
    expect([checkMaxTokenAge(undefined), checkMaxTokenAge(0.5), checkMaxTokenAge(86_400)]).to.deep.equal([
      undefined,
      0.5,
      86_400,
    ]);
    for (const value of [0, -0, -1, '60', Number.NaN, Number.POSITIVE_INFINITY, null, {}]) {
      const err = thrownBy(() => checkMaxTokenAge(value));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal('maxTokenAge');
    }
  });

  it('checks the token age: iat required, now - iat ≤ maxTokenAge + leeway', () => {
    const now = 1_000_000;
    expect(() => checkTokenAge({ iat: now - 130 }, now, 100, 30, 'token')).not.to.throw();
    expect(() => checkTokenAge({ iat: now + 5 }, now, 100, 0, 'token')).not.to.throw();
    const old = thrownBy(() => checkTokenAge({ iat: now - 131 }, now, 100, 30, 'token')) as TokenValidationError;
    expect([old.code, old.claim]).to.deep.equal(['ERR_TOKEN_TOO_OLD', 'iat']);
    for (const iat of [undefined, null, '1', Number.NaN]) {
      const err = thrownBy(() => checkTokenAge({ iat }, now, 100, 30, 'token')) as TokenValidationError;
      expect(err.code).to.equal('ERR_TOKEN_IAT_MISSING');
    }
  });

  it('validates a text list: absent, or an array of non-empty strings, copied and frozen', () => {
    const list = ['a', 'b'];
    const checked = checkTextList(list, 'trustedAudiences');
    expect(checked).to.deep.equal(['a', 'b']);
    expect(checked).not.to.equal(list);
    expect(Object.isFrozen(checked)).to.equal(true);
    expect(checkTextList([], 'trustedAudiences')).to.deep.equal([]);
    expect(checkTextList(undefined, 'trustedAudiences')).to.equal(undefined);
    for (const value of ['a', [''], [' '], [1], null, {}]) {
      const err = thrownBy(() => checkTextList(value, 'trustedAudiences')) as ConfigurationError;
      expect([err.constructor, err.option]).to.deep.equal([ConfigurationError, 'trustedAudiences']);
    }
  });

  it('checks that every audience is trusted', () => {
    expect(() => checkTrustedAudiences({ aud: ['c', 'b'] }, ['c', 'b'], 'ID token')).not.to.throw();
    expect(() => checkTrustedAudiences({ aud: 'c' }, ['c'], 'ID token')).not.to.throw();
    for (const aud of [['c', 'x'], 'x', ['x'], ['c', 7]]) {
      const err = thrownBy(() => checkTrustedAudiences({ aud }, ['c', 'b'], 'ID token')) as TokenValidationError;
      expect(err.code).to.equal('ERR_TOKEN_AUD_UNTRUSTED');
    }
  });
});
