import { expect } from 'chai';
import {
  COOKIE_MAX_BYTES,
  cookieAttributes,
  deleteCookie,
  parseCookies,
  serializeCookie,
} from '../../lib/login/cookies.js';
import { thrownBy } from '../helpers/secrets.js';

describe('login cookies', () => {
  describe('parseCookies', () => {
    it('reads the name=value pairs of a Cookie header', () => {
      const cookies = parseCookies('appSession=v1.abc; theme=dark;empty=');
      expect([...cookies]).to.deep.equal([
        ['appSession', 'v1.abc'],
        ['theme', 'dark'],
        ['empty', ''],
      ]);
    });

    it('keeps the first of a repeated name, as browsers send the most specific path first', () => {
      expect(parseCookies('a=1; a=2').get('a')).to.equal('1');
    });

    it('drops the quotes of a quoted value and skips pairs without a name or an equals sign', () => {
      const cookies = parseCookies('q="quoted"; junk; =nameless');
      expect([...cookies]).to.deep.equal([['q', 'quoted']]);
    });

    it('reads every line of a repeated header, and nothing of an absent one', () => {
      expect([...parseCookies(['a=1', 'b=2'])]).to.deep.equal([
        ['a', '1'],
        ['b', '2'],
      ]);
      expect(parseCookies(undefined).size).to.equal(0);
    });
  });

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
