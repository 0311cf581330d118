import { inspect } from 'node:util';
import { expect } from 'chai';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';

describe('HeadlessCookieJar', () => {
  it('sends the cookies it was given, replacing a cookie set again', () => {
    const jar = new HeadlessCookieJar();
    expect(jar.header()).to.equal('');
    jar.store(['_session=s1; Path=/; HttpOnly', '_interaction=i1; path=/interaction/abc; SameSite=Lax']);
    jar.store(['_session=s2; Path=/']);
    expect(jar.header()).to.equal('_session=s2; _interaction=i1');
  });

  it('drops the cookies a response expires, by Max-Age or Expires', () => {
    const jar = new HeadlessCookieJar();
    jar.store(['a=1', 'b=2', 'c=3']);
    jar.store(['a=; Max-Age=0', 'b=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'c=4; Max-Age=60']);
    expect(jar.header()).to.equal('c=4');
  });

  it('ignores lines without a cookie name', () => {
    const jar = new HeadlessCookieJar();
    jar.store(['=nameless', 'no-equals-sign']);
    expect(jar.header()).to.equal('');
  });

  it('never shows the cookie values it holds', () => {
    const jar = new HeadlessCookieJar();
    jar.store(['_session=secret-session-value']);
    expect(inspect(jar, { showHidden: true, depth: Infinity })).to.not.include('secret-session-value');
    expect(JSON.stringify(jar)).to.not.include('secret-session-value');
  });
});
