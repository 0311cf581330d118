import { expect } from 'chai';
import { TokenValidationError } from '../../lib/errors.js';
import { checkRefreshedIdToken } from '../../lib/token-verifier/refreshed-id-token.js';
import { thrownBy } from '../helpers/secrets.js';

const original = {
  iss: 'https://tenant.example/',
  sub: 'auth0|1',
  aud: ['client', 'https://tenant.example/userinfo'],
  azp: 'client',
  auth_time: 1000,
  nonce: 'n-1',
  iat: 1000,
  exp: 4600,
};

describe('checkRefreshedIdToken', () => {
  it('accepts new times, the same identity claims, and the original nonce or none', () => {
    expect(() => checkRefreshedIdToken({ ...original, iat: 2000, exp: 5600 }, original)).to.not.throw();
    expect(() => checkRefreshedIdToken({ ...original, nonce: undefined }, original)).to.not.throw();
    expect(() => checkRefreshedIdToken({ ...original, auth_time: undefined }, original)).to.not.throw();
  });

  it('compares aud arrays member by member, in order', () => {
    const err = thrownBy(() =>
      checkRefreshedIdToken({ ...original, aud: ['https://tenant.example/userinfo', 'client'] }, original),
    ) as TokenValidationError;
    expect([err.code, err.claim]).to.deep.equal(['ERR_TOKEN_REFRESH_MISMATCH', 'aud']);
  });

  for (const [claim, value] of [
    ['iss', 'https://evil.example/'],
    ['sub', 'auth0|2'],
    ['aud', 'client'],
    ['azp', 'other-client'],
    ['auth_time', 1001],
    ['nonce', 'n-2'],
  ] as const) {
    it(`rejects a changed ${claim}, quoting both values`, () => {
      const err = thrownBy(() => checkRefreshedIdToken({ ...original, [claim]: value }, original));
      expect(err).to.be.instanceOf(TokenValidationError);
      expect((err as TokenValidationError).claim).to.equal(claim);
      expect(err.message).to.include(JSON.stringify(String(value)));
    });
  }

  it('rejects an azp that the original did not have', () => {
    const plain = { ...original, azp: undefined };
    const err = thrownBy(() => checkRefreshedIdToken({ ...plain, azp: 'client' }, plain)) as TokenValidationError;
    expect(err.claim).to.equal('azp');
  });
});
