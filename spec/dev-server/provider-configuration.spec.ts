import { expect } from 'chai';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';
import { type DevServer, startDevServer } from '../../lib/dev-server/dev-server.js';
import { headlessDeviceApproval } from '../../lib/dev-server/headless-login.js';
import { parseForms } from '../../lib/dev-server/html-form.js';
import { resolveDevServerSetup } from '../../lib/dev-server/options.js';
import { AUTH0_ROUTES, STANDARD_ROUTES } from '../../lib/dev-server/profile.js';
import { providerConfiguration } from '../../lib/dev-server/provider-configuration.js';
import { fastOptions, postForm } from '../helpers/dev-server.js';

describe('providerConfiguration', () => {
  const errors = {} as Parameters<typeof providerConfiguration>[2];
  const noProvider = () => {
    throw new Error('not started');
  };

  // The paths themselves are pinned by the endpointsOf spec (profile.spec.ts).
  it("routes every endpoint to Auth0's path and turns the development pages off", async () => {
    const setup = await resolveDevServerSetup(fastOptions());
    const configuration = providerConfiguration('http://127.0.0.1:1/', setup, errors, noProvider);
    expect(configuration.routes).to.equal(AUTH0_ROUTES);
    expect(configuration.features?.devInteractions?.enabled).to.equal(false);
    expect(configuration.features?.introspection?.enabled).to.equal(false);
    expect(configuration.conformIdTokenClaims).to.equal(false);
    expect(configuration.extraParams).to.deep.equal(['audience']);
    expect(configuration.formats?.customizers?.jwt).to.be.a('function');
  });

  it("keeps node-oidc-provider's own routes and access-token claims on the standard profile", async () => {
    const setup = await resolveDevServerSetup({ ...fastOptions(), profile: 'standard' });
    const configuration = providerConfiguration('http://127.0.0.1:1', setup, errors, noProvider);
    expect(configuration.routes).to.equal(STANDARD_ROUTES);
    expect(configuration.routes).to.include({ authorization: '/auth', token: '/token', userinfo: '/me' });
    expect(configuration.features?.introspection?.enabled).to.equal(true);
    expect(configuration).to.not.have.property('formats');
  });

  it('puts the issuer path before the interaction URLs', async () => {
    const setup = await resolveDevServerSetup({ ...fastOptions(), profile: 'standard', issuerPath: '/oauth2/default' });
    const configuration = providerConfiguration('http://127.0.0.1:1/oauth2/default', setup, errors, noProvider);
    const url = configuration.interactions!.url!({} as never, { uid: 'abc' } as never);
    expect(url).to.equal('/oauth2/default/interaction/abc');
  });

  it('registers each client with its metadata and only the public half of its key', async () => {
    const setup = await resolveDevServerSetup(fastOptions());
    const { clients = [] } = providerConfiguration('http://127.0.0.1:1/', setup, errors, noProvider);
    const byId = Object.fromEntries(clients.map((client) => [client.client_id, client]));
    expect(byId['m2m-secret']).to.include({ token_endpoint_auth_method: 'client_secret_post' });
    expect(byId['m2m-secret']!.response_types).to.deep.equal([]);
    expect(byId['m2m-jwt']!.jwks!.keys[0]).to.not.have.property('d');
    expect(byId['web-app']).to.include({ backchannel_token_delivery_mode: 'poll' });
    expect(byId['web-app']!.response_types).to.deep.equal(['code']);
    expect(byId['web-app']!.post_logout_redirect_uris).to.deep.equal(['http://127.0.0.1/']);
    expect(byId['web-app']).to.not.have.property('backchannel_logout_uri');
    expect(byId.spa).to.include({ token_endpoint_auth_method: 'none' }).and.not.have.property('client_secret');
    expect(byId.spa!.response_types).to.deep.equal(['code', 'id_token', 'id_token token', 'code id_token']);
    expect(byId.spa!.grant_types).to.deep.equal(['authorization_code', 'implicit', 'refresh_token']);
  });

  it('registers a back-channel logout URI with the session id required', async () => {
    const backchannelLogoutUri = 'http://127.0.0.1:3000/backchannel-logout';
    const setup = await resolveDevServerSetup({
      ...fastOptions(),
      clients: [...fastOptions().clients, { clientId: 'web-app', backchannelLogoutUri }],
    });
    const { clients = [] } = providerConfiguration('http://127.0.0.1:1/', setup, errors, noProvider);
    expect(clients.find((client) => client.client_id === 'web-app')).to.include({
      backchannel_logout_uri: backchannelLogoutUri,
      backchannel_logout_session_required: true,
    });
  });

  it('signs with the private JWKs of the configured keys, first key first', async () => {
    const setup = await resolveDevServerSetup(fastOptions());
    const { jwks } = providerConfiguration('http://127.0.0.1:1/', setup, errors, noProvider);
    expect(jwks!.keys.map((key) => (key as { kid?: string }).kid)).to.deep.equal(
      setup.signingKeys.map((key) => key.kid),
    );
    expect(jwks!.keys[0]).to.have.property('d');
  });
});

