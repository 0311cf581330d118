import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';
import { headlessDeviceApproval, headlessLogin, headlessLogout } from '../../lib/dev-server/headless-login.js';
import { Auth0Error, ConfigurationError, NetworkError, TimeoutError } from '../../lib/errors.js';
import { rejectionOf } from '../helpers/secrets.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('headlessLogin', () => {
  let server: Server;
  let origin: string;
  let handler: Handler;
  let requests: { url: string; cookie: string | undefined }[];

  before(async () => {
    server = createServer((req, res) => {
      requests.push({ url: req.url ?? '', cookie: req.headers.cookie });
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests = [];
  });

  function redirect(res: ServerResponse, location: string, status = 302, cookies: string[] = []): void {
    res.writeHead(status, { location, 'set-cookie': cookies });
    res.end();
  }

  const callback = 'http://127.0.0.1/callback';

  it('follows the redirects with its cookies and stops at the redirect URI without requesting it', async () => {
    handler = (req, res) => {
      if (req.url?.startsWith('/authorize')) return redirect(res, '/login', 302, ['session=s1; Path=/; HttpOnly']);
      if (req.url === '/login') return redirect(res, `${origin}/consent`, 303, ['step=2; Path=/']);
      if (req.url === '/consent')
        return redirect(res, `${callback}?code=c1&state=st&iss=${encodeURIComponent(origin)}`);
      res.writeHead(500).end();
    };
    const result = await headlessLogin(`${origin}/authorize?redirect_uri=${encodeURIComponent(callback)}&state=st`);
    expect(result).to.deep.include({ code: 'c1', state: 'st', iss: origin });
    expect(result.url).to.equal(`${callback}?code=c1&state=st&iss=${encodeURIComponent(origin)}`);
    expect(requests).to.deep.equal([
      { url: `/authorize?redirect_uri=${encodeURIComponent(callback)}&state=st`, cookie: undefined },
      { url: '/login', cookie: 'session=s1' },
      { url: '/consent', cookie: 'session=s1; step=2' },
    ]);
  });

  it('drops cookies the server expires, and replaces changed ones', async () => {
    handler = (req, res) => {
      if (req.url === '/a') return redirect(res, '/b', 302, ['x=1', 'y=1']);
      if (req.url === '/b') return redirect(res, '/c', 302, ['x=; Max-Age=0', 'y=2']);
      if (req.url === '/c') return redirect(res, '/d', 302, ['y=3; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
      return redirect(res, `${callback}?code=ok`);
    };
    await headlessLogin(`${origin}/a`, { redirectUri: callback });
    expect(requests.map((request) => request.cookie)).to.deep.equal([undefined, 'x=1; y=1', 'y=2', undefined]);
  });

  it('returns the error of an error response instead of throwing', async () => {
    handler = (_req, res) => redirect(res, `${callback}?error=access_denied&error_description=no&state=s`);
    const result = await headlessLogin(`${origin}/authorize`, { redirectUri: callback });
    expect(result).to.deep.include({ error: 'access_denied', errorDescription: 'no', state: 's' });
    expect(result.code).to.equal(undefined);
  });

  it('reads a response carried in the fragment', async () => {
    handler = (_req, res) => redirect(res, `${callback}#code=frag&state=s`);
    const result = await headlessLogin(`${origin}/authorize`, { redirectUri: callback });
    expect(result.code).to.equal('frag');
  });

  it('throws the Auth0Error of an error page, without the cookies', async () => {
    handler = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'set-cookie': 'session=secret-cookie' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: 'redirect_uri mismatch' }));
    };
    const err = await rejectionOf(headlessLogin(`${origin}/authorize`, { redirectUri: callback }));
    expect(err).to.be.instanceOf(Auth0Error);
    expect(err).to.include({ statusCode: 400, errorCode: 'invalid_request', message: 'redirect_uri mismatch' });
    expect(JSON.stringify((err as Auth0Error).headers)).to.not.include('secret-cookie');
  });

  it('throws an Auth0Error when a page answers instead of redirecting', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<form method="post">Log in</form>');
    };
    const err = await rejectionOf(headlessLogin(`${origin}/authorize`, { redirectUri: callback }));
    expect(err).to.be.instanceOf(Auth0Error);
    expect(err.message).to.equal(`expected a redirect from ${origin}/authorize, found HTTP 200`);
  });

  it('refuses to follow a redirect to another origin', async () => {
    handler = (_req, res) => redirect(res, 'http://127.0.0.2:1/elsewhere');
    const err = await rejectionOf(headlessLogin(`${origin}/authorize`, { redirectUri: callback }));
    expect(err).to.be.instanceOf(NetworkError);
    expect(err.message).to.include('another origin (http://127.0.0.2:1)');
  });

  it('gives up after maxRedirects', async () => {
    handler = (_req, res) => redirect(res, '/again');
    const err = await rejectionOf(headlessLogin(`${origin}/authorize`, { redirectUri: callback, maxRedirects: 3 }));
    expect(err).to.be.instanceOf(NetworkError);
    expect(err.message).to.include('more than 3 redirects');
    expect(requests).to.have.length(4);
  });

  it('times out a request that takes too long', async () => {
    handler = () => undefined;
    const err = await rejectionOf(headlessLogin(`${origin}/slow`, { redirectUri: callback, timeout: 50 }));
    expect(err).to.be.instanceOf(TimeoutError);
    expect(err.message).to.equal(`GET ${origin}/slow timed out after 50 ms`);
  });

  it('rejects with the reason of an aborted signal', async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const reason = new Error('user gave up');
    setTimeout(() => controller.abort(reason), 20);
    const err = await rejectionOf(
      headlessLogin(`${origin}/slow`, { redirectUri: callback, signal: controller.signal }),
    );
    expect(err).to.equal(reason);
  });

  it('wraps a refused connection in a NetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await rejectionOf(headlessLogin(`http://127.0.0.1:${port}/authorize`, { redirectUri: callback }));
    expect(err).to.be.instanceOf(NetworkError);
    expect(err.message).to.equal(`GET http://127.0.0.1:${port}/authorize failed (ECONNREFUSED)`);
  });

  function page(res: ServerResponse, html: string): void {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  }

  it('reads a form_post response from the page without posting it', async () => {
    handler = (_req, res) =>
      page(
        res,
        `<form method="post" action="${callback}"><input type="hidden" name="id_token" value="a.b.c"/>` +
          '<input type="hidden" name="state" value="s&amp;1"/></form>',
      );
    const result = await headlessLogin(`${origin}/authorize`, { redirectUri: callback });
    expect(result).to.deep.equal({
      params: { id_token: 'a.b.c', state: 's&1' },
      state: 's&1',
      from: 'body',
      repeated: [],
      url: callback,
      responseMode: 'form_post',
    });
  });

  it('says whether the response came in the query or in the fragment', async () => {
    for (const [location, responseMode] of [
      [`${callback}?code=c&state=s`, 'query'],
      [`${callback}#code=c&state=s`, 'fragment'],
      [`${callback}?from=app#id_token=t&state=s`, 'fragment'],
    ] as const) {
      handler = (_req, res) => redirect(res, location);
      expect((await headlessLogin(`${origin}/authorize`, { redirectUri: callback })).responseMode).to.equal(
        responseMode,
      );
    }
  });

  it('fills a login form with the credentials given', async () => {
    let posted = '';
    handler = (req, res) => {
      if (req.method === 'POST') {
        req.on('data', (chunk: Buffer) => (posted += chunk.toString()));
        req.on('end', () => redirect(res, `${callback}?code=c`));
        return;
      }
      page(
        res,
        '<form method="post"><input type="hidden" name="csrf" value="t1"><input name="username">' +
          '<input type="password" name="password"></form>',
      );
    };
    const result = await headlessLogin(`${origin}/login`, {
      redirectUri: callback,
      credentials: { username: 'ada', password: 'pw' },
    });
    expect(result.code).to.equal('c');
    expect(posted).to.equal('csrf=t1&username=ada&password=pw');
  });

  describe('headlessLogout', () => {
    it('stops at the post_logout_redirect_uri of the URL, with the state it carries', async () => {
      handler = (_req, res) => redirect(res, 'http://127.0.0.1/bye?state=s1');
      const result = await headlessLogout(
        `${origin}/session/end?post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1/bye')}`,
      );
      expect(result).to.deep.equal({ url: 'http://127.0.0.1/bye?state=s1', state: 's1' });
    });

    it("stops at Auth0's returnTo, or at the URI given", async () => {
      handler = (_req, res) => redirect(res, 'http://127.0.0.1/home');
      const returnTo = await headlessLogout(
        `${origin}/v2/logout?returnTo=${encodeURIComponent('http://127.0.0.1/home')}`,
      );
      expect(returnTo).to.deep.equal({ url: 'http://127.0.0.1/home' });
      const given = await headlessLogout(`${origin}/v2/logout`, { postLogoutRedirectUri: 'http://127.0.0.1/home' });
      expect(given.url).to.equal('http://127.0.0.1/home');
    });

    it('submits the logout page, sending the cookies of the jar, and ends at the page without a form', async () => {
      const cookies = new HeadlessCookieJar();
      cookies.store(['_session=abc; Path=/']);
      handler = (req, res) => {
        if (req.url === '/session/end')
          return page(
            res,
            '<form method="post" action="/confirm"><input type="hidden" name="logout" value="yes"></form>',
          );
        if (req.url === '/confirm') return redirect(res, '/success');
        page(res, '<p>Signed out</p>');
      };
      const result = await headlessLogout(`${origin}/session/end`, { cookies });
      expect(result).to.deep.equal({ url: `${origin}/success` });
      expect(requests.map((request) => request.cookie)).to.deep.equal(['_session=abc', '_session=abc', '_session=abc']);
    });

    it('throws when it ends at a page that asks for something', async () => {
      handler = (_req, res) => page(res, '<form method="post"><input name="reason"></form>');
      const err = await rejectionOf(headlessLogout(`${origin}/session/end`));
      expect(err).to.be.instanceOf(Auth0Error);
      expect(err.message).to.equal(`expected a redirect from ${origin}/session/end, found HTTP 200`);
    });

    it('refuses a logout URL that is not absolute', async () => {
      const err = await rejectionOf(headlessLogout('/session/end'));
      expect((err as ConfigurationError).option).to.equal('logoutUrl');
      const target = await rejectionOf(headlessLogout(`${origin}/end`, { postLogoutRedirectUri: '/bye' }));
      expect((target as ConfigurationError).option).to.equal('postLogoutRedirectUri');
      expect(requests).to.deep.equal([]);
    });
  });

  describe('headlessDeviceApproval', () => {
    it('confirms the code and ends at the page that says the device is activated', async () => {
      handler = (req, res) => {
        if (req.method === 'GET' && req.url?.startsWith('/device?'))
          return page(
            res,
            '<form method="post" action="/device"><input type="hidden" name="user_code" value="ABCD"></form>',
          );
        if (req.method === 'POST') return redirect(res, '/device/done');
        page(res, '<h1>Device activated</h1>');
      };
      const result = await headlessDeviceApproval(`${origin}/device?user_code=ABCD`);
      expect(result).to.deep.equal({ url: `${origin}/device/done` });
    });

    it('throws invalid_grant when the page asks for the code again', async () => {
      handler = (_req, res) => page(res, '<form method="post"><input name="user_code"></form>');
      const err = await rejectionOf(headlessDeviceApproval(`${origin}/device?user_code=WRONG`));
      expect(err).to.be.instanceOf(Auth0Error);
      expect(err).to.include({ errorCode: 'invalid_grant', statusCode: 200 });
      expect(err.message).to.equal(`${origin}/device asked for the code again: it is unknown, expired or used`);
    });

    it('refuses a URL that is not absolute', async () => {
      const err = await rejectionOf(headlessDeviceApproval('/device'));
      expect((err as ConfigurationError).option).to.equal('verificationUriComplete');
    });
  });

  for (const [label, url, options, option] of [
    ['a relative URL', '/authorize', {}, 'authorizeUrl'],
    ['a URL that is not http', 'ftp://127.0.0.1/authorize', {}, 'authorizeUrl'],
    ['no redirect URI anywhere', 'http://127.0.0.1/authorize', {}, 'redirectUri'],
    ['a relative redirect URI', 'http://127.0.0.1/authorize', { redirectUri: '/cb' }, 'redirectUri'],
    [
      'a maxRedirects of zero',
      'http://127.0.0.1/authorize',
      { redirectUri: callback, maxRedirects: 0 },
      'maxRedirects',
    ],
    [
      'a timeout that is not a number',
      'http://127.0.0.1/authorize',
      { redirectUri: callback, timeout: '5' },
      'timeout',
    ],
  ] as const) {
    it(`refuses ${label} before any request`, async () => {
      const err = await rejectionOf(headlessLogin(url, options as object));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal(option);
      expect(requests).to.deep.equal([]);
    });
  }
});
