import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { isOwnedBy, SessionLifetime } from '../../lib/login/session.js';
import type { IdTokenClaims } from '../../lib/token-verifier/claims.js';
import { thrownBy } from '../helpers/secrets.js';

describe('SessionLifetime', () => {
  it('defaults to a rolling day within an absolute week, as express-openid-connect', () => {
    const lifetime = new SessionLifetime();
    expect([lifetime.rollingDuration, lifetime.absoluteDuration]).to.deep.equal([86_400, 604_800]);
  });

  it('ends a session a rolling duration after its last use', () => {
    expect(new SessionLifetime({ rollingDuration: 600 }).expiresAt(1000, 2000)).to.equal(2600);
  });

  it('ends a session at its absolute limit however recently it was used', () => {
    expect(new SessionLifetime({ rollingDuration: 600, absoluteDuration: 1200 }).expiresAt(1000, 2000)).to.equal(2200);
  });

  it('has only the limit left when the other one is false', () => {
    expect(new SessionLifetime({ rollingDuration: false, absoluteDuration: 50 }).expiresAt(1000, 1040)).to.equal(1050);
    expect(new SessionLifetime({ absoluteDuration: false, rollingDuration: 50 }).expiresAt(0, 10_000_000)).to.equal(
      10_000_050,
    );
  });

  it('remembers a logout as long as a session can live, or 30 days without an absolute limit', () => {
    expect(new SessionLifetime({ absoluteDuration: 3600 }).longest()).to.equal(3600);
    expect(new SessionLifetime({ absoluteDuration: false }).longest()).to.equal(30 * 86_400);
  });

  it('refuses durations that are not positive whole seconds, naming the option', () => {
    for (const bad of [0, -1, 1.5, '60', true, Infinity]) {
      const error = thrownBy(() => new SessionLifetime({ rollingDuration: bad as number }));
      expect(error).to.be.instanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).to.equal('session.rollingDuration');
    }
  });

  it('refuses a session without any end', () => {
    const error = thrownBy(() => new SessionLifetime({ rollingDuration: false, absoluteDuration: false }));
    expect(error.message).to.equal(
      'session.rollingDuration and session.absoluteDuration cannot both be false: a session must end',
    );
  });
});

describe('isOwnedBy', () => {
  const claims = (changes: Partial<IdTokenClaims>): IdTokenClaims => ({
    iss: 'https://op.example.com',
    sub: 'user-1',
    aud: 'web',
    iat: 0,
    exp: 1,
    ...changes,
  });
  const owner = { clientId: 'web', issuer: 'https://op.example.com' };

  it('takes a session whose ID token names the client in aud and the issuer in iss', () => {
    expect(isOwnedBy(claims({}), owner)).to.equal(true);
    expect(isOwnedBy(claims({ aud: ['api', 'web'] }), owner)).to.equal(true);
  });

  // Two apps that share a secret (one per environment is common) and whose cookies reach each other (same host,
  // another port or path; a cookieDomain) accepted each other's users.
  it('refuses a session of another client or another issuer', () => {
    expect(isOwnedBy(claims({ aud: 'other-app' }), owner)).to.equal(false);
    expect(isOwnedBy(claims({ aud: ['other-app', 'api'] }), owner)).to.equal(false);
    expect(isOwnedBy(claims({ iss: 'https://other.example.com' }), owner)).to.equal(false);
  });

  it("fills an issuer template with the token's tid", () => {
    const template = { clientId: 'web', issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' };
    const tid = '3f0c1c4e-0000-4000-8000-000000000001';
    const iss = `https://login.microsoftonline.com/${tid}/v2.0`;
    expect(isOwnedBy(claims({ iss, tid }), template)).to.equal(true);
    expect(isOwnedBy(claims({ iss, tid: '3f0c1c4e-0000-4000-8000-000000000002' }), template)).to.equal(false);
    expect(isOwnedBy(claims({ iss: template.issuer }), template)).to.equal(false);
  });
});
