import { expect } from 'chai';
import {
  type BearerRequest,
  extractToken,
  headerTokenProblem,
  MalformedRequest,
} from '../../lib/middleware/extract.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';

function headerOnly(authorization: string | string[] | undefined) {
  return extractToken({ headers: { authorization } }, {});
}

function reason(found: unknown): string {
  expect(found).to.be.instanceOf(MalformedRequest);
  return (found as MalformedRequest).description;
}

describe('extractToken', () => {
  describe('from the Authorization header (RFC 6750 §2.1)', () => {
    it('returns the token of a Bearer header', () => {
      expect(headerOnly(`Bearer ${TOKEN}`)).to.equal(TOKEN);
    });

    it('matches the scheme case-insensitively', () => {
      for (const scheme of ['bearer', 'BEARER', 'bEaReR']) expect(headerOnly(`${scheme} ${TOKEN}`)).to.equal(TOKEN);
    });

    it('accepts several spaces after the scheme (RFC 7235 1*SP)', () => {
      expect(headerOnly(`Bearer   ${TOKEN}`)).to.equal(TOKEN);
    });

    it('accepts b64token padding and every b64token character', () => {
      expect(headerOnly('Bearer aZ09-._~+/==')).to.equal('aZ09-._~+/==');
    });

    it('returns undefined when there is no Authorization header', () => {
      expect(extractToken({ headers: {} }, {})).to.equal(undefined);
    });

    it('finds no token in a header of another scheme (RFC 6750 §3.1: no authentication information)', () => {
      for (const value of ['Basic dXNlcjpwYXNz', 'Bearerx abc', 'DPoP abc', 'Negotiate']) {
        expect(headerOnly(value), value).to.equal(undefined);
      }
    });

    it('still finds a token in the query when the header is of another scheme', () => {
      const req = { headers: { authorization: 'Basic dXNlcjpwYXNz' }, query: { access_token: TOKEN } };
      expect(extractToken(req, { query: 'access_token' })).to.equal(TOKEN);
    });

    it('refuses a Bearer header without a token', () => {
      for (const value of ['Bearer', 'Bearer ', 'bearer']) {
        expect(reason(headerOnly(value))).to.match(/followed by a space and the token/);
      }
    });

    it('refuses a token with characters outside b64token, or with parts after it', () => {
      const values = [
        `Bearer ${TOKEN} extra`,
        `Bearer ${TOKEN},`,
        'Bearer a"b',
        'Bearer a=b',
        'Bearer \tabc',
        'Bearer =abc',
        'Bearer é',
      ];
      for (const value of values) expect(reason(headerOnly(value)), value).to.match(/Authorization header/);
    });

    it('can leave the b64token syntax of a header token to headerTokenProblem, when only the header may carry one', () => {
      const req = (authorization: string) => ({ headers: { authorization }, url: '/?access_token=abc' });
      expect(extractToken(req('Bearer a"b'), {}, true)).to.equal('a"b');
      expect(reason(headerTokenProblem('a"b'))).to.match(/followed by a space and the token/);
      expect(headerTokenProblem(TOKEN)).to.equal(undefined);
      // Everything else is still checked at once.
      expect(reason(extractToken(req('Bearer '), {}, true))).to.match(/followed by a space and the token/);
      // With another location configured, the syntax is checked at once: a bad header is not "two places".
      expect(reason(extractToken(req('Bearer a"b'), { query: 'access_token' }, true))).to.match(
        /followed by a space and the token/,
      );
    });

    it('refuses a repeated Authorization header', () => {
      expect(reason(headerOnly([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]))).to.match(/sent once/);
      const req: BearerRequest = {
        headers: { authorization: `Bearer ${TOKEN}` },
        headersDistinct: { authorization: [`Bearer ${TOKEN}`, 'Bearer other'] },
      };
      expect(reason(extractToken(req, {}))).to.match(/sent once/);
      const fastifyLike: BearerRequest = {
        headers: { authorization: `Bearer ${TOKEN}` },
        raw: { headersDistinct: { authorization: [`Bearer ${TOKEN}`, 'Bearer other'] } },
      };
      expect(reason(extractToken(fastifyLike, {}))).to.match(/sent once/);
    });

    it('counts Authorization lines in the raw header lines, whatever their case, when they are there', () => {
      const lines = (...names: string[]) => names.flatMap((name) => [name, `Bearer ${TOKEN}`]);
      const headers = { authorization: `Bearer ${TOKEN}` };
      for (const rawHeaders of [
        lines('Authorization', 'authorization'),
        lines('AUTHORIZATION', 'Host', 'aUtHoRiZaTiOn'),
      ]) {
        expect(reason(extractToken({ headers, rawHeaders }, {}))).to.match(/sent once/);
        expect(reason(extractToken({ headers, raw: { rawHeaders } }, {}))).to.match(/sent once/);
      }
      for (const rawHeaders of [
        lines('Authorization'),
        lines('Host', 'authorization', 'X-Authorization', 'Authorizations'),
      ]) {
        expect(extractToken({ headers, rawHeaders }, {})).to.equal(TOKEN);
        // The raw lines win over a headersDistinct that would say otherwise: both come from the same parse.
        const distinct = { authorization: [`Bearer ${TOKEN}`, 'Bearer other'] };
        expect(extractToken({ headers, rawHeaders, headersDistinct: distinct }, {})).to.equal(TOKEN);
      }
    });

    it('accepts a single header reported by headersDistinct', () => {
      const req: BearerRequest = {
        headers: { authorization: `Bearer ${TOKEN}` },
        headersDistinct: { authorization: [`Bearer ${TOKEN}`] },
      };
      expect(extractToken(req, {})).to.equal(TOKEN);
    });
  });

  describe('from a query parameter (RFC 6750 §2.3), only when configured', () => {
    it('ignores the query unless a parameter is configured', () => {
      expect(extractToken({ headers: {}, query: { access_token: TOKEN } }, {})).to.equal(undefined);
      expect(extractToken({ headers: {}, url: `/x?access_token=${TOKEN}` }, {})).to.equal(undefined);
    });

    it('reads a parsed query (Express, Fastify)', () => {
      expect(extractToken({ headers: {}, query: { access_token: TOKEN } }, { query: 'access_token' })).to.equal(TOKEN);
    });

    it('parses the query of the URL when the request has no parsed query (node:http)', () => {
      const req = { headers: {}, url: `/x?a=1&access_token=${encodeURIComponent(TOKEN)}` };
      expect(extractToken(req, { query: 'access_token' })).to.equal(TOKEN);
      expect(extractToken({ headers: {}, url: '/x' }, { query: 'access_token' })).to.equal(undefined);
      expect(extractToken({ headers: {}, url: '/x?b=2' }, { query: 'access_token' })).to.equal(undefined);
      expect(extractToken({ headers: {} }, { query: 'access_token' })).to.equal(undefined);
    });

    it('refuses a repeated parameter, an empty one, and a token in the header too', () => {
      const locations = { query: 'access_token' };
      expect(reason(extractToken({ headers: {}, url: '/x?access_token=a&access_token=b' }, locations))).to.match(
        /query parameter must be sent once/,
      );
      expect(reason(extractToken({ headers: {}, query: { access_token: ['a', 'b'] } }, locations))).to.match(
        /sent once/,
      );
      expect(reason(extractToken({ headers: {}, query: { access_token: '' } }, locations))).to.match(
        /not a well-formed/,
      );
      const both = { headers: { authorization: `Bearer ${TOKEN}` }, query: { access_token: TOKEN } };
      expect(reason(extractToken(both, locations))).to.match(/one place only/);
    });

    it('does not read inherited properties of the query object', () => {
      const query = Object.create({ access_token: TOKEN }) as object;
      expect(extractToken({ headers: {}, query }, { query: 'access_token' })).to.equal(undefined);
    });
  });

  describe('from a cookie, only when configured', () => {
    it('reads parsed cookies (cookie-parser, @fastify/cookie)', () => {
      expect(extractToken({ headers: {}, cookies: { at: TOKEN } }, { cookie: 'at' })).to.equal(TOKEN);
      expect(extractToken({ headers: {}, cookies: { other: TOKEN } }, { cookie: 'at' })).to.equal(undefined);
    });

    it('parses the Cookie header when the cookies are not parsed', () => {
      const req = { headers: { cookie: `a=1; at=${TOKEN}; at=second; bad` } };
      expect(extractToken(req, { cookie: 'at' })).to.equal(TOKEN);
      expect(extractToken({ headers: { cookie: `at="${TOKEN}"` } }, { cookie: 'at' })).to.equal(TOKEN);
      expect(extractToken({ headers: { cookie: 'at=%E0%A4%A' } }, { cookie: 'at' })).to.be.instanceOf(MalformedRequest);
      expect(extractToken({ headers: { cookie: 'x=1' } }, { cookie: 'at' })).to.equal(undefined);
      expect(extractToken({ headers: {} }, { cookie: 'at' })).to.equal(undefined);
    });

    it('refuses a token sent both in a cookie and in the header or the query', () => {
      const header = { headers: { authorization: `Bearer ${TOKEN}`, cookie: `at=${TOKEN}` } };
      expect(reason(extractToken(header, { cookie: 'at' }))).to.match(/one place only/);
      const query = { headers: { cookie: `at=${TOKEN}` }, url: `/?access_token=${TOKEN}` };
      expect(reason(extractToken(query, { cookie: 'at', query: 'access_token' }))).to.match(/one place only/);
    });

    it('refuses a cookie value that is not a bearer token', () => {
      expect(reason(extractToken({ headers: {}, cookies: { at: 'a b' } }, { cookie: 'at' }))).to.match(
        /not a well-formed/,
      );
      expect(reason(extractToken({ headers: {}, cookies: { at: 42 } }, { cookie: 'at' }))).to.match(
        /cookie must be sent once/,
      );
    });
  });
});
