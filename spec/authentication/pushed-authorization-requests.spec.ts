import { expect } from 'chai';
import { PushedAuthorizationRequests } from '../../lib/authentication/pushed-authorization-requests.js';
import { Auth0Error, ConfigurationError } from '../../lib/errors.js';
import { RepeatedField } from '../../lib/index.js';
import { DOMAIN, ORIGIN, record } from '../helpers/capture.js';
import { rsaKeys } from '../helpers/keys.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf } from '../helpers/secrets.js';

const PUSHED = { request_uri: 'urn:ietf:params:oauth:request_uri:abc', expires_in: 30 };
const par = () => new PushedAuthorizationRequests({ domain: DOMAIN, clientId: 'cid', clientSecret: 'sec' });
const base = { responseType: 'code', redirectUri: 'https://app/cb' };

describe('PushedAuthorizationRequests', () => {
  it('posts a form to /oauth/par and returns request_uri, expires_in and the ready authorize URL', async () => {
    const server = record('POST', '/oauth/par', { status: 201, body: PUSHED });
    const result = await par().pushedAuthorizationRequest(base);
    expect(result).to.deep.equal({
      ...PUSHED,
      authorizationUrl: `${ORIGIN}/authorize?client_id=cid&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc`,
    });
    expect(server.request.encoding).to.equal('form');
    expect(server.request.body).to.deep.equal({
      client_id: 'cid',
      client_secret: 'sec',
      response_type: 'code',
      redirect_uri: 'https://app/cb',
    });
  });

  it('passes custom parameters through under their wire names', async () => {
    const server = record('POST', '/oauth/par', { body: PUSHED });
    await par().pushedAuthorizationRequest({
      ...base,
      scope: 'openid profile',
      state: 'st',
      nonce: 'n',
      audience: 'https://api/',
      organization: 'org_1',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      max_age: 0,
    });
    expect(server.request.body).to.deep.include({
      scope: 'openid profile',
      state: 'st',
      nonce: 'n',
      audience: 'https://api/',
      organization: 'org_1',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      max_age: '0',
    });
  });

  it('sends extraParams, a list as the field repeated, and refuses a named option under its wire name', async () => {
    const server = record('POST', '/oauth/par', { body: PUSHED });
    await par().pushedAuthorizationRequest({
      ...base,
      extraParams: { prompt: 'login', resource: ['https://a/', 'https://b/'] },
    });
    const form = new URLSearchParams(server.request.raw);
    expect(form.get('prompt')).to.equal('login');
    expect(form.getAll('resource')).to.deep.equal(['https://a/', 'https://b/']);
    for (const extra of [{ response_type: 'token' }, { extraParams: { redirect_uri: 'https://evil/' } }]) {
      const err = await rejectionOf(par().pushedAuthorizationRequest({ ...base, ...extra }));
      expect(err).to.be.instanceOf(ConfigurationError);
    }
  });

  it('sends RAR authorization_details as JSON (the original sent a Python repr)', async () => {
    const server = record('POST', '/oauth/par', { body: PUSHED });
    const details = [{ type: 'payment_initiation', amount: '42' }];
    await par().pushedAuthorizationRequest({ ...base, authorization_details: details });
    expect(JSON.parse(String(server.request.body.authorization_details))).to.deep.equal(details);
  });

  it('sends a RepeatedField as the parameter repeated, for several RFC 8707 resources', async () => {
    const server = record('POST', '/oauth/par', { body: PUSHED });
    const resource = new RepeatedField(['https://orders.example/', 'https://billing.example/']);
    await par().pushedAuthorizationRequest({ ...base, resource });
    expect(new URLSearchParams(server.request.raw).getAll('resource')).to.deep.equal([
      'https://orders.example/',
      'https://billing.example/',
    ]);
  });

  it('sends a JAR request object as given', async () => {
    const server = record('POST', '/oauth/par', { body: PUSHED });
    await par().pushedAuthorizationRequest({ ...base, request: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' });
    expect(server.request.body.request).to.equal('eyJhbGciOiJSUzI1NiJ9.e30.sig');
  });

  it('sends no client_secret at all for a public client (the original sent client_secret=None)', async () => {
    const server = record('POST', '/oauth/par', { body: PUSHED });
    await new PushedAuthorizationRequests({ domain: DOMAIN, clientId: 'spa' }).pushedAuthorizationRequest(base);
    expect(server.request.body).to.deep.equal({
      client_id: 'spa',
      response_type: 'code',
      redirect_uri: 'https://app/cb',
    });
  });

  it('sends only the assertion when both a key and a secret are configured (the original sent both)', async () => {
    const server = record('POST', '/oauth/par', { body: PUSHED });
    await new PushedAuthorizationRequests({
      domain: DOMAIN,
      clientId: 'cid',
      clientSecret: 'sec',
      clientAssertionSigningKey: rsaKeys().privatePem,
    }).pushedAuthorizationRequest(base);
    expect(server.request.body).to.not.have.property('client_secret');
    expect(server.request.body).to.have.property('client_assertion');
  });

  it('refuses missing parameters and client-authentication members as parameters before any request', async () => {
    const server = record('POST', '/oauth/par');
    for (const bad of [
      { redirectUri: 'x' },
      { responseType: 'code' },
      { ...base, client_secret: 'x' },
      { ...base, client_id: 'other' },
      { ...base, client_assertion_type: 'x' },
    ]) {
      expect(await rejectionOf(par().pushedAuthorizationRequest(bad as never)), JSON.stringify(bad)).to.be.instanceOf(
        ConfigurationError,
      );
    }
    expect(server.requests).to.have.length(0);
  });

  it("rejects with the server's error", async () => {
    record('POST', '/oauth/par', { status: 401, body: { error: 'invalid_client', error_description: 'nope' } });
    const err = (await rejectionOf(par().pushedAuthorizationRequest(base))) as Auth0Error;
    expect([err.statusCode, err.errorCode]).to.deep.equal([401, 'invalid_client']);
  });

  itKeepsSecretsOutOfErrors('PushedAuthorizationRequests.pushedAuthorizationRequest', {
    make: (options) =>
      new PushedAuthorizationRequests({
        ...options,
        clientId: 'cid',
        clientSecret: 'LEAK-par-secret',
        clientAuthMethod: 'client_secret_basic',
      }),
    call: (client) => client.pushedAuthorizationRequest(base),
    secrets: ['LEAK-par-secret'],
  });
});
