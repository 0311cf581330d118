import { generateKeyPairSync } from 'node:crypto';
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

  // jsonwebtoken refuses to sign with an RSA key under 2048 bits or an EC key of another curve than the alg's, with
  // a plain Error on every request; such a key must be refused when the client is made, as a ConfigurationError.
  for (const [name, key, alg, message] of [
    [
      'a 1024-bit RSA key',
      rsaKeys('short', 1024).privatePem,
      'RS256',
      'clientAssertionSigningKey is an RSA key of 1024 bits; RS256 needs at least 2048',
    ],
    [
      'a P-384 key for ES256',
      ecKeys('P-384').privatePem,
      'ES256',
      'clientAssertionSigningKey is an EC key on secp384r1, which cannot sign ES256 (prime256v1)',
    ],
  ] as const) {
    it(`refuses ${name} at construction, with a ConfigurationError, as jsonwebtoken would refuse it at each call`, () => {
      const error = thrownBy(
        () =>
          new ClientAuthentication(
            { clientId: 'c', clientAssertionSigningKey: key, clientAssertionSigningAlg: alg },
            AUD,
          ),
      );
      expect(error).to.be.instanceOf(ConfigurationError);
      expect(error).to.include({ option: 'clientAssertionSigningKey', message });
    });
  }

  it('refuses an RSA-PSS key that cannot sign the algorithm, with the reason, at construction', () => {
    const { privateKey } = generateKeyPairSync('rsa-pss', {
      modulusLength: 2048,
      hashAlgorithm: 'sha256',
      mgf1HashAlgorithm: 'sha256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    for (const alg of ['RS256', 'PS512'] as const) {
      const error = thrownBy(
        () =>
          new ClientAuthentication(
            { clientId: 'c', clientAssertionSigningKey: privateKey, clientAssertionSigningAlg: alg },
            AUD,
          ),
      );
      expect(error).to.be.instanceOf(ConfigurationError);
      expect((error as ConfigurationError).message).to.match(
        new RegExp(`^clientAssertionSigningKey cannot sign ${alg}: `),
      );
    }
    const ps256 = new ClientAuthentication(
      { clientId: 'c', clientAssertionSigningKey: privateKey, clientAssertionSigningAlg: 'PS256' },
      AUD,
    );
    expect(ps256.createAssertion()).to.be.a('string');
  });

  it('signs with EC keys of the curve of each ES algorithm', () => {
    for (const [curve, alg] of [
      ['P-256', 'ES256'],
      ['P-384', 'ES384'],
      ['P-521', 'ES512'],
    ] as const) {
      const auth = new ClientAuthentication(
        { clientId: 'c', clientAssertionSigningKey: ecKeys(curve).privateKey, clientAssertionSigningAlg: alg },
        AUD,
      );
      expect(jwt.verify(auth.createAssertion(), ecKeys(curve).publicKey, { algorithms: [alg] })).to.include({
        iss: 'c',
      });
    }
  });

  it('keeps the secret and the key out of util.inspect', () => {
    const auth = new ClientAuthentication({ clientId: 'cid', clientSecret: 'VERY-SECRET-123' }, AUD);
    expect(inspect(auth, { showHidden: true, depth: Infinity })).to.not.include('VERY-SECRET-123');
  });

  describe('client_secret_jwt', () => {
    const SECRET = 's'.repeat(64);
    const make = (extra: object = {}) =>
      new ClientAuthentication(
        { clientId: 'cid', clientSecret: SECRET, clientAuthMethod: 'client_secret_jwt', ...extra },
        AUD,
      );

    it('signs a fresh HS256 assertion with the secret and never sends the secret itself (RFC 7523)', () => {
      const auth = make();
      const first = auth.parts().body;
      expect(first).to.have.keys('client_id', 'client_assertion_type', 'client_assertion');
      expect(first.client_assertion_type).to.equal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      const claims = jwt.verify(first.client_assertion as string, SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      expect(claims).to.include({ iss: 'cid', sub: 'cid', aud: AUD });
      expect(claims.exp! - claims.iat!).to.equal(180);
      expect(auth.parts().body.client_assertion).to.not.equal(first.client_assertion);
    });

    it('signs HS384 and HS512 when asked', () => {
      for (const alg of ['HS384', 'HS512'] as const) {
        const assertion = make({ clientAssertionSigningAlg: alg }).parts().body.client_assertion as string;
        expect(jwt.decode(assertion, { complete: true })?.header.alg).to.equal(alg);
        expect(() => jwt.verify(assertion, SECRET, { algorithms: [alg] })).to.not.throw();
      }
    });

    it('refuses a secret shorter than the hash (RFC 7518 §3.2), a missing secret, and an asymmetric algorithm', () => {
      const short = thrownBy(
        () =>
          new ClientAuthentication({
            clientId: 'cid',
            clientSecret: 'x'.repeat(47),
            clientAuthMethod: 'client_secret_jwt',
            clientAssertionSigningAlg: 'HS384',
          }),
      );
      expect(short).to.be.instanceOf(ConfigurationError).with.property('option', 'clientSecret');
      expect(short.message).to.include('at least 48 bytes');
      expectNoSecrets(short, ['x'.repeat(47)]);
      expect(thrownBy(() => new ClientAuthentication({ clientId: 'cid', clientAuthMethod: 'client_secret_jwt' })))
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', 'clientSecret');
      expect(thrownBy(() => make({ clientAssertionSigningAlg: 'RS256' })))
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', 'clientAssertionSigningAlg');
    });

    it('refuses an HS algorithm for private_key_jwt', () => {
      const err = thrownBy(
        () =>
          new ClientAuthentication(
            { clientId: 'cid', clientAssertionSigningKey: rsaKeys().privatePem, clientAssertionSigningAlg: 'HS256' },
            AUD,
          ),
      );
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'clientAssertionSigningAlg');
    });

    it('never shows the secret in util.inspect', () => {
      expectNoSecrets(inspect(make(), { showHidden: true, depth: Infinity }), [SECRET]);
    });
  });

  describe('the audience of assertions', () => {
    const key = rsaKeys();
    const audOf = (auth: ClientAuthentication, audience?: string) =>
      (jwt.verify(auth.parts({ audience }).body.client_assertion as string, key.publicKey) as jwt.JwtPayload).aud;

    it("is the call's audience, else the constructor's, and clientAssertionAudience wins over both", () => {
      const plain = new ClientAuthentication({ clientId: 'cid', clientAssertionSigningKey: key.privatePem }, AUD);
      expect([audOf(plain), audOf(plain, 'https://op/token')]).to.deep.equal([AUD, 'https://op/token']);
      const fixed = new ClientAuthentication(
        { clientId: 'cid', clientAssertionSigningKey: key.privatePem, clientAssertionAudience: 'https://op/' },
        AUD,
      );
      expect([audOf(fixed), audOf(fixed, 'https://op/token')]).to.deep.equal(['https://op/', 'https://op/']);
    });

    it('must be known, and clientAssertionAudience must be a non-empty string', () => {
      const none = new ClientAuthentication({ clientId: 'cid', clientAssertionSigningKey: key.privatePem });
      expect(thrownBy(() => none.parts())).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => new ClientAuthentication({ clientId: 'cid', clientAssertionAudience: ' ' })))
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', 'clientAssertionAudience');
    });
  });

  describe("the caller's own client assertion", () => {
    const ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjaWQifQ.c2lnbmF0dXJl';

    it('replaces the configured method for one call: no secret, no Basic header, no assertion of ours', () => {
      for (const clientAuthMethod of ['client_secret_post', 'client_secret_basic'] as const) {
        const auth = new ClientAuthentication({ clientId: 'cid', clientSecret: 'shh', clientAuthMethod }, AUD);
        expect(auth.parts({ clientAssertion: ASSERTION })).to.deep.equal({
          body: {
            client_id: 'cid',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: ASSERTION,
          },
          headers: {},
        });
      }
    });

    it('must look like a signed JWT, and is never quoted when it does not', () => {
      const auth = new ClientAuthentication({ clientId: 'cid' }, AUD);
      for (const clientAssertion of ['', 'not a jwt', 'a.b', 42]) {
        const err = thrownBy(() => auth.parts({ clientAssertion } as never));
        expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'clientAssertion');
        expectNoSecrets(err, ['not a jwt']);
      }
    });
  });
});
