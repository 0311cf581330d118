import { expect } from 'chai';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';
import { headlessLogin, headlessLogout } from '../../lib/dev-server/headless-login.js';
import { Auth0Error } from '../../lib/errors.js';
import { buildAuthorizeUrl, createPkcePair } from '../../lib/oidc/index.js';
import { fastOptions } from '../helpers/dev-server.js';
import { useProvider } from '../helpers/integration.js';
import { rejectionOf } from '../helpers/secrets.js';

describe("Auth0's /v2/logout on the auth0 profile", function () {
  this.timeout(20_000);
  const server = useProvider({
    clients: [
      ...fastOptions().clients,
      { clientId: 'web-app', postLogoutRedirectUris: ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000/bye'] },
    ],
  });

  function logoutUrl(params: Record<string, string>): string {
    return `${server().endpoints.logout}?${new URLSearchParams(params).toString()}`;
  }

  /** Logs in to web-app with the session of `cookies`; `prompt: 'none'` only checks that the session lasts. */
  async function login(cookies: HeadlessCookieJar, prompt?: 'none') {
    const { codeChallenge } = createPkcePair();
    const url = buildAuthorizeUrl({
      authorizationEndpoint: server().endpoints.authorization,
      clientId: 'web-app',
      redirectUri: server().client('web-app').redirectUris[0],
      state: 'state',
      codeChallenge,
      scope: 'openid',
      prompt,
    });
    return headlessLogin(url, { cookies });
  }

  it('sends the browser to returnTo when it is one of the client’s allowed logout URLs, and ends the session', async () => {
    const cookies = new HeadlessCookieJar();
    expect((await login(cookies, 'none')).error).to.equal('login_required');
    await login(cookies);
    expect((await login(cookies, 'none')).code, 'a silent login works while the session lasts').to.be.a('string');
    const ended = await headlessLogout(logoutUrl({ client_id: 'web-app', returnTo: 'http://127.0.0.1:3000/bye' }), {
      cookies,
    });
    expect(ended).to.deep.equal({ url: 'http://127.0.0.1:3000/bye' });
    expect((await login(cookies, 'none')).error).to.equal('login_required');
  });

  it("sends the browser to the client's first allowed logout URL when only client_id is given, as Auth0 does", async () => {
    const ended = await headlessLogout(logoutUrl({ client_id: 'web-app' }), {
      postLogoutRedirectUri: 'http://127.0.0.1:3000/',
    });
    expect(ended.url).to.equal('http://127.0.0.1:3000/');
  });

  it('ends at the "signed out" page without client_id', async () => {
    const ended = await headlessLogout(logoutUrl({}));
    expect(ended.url).to.equal(`${server().endpoints.logout}/success`);
  });

  it('refuses a returnTo without client_id, and one the client does not allow', async () => {
    for (const [params, description] of [
      [{ returnTo: 'http://127.0.0.1:3000/' }, 'returnTo needs client_id'],
      [{ client_id: 'web-app', returnTo: 'http://127.0.0.1:3000/elsewhere' }, 'Allowed Logout URLs'],
    ] as const) {
      const err = await rejectionOf(headlessLogout(logoutUrl(params)));
      expect(err).to.be.instanceOf(Auth0Error);
      expect(err).to.include({ statusCode: 400, errorCode: 'invalid_request' });
      expect(err.message).to.include(description);
    }
  });
});
