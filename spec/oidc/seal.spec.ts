import { inspect } from 'node:util';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { checkSecrets, MIN_SECRET_LENGTH, Sealer } from '../../lib/oidc/seal.js';
import { expectNoSecrets } from '../helpers/secrets.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const OTHER = 'another-test-secret-that-is-long-enough-9876';
const NOW = 1_800_000_000;

describe('Sealer', () => {
  it('opens what it sealed, with the expiry it was given', () => {
    const sealer = new Sealer(SECRET, 'transaction');
    const sealed = sealer.seal({ state: 's', list: [1, 2] }, NOW + 60);
    expect(sealer.open(sealed, NOW)).to.deep.equal({
      ok: true,
      payload: { state: 's', list: [1, 2] },
      expiresAt: NOW + 60,
    });
  });

  it('produces cookie-safe text that shows nothing of the payload and differs on every call', () => {
    const sealer = new Sealer(SECRET, 'transaction');
    const a = sealer.seal({ nonce: 'visible-nonce-value' }, NOW + 60);
    const b = sealer.seal({ nonce: 'visible-nonce-value' }, NOW + 60);
    expect(a).to.match(/^v1\.[A-Za-z0-9_-]+$/);
    expect(a).to.not.equal(b);
    expect(Buffer.from(a.slice(3), 'base64url').toString('latin1')).to.not.include('visible-nonce-value');
  });

  it('refuses a value whose lifetime has passed, at the second it ends', () => {
    const sealer = new Sealer(SECRET, 'session');
    const sealed = sealer.seal('x', NOW + 10);
    expect(sealer.open(sealed, NOW + 9.999).ok).to.equal(true);
    expect(sealer.open(sealed, NOW + 10)).to.deep.equal({ ok: false, reason: 'expired' });
  });

  it('refuses every single-byte change of a sealed value', () => {
    const sealer = new Sealer(SECRET, 'session');
    const sealed = sealer.seal({ sub: 'user-1' }, NOW + 60);
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] = (changed[i] as number) ^ 0x01;
      expect(sealer.open(`v1.${changed.toString('base64url')}`, NOW), `byte ${i}`).to.deep.equal({
        ok: false,
        reason: 'unopenable',
      });
    }
  });

  it('keeps purposes apart: a transaction never opens as a session', () => {
    const sealed = new Sealer(SECRET, 'transaction').seal({ sub: 'user-1' }, NOW + 60);
    expect(new Sealer(SECRET, 'session').open(sealed, NOW)).to.deep.equal({ ok: false, reason: 'unopenable' });
  });

  it('rotates: the first secret seals, every secret opens, and a dropped secret opens nothing', () => {
    const old = new Sealer(OTHER, 'session').seal('old', NOW + 60);
    const rotated = new Sealer([SECRET, OTHER], 'session');
    expect(rotated.open(old, NOW)).to.deep.include({ ok: true, payload: 'old' });
    const fresh = rotated.seal('new', NOW + 60);
    expect(new Sealer(SECRET, 'session').open(fresh, NOW)).to.deep.include({ ok: true, payload: 'new' });
    expect(new Sealer(OTHER, 'session').open(fresh, NOW)).to.deep.equal({ ok: false, reason: 'unopenable' });
  });

  it('reports values it did not make as malformed', () => {
    const sealer = new Sealer(SECRET, 'session');
    for (const value of [undefined, null, 42, '', 'v1.', 'v2.abcd', 'v1.not base64!', 'v1.AAAA', 'plain text']) {
      expect(sealer.open(value, NOW), String(value)).to.deep.equal({ ok: false, reason: 'malformed' });
    }
  });

  it('never shows its keys or secrets', () => {
    const sealer = new Sealer([SECRET, OTHER], 'session');
    expectNoSecrets(sealer, [SECRET, OTHER]);
    expect(inspect(sealer, { showHidden: true, depth: 5 })).to.not.include(SECRET);
  });

  it('refuses a missing purpose', () => {
    expect(() => new Sealer(SECRET, '')).to.throw(ConfigurationError, 'a sealer needs a purpose');
  });
});

describe('checkSecrets', () => {
  it('takes one secret or a list, and returns a frozen list', () => {
    expect(checkSecrets(SECRET)).to.deep.equal([SECRET]);
    const list = checkSecrets([SECRET, OTHER]);
    expect(list).to.deep.equal([SECRET, OTHER]);
    expect(Object.isFrozen(list)).to.equal(true);
  });

  it(`refuses secrets shorter than ${MIN_SECRET_LENGTH} characters, empty lists and non-strings, without quoting them`, () => {
    const short = 'x'.repeat(MIN_SECRET_LENGTH - 1);
    for (const bad of [undefined, '', short, [], [SECRET, short], [42], 42]) {
      let thrown: unknown;
      try {
        checkSecrets(bad, 'AUTHN_SESSION_SECRET');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ConfigurationError).with.property('option', 'AUTHN_SESSION_SECRET');
      expect((thrown as Error).message).to.not.include(short);
    }
    expect(() => checkSecrets([SECRET, short])).to.throw('secret[1] must be a string of at least 32 characters');
    expect(checkSecrets('y'.repeat(MIN_SECRET_LENGTH))).to.have.length(1);
  });
});
