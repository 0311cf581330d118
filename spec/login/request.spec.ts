import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import {
  errorAnswer,
  FORM_LIMIT,
  isNavigation,
  type LoginRequest,
  readForm,
  readStream,
  redirect,
} from '../../lib/login/request.js';

const request = (extra: Partial<LoginRequest> = {}): LoginRequest => ({
  method: 'GET',
  url: '/',
  headers: {},
  ...extra,
});

describe('login requests', () => {
  describe('isNavigation', () => {
    it('takes a GET that accepts HTML for a page view', () => {
      expect(isNavigation(request({ headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } }))).to.equal(
        true,
      );
      expect(isNavigation(request({ method: 'HEAD', headers: { accept: 'text/html' } }))).to.equal(true);
    });

    it('takes an API call (JSON, any type, another method) for no page view', () => {
      expect(isNavigation(request({ headers: { accept: 'application/json' } }))).to.equal(false);
      expect(isNavigation(request({ headers: { accept: '*/*' } }))).to.equal(false);
      expect(isNavigation(request())).to.equal(false);
      expect(isNavigation(request({ method: 'POST', headers: { accept: 'text/html' } }))).to.equal(false);
    });

    it('believes Sec-Fetch-Mode when the browser sends it', () => {
      expect(isNavigation(request({ headers: { 'sec-fetch-mode': 'navigate' } }))).to.equal(true);
      expect(isNavigation(request({ headers: { 'sec-fetch-mode': 'cors', accept: 'text/html' } }))).to.equal(false);
    });
  });

  describe('readForm', () => {
    it('uses the object a body parser made', async () => {
      expect(await readForm(request({ body: { state: 's' } }))).to.deep.equal({ state: 's' });
    });

    it('parses a form given as text or bytes, a repeated field as a list', async () => {
      expect(await readForm(request({ body: 'a=1&b=2&a=3' }))).to.deep.equal({ a: ['1', '3'], b: '2' });
      expect(await readForm(request({ body: Buffer.from('code=x%2By') }))).to.deep.equal({ code: 'x+y' });
    });

    it('reads the raw body when the framework did not, within the limit', async () => {
      let limit = 0;
      const form = await readForm(
        request({
          readBody: async (given) => {
            limit = given;
            return 'logout_token=t';
          },
        }),
      );
      expect(form).to.deep.equal({ logout_token: 't' });
      expect(limit).to.equal(FORM_LIMIT);
    });

    it('reads nothing from a request without a body', async () => {
      expect(await readForm(request())).to.deep.equal({});
    });
  });

  describe('readStream', () => {
    it('reads a stream to its end as UTF-8 text', async () => {
      const stream = new PassThrough();
      const text = readStream(stream, 100);
      stream.write('héllo ');
      stream.end('wörld');
      expect(await text).to.equal('héllo wörld');
    });

    it('reads a body over the limit as empty', async () => {
      const stream = new PassThrough();
      const text = readStream(stream, 10);
      stream.write('0123456789');
      stream.write('x');
      expect(await text).to.equal('');
    });
  });

  describe('answers', () => {
    it('redirects without caching, with the cookies', () => {
      expect(redirect('/x', ['a=1'])).to.deep.equal({
        status: 302,
        headers: { location: '/x', 'cache-control': 'no-store', 'set-cookie': ['a=1'] },
      });
      expect(redirect('/x').headers).not.to.have.property('set-cookie');
    });

    it('answers errors as JSON that is neither cached nor sniffed', () => {
      const answer = errorAnswer(401, 'unauthorized', 'authentication required');
      expect(answer.status).to.equal(401);
      expect(JSON.parse(answer.body!)).to.deep.equal({
        error: 'unauthorized',
        error_description: 'authentication required',
      });
      expect(answer.headers).to.include({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    });
  });
});
