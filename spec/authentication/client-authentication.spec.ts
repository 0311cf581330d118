import { inspect } from 'node:util';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ClientAuthentication } from '../../lib/authentication/client-authentication.js';
import { ConfigurationError } from '../../lib/errors.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

const AUD = 'https://tenant.example.com/';

describe('ClientAuthentication', () => {
  it('picks client_secret_post when only a secret is configured', () => {
    const auth = new ClientAuthentication({ clientId: 'cid', clientSecret: 'shh' }, AUD);
    expect(auth.method).to.equal('client_secret_post');
    expect(auth.parts()).to.deep.equal({ body: { client_id: 'cid', client_secret: 'shh' }, headers: {} });
  });

  it('prefers private_key_jwt over a secret when both are configured', () => {
    const auth = new ClientAuthentication(
      { clientId: 'cid', clientSecret: 'shh', clientAssertionSigningKey: rsaKeys().privatePem },
      AUD,
    );
    expect(auth.method).to.equal('private_key_jwt');
    expect(auth.parts().body).to.not.have.property('client_secret');
  });

  it('lets an explicit method win', () => {
    const auth = new ClientAuthentication(
      {
        clientId: 'cid',
        clientSecret: 'shh',
        clientAssertionSigningKey: rsaKeys().privatePem,
        clientAuthMethod: 'client_secret_post',
      },
      AUD,
    );
    expect(auth.parts().body).to.deep.equal({ client_id: 'cid', client_secret: 'shh' });
  });

  it('sends client_secret_basic as a form-urlencoded Basic credential and no secret in the body', () => {
    const auth = new ClientAuthentication(
      { clientId: 'my id', clientSecret: 'a:b+c/d', clientAuthMethod: 'client_secret_basic' },
      AUD,
    );
    const { body, headers } = auth.parts();
    expect(body).to.deep.equal({ client_id: 'my id' });
    const decoded = Buffer.from(headers.Authorization!.replace('Basic ', ''), 'base64').toString();
    expect(decoded).to.equal('my+id:a%3Ab%2Bc%2Fd');
  });

  it('sends only the client id for mutual-TLS methods, whose proof is the TLS client certificate (RFC 8705)', () => {
    for (const method of ['tls_client_auth', 'self_signed_tls_client_auth'] as const) {
      const auth = new ClientAuthentication({ clientId: 'cid', clientSecret: 'shh', clientAuthMethod: method }, AUD);
      expect(auth.method).to.equal(method);
      expect(auth.parts()).to.deep.equal({ body: { client_id: 'cid' }, headers: {} });
    }
  });

  it('sends only the client id for a public client', () => {
    const auth = new ClientAuthentication({ clientId: 'spa' }, AUD);
    expect(auth.method).to.equal('none');
    expect(auth.parts()).to.deep.equal({ body: { client_id: 'spa' }, headers: {} });
  });

  it('signs an assertion that verifies with the public key and has the RFC 7523 claims', () => {
    const keys = rsaKeys();
    const auth = new ClientAuthentication({ clientId: 'cid', clientAssertionSigningKey: keys.privatePem }, AUD);
    const { body } = auth.parts();
    expect(body.client_assertion_type).to.equal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = String(body.client_assertion);
    const claims = jwt.verify(assertion, keys.publicKey, { algorithms: ['RS256'], audience: AUD }) as jwt.JwtPayload;
    expect(claims).to.include({ iss: 'cid', sub: 'cid', aud: AUD });
    expect(claims.exp! - claims.iat!).to.equal(180);
    expect(claims.jti).to.match(/^[0-9a-f-]{36}$/);
    expect(jwt.decode(assertion, { complete: true })?.header).to.deep.equal({ alg: 'RS256', typ: 'JWT' });
    expect(String(auth.parts().body.client_assertion)).to.not.equal(assertion);
  });

  it('signs with the configured alg and kid, from a KeyObject', () => {
    const keys = ecKeys('P-256');
    const auth = new ClientAuthentication(
      {
        clientId: 'cid',
        clientAssertionSigningKey: keys.privateKey,
        clientAssertionSigningAlg: 'ES256',
        clientAssertionKeyId: 'k-1',
      },
      AUD,
    );
    const assertion = auth.createAssertion();
    expect(jwt.decode(assertion, { complete: true })?.header).to.deep.equal({ alg: 'ES256', typ: 'JWT', kid: 'k-1' });
    expect(() => jwt.verify(assertion, keys.publicKey, { algorithms: ['ES256'] })).to.not.throw();
  });

  it('refuses a method without its credential, a bad alg, a public key, a mismatched key, or garbage', () => {
    const pem = rsaKeys().privatePem;
    const cases = [
      () => new ClientAuthentication({ clientId: 'c', clientAuthMethod: 'client_secret_basic' }, AUD),
      () => new ClientAuthentication({ clientId: 'c', clientAuthMethod: 'private_key_jwt' }, AUD),
      () => new ClientAuthentication({ clientId: 'c', clientAuthMethod: 'magic' as never, clientSecret: 's' }, AUD),
      () =>
        new ClientAuthentication(
          { clientId: 'c', clientAssertionSigningKey: pem, clientAssertionSigningAlg: 'HS256' },
          AUD,
        ),
      () => new ClientAuthentication({ clientId: 'c', clientAssertionSigningKey: rsaKeys().publicKey }, AUD),
      () =>
        new ClientAuthentication(
          { clientId: 'c', clientAssertionSigningKey: pem, clientAssertionSigningAlg: 'ES256' },
          AUD,
        ),
      () =>
        new ClientAuthentication(
          {
            clientId: 'c',
            clientAssertionSigningKey: '-----BEGIN PRIVATE KEY-----\nSECRETSTUFF\n-----END PRIVATE KEY-----',
          },
          AUD,
        ),
    ];
    for (const make of cases) {
      const err = thrownBy(make);
      expect(err).to.be.instanceOf(ConfigurationError);
      expectNoSecrets(err, ['SECRETSTUFF']);
    }
  });

  it('keeps the secret and the key out of util.inspect', () => {
    const auth = new ClientAuthentication({ clientId: 'cid', clientSecret: 'VERY-SECRET-123' }, AUD);
    expect(inspect(auth, { showHidden: true, depth: Infinity })).to.not.include('VERY-SECRET-123');
  });
});
