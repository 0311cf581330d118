import { expect } from 'chai';
import { Database } from '../../lib/authentication/database.js';
import { Auth0Error, ConfigurationError } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf } from '../helpers/secrets.js';

const database = () => new Database({ domain: DOMAIN, clientId: 'cid', clientSecret: 'never-sent' });

describe('Database', () => {
  describe('signup', () => {
    it('posts JSON with the required fields only when no optional one is given, and no client secret', async () => {
      const server = record('POST', '/dbconnections/signup', {
        body: { _id: '6a1', email: 'a@b.c', email_verified: false },
      });
      const user = await database().signup({ email: 'a@b.c', password: 'pw', connection: 'conn' });
      expect(user).to.deep.equal({ _id: '6a1', email: 'a@b.c', email_verified: false });
      expect(server.request.encoding).to.equal('json');
      expect(server.request.headers['content-type']).to.match(/^application\/json/);
      expect(server.request.body).to.deep.equal({
        client_id: 'cid',
        email: 'a@b.c',
        password: 'pw',
        connection: 'conn',
      });
      expect(server.request.headers).to.not.have.property('authorization');
    });

    it('sends every optional field under its wire name', async () => {
      const server = record('POST', '/dbconnections/signup', { body: { _id: '1' } });
      await database().signup({
        email: 'a@b.c',
        password: 'pw',
        connection: 'conn',
        username: 'ada',
        userMetadata: { plan: 'free', nested: { a: 1 } },
        givenName: 'Ada',
        familyName: 'Lovelace',
        name: 'Ada Lovelace',
        nickname: 'al',
        picture: 'https://pics/ada.png',
      });
      expect(server.request.body).to.deep.equal({
        client_id: 'cid',
        email: 'a@b.c',
        password: 'pw',
        connection: 'conn',
        username: 'ada',
        user_metadata: { plan: 'free', nested: { a: 1 } },
        given_name: 'Ada',
        family_name: 'Lovelace',
        name: 'Ada Lovelace',
        nickname: 'al',
        picture: 'https://pics/ada.png',
      });
    });

    it("keeps a signup error's description as the message (the original lost it)", async () => {
      record('POST', '/dbconnections/signup', {
        status: 400,
        body: { name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 },
      });
      const err = (await rejectionOf(
        database().signup({ email: 'a@b.c', password: 'pw', connection: 'c' }),
      )) as Auth0Error;
      expect(err).to.be.instanceOf(Auth0Error);
      expect([err.statusCode, err.errorCode, err.message]).to.deep.equal([400, 'invalid_signup', 'Invalid sign up']);
    });

    it('rejects missing required fields with a ConfigurationError before any request', async () => {
      const server = record('POST', '/dbconnections/signup');
      for (const params of [
        { password: 'p', connection: 'c' },
        { email: 'e', connection: 'c' },
        { email: 'e', password: 'p' },
        { email: 'e', password: 'p', connection: 'c', username: 7 },
      ]) {
        const err = await rejectionOf(database().signup(params as never));
        expect(err, JSON.stringify(params)).to.be.instanceOf(ConfigurationError);
      }
      expect(server.requests).to.have.length(0);
    });
  });

  describe('changePassword', () => {
    it('posts JSON with email and connection and resolves to nothing once the email is queued', async () => {
      const server = record('POST', '/dbconnections/change_password', {
        body: "We've just sent you an email to reset your password.",
      });
      expect(await database().changePassword({ email: 'a@b.c', connection: 'conn' })).to.equal(undefined);
      expect(server.request.encoding).to.equal('json');
      expect(server.request.body).to.deep.equal({ client_id: 'cid', email: 'a@b.c', connection: 'conn' });
    });

    it('sends organization when given', async () => {
      const server = record('POST', '/dbconnections/change_password', { body: 'ok' });
      await database().changePassword({ email: 'a@b.c', connection: 'conn', organization: 'org_1' });
      expect(server.request.body).to.include({ organization: 'org_1' });
    });

    it('never sends a password, even if a caller passes one (the original silently ignored it)', async () => {
      const server = record('POST', '/dbconnections/change_password', { body: 'ok' });
      await database().changePassword({ email: 'a@b.c', connection: 'c', password: 'x' } as never);
      expect(server.request.body).to.not.have.property('password');
    });
  });

  itKeepsSecretsOutOfErrors('Database.signup', {
    make: (options) => new Database({ ...options, clientId: 'cid', clientSecret: 'LEAK-db-client-secret' }),
    call: (client) => client.signup({ email: 'a@b.c', password: 'LEAK-signup-password', connection: 'c' }),
    secrets: ['LEAK-db-client-secret', 'LEAK-signup-password'],
  });
});
