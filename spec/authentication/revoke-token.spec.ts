import { expect } from 'chai';
import { RevokeToken } from '../../lib/authentication/revoke-token.js';
import { Auth0Error, ConfigurationError } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf } from '../helpers/secrets.js';

describe('RevokeToken', () => {
  it('posts a form with the token and the client authentication, and resolves to nothing on an empty 200', async () => {
    const server = record('POST', '/oauth/revoke', { body: '' });
    const result = await new RevokeToken({ domain: DOMAIN, clientId: 'cid', clientSecret: 'sec' }).revokeRefreshToken({
      token: 'rt-1',
    });
    expect(result).to.equal(undefined);
    expect(server.request.encoding).to.equal('form');
    expect(server.request.body).to.deep.equal({ client_id: 'cid', client_secret: 'sec', token: 'rt-1' });
  });

  it('uses client_secret_basic when configured', async () => {
    const server = record('POST', '/oauth/revoke', { body: '' });
    await new RevokeToken({
      domain: DOMAIN,
      clientId: 'cid',
      clientSecret: 'sec',
      clientAuthMethod: 'client_secret_basic',
    }).revokeRefreshToken({ token: 'rt-1' });
    expect(server.request.headers.authorization).to.equal(`Basic ${Buffer.from('cid:sec').toString('base64')}`);
    expect(server.request.body).to.deep.equal({ client_id: 'cid', token: 'rt-1' });
  });

  it('rejects a missing token before any request, and maps an HTTP error', async () => {
    const client = new RevokeToken({ domain: DOMAIN, clientId: 'cid' });
    expect(await rejectionOf(client.revokeRefreshToken({ token: '' }))).to.be.instanceOf(ConfigurationError);
    record('POST', '/oauth/revoke', { status: 400, body: { error: 'invalid_request', error_description: 'bad' } });
    const err = (await rejectionOf(client.revokeRefreshToken({ token: 'x' }))) as Auth0Error;
    expect([err.statusCode, err.errorCode]).to.deep.equal([400, 'invalid_request']);
  });

  itKeepsSecretsOutOfErrors('RevokeToken.revokeRefreshToken', {
    make: (options) => new RevokeToken({ ...options, clientId: 'cid', clientSecret: 'LEAK-revoke-secret' }),
    call: (client) => client.revokeRefreshToken({ token: 'LEAK-revoked-refresh-token' }),
    secrets: ['LEAK-revoke-secret', 'LEAK-revoked-refresh-token'],
  });
});
