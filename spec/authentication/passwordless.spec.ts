import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { Passwordless } from '../../lib/authentication/passwordless.js';
import { ConfigurationError } from '../../lib/errors.js';
import { DOMAIN, ORIGIN, record } from '../helpers/capture.js';
import { rsaKeys } from '../helpers/keys.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf } from '../helpers/secrets.js';

const START = '/passwordless/start';

describe('Passwordless', () => {
  describe('email', () => {
    it('posts JSON with connection email, send link by default, and the client secret', async () => {
      const server = record('POST', START, { body: { _id: '1', email: 'a@b.c', email_verified: false } });
      const result = await new Passwordless({ domain: DOMAIN, clientId: 'cid', clientSecret: 'sec' }).email({
        email: 'a@b.c',
      });
      expect(result).to.deep.equal({ _id: '1', email: 'a@b.c', email_verified: false });
      expect(server.request.encoding).to.equal('json');
      expect(server.request.body).to.deep.equal({
        client_id: 'cid',
        client_secret: 'sec',
        connection: 'email',
        email: 'a@b.c',
        send: 'link',
      });
    });

    it('sends a code and the camelCase authParams Auth0 expects', async () => {
      const server = record('POST', START, { body: {} });
      await new Passwordless({ domain: DOMAIN, clientId: 'cid' }).email({
        email: 'a@b.c',
        send: 'code',
        authParams: { scope: 'openid', state: 's1' },
      });
      expect(server.request.body).to.deep.equal({
        client_id: 'cid',
        connection: 'email',
        email: 'a@b.c',
        send: 'code',
        authParams: { scope: 'openid', state: 's1' },
      });
    });

    it('refuses a send other than link or code, and a missing email, before any request', async () => {
      const server = record('POST', START);
      const client = new Passwordless({ domain: DOMAIN, clientId: 'cid' });
      expect(await rejectionOf(client.email({ email: 'a@b.c', send: 'sms' as never }))).to.be.instanceOf(
        ConfigurationError,
      );
      expect(await rejectionOf(client.email({} as never))).to.be.instanceOf(ConfigurationError);
      expect(server.requests).to.have.length(0);
    });
  });

  describe('sms', () => {
    it('posts JSON with connection sms and the phone number', async () => {
      const server = record('POST', START, { body: { _id: '2', phone_number: '+14155550100' } });
      await new Passwordless({ domain: DOMAIN, clientId: 'cid', clientSecret: 'sec' }).sms({
        phoneNumber: '+14155550100',
      });
      expect(server.request.body).to.deep.equal({
        client_id: 'cid',
        client_secret: 'sec',
        connection: 'sms',
        phone_number: '+14155550100',
      });
    });

    it('authenticates with an assertion instead of a secret under private_key_jwt', async () => {
      const keys = rsaKeys();
      const server = record('POST', START, { body: {} });
      await new Passwordless({ domain: DOMAIN, clientId: 'cid', clientAssertionSigningKey: keys.privatePem }).sms({
        phoneNumber: '+1',
      });
      const { body } = server.request;
      expect(body).to.not.have.property('client_secret');
      expect(() =>
        jwt.verify(String(body.client_assertion), keys.publicKey, { algorithms: ['RS256'], audience: `${ORIGIN}/` }),
      ).to.not.throw();
    });
  });

  itKeepsSecretsOutOfErrors('Passwordless.email', {
    make: (options) => new Passwordless({ ...options, clientId: 'cid', clientSecret: 'LEAK-pwdless-secret' }),
    call: (client) => client.email({ email: 'a@b.c', send: 'code' }),
    secrets: ['LEAK-pwdless-secret'],
  });
});
