import { expect } from 'chai';
import { deleteChunkedCookie, readChunkedCookie, writeChunkedCookie } from '../../lib/login/chunked-cookie.js';
import { parseCookies } from '../../lib/http/cookie-header.js';
import { COOKIE_MAX_BYTES, type CookieAttributes } from '../../lib/login/cookies.js';

const attributes: CookieAttributes = { sameSite: 'Lax', secure: true, maxAge: 86_400, domain: 'app.example.com' };

/** What a browser would send back after storing `lines` (the cookies not deleted), as a Cookie header. */
function browserAfter(lines: readonly string[], before = new Map<string, string>()): Map<string, string> {
  const jar = new Map(before);
  for (const line of lines) {
    const [pair = ''] = line.split(';');
    const equals = pair.indexOf('=');
    if (/Max-Age=0/.test(line)) jar.delete(pair.slice(0, equals));
    else jar.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  return parseCookies([...jar].map(([name, value]) => `${name}=${value}`).join('; '));
}

describe('chunked cookies', () => {
  it('writes a value that fits as one cookie', () => {
    const lines = writeChunkedCookie('appSession', 'v1.small', attributes, new Map());
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^appSession=v1\.small; /);
    expect(readChunkedCookie('appSession', browserAfter(lines))).to.equal('v1.small');
  });

  it('splits a large value into chunks that each fit in 4096 bytes with their attributes, and joins them back', () => {
    const value = 'x'.repeat(10_000);
    const lines = writeChunkedCookie('appSession', value, attributes, new Map());
    expect(lines.map((line) => line.split('=')[0])).to.deep.equal(['appSession.0', 'appSession.1', 'appSession.2']);
    for (const line of lines) expect(line.length).to.be.at.most(COOKIE_MAX_BYTES);
    expect(lines[0]!.length).to.be.above(COOKIE_MAX_BYTES - 10);
    expect(readChunkedCookie('appSession', browserAfter(lines))).to.equal(value);
  });

  it('uses one cookie up to the limit exactly, and chunks one byte past it', () => {
    const overhead = writeChunkedCookie('s', '', attributes, new Map())[0]!.length;
    const fits = 'y'.repeat(COOKIE_MAX_BYTES - overhead);
    expect(writeChunkedCookie('s', fits, attributes, new Map())).to.have.length(1);
    expect(writeChunkedCookie('s', `${fits}y`, attributes, new Map())).to.have.length(2);
  });

  it('deletes the chunks of the previous value that the new one does not overwrite', () => {
    const before = browserAfter(writeChunkedCookie('s', 'z'.repeat(9000), attributes, new Map()));
    const lines = writeChunkedCookie('s', 'small', attributes, before);
    expect(lines[0]).to.match(/^s=small;/);
    expect(lines.slice(1).map((line) => line.split(';')[0])).to.deep.equal(['s.0=', 's.1=', 's.2=']);
    expect(lines.slice(1).every((line) => line.includes('Max-Age=0'))).to.equal(true);
    const after = browserAfter(lines, before);
    expect([...after.keys()]).to.deep.equal(['s']);
    expect(readChunkedCookie('s', after)).to.equal('small');
  });

  it('deletes the whole cookie when the new value needs chunks', () => {
    const before = browserAfter(writeChunkedCookie('s', 'small', attributes, new Map()));
    const after = browserAfter(writeChunkedCookie('s', 'w'.repeat(5000), attributes, before), before);
    expect([...after.keys()].sort()).to.deep.equal(['s.0', 's.1']);
  });

  it('leaves other cookies alone, even those whose name starts the same', () => {
    const present = parseCookies('s.x=1; s2=2; other.0=3; s.0=a; s.1=b');
    expect(deleteChunkedCookie('s', attributes, present).map((line) => line.split('=')[0])).to.deep.equal([
      's.0',
      's.1',
    ]);
  });

  it('reads nothing when there is no cookie of the name, and stops at a missing chunk', () => {
    expect(readChunkedCookie('s', parseCookies('t=1'))).to.equal(undefined);
    expect(readChunkedCookie('s', parseCookies('s.0=a; s.2=c'))).to.equal('a');
  });
});
