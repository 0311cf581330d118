import { expect } from 'chai';
import { type DevServer, startDevServer } from '../../lib/dev-server/dev-server.js';
import { fastOptions } from '../helpers/dev-server.js';

describe('the automatic interactions', function () {
  this.timeout(20_000);
  let server: DevServer;

  before(async () => {
    server = await startDevServer(fastOptions());
  });

  after(() => server?.stop());

  it('answers 400 JSON for an interaction that is not in progress', async () => {
    const response = await fetch(new URL('/interaction/unknown-uid', server.issuer), { redirect: 'manual' });
    expect(response.status).to.equal(400);
    expect(await response.json()).to.deep.equal({
      error: 'invalid_request',
      error_description: 'no such interaction in progress; start at the authorization endpoint',
    });
  });

  it('answers 400 for an interaction uid that is not the one of the cookie', async () => {
    const authorize = new URL(server.endpoints.authorization);
    authorize.search = new URLSearchParams({
      client_id: 'spa',
      response_type: 'code',
      redirect_uri: server.client('spa').redirectUris[0]!,
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const started = await fetch(authorize, { redirect: 'manual' });
    expect(started.status).to.equal(303);
    expect(started.headers.get('location')).to.match(/^\/interaction\/[\w-]+$/);
    const cookie = started.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const response = await fetch(new URL('/interaction/another-uid', server.issuer), {
      redirect: 'manual',
      headers: { cookie },
    });
    expect(response.status).to.equal(400);
  });

  it('logs the user in and redirects back to the authorization endpoint', async () => {
    const authorize = new URL(server.endpoints.authorization);
    authorize.search = new URLSearchParams({
      client_id: 'spa',
      response_type: 'code',
      redirect_uri: server.client('spa').redirectUris[0]!,
      scope: 'openid',
      login_hint: 'carol',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const started = await fetch(authorize, { redirect: 'manual' });
    const cookie = started.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const answered = await fetch(new URL(started.headers.get('location')!, server.issuer), {
      redirect: 'manual',
      headers: { cookie },
    });
    expect(answered.status).to.equal(303);
    expect(answered.headers.get('location')).to.match(new RegExp(`^${server.endpoints.authorization}/[\\w-]+$`));
  });
});

describe('the login form (interactions: form)', function () {
  this.timeout(20_000);
  let server: DevServer;

  before(async () => {
    server = await startDevServer({
      ...fastOptions(),
      interactions: 'form',
      password: 'correct horse',
      clients: [...fastOptions().clients, { clientId: 'spa', name: 'Acme <SPA> & Co' }],
    });
  });

  after(() => server?.stop());

  /** Starts a login of the SPA; resolves to the interaction's URL and the cookies to send there. */
  async function startLogin(loginHint?: string) {
    const authorize = new URL(server.endpoints.authorization);
    authorize.search = new URLSearchParams({
      client_id: 'spa',
      response_type: 'code',
      redirect_uri: server.client('spa').redirectUris[0]!,
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      ...(loginHint !== undefined && { login_hint: loginHint }),
    }).toString();
    const started = await fetch(authorize, { redirect: 'manual' });
    const cookie = started.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    return { url: new URL(started.headers.get('location')!, server.issuer), cookie };
  }

  async function submit(url: URL, cookie: string, form: Record<string, string>) {
    return fetch(url, { method: 'POST', redirect: 'manual', headers: { cookie }, body: new URLSearchParams(form) });
  }

  it('shows a login form for the client, with the login hint filled in and the text escaped', async () => {
    const { url, cookie } = await startLogin('ada@example.com');
    const page = await fetch(url, { headers: { cookie } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.headers.get('cache-control')).to.equal('no-store');
    const html = await page.text();
    expect(html).to.include(`<form method="post" action="${url.pathname}">`);
    expect(html).to.include('name="username" autocomplete="username" value="ada@example.com"');
    expect(html).to.include('type="password" id="password" name="password"');
    expect(html).to.include('to <strong>Acme &lt;SPA&gt; &amp; Co</strong>');
    expect(html).to.include('Test user: user-123@example.com, password: correct horse');
    expect(html).to.not.include('role="alert"');
  });

  it('shows the form again with an error after a wrong password, an unknown username or an oversized form', async () => {
    for (const [form, refilled] of [
      [{ username: 'user-123', password: 'password' }, 'user-123'],
      [{ username: 'someone-else', password: 'correct horse' }, 'someone-else'],
      [{ username: 'user-123', password: 'x'.repeat(17 * 1024) }, ''],
    ] as const) {
      const { url, cookie } = await startLogin();
      const page = await submit(url, cookie, form);
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html).to.include('<p class="error" role="alert">Wrong username or password.</p>');
      expect(html).to.include(`name="username" autocomplete="username" value="${refilled}"`);
    }
  });

  it('logs the test user in with its sub or its e-mail and the password, and gives consent at once', async () => {
    for (const username of ['user-123', 'user-123@example.com']) {
      const { url, cookie } = await startLogin();
      const answered = await submit(url, cookie, { username, password: 'correct horse' });
      expect(answered.status, username).to.equal(303);
      expect(answered.headers.get('location')).to.match(new RegExp(`^${server.endpoints.authorization}/[\\w-]+$`));
    }
  });

  it('answers 400 JSON for a form posted to an interaction that is not in progress', async () => {
    const response = await submit(new URL('/interaction/unknown', server.issuer), '', {
      username: 'user-123',
      password: 'correct horse',
    });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { error: string }).error).to.equal('invalid_request');
  });
});
