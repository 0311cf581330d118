import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { parseJwt, type ParsedJwt } from '../../lib/token-verifier/jwt.js';
import { VerifiedTokenCache, verifiedTokenCache } from '../../lib/token-verifier/token-cache.js';
import { b64url } from '../helpers/jwt.js';
import { thrownBy } from '../helpers/secrets.js';

function jwt(sub: string): ParsedJwt {
  const signature = b64url(createHash('sha256').update(sub).digest());
  const token = `${b64url({ alg: 'RS256', kid: 'k', jwk: { kty: 'RSA' } })}.${b64url({ sub, aud: ['a'], ext: { roles: ['r'] } })}.${signature}`;
  return parseJwt(token, { algorithms: ['RS256'], maxLength: 16_384, kind: 'token', types: null, untyped: true });
}

describe('VerifiedTokenCache', () => {
  const key = { active: true };

  it('remembers a token until its exp', () => {
    const cache = new VerifiedTokenCache();
    const a = jwt('a');
    cache.set(a, key, 1000);
    expect(cache.get(a.token, 999.9)).to.equal(a);
    expect(cache.get(a.token, 1000)).to.equal(undefined);
    expect(cache.size).to.equal(0);
  });

  it('forgets a token as soon as the key that verified it leaves its set', () => {
    const cache = new VerifiedTokenCache();
    const handle = { active: true };
    const a = jwt('a');
    cache.set(a, handle, 1000);
    handle.active = false;
    expect(cache.get(a.token, 1)).to.equal(undefined);
    expect(cache.size).to.equal(0);
  });

  it('gives a token used since it was last passed over a second chance', () => {
    const cache = new VerifiedTokenCache({ maxEntries: 3 });
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(jwt) as [
      ParsedJwt,
      ParsedJwt,
      ParsedJwt,
      ParsedJwt,
      ParsedJwt,
    ];
    for (const token of [a, b, c]) cache.set(token, key, 1000);
    for (const token of [a, b, c]) cache.get(token.token, 1);
    cache.set(d, key, 1000);
    expect(cache.size).to.equal(3);
    expect(cache.get(a.token, 1)).to.equal(undefined);
    cache.set(e, key, 1000);
    expect(cache.get(b.token, 1)).to.equal(undefined);
    expect([c, d, e].every((token) => cache.get(token.token, 1) === token)).to.equal(true);
  });

  it('forgets the least recently used token first', () => {
    const cache = new VerifiedTokenCache({ maxEntries: 2 });
    const [a, b, c] = [jwt('a'), jwt('b'), jwt('c')];
    cache.set(a, key, 1000);
    cache.set(b, key, 1000);
    cache.get(a.token, 1);
    cache.set(c, key, 1000);
    expect(cache.get(b.token, 1)).to.equal(undefined);
    expect(cache.get(a.token, 1)).to.equal(a);
    expect(cache.get(c.token, 1)).to.equal(c);
    expect(cache.size).to.equal(2);
    cache.set(c, key, 1000);
    expect(cache.size).to.equal(2);
    cache.clear();
    expect(cache.size).to.equal(0);
  });

  it('deep-freezes what it remembers, so no caller can change what the next one reads', () => {
    const cache = new VerifiedTokenCache();
    const a = jwt('a');
    cache.set(a, key, 1000);
    expect(Object.isFrozen(a.payload)).to.equal(true);
    expect(Object.isFrozen(a.payload.aud)).to.equal(true);
    expect(Object.isFrozen((a.payload.ext as { roles: string[] }).roles)).to.equal(true);
    expect(Object.isFrozen(a.header)).to.equal(true);
    expect(Object.isFrozen(a.header.jwk)).to.equal(true);
    expect(() => {
      (a.payload as Record<string, unknown>).sub = 'admin';
    }).to.throw(TypeError);
  });

  it('never serves a token that only shares the end of a remembered one', () => {
    const cache = new VerifiedTokenCache();
    const a = jwt('a');
    cache.set(a, key, 1000);
    const lookalike = `x${a.token.slice(1)}`;
    expect(cache.get(lookalike, 1)).to.equal(undefined);
    expect(cache.get(`${a.token.slice(0, 40)}`, 1)).to.equal(undefined);
    expect(cache.get(a.token, 1)).to.equal(a);
  });

  it('remembers tokens shorter than its index', () => {
    const cache = new VerifiedTokenCache();
    const short = { ...jwt('a'), token: 'a.b.c' };
    cache.set(short, key, 1000);
    expect(cache.get('a.b.c', 1)).to.equal(short);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(thrownBy(() => new VerifiedTokenCache({ maxEntries }))).to.be.instanceOf(ConfigurationError);
    }
  });

  it('is built only when asked for', () => {
    expect(verifiedTokenCache(undefined)).to.equal(undefined);
    expect(verifiedTokenCache(false)).to.equal(undefined);
    expect(verifiedTokenCache(true)?.maxEntries).to.equal(1000);
    expect(verifiedTokenCache({ maxEntries: 5 })?.maxEntries).to.equal(5);
    expect(thrownBy(() => verifiedTokenCache('yes' as never))).to.be.instanceOf(ConfigurationError);
  });
});