describe("the dev server's pages", function () {
  this.timeout(20_000);
  let server: DevServer;

  before(async () => {
    server = await startDevServer({ ...fastOptions(), interactions: 'form' });
  });

  after(() => server?.stop());

  async function startDevice(): Promise<{ deviceCode: string; userCode: string; complete: string }> {
    const { body } = await postForm(server.endpoints.deviceAuthorization, { client_id: 'device', scope: 'openid' });
    return {
      deviceCode: String(body.device_code),
      userCode: String(body.user_code),
      complete: String(body.verification_uri_complete),
    };
  }

  const poll = (deviceCode: string) =>
    postForm(server.endpoints.token, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: deviceCode,
      client_id: 'device',
    });

  it('asks for the user code at the verification URI, and again with an error for a wrong one', async () => {
    const cookies = new HeadlessCookieJar();
    const first = await fetch(server.endpoints.deviceVerification);
    cookies.store(first.headers.getSetCookie());
    const page = await first.text();
    const [form] = parseForms(page);
    expect(form!.inputs.map((input) => input.name)).to.deep.equal(['xsrf', 'user_code']);
    expect(page).to.include('Enter the code shown on your device.').and.not.include('role="alert"');
    const again = await fetch(server.endpoints.deviceVerification, {
      method: 'POST',
      headers: { cookie: cookies.header() },
      body: new URLSearchParams({ xsrf: form!.inputs[0]!.value, user_code: 'WRONG-CODE' }),
    });
    expect(await again.text()).to.include('That code is not valid; check it and try again.');
    const forged = await fetch(server.endpoints.deviceVerification, {
      method: 'POST',
      headers: { cookie: cookies.header() },
      body: new URLSearchParams({ xsrf: 'forged', user_code: 'WRONG-CODE' }),
    });
    expect(await forged.text()).to.include('Something went wrong; try again.');
  });

  it('asks the person to approve or deny the device; denying fails the device with access_denied', async () => {
    const { deviceCode, complete } = await startDevice();
    const cookies = new HeadlessCookieJar();
    let response = await fetch(complete);
    cookies.store(response.headers.getSetCookie());
    const submitted = parseForms(await response.text())[0]!;
    response = await fetch(new URL(submitted.action!, complete), {
      method: 'POST',
      headers: { cookie: cookies.header() },
      body: new URLSearchParams(submitted.inputs.map((input): [string, string] => [input.name, input.value])),
    });
    const confirmation = await response.text();
    expect(confirmation).to.include('Approve</button>').and.include('Deny</button>').and.not.include('<script>');
    const confirm = parseForms(confirmation)[0]!;
    const denied = await fetch(new URL(confirm.action!, complete), {
      method: 'POST',
      headers: { cookie: cookies.header() },
      body: new URLSearchParams([
        ...confirm.inputs.map((input): [string, string] => [input.name, input.value]),
        ['abort', 'yes'],
      ]),
    });
    expect(await denied.text()).to.include('The sign-in was cancelled.');
    expect((await poll(deviceCode)).body.error).to.equal('access_denied');
  });

  it('approves a device headlessly through the login form with the credentials', async () => {
    const { deviceCode, complete } = await startDevice();
    await headlessDeviceApproval(complete, { credentials: { username: 'user-123', password: server.password } });
    expect((await poll(deviceCode)).status).to.equal(200);
  });

  it('answers an authorization error it cannot redirect with JSON, not a page', async () => {
    const response = await fetch(`${server.endpoints.authorization}?client_id=nobody&response_type=code`);
    expect(response.status).to.equal(400);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(await response.json()).to.include({ error: 'invalid_client' });
  });
});
