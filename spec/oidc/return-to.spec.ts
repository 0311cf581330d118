import { expect } from 'chai';
import { MAX_RETURN_TO, safeReturnTo } from '../../lib/oidc/return-to.js';

describe('safeReturnTo', () => {
  const origin = 'https://app.example.com';

  it('keeps a path of the app with its query and fragment, normalised', () => {
    expect(safeReturnTo('/orders?page=2#top', origin)).to.equal('/orders?page=2#top');
    expect(safeReturnTo('/a/../b', origin)).to.equal('/b');
  });

  it('takes an absolute URL on the origin as its path', () => {
    expect(safeReturnTo('https://app.example.com/orders?x=1', origin)).to.equal('/orders?x=1');
  });

  it('refuses anything that could leave the app (an open redirect)', () => {
    for (const value of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      'evil.example',
      'orders',
      'javascript:alert(1)',
      '/\t/evil.example',
      '',
      undefined,
      42,
      ['/a'],
    ]) {
      expect(safeReturnTo(value, origin), String(value)).to.equal(undefined);
    }
  });

  // It travels in the login's transaction cookie (about 1.4 bytes a character): an unbounded one let any page
  // grow the callback's Cookie header past what the server accepts.
  it(`refuses one longer than ${MAX_RETURN_TO} characters`, () => {
    expect(MAX_RETURN_TO).to.equal(512);
    const longest = `/${'a'.repeat(MAX_RETURN_TO - 1)}`;
    expect(safeReturnTo(longest, origin)).to.equal(longest);
    expect(safeReturnTo(`${longest}a`, origin)).to.equal(undefined);
  });
});
