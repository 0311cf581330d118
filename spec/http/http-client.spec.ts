import FakeTimers from '@sinonjs/fake-timers';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import nock from 'nock';
import { Auth0Error, NetworkError, RateLimitError, TimeoutError } from '../../lib/errors.js';
import { HttpClient } from '../../lib/http/http-client.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';

const ORIGIN = 'https://tenant.example.com';

/** Resolves once `scope` has replied `count` times and the client has had real event-loop turns to react. */
async function replies(scope: nock.Scope, count: number): Promise<void> {
  let seen = 0;
  await new Promise<void>((resolve) => scope.on('replied', () => ++seen === count && resolve()));
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('HttpClient', () => {
  it('sends telemetry and resolves to the parsed JSON', async () => {
    const scope = nock(ORIGIN)
      .matchHeader(
        'auth0-client',
        (value: string) => JSON.parse(Buffer.from(value, 'base64url').toString()).name === 'authn-client',
      )
      .matchHeader('user-agent', /^authn-client\//)
      .get('/userinfo')
      .reply(200, { sub: 'u1' });
    expect(await new HttpClient({ baseURL: ORIGIN }).request({ method: 'GET', url: '/userinfo' })).to.deep.equal({
      sub: 'u1',
    });
    scope.done();
  });

  it('sends no Auth0-Client header when telemetry is off', async () => {
    const scope = nock(ORIGIN, { badheaders: ['auth0-client'] })
      .get('/x')
      .reply(200, 'ok');
    expect(await new HttpClient({ baseURL: ORIGIN, telemetry: false }).request({ method: 'GET', url: '/x' })).to.equal(
      'ok',
    );
    scope.done();
  });

  it('sends JSON bodies as JSON and form bodies as forms, omitting absent members', async () => {
    const scope = nock(ORIGIN)
      .post('/json', (body: unknown) => JSON.stringify(body) === '{"a":"1"}')
      .matchHeader('content-type', 'application/json')
      .reply(200, {})
      .post('/form', 'a=1&o=%7B%22k%22%3A1%7D')
      .matchHeader('content-type', /^application\/x-www-form-urlencoded/)
      .reply(200, '');
    const http = new HttpClient({ baseURL: ORIGIN });
    await http.request({ method: 'POST', url: '/json', json: { a: '1', b: undefined, c: null } });
    expect(await http.request({ method: 'POST', url: '/form', form: { a: 1, o: { k: 1 }, b: undefined } })).to.equal(
      '',
    );
    scope.done();
  });

  it('rejects with an Auth0Error that holds nothing of the request', async () => {
    nock(ORIGIN).post('/oauth/token').reply(401, { error: 'invalid_client', error_description: 'Bad creds' });
    const err = await rejectionOf(
      new HttpClient({ baseURL: ORIGIN }).request({
        method: 'POST',
        url: '/oauth/token',
        form: { client_secret: 'TOP-SECRET-VALUE' },
        headers: { Authorization: 'Basic QUJDOkRFRg==' },
      }),
    );
    expect(err).to.be.instanceOf(Auth0Error);
    expect((err as Auth0Error).statusCode).to.equal(401);
    expectNoSecrets(err, ['TOP-SECRET-VALUE', 'QUJDOkRFRg==']);
  });

  it('turns a refused connection into a NetworkError without the request config', async () => {
    const err = await rejectionOf(
      new HttpClient({ baseURL: 'http://127.0.0.1:1' }).request({
        method: 'POST',
        url: '/oauth/token',
        form: { password: 'hunter2-PASSWORD' },
      }),
    );
    expect(err).to.be.instanceOf(NetworkError);
    expect(err.message).to.match(/^POST http:\/\/127\.0\.0\.1:1\/oauth\/token failed: .*ECONNREFUSED/);
    expectNoSecrets(err, ['hunter2-PASSWORD']);
  });

  it('turns a slow answer into a TimeoutError', async () => {
    const { server, url } = await listen((_req, res) => setTimeout(() => res.end('{}'), 300));
    try {
      const err = await rejectionOf(
        new HttpClient({ baseURL: url, timeout: 50 }).request({ method: 'POST', url: '/x', form: { otp: '123456' } }),
      );
      expect(err).to.be.instanceOf(TimeoutError);
      expectNoSecrets(err, ['123456']);
    } finally {
      server.close();
    }
  });

  it('follows a redirect on the same origin but refuses one to another origin', async () => {
    const other = await listen((_req, res) => res.end('{"reached":"other"}'));
    const { server, url } = await listen((req, res) => {
      if (req.url === '/same') res.writeHead(307, { location: '/final' }).end();
      else if (req.url === '/cross') res.writeHead(307, { location: `${other.url}/steal` }).end();
      else res.end(JSON.stringify({ path: req.url }));
    });
    let otherHits = 0;
    other.server.on('request', () => otherHits++);
    try {
      const http = new HttpClient({ baseURL: url });
      expect(await http.request({ method: 'POST', url: '/same', form: { a: 1 } })).to.deep.equal({ path: '/final' });
      const err = await rejectionOf(http.request({ method: 'POST', url: '/cross', form: { client_secret: 'S3CR3T' } }));
      expect(err).to.be.instanceOf(NetworkError);
      expect(err.message).to.include('redirect to another origin refused');
      expect(otherHits).to.equal(0);
      expectNoSecrets(err, ['S3CR3T']);
    } finally {
      server.close();
      other.server.close();
    }
  });

  it('never sends loopback requests through a proxy from the environment', async () => {
    const { server, url } = await listen((_req, res) => res.end('{"direct":true}'));
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = 'http://127.0.0.1:1'; // a proxy that refuses every connection
    try {
      expect(await new HttpClient({ baseURL: url }).request({ method: 'GET', url: '/' })).to.deep.equal({
        direct: true,
      });
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
      server.close();
    }
  });

  it('judges each redirect against the origin of its own request, whatever the base URL', async () => {
    const other = await listen((req, res) => {
      if (req.url === '/moved') res.writeHead(307, { location: '/token' }).end();
      else res.end(JSON.stringify({ path: req.url }));
    });
    const { server, url } = await listen((req, res) => {
      if (req.url === '/away') res.writeHead(307, { location: `${other.url}/token` }).end();
      else res.end('{}');
    });
    try {
      const http = new HttpClient({ baseURL: url });
      expect(await http.request({ method: 'POST', url: `${other.url}/moved`, form: {} })).to.deep.equal({
        path: '/token',
      });
      const err = await rejectionOf(http.request({ method: 'POST', url: '/away', form: { client_secret: 'S' } }));
      expect(err.message).to.include('redirect to another origin refused');
      expect(await new HttpClient({}).request({ method: 'GET', url: `${other.url}/x` })).to.deep.equal({ path: '/x' });
    } finally {
      server.close();
      other.server.close();
    }
  });

  it('decides per request whether a proxy from the environment applies, by the request host', async () => {
    const { server, url } = await listen((_req, res) => res.end('{"direct":true}'));
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = 'http://127.0.0.1:1'; // a proxy that refuses every connection
    try {
      // A remote base URL, whose requests would go through the proxy: a loopback request of the same client does not.
      const http = new HttpClient({ baseURL: 'https://remote.example.com' });
      expect(await http.request({ method: 'GET', url: `${url}/` })).to.deep.equal({ direct: true });
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
      server.close();
    }
  });

  it('adds query parameters to those of the URL', async () => {
    const scope = nock(ORIGIN).get('/x').query({ a: '1', b: 'two words' }).reply(200, 'ok');
    expect(
      await new HttpClient({ baseURL: ORIGIN }).request({ method: 'GET', url: '/x?a=1', params: { b: 'two words' } }),
    ).to.equal('ok');
    scope.done();
  });

  it('rejects with the signal reason when aborted', async () => {
    const { server, url } = await listen((_req, res) => setTimeout(() => res.end('{}'), 500));
    try {
      const controller = new AbortController();
      const pending = new HttpClient({ baseURL: url }).request({ method: 'GET', url: '/', signal: controller.signal });
      setTimeout(() => controller.abort(new Error('stop')), 20);
      expect((await rejectionOf(pending)).message).to.equal('stop');
    } finally {
      server.close();
    }
  });

  it('abandons a response larger than maxResponseBytes with a NetworkError, and reads one at the cap', async () => {
    const { server, url } = await listen((req, res) =>
      res.end(req.url === '/big' ? 'x'.repeat(1001) : 'x'.repeat(1000)),
    );
    try {
      const http = new HttpClient({ baseURL: url, maxResponseBytes: 1000 });
      expect(await http.request({ method: 'GET', url: '/fits' })).to.equal('x'.repeat(1000));
      const err = await rejectionOf(http.request({ method: 'GET', url: '/big' }));
      expect(err).to.be.instanceOf(NetworkError);
      expect(err.message).to.match(
        /^GET http:\/\/127\.0\.0\.1:\d+\/big failed: maxContentLength size of 1000 exceeded/,
      );
    } finally {
      server.close();
    }
  });

  describe('429 retries', () => {
    let clock: ReturnType<typeof FakeTimers.install>;
    beforeEach(() => {
      clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_700_000_000_000 });
    });
    afterEach(() => clock.uninstall());

    it('waits out Retry-After, then succeeds', async () => {
      const scope = nock(ORIGIN)
        .post('/oauth/token')
        .reply(429, '', { 'Retry-After': '2' })
        .post('/oauth/token')
        .reply(200, { access_token: 'at' });
      let settled = false;
      const pending = new HttpClient({ baseURL: ORIGIN })
        .request({ method: 'POST', url: '/oauth/token', form: {} })
        .finally(() => (settled = true));
      await replies(scope, 1);
      await clock.tickAsync(1999);
      expect(settled).to.equal(false);
      await clock.tickAsync(300);
      expect(await pending).to.deep.equal({ access_token: 'at' });
      scope.done();
    });

    it('waits until x-ratelimit-reset when there is no Retry-After', async () => {
      const resetAt = 1_700_000_000 + 3;
      const scope = nock(ORIGIN)
        .get('/x')
        .reply(429, { error: 'too_many_requests' }, { 'x-ratelimit-reset': String(resetAt) })
        .get('/x')
        .reply(200, 'done');
      let settled = false;
      const pending = new HttpClient({ baseURL: ORIGIN })
        .request({ method: 'GET', url: '/x' })
        .finally(() => (settled = true));
      await replies(scope, 1);
      await clock.tickAsync(2900);
      expect(settled).to.equal(false);
      await clock.tickAsync(400);
      expect(await pending).to.equal('done');
      scope.done();
    });

    it('makes at most maxRetries + 1 requests, then throws the RateLimitError', async () => {
      const scope = nock(ORIGIN).get('/x').times(2).reply(429, '', { 'Retry-After': '1' });
      const pending = rejectionOf(
        new HttpClient({ baseURL: ORIGIN, retry: { maxRetries: 1 } }).request({ method: 'GET', url: '/x' }),
      );
      await replies(scope, 1);
      await clock.tickAsync(1300);
      const err = (await pending) as RateLimitError;
      expect(err).to.be.instanceOf(RateLimitError);
      expect(err.retryAfter).to.equal(1);
      scope.done();
    });

    it('throws at once when the server asks for a longer wait than the cap', async () => {
      const scope = nock(ORIGIN).get('/x').once().reply(429, '', { 'Retry-After': '60' });
      const err = (await rejectionOf(
        new HttpClient({ baseURL: ORIGIN }).request({ method: 'GET', url: '/x' }),
      )) as RateLimitError;
      expect(err.retryAfter).to.equal(60);
      scope.done();
    });

    it('does not retry when the request opts out, nor any other status', async () => {
      const scope = nock(ORIGIN).get('/a').once().reply(429, '').get('/b').once().reply(503, 'down');
      const http = new HttpClient({ baseURL: ORIGIN });
      expect(await rejectionOf(http.request({ method: 'GET', url: '/a', retry: false }))).to.be.instanceOf(
        RateLimitError,
      );
      const err = (await rejectionOf(http.request({ method: 'GET', url: '/b' }))) as Auth0Error;
      expect([err.statusCode, err.message]).to.deep.equal([503, 'down']);
      scope.done();
    });
  });
});
