import { expect } from 'chai';
import { Users } from '../../lib/authentication/users.js';
import { Auth0Error, ConfigurationError, TokenValidationError } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

describe('Users', () => {
  it('GETs /userinfo with the bearer token and resolves to the claims', async () => {
    const server = record('GET', '/userinfo', { body: { sub: 'auth0|1', email: 'a@b.c' } });
    expect(await new Users({ domain: DOMAIN }).userinfo('at-123')).to.deep.equal({ sub: 'auth0|1', email: 'a@b.c' });
    expect(server.request.headers.authorization).to.equal('Bearer at-123');
    expect(server.request.encoding).to.equal('none');
    expect(server.request.headers).to.have.property('auth0-client');
  });

  it('sends no telemetry when it is off', async () => {
    const server = record('GET', '/userinfo', { body: { sub: 's' } });
    await new Users({ domain: DOMAIN, telemetry: false }).userinfo('at');
    expect(server.request.headers).to.not.have.property('auth0-client');
  });

  it('needs no client id, but refuses a missing domain or access token', async () => {
    expect(thrownBy(() => new Users({ domain: '' }))).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => new Users(undefined as never))).to.be.instanceOf(ConfigurationError);
    expect(await rejectionOf(new Users({ domain: DOMAIN }).userinfo(''))).to.be.instanceOf(ConfigurationError);
  });

  it('maps a 401 to an Auth0Error', async () => {
    record('GET', '/userinfo', { status: 401, body: 'Unauthorized' });
    const err = (await rejectionOf(new Users({ domain: DOMAIN }).userinfo('bad'))) as Auth0Error;
    expect([err.statusCode, err.message]).to.deep.equal([401, 'Unauthorized']);
  });

  it('N61: resolves when the response is about the expected subject', async () => {
    record('GET', '/userinfo', { body: { sub: 'auth0|1', email: 'a@b.c' } });
    const profile = await new Users({ domain: DOMAIN }).userinfo('at', { subject: 'auth0|1' });
    expect(profile.email).to.equal('a@b.c');
  });

  it('N61: rejects a response about another user than the ID token names, or about nobody', async () => {
    for (const body of [{ sub: 'auth0|attacker' }, { email: 'a@b.c' }, 'plain text']) {
      record('GET', '/userinfo', { body });
      const err = (await rejectionOf(
        new Users({ domain: DOMAIN }).userinfo('at', { subject: 'auth0|1' }),
      )) as TokenValidationError;
      expect(err).to.be.instanceOf(TokenValidationError);
      expect([err.code, err.claim]).to.deep.equal(['ERR_USERINFO_SUB_MISMATCH', 'sub']);
      expect(err.message).to.include('expected "auth0|1"');
    }
  });

  it('refuses an empty expected subject before any request', async () => {
    const err = await rejectionOf(new Users({ domain: DOMAIN }).userinfo('at', { subject: '' }));
    expect(err).to.be.instanceOf(ConfigurationError);
  });

  itKeepsSecretsOutOfErrors('Users.userinfo', {
    make: (options) => new Users(options),
    call: (client) => client.userinfo('LEAK-access-token-value'),
    secrets: ['LEAK-access-token-value'],
  });
});
