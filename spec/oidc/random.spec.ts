import { expect } from 'chai';
import { randomNonce, randomState } from '../../lib/oidc/random.js';

describe('randomState and randomNonce', () => {
  for (const [name, make] of [
    ['randomState', randomState],
    ['randomNonce', randomNonce],
  ] as const) {
    it(`${name} returns 256 bits of base64url text, new on every call`, () => {
      const values = new Set(Array.from({ length: 100 }, () => make()));
      expect(values.size).to.equal(100);
      for (const value of values) {
        expect(value).to.match(/^[A-Za-z0-9_-]{43}$/);
        expect(Buffer.from(value, 'base64url')).to.have.length(32);
      }
    });
  }
});
