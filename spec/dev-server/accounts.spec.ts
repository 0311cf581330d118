import { expect } from 'chai';
import { accountIdFor, cibaHintSubject, claimsByScope, claimsOf } from '../../lib/dev-server/accounts.js';
import { DEFAULT_USER } from '../../lib/dev-server/options.js';

describe('accounts of the dev server', () => {
  const user = { ...DEFAULT_USER, 'https://example.com/roles': ['admin'], locale: 'fr' };

  it('releases standard claims per scope and the custom claims with profile', () => {
    const scopes = claimsByScope(user);
    expect(scopes.openid).to.deep.equal(['sub']);
    expect(scopes.email).to.deep.equal(['email', 'email_verified']);
    expect(scopes.profile).to.include.members(['name', 'nickname', 'locale', 'https://example.com/roles']);
    expect(scopes.profile).to.not.include.members(['sub', 'email', 'email_verified']);
    expect(scopes.profile!.filter((claim) => claim === 'locale')).to.have.length(1);
  });

  it('logs in the test user for no hint, its sub or its e-mail, and anyone else by the hint', () => {
    expect(accountIdFor(undefined, user)).to.equal('user-123');
    expect(accountIdFor('  ', user)).to.equal('user-123');
    expect(accountIdFor('user-123@example.com', user)).to.equal('user-123');
    expect(accountIdFor('user-123', user)).to.equal('user-123');
    expect(accountIdFor('bob', user)).to.equal('bob');
  });

  it("reads the subject of Auth0's iss_sub CIBA hint, or takes a plain hint as it is", () => {
    expect(cibaHintSubject('{"format":"iss_sub","iss":"https://t/","sub":"auth0|1"}')).to.equal('auth0|1');
    expect(cibaHintSubject('{not json')).to.equal('{not json');
    expect(cibaHintSubject('{"format":"email"}')).to.equal('{"format":"email"}');
    expect(cibaHintSubject('ada@example.com')).to.equal('ada@example.com');
  });

  it("gives the test user's claims, and only sub (and email) to others", () => {
    expect(claimsOf('user-123', user)).to.deep.equal(user);
    expect(claimsOf('bob', user)).to.deep.equal({ sub: 'bob' });
    expect(claimsOf('bob@example.com', user)).to.deep.equal({
      sub: 'bob@example.com',
      email: 'bob@example.com',
      email_verified: true,
    });
  });
});
