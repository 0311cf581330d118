import { expect } from 'chai';
import { COOKIE_MAX_BYTES, cookieAttributes, deleteCookie, serializeCookie } from '../../lib/login/cookies.js';
import { thrownBy } from '../helpers/secrets.js';

describe('login cookies', () => {
  describe('serializeCookie', () => {
    it('writes an HttpOnly cookie with its path, lifetime and SameSite', () => {
      const line = serializeCookie('s', 'v', { sameSite: 'Lax', secure: false, maxAge: 60 });
      expect(line).to.match(/^s=v; Max-Age=60; Expires=[^;]+ GMT; Path=\/; HttpOnly; SameSite=Lax$/);
      const expires = Date.parse(/Expires=([^;]+)/.exec(line)![1]!);
      expect(expires - Date.now()).to.be.within(58_000, 61_000);
    });

    it('writes Secure when asked, and always with SameSite=None', () => {
      expect(cookieAttributes({ sameSite: 'Strict', secure: true })).to.equal(
        '; Path=/; HttpOnly; Secure; SameSite=Strict',
      );
      expect(cookieAttributes({ sameSite: 'None', secure: false })).to.equal(
        '; Path=/; HttpOnly; Secure; SameSite=None',
      );
    });

    it('writes a Domain and another Path when configured', () => {
      expect(cookieAttributes({ sameSite: 'Lax', secure: false, domain: 'example.com', path: '/app' })).to.equal(
        '; Path=/app; Domain=example.com; HttpOnly; SameSite=Lax',
      );
    });

    it('refuses a name or value a browser would not keep as given', () => {
      const attributes = { sameSite: 'Lax', secure: false } as const;
      expect(thrownBy(() => serializeCookie('a b', 'v', attributes))).to.be.instanceOf(TypeError);
      expect(thrownBy(() => serializeCookie('a', 'x;y', attributes)).message).to.equal(
        'the value of cookie a holds characters a cookie cannot',
      );
    });

    it('deletes a cookie with an empty value, Max-Age=0 and an expiry at the epoch', () => {
      expect(deleteCookie('s', { sameSite: 'Lax', secure: true })).to.equal(
        's=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; Secure; SameSite=Lax',
      );
    });

    it('counts on the 4096 bytes a browser keeps of a cookie', () => {
      expect(COOKIE_MAX_BYTES).to.equal(4096);
    });
  });
});
