import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';
import { browse, endpointOf, httpUrl } from '../../lib/dev-server/headless-browser.js';
import { Auth0Error, ConfigurationError, NetworkError } from '../../lib/errors.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';
import { type Served, serve } from '../helpers/serve.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('browse (the headless driver)', () => {
  let served: Served;
  let handler: Handler;
  let requests: { method: string; url: string; body: string; cookie?: string }[];

  before(async () => {
    served = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', body, cookie: req.headers.cookie });
        handler(req, res, body);
      });
    });
  });

  after(() => served.close());

  beforeEach(() => {
    requests = [];
  });

  function page(res: ServerResponse, html: string, cookies: string[] = []): void {
    res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': cookies });
    res.end(html);
  }

  const stop = new URL('http://127.0.0.1/callback');
  const loginForm =
    '<form method="post" action="/login"><input name="username"><input type="password" name="password"></form>';

  it('submits a form whose inputs are all hidden, as its page would, keeping the cookies set on the way', async () => {
    handler = (req, res) => {
      if (req.url === '/start') {
        return page(
          res,
          '<form method="post" action="/next"><input type="hidden" name="xsrf" value="a&amp;b"><input type="hidden" name="logout" value="yes"></form>',
          ['s=1; Path=/'],
        );
      }
      page(res, '<p>done</p>');
    };
    const end = await browse(new URL(`${served.url}/start`), undefined, {});
    expect(end).to.deep.include({ kind: 'page', status: 200, hasForm: false });
    expect(endpointOf((end as { url: URL }).url)).to.equal(`${served.url}/next`);
    expect(requests).to.deep.equal([
      { method: 'GET', url: '/start', body: '', cookie: undefined },
      { method: 'POST', url: '/next', body: 'xsrf=a%26b&logout=yes', cookie: 's=1' },
    ]);
  });

  it('does not submit a form without inputs, nor one asking for text', async () => {
    for (const html of ['<form method="post"></form>', '<form method="post"><input name="user_code"></form>']) {
      handler = (_req, res) => page(res, html);
      const end = await browse(new URL(`${served.url}/page`), stop, {});
      expect(end).to.deep.include({ kind: 'page', hasForm: true });
    }
    expect(requests.map((request) => request.method)).to.deep.equal(['GET', 'GET']);
  });

  it('fills a login form once; shown again, it is refused without sending the credentials twice', async () => {
    handler = (_req, res) => page(res, loginForm);
    const credentials = { username: 'ada', password: 'hunter2-secret' };
    const err = await rejectionOf(browse(new URL(`${served.url}/start`), stop, { credentials }));
    expect(err).to.be.instanceOf(Auth0Error);
    expect(err).to.include({ errorCode: 'access_denied', statusCode: 200 });
    expect(err.message).to.equal(`${served.url}/login showed the login form again: wrong username or password`);
    expect(requests.filter((request) => request.method === 'POST')).to.have.length(1);
    expectNoSecrets(err, [credentials.password]);
  });

  it('refuses a login form when no credentials were given', async () => {
    handler = (_req, res) => page(res, loginForm);
    const err = await rejectionOf(browse(new URL(`${served.url}/start`), stop, {}));
    expect(err).to.be.instanceOf(Auth0Error);
    expect(err).to.include({ errorCode: 'login_required' });
    expect(err.message).to.equal(`${served.url}/start is a login form: give credentials (username and password)`);
  });

  it('shares the cookies of a jar across flows', async () => {
    const cookies = new HeadlessCookieJar();
    handler = (req, res) => (req.url === '/a' ? page(res, '<p>a</p>', ['session=s1']) : page(res, '<p>b</p>'));
    await browse(new URL(`${served.url}/a`), undefined, { cookies });
    await browse(new URL(`${served.url}/b`), undefined, { cookies });
    expect(requests.map((request) => request.cookie)).to.deep.equal([undefined, 'session=s1']);
  });

  it('names the method of a request that failed', async () => {
    handler = (req, res) => {
      if (req.method === 'POST') return req.socket.destroy();
      page(res, '<form method="post" action="/submit"><input type="hidden" name="a" value="b"></form>');
    };
    const err = await rejectionOf(browse(new URL(`${served.url}/start`), undefined, {}));
    expect(err).to.be.instanceOf(NetworkError);
    expect(err.message).to.match(new RegExp(`^POST ${served.url}/submit failed`));
  });

  it('refuses to follow a form to another origin', async () => {
    handler = (_req, res) =>
      page(res, '<form method="post" action="http://127.0.0.2:1/x"><input type="hidden" name="a" value="b"></form>');
    const err = await rejectionOf(browse(new URL(`${served.url}/start`), undefined, {}));
    expect(err).to.be.instanceOf(NetworkError);
    expect(err.message).to.include('another origin (http://127.0.0.2:1)');
  });

  it('checks that a URL is absolute http(s)', () => {
    expect(httpUrl('http://127.0.0.1/x', 'url').href).to.equal('http://127.0.0.1/x');
    for (const value of ['/x', 'ftp://127.0.0.1/', 'not a url']) {
      const err = thrownBy(() => httpUrl(value, 'someUrl'));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal('someUrl');
    }
  });
});
