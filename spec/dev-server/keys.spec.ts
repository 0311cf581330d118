import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { generateRsaKey, importRsaKey, rsaThumbprint } from '../../lib/dev-server/keys.js';
import { ConfigurationError } from '../../lib/errors.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

describe('importRsaKey', () => {
  const keys = rsaKeys('dev-server-signing');

  it('imports a KeyObject, PEM text and a private JWK to the same key, with a thumbprint kid', () => {
    const jwk = keys.privateKey.export({ format: 'jwk' });
    const imported = [keys.privateKey, keys.privatePem, jwk].map((input) => importRsaKey(input, 'signingKeys[0]'));
    const kids = new Set(imported.map((key) => key.kid));
    expect(kids.size).to.equal(1);
    expect(imported[0]!.kid).to.equal(rsaThumbprint(jwk));
    expect(imported[0]!.publicJwk).to.deep.equal({
      kty: 'RSA',
      n: jwk.n,
      e: jwk.e,
      kid: imported[0]!.kid,
      alg: 'RS256',
      use: 'sig',
    });
    expect(imported[0]!.privateJwk).to.include({ d: jwk.d, kid: imported[0]!.kid, alg: 'RS256', use: 'sig' });
  });

  it("keeps a JWK's own kid", () => {
    const jwk = { ...keys.privateKey.export({ format: 'jwk' }), kid: 'rotation-2' };
    expect(importRsaKey(jwk, 'signingKeys[0]').kid).to.equal('rotation-2');
  });

  it('computes the RFC 7638 thumbprint of the RFC example key', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
      'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajr' +
      'n1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    expect(rsaThumbprint({ kty: 'RSA', n, e: 'AQAB' })).to.equal('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  for (const [label, input, message] of [
    ['text that is not a key', 'not a key', 'is not a readable private key'],
    ['a public key', rsaKeys('dev-server-signing').publicKey, 'must be a private RSA key'],
    ['an EC key', ecKeys('P-256', 'dev-server-ec').privateKey, 'must be a private RSA key'],
    ['a 1024-bit RSA key', rsaKeys('dev-server-weak', 1024).privatePem, 'at least 2048 bits'],
    ['a JWK without its private part', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, 'is not a readable private key'],
  ] as const) {
    it(`refuses ${label}, naming the option and never the key`, () => {
      const err = thrownBy(() => importRsaKey(input, 'signingKeys[1]'));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal('signingKeys[1]');
      expect(err.message).to.include(message);
      expectNoSecrets(err, [rsaKeys('dev-server-weak', 1024).privatePem.split('\n')[1]!]);
    });
  }

  it('refuses an RSA-PSS key, which cannot sign RS256', () => {
    const { privateKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    expect(() => importRsaKey(privateKey, 'signingKeys[0]')).to.throw(ConfigurationError, 'must be a private RSA key');
  });
});

describe('generateRsaKey', () => {
  it('generates a new 2048-bit RSA private key', async function () {
    this.timeout(10_000);
    const [one, two] = await Promise.all([generateRsaKey(), generateRsaKey()]);
    expect(one.asymmetricKeyType).to.equal('rsa');
    expect(one.asymmetricKeyDetails?.modulusLength).to.equal(2048);
    expect(importRsaKey(one, 'k').kid).to.not.equal(importRsaKey(two, 'k').kid);
  });
});
