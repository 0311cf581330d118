import { expect } from 'chai';
import { TokenIntrospection } from '../../lib/authentication/token-introspection.js';
import { Auth0Error, ConfigurationError, TokenResponseError } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';

const ORIGIN = 'https://sso.example.com';
const endpoints = { introspection: `${ORIGIN}/introspect` };
const introspection = () => new TokenIntrospection({ endpoints, clientId: 'api', clientSecret: 'sec' });
const ACTIVE = { active: true, sub: 'u1', scope: 'read', client_id: 'app', exp: 2_000_000_000, iss: ORIGIN };

describe('TokenIntrospection', () => {
  it('posts the token and the client authentication as a form, and resolves to the answer unchanged', async () => {
    const server = record('POST', '/introspect', { body: ACTIVE }, ORIGIN);
    expect(await introspection().introspect('opaque-token-1')).to.deep.equal(ACTIVE);
    expect(server.request.encoding).to.equal('form');
    expect(server.request.body).to.deep.equal({ token: 'opaque-token-1', client_id: 'api', client_secret: 'sec' });
  });

  it('sends token_type_hint and extraParams when given', async () => {
    const server = record('POST', '/introspect', { body: { active: false } }, ORIGIN);
    const answer = await introspection().introspect('t', { tokenTypeHint: 'refresh_token', extraParams: { x: '1' } });
    expect(answer).to.deep.equal({ active: false });
    expect(server.request.body).to.include({ token_type_hint: 'refresh_token', x: '1' });
  });

  it('refuses a 2xx answer without a boolean active, without quoting the token', async () => {
    for (const body of [{ active: 'true' }, { sub: 'u' }, ['x'], 'active']) {
      record('POST', '/introspect', { body }, ORIGIN);
      const err = await rejectionOf(introspection().introspect('SECRET-opaque-token'));
      expect(err, JSON.stringify(body)).to.be.instanceOf(TokenResponseError);
      expectNoSecrets(err, ['SECRET-opaque-token']);
    }
  });

  it('refuses a missing token, and a provider without an introspection endpoint (Auth0), before any request', async () => {
    expect(await rejectionOf(introspection().introspect(''))).to.be.instanceOf(ConfigurationError);
    const err = await rejectionOf(new TokenIntrospection({ domain: DOMAIN, clientId: 'api' }).introspect('t'));
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'domain');
    expect(err.message).to.include('introspection_endpoint');
  });

  it("rejects with the server's error", async () => {
    record('POST', '/introspect', { status: 401, body: { error: 'invalid_client' } }, ORIGIN);
    const err = (await rejectionOf(introspection().introspect('t'))) as Auth0Error;
    expect([err.statusCode, err.errorCode]).to.deep.equal([401, 'invalid_client']);
  });

  itKeepsSecretsOutOfErrors('TokenIntrospection.introspect', {
    make: ({ domain, ...options }) =>
      new TokenIntrospection({
        ...options,
        protocol: undefined,
        endpoints: { introspection: `http://${domain}/introspect` },
        clientId: 'cid',
        clientSecret: 'LEAK-introspection-secret',
      }),
    call: (client) => client.introspect('LEAK-introspected-token'),
    secrets: ['LEAK-introspection-secret', 'LEAK-introspected-token'],
  });
});
