import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { createPkcePair, pkceChallenge, randomPkceVerifier } from '../../lib/oidc/pkce.js';
import { thrownBy } from '../helpers/secrets.js';

describe('pkceChallenge', () => {
  it('computes the S256 challenge of the RFC 7636 Appendix B example', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).to.equal(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('accepts verifiers of 43 and of 128 characters from the whole unreserved set', () => {
    const short = 'a'.repeat(40) + '-._';
    const long = 'A~'.repeat(64);
    expect(pkceChallenge(short)).to.equal(createHash('sha256').update(short).digest('base64url'));
    expect(pkceChallenge(long)).to.equal(createHash('sha256').update(long).digest('base64url'));
  });

  for (const [label, verifier] of [
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a space', `${'a'.repeat(42)} `],
    ['a "+"', `${'a'.repeat(42)}+`],
    ['non-ASCII text', `${'a'.repeat(42)}é`],
    ['a non-string', 42 as unknown as string],
  ] as const) {
    it(`rejects a verifier with ${label}`, () => {
      const err = thrownBy(() => pkceChallenge(verifier));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal('codeVerifier');
    });
  }
});

describe('randomPkceVerifier', () => {
  it('returns 43 base64url characters that differ on every call', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => randomPkceVerifier()));
    expect(verifiers.size).to.equal(50);
    for (const verifier of verifiers) expect(verifier).to.match(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('createPkcePair', () => {
  it('returns a fresh verifier with its S256 challenge', () => {
    const one = createPkcePair();
    const two = createPkcePair();
    expect(one.codeChallengeMethod).to.equal('S256');
    expect(one.codeChallenge).to.equal(pkceChallenge(one.codeVerifier));
    expect(one.codeVerifier).to.not.equal(two.codeVerifier);
    expect(one.codeChallenge).to.not.equal(one.codeVerifier);
  });
});
