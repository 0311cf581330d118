import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { BackChannelLogin } from '../../lib/authentication/back-channel-login.js';
import { Auth0Error, ConfigurationError } from '../../lib/errors.js';
import { DOMAIN, ORIGIN, record } from '../helpers/capture.js';
import { rsaKeys } from '../helpers/keys.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf } from '../helpers/secrets.js';

const STARTED = { auth_req_id: 'req-1', expires_in: 300, interval: 5 };
const HINT = '{"format":"iss_sub","iss":"https://tenant.example.com/","sub":"auth0|1"}';
const ciba = () => new BackChannelLogin({ domain: DOMAIN, clientId: 'cid', clientSecret: 'sec' });
const params = { bindingMessage: 'ABC-123', loginHint: HINT, scope: 'openid' };

describe('BackChannelLogin', () => {
  it('posts a form to /bc-authorize with the client secret and resolves to the server JSON', async () => {
    const server = record('POST', '/bc-authorize', { body: STARTED });
    expect(await ciba().backChannelLogin(params)).to.deep.equal(STARTED);
    expect(server.request.encoding).to.equal('form');
    expect(server.request.body).to.deep.equal({
      client_id: 'cid',
      client_secret: 'sec',
      binding_message: 'ABC-123',
      login_hint: HINT,
      scope: 'openid',
    });
  });

  it('JSON-serialises an object login hint and authorization_details (the original sent a Python repr)', async () => {
    const server = record('POST', '/bc-authorize', { body: STARTED });
    const details = [{ type: 'money_transfer', amount: 42, instructions: { to: 'x' } }];
    await ciba().backChannelLogin({
      ...params,
      loginHint: { format: 'iss_sub', iss: 'https://tenant.example.com/', sub: 'auth0|1' },
      authorizationDetails: details,
    });
    expect(server.request.body.login_hint).to.equal(HINT);
    expect(JSON.parse(String(server.request.body.authorization_details))).to.deep.equal(details);
  });

  it('passes a pre-serialised authorization_details string through unchanged', async () => {
    const server = record('POST', '/bc-authorize', { body: STARTED });
    await ciba().backChannelLogin({ ...params, authorizationDetails: '[{"type":"x"}]' });
    expect(server.request.body.authorization_details).to.equal('[{"type":"x"}]');
  });

  it('sends requested_expiry as a decimal and extra parameters under their wire names', async () => {
    const server = record('POST', '/bc-authorize', { body: STARTED });
    await ciba().backChannelLogin({ ...params, requestedExpiry: 120, audience: 'https://api/' });
    expect(server.request.body).to.include({ requested_expiry: '120', audience: 'https://api/' });
  });

  it('sends extraParams, and refuses a named option under its wire name before any request', async () => {
    const server = record('POST', '/bc-authorize', { body: { auth_req_id: 'r', expires_in: 60 } });
    await ciba().backChannelLogin({ ...params, extraParams: { acr_values: ['a', 'b'] } });
    expect(new URLSearchParams(server.requests[0]!.raw).getAll('acr_values')).to.deep.equal(['a', 'b']);
    for (const extraParams of [{ binding_message: 'x' }, { requested_expiry: '9' }, { client_secret: 'x' }] as Record<
      string,
      string
    >[]) {
      expect(await rejectionOf(ciba().backChannelLogin({ ...params, extraParams }))).to.be.instanceOf(
        ConfigurationError,
      );
    }
    expect(server.requests).to.have.length(1);
  });

  it('refuses a requestedExpiry that is not a positive integer before any request', async () => {
    const server = record('POST', '/bc-authorize');
    for (const requestedExpiry of [0, -5, 1.5, '300', true, Number.POSITIVE_INFINITY]) {
      const err = (await rejectionOf(
        ciba().backChannelLogin({ ...params, requestedExpiry: requestedExpiry as never }),
      )) as ConfigurationError;
      expect(err, String(requestedExpiry)).to.be.instanceOf(ConfigurationError);
      expect(err.message).to.equal('requestedExpiry must be a positive integer');
    }
    expect(server.requests).to.have.length(0);
  });

  it('refuses missing required parameters, and client-authentication members as extras', async () => {
    const server = record('POST', '/bc-authorize');
    for (const bad of [
      { loginHint: HINT, scope: 'openid' },
      { bindingMessage: 'b', scope: 'openid' },
      { bindingMessage: 'b', loginHint: HINT },
      { ...params, client_secret: 'other' },
      { ...params, client_assertion: 'x' },
    ]) {
      expect(await rejectionOf(ciba().backChannelLogin(bad as never)), JSON.stringify(bad)).to.be.instanceOf(
        ConfigurationError,
      );
    }
    expect(server.requests).to.have.length(0);
  });

  it('authenticates with an assertion only under private_key_jwt', async () => {
    const keys = rsaKeys();
    const server = record('POST', '/bc-authorize', { body: STARTED });
    await new BackChannelLogin({
      domain: DOMAIN,
      clientId: 'cid',
      clientSecret: 'sec',
      clientAssertionSigningKey: keys.privatePem,
    }).backChannelLogin(params);
    expect(server.request.body).to.not.have.property('client_secret');
    const claims = jwt.verify(String(server.request.body.client_assertion), keys.publicKey, {
      algorithms: ['RS256'],
      audience: `${ORIGIN}/`,
    }) as jwt.JwtPayload;
    expect(claims.sub).to.equal('cid');
  });

  it("rejects with the server's error", async () => {
    record('POST', '/bc-authorize', {
      status: 400,
      body: { error: 'invalid_request', error_description: 'The login_hint parameter is invalid' },
    });
    const err = (await rejectionOf(ciba().backChannelLogin(params))) as Auth0Error;
    expect(err).to.be.instanceOf(Auth0Error);
    expect(err.message).to.equal('The login_hint parameter is invalid');
  });

  itKeepsSecretsOutOfErrors('BackChannelLogin.backChannelLogin', {
    make: (options) => new BackChannelLogin({ ...options, clientId: 'cid', clientSecret: 'LEAK-ciba-secret' }),
    call: (client) => client.backChannelLogin(params),
    secrets: ['LEAK-ciba-secret'],
  });
});
