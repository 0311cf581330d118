import { expect } from 'chai';
import { confirmLogout, fromElsewhere } from '../../lib/login/logout-confirmation.js';
import type { LoginRequest } from '../../lib/login/request.js';

const ORIGIN = 'https://app.example.com';

describe('logout confirmation', () => {
  describe('fromElsewhere', () => {
    const request = (method: string, headers: Record<string, string | string[]>): LoginRequest => ({
      method,
      url: '/logout',
      headers,
    });

    it('takes Sec-Fetch-Site other than same-origin or none for another site', () => {
      for (const site of ['cross-site', 'same-site']) {
        expect(fromElsewhere(request('GET', { 'sec-fetch-site': site }), ORIGIN), site).to.equal(true);
      }
      for (const site of ['same-origin', 'none']) {
        expect(fromElsewhere(request('GET', { 'sec-fetch-site': site }), ORIGIN), site).to.equal(false);
      }
    });

    it("takes a POST naming another Origin for another site's, and a request with neither header for the app's", () => {
      expect(fromElsewhere(request('POST', { origin: 'https://evil.example' }), ORIGIN)).to.equal(true);
      expect(fromElsewhere(request('POST', { origin: 'null' }), ORIGIN)).to.equal(true);
      expect(fromElsewhere(request('POST', { origin: ORIGIN }), ORIGIN)).to.equal(false);
      expect(fromElsewhere(request('POST', {}), ORIGIN)).to.equal(false);
      expect(fromElsewhere(request('GET', {}), ORIGIN)).to.equal(false);
    });
  });

  describe('confirmLogout', () => {
    it('asks for a POST to the logout route from a page that is never cached, framed or scripted', () => {
      const page = confirmLogout('/logout?returnTo=/bye');
      expect(page.status).to.equal(200);
      expect(page.headers).to.deep.equal({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      });
      expect(page.body).to.include('<form method="post" action="/logout?returnTo=/bye">');
      expect(page.body).to.include('<button type="submit">Log out</button>');
    });

    it('escapes the address it posts to', () => {
      const page = confirmLogout(`/logout?a="><script>x</script>&b='`);
      expect(page.body).to.not.include('<script>');
      expect(page.body).to.include('action="/logout?a=&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;b=&#39;"');
    });
  });
});
