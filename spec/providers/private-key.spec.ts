import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { readPrivateKey } from '../../lib/providers/private-key.js';
import { ecKeys, edKeys, rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

describe('readPrivateKey', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'authn-key-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('reads PEM text and defaults the algorithm by key type', () => {
    expect(readPrivateKey(rsaKeys().privatePem).alg).to.equal('RS256');
    expect(readPrivateKey(ecKeys('P-256').privatePem).alg).to.equal('ES256');
    expect(readPrivateKey(ecKeys('P-384').privatePem).alg).to.equal('ES384');
    expect(readPrivateKey(ecKeys('P-521').privatePem).alg).to.equal('ES512');
  });

  it('reads a JWK as JSON text or object, keeping its kid and its alg', () => {
    const jwk = { ...rsaKeys().privateKey.export({ format: 'jwk' }), kid: 'k1', alg: 'PS256' };
    const fromText = readPrivateKey(JSON.stringify(jwk));
    expect(fromText).to.include({ kid: 'k1', alg: 'PS256' });
    expect(fromText.key.type).to.equal('private');
    expect(readPrivateKey(jwk)).to.include({ kid: 'k1', alg: 'PS256' });
    const bare: Record<string, unknown> = { ...jwk };
    delete bare.kid;
    delete bare.alg;
    expect(readPrivateKey(bare)).to.deep.include({ alg: 'RS256' }).and.not.have.property('kid');
  });

  it('reads a key from a file path', () => {
    const path = join(folder, 'key.pem');
    writeFileSync(path, rsaKeys().privatePem);
    expect(readPrivateKey(path).key.asymmetricKeyType).to.equal('rsa');
    const jwkPath = join(folder, 'key.json');
    writeFileSync(jwkPath, JSON.stringify({ ...ecKeys().privateKey.export({ format: 'jwk' }), kid: 'file' }));
    expect(readPrivateKey(jwkPath)).to.include({ kid: 'file', alg: 'ES256' });
  });

  it('takes a private KeyObject and refuses a public one', () => {
    expect(readPrivateKey(rsaKeys().privateKey).alg).to.equal('RS256');
    expect(thrownBy(() => readPrivateKey(rsaKeys().publicKey))).to.be.instanceOf(ConfigurationError);
  });

  it('refuses keys it cannot sign assertions with, and never quotes them', () => {
    const publicJwk = rsaKeys().publicKey.export({ format: 'jwk' });
    const privateJwk = rsaKeys().privateKey.export({ format: 'jwk' });
    const broken = { ...privateJwk, n: 'AAAA' };
    const inputs: unknown[] = [
      publicJwk,
      broken,
      '{"kty": "RSA", "d": ',
      '-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----',
      'not-a-key-nor-a-file',
      edKeys().privatePem,
      rsaKeys('small', 1024).privatePem,
      42,
      null,
    ];
    for (const input of inputs) {
      const err = thrownBy(() => readPrivateKey(input as never, 'privateKey'));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'privateKey');
      expectNoSecrets(err, [String(privateJwk.d)]);
    }
  });
});
