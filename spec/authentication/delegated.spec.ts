import { expect } from 'chai';
import { Delegated } from '../../lib/authentication/delegated.js';
import { Auth0Error, ConfigurationError } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf } from '../helpers/secrets.js';

const delegated = () => new Delegated({ domain: DOMAIN, clientId: 'cid', clientSecret: 'never-sent' });
const base = { target: 'tgt', apiType: 'app', grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer' };

describe('Delegated', () => {
  it('posts JSON with an id_token, scope openid by default, and no client secret', async () => {
    const server = record('POST', '/delegation', { body: { id_token: 'delegated', expires_in: 36000 } });
    expect(await delegated().getToken({ ...base, idToken: 'idt' })).to.deep.equal({
      id_token: 'delegated',
      expires_in: 36000,
    });
    expect(server.request.encoding).to.equal('json');
    expect(server.request.body).to.deep.equal({
      client_id: 'cid',
      grant_type: base.grantType,
      target: 'tgt',
      api_type: 'app',
      scope: 'openid',
      id_token: 'idt',
    });
  });

  it('sends a refresh_token and a given scope instead', async () => {
    const server = record('POST', '/delegation', { body: {} });
    await delegated().getToken({ ...base, grantType: 'refresh_token', refreshToken: 'rt', scope: 'openid email' });
    expect(server.request.body).to.deep.equal({
      client_id: 'cid',
      grant_type: 'refresh_token',
      target: 'tgt',
      api_type: 'app',
      scope: 'openid email',
      refresh_token: 'rt',
    });
  });

  it('rejects both or neither of idToken and refreshToken with a ConfigurationError before any request', async () => {
    const server = record('POST', '/delegation');
    const both = (await rejectionOf(
      delegated().getToken({ ...base, idToken: 'a', refreshToken: 'b' }),
    )) as ConfigurationError;
    expect(both).to.be.instanceOf(ConfigurationError);
    expect(both.message).to.equal('give only one of idToken and refreshToken, not both');
    const neither = (await rejectionOf(delegated().getToken(base))) as ConfigurationError;
    expect(neither).to.be.instanceOf(ConfigurationError);
    expect(neither.message).to.equal('one of idToken and refreshToken is required');
    expect(await rejectionOf(delegated().getToken({ ...base, target: '', idToken: 'a' }))).to.be.instanceOf(
      ConfigurationError,
    );
    expect(server.requests).to.have.length(0);
  });

  it('maps an HTTP error to an Auth0Error', async () => {
    record('POST', '/delegation', { status: 401, body: { error: 'unauthorized', error_description: 'no' } });
    const err = (await rejectionOf(delegated().getToken({ ...base, idToken: 'a' }))) as Auth0Error;
    expect([err.statusCode, err.errorCode, err.message]).to.deep.equal([401, 'unauthorized', 'no']);
  });

  itKeepsSecretsOutOfErrors('Delegated.getToken', {
    make: (options) => new Delegated({ ...options, clientId: 'cid' }),
    call: (client) => client.getToken({ ...base, grantType: 'refresh_token', refreshToken: 'LEAK-delegation-rt' }),
    secrets: ['LEAK-delegation-rt'],
  });
});
