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
      error_description: 'no such interaction in progress; start at /authorize',
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
