import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { record } from '../helpers/capture.js';
import { CALLBACK, CLIENT_SECRET, client, ISSUER, opened, ORIGIN, serveKeys } from '../helpers/oidc.js';
import { rejectionOf } from '../helpers/secrets.js';

describe('OidcClient.startLogin', () => {
  beforeEach(serveKeys);

  it('asks for a code with S256 PKCE, a state and a nonce, and seals them into a cookie of its own', async () => {
    const login = await client().startLogin();
    const url = new URL(login.url);
    expect(`${url.origin}${url.pathname}`).to.equal(`${ISSUER}/auth`);
    const params = Object.fromEntries(url.searchParams);
    const payload = opened(login);
    expect(params).to.deep.equal({
      response_type: 'code',
      client_id: 'web',
      redirect_uri: CALLBACK,
      scope: 'openid profile email',
      state: payload.state,
      nonce: payload.nonce,
      code_challenge: params.code_challenge,
      code_challenge_method: 'S256',
    });
    expect(payload.codeVerifier).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(login.transaction).to.deep.include({ maxAge: 600, sameSite: 'lax' });
    expect(login.transaction.name).to.match(/^authn_tx_[A-Za-z0-9_-]{22}$/);
    for (const secretPart of [payload.nonce, payload.codeVerifier, payload.state]) {
      expect(login.transaction.value).to.not.include(secretPart);
    }
  });

  it('gives each login its own state, nonce, verifier and cookie name', async () => {
    const web = client();
    const [a, b] = [await web.startLogin(), await web.startLogin()];
    expect(a.transaction.name).to.not.equal(b.transaction.name);
    expect(opened(a).nonce).to.not.equal(opened(b).nonce);
    expect(opened(a).codeVerifier).to.not.equal(opened(b).codeVerifier);
  });

  it('sends the authorization parameters of the client and of the login, the login winning', async () => {
    const web = client({ authorizationParams: { audience: 'https://api.example.com/', prompt: 'consent' } });
    const login = await web.startLogin({
      prompt: 'login',
      login_hint: 'ada@example.com',
      max_age: '300',
      organization: 'org_123',
      acr_values: 'mfa',
      scope: 'openid offline_access',
      ui_locales: undefined,
    });
    const params = Object.fromEntries(new URL(login.url).searchParams);
    expect(params).to.deep.include({
      audience: 'https://api.example.com/',
      prompt: 'login',
      login_hint: 'ada@example.com',
      max_age: '300',
      organization: 'org_123',
      acr_values: 'mfa',
      scope: 'openid offline_access',
    });
    expect(params).to.not.have.property('ui_locales');
    expect(opened(login)).to.deep.include({ maxAge: 300, organization: 'org_123' });
  });

  it('leaves out the nonce and PKCE when they are off', async () => {
    const params = new URL((await client({ useNonce: false, usePkce: false }).startLogin()).url).searchParams;
    expect([params.has('nonce'), params.has('code_challenge')]).to.deep.equal([false, false]);
  });

  it('asks an implicit or hybrid response by form_post, with a SameSite=None cookie', async () => {
    const login = await client({ clientSecret: undefined, responseType: 'id_token token' }).startLogin();
    const params = Object.fromEntries(new URL(login.url).searchParams);
    expect(params).to.deep.include({ response_type: 'id_token token', response_mode: 'form_post' });
    expect(params).to.not.have.property('code_challenge');
    expect(login.transaction.sameSite).to.equal('none');
    const fragment = await client({ responseType: 'code id_token', responseMode: 'fragment' }).startLogin();
    expect(new URL(fragment.url).searchParams.has('response_mode')).to.equal(false);
    expect(new URL(fragment.url).searchParams.has('code_challenge')).to.equal(true);
  });

  it('remembers a returnTo on this application, and refuses one that would make an open redirect', async () => {
    const web = client();
    expect(opened(await web.startLogin({ returnTo: '/orders/42?tab=1#top' })).returnTo).to.equal(
      '/orders/42?tab=1#top',
    );
    expect(opened(await web.startLogin({ returnTo: 'https://app.example.com/orders' })).returnTo).to.equal('/orders');
    for (const returnTo of [
      '//evil.example.com/x',
      '/\\evil.example.com',
      'https://evil.example.com/',
      'orders',
      'javascript:alert(1)',
      '/\t/evil.example.com',
      `/${'x'.repeat(512)}`,
      42 as never,
    ]) {
      const err = await rejectionOf(web.startLogin({ returnTo }));
      expect(err, returnTo).to.be.instanceOf(ConfigurationError).with.property('option', 'returnTo');
    }
  });

  it('refuses a parameter the client sets itself, a scope without openid, and a bad max_age', async () => {
    const web = client();
    expect(await rejectionOf(web.startLogin({ state: 'fixed' }))).to.be.instanceOf(ConfigurationError);
    expect(await rejectionOf(web.startLogin({ scope: 'profile' }))).to.be.instanceOf(ConfigurationError);
    expect(await rejectionOf(web.startLogin({ max_age: 'an hour' }))).to.be.instanceOf(ConfigurationError);
  });

  it('pushes the request first when the provider requires PAR', async () => {
    const par = record(
      'POST',
      '/realms/demo/request',
      { status: 201, body: { request_uri: 'urn:par:1', expires_in: 60 } },
      ORIGIN,
    );
    const login = await client({}, { require_pushed_authorization_requests: true }).startLogin({ prompt: 'login' });
    const url = new URL(login.url);
    expect(Object.fromEntries(url.searchParams)).to.deep.equal({ client_id: 'web', request_uri: 'urn:par:1' });
    expect(par.request.body).to.deep.include({
      response_type: 'code',
      redirect_uri: CALLBACK,
      state: opened(login).state,
      nonce: opened(login).nonce,
      code_challenge_method: 'S256',
      prompt: 'login',
      client_secret: CLIENT_SECRET,
    });
  });
});
