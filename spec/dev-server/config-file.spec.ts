import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadDevServerConfig } from '../../lib/dev-server/config-file.js';
import { ConfigurationError } from '../../lib/errors.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf } from '../helpers/secrets.js';

describe('loadDevServerConfig', () => {
  let folder: string;
  const write = (name: string, content: unknown) =>
    writeFileSync(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content));

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'authn-dev-server-config-'));
    const signing = rsaKeys('dev-server-signing');
    write('signing.pem', signing.privatePem);
    write('keys.json', { keys: [{ ...signing.privateKey.export({ format: 'jwk' }), kid: 'k1' }] });
    write('m2m.pem', rsaKeys('dev-server-m2m-jwt').privatePem);
    write('m2m.pub.pem', rsaKeys('dev-server-m2m-jwt').publicKey.export({ format: 'pem', type: 'spki' }).toString());
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  async function configurationError(name: string, content: unknown): Promise<ConfigurationError> {
    write(name, content);
    const err = await rejectionOf(loadDevServerConfig(join(folder, name)));
    expect(err).to.be.instanceOf(ConfigurationError);
    expect((err as ConfigurationError).option).to.equal('config');
    return err as ConfigurationError;
  }

  it('reads the options and the key files named relative to the config file', async () => {
    write('full.json', {
      port: 4000,
      host: 'localhost',
      audience: 'https://api/',
      scopes: ['a'],
      accessTokenTtl: 60,
      user: { sub: 'u' },
      signingKeysFile: 'signing.pem',
      clients: [
        { clientId: 'm2m-jwt', privateKeyFile: 'm2m.pem' },
        { clientId: 'other', authMethod: 'private_key_jwt', publicKeyFile: 'm2m.pub.pem' },
        { clientId: 'web-app', clientSecret: 'pinned' },
      ],
    });
    const options = await loadDevServerConfig(join(folder, 'full.json'));
    expect(options).to.deep.include({
      port: 4000,
      host: 'localhost',
      audience: 'https://api/',
      scopes: ['a'],
      accessTokenTtl: 60,
      user: { sub: 'u' },
    });
    expect(options.signingKeys).to.deep.equal([rsaKeys('dev-server-signing').privatePem]);
    expect(options.clients).to.deep.equal([
      { clientId: 'm2m-jwt', privateKey: rsaKeys('dev-server-m2m-jwt').privatePem },
      {
        clientId: 'other',
        authMethod: 'private_key_jwt',
        publicKey: rsaKeys('dev-server-m2m-jwt').publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      },
      { clientId: 'web-app', clientSecret: 'pinned' },
    ]);
  });

  it('reads a JWK set as the signing keys, and inline keys as they are', async () => {
    write('jwks.json', { signingKeysFile: join(folder, 'keys.json') });
    const fromFile = await loadDevServerConfig(join(folder, 'jwks.json'));
    expect(fromFile.signingKeys).to.have.length(1);
    expect(fromFile.signingKeys![0]).to.include({ kid: 'k1', kty: 'RSA' });
    write('inline.json', { signingKeys: ['pem text'] });
    expect((await loadDevServerConfig(join(folder, 'inline.json'))).signingKeys).to.deep.equal(['pem text']);
  });

  it('refuses an unknown field, naming it and the known ones', async () => {
    const err = await configurationError('typo.json', { audiance: 'https://api/' });
    expect(err.message).to.include('unknown field(s) "audiance"').and.include('known: port, host, audience');
    const client = await configurationError('client-typo.json', { clients: [{ clientId: 'x', secret: 'y' }] });
    expect(client.message).to.include('client x has unknown field(s) "secret"');
  });

  it('says where invalid JSON is without quoting the file', async () => {
    const err = await configurationError('broken.json', '{ "clients": [{ "clientSecret": "s3cr3t-value" ');
    expect(err.message).to.equal(`${join(folder, 'broken.json')} is not valid JSON`);
    expect(err.message).to.not.include('s3cr3t');
  });

  for (const [label, content, message] of [
    ['an array', [], 'must hold a JSON object'],
    ['clients that are not an array', { clients: {} }, 'clients must be an array'],
    ['a client that is not an object', { clients: ['m2m'] }, 'each entry of clients must be an object'],
    ['both signingKeys and signingKeysFile', { signingKeys: [], signingKeysFile: 'signing.pem' }, 'not both'],
    ['a signingKeysFile that is not a path', { signingKeysFile: 1 }, 'signingKeysFile must be a path'],
    [
      'a privateKeyFile that is not a path',
      { clients: [{ clientId: 'x', privateKeyFile: 2 }] },
      'privateKeyFile must be a path',
    ],
    [
      'both privateKey and privateKeyFile',
      { clients: [{ clientId: 'x', privateKey: 'k', privateKeyFile: 'm2m.pem' }] },
      'give privateKey or privateKeyFile, not both',
    ],
    ['a missing key file', { signingKeysFile: 'nope.pem' }, 'nope.pem: ENOENT'],
  ] as const) {
    it(`refuses ${label}`, async () => {
      const err = await configurationError('case.json', content);
      expect(err.message).to.include(message);
    });
  }

  it('refuses a file that cannot be read', async () => {
    const err = await rejectionOf(loadDevServerConfig(join(folder, 'absent.json')));
    expect(err).to.be.instanceOf(ConfigurationError);
    expect(err.message).to.equal(`cannot read ${join(folder, 'absent.json')}: ENOENT`);
  });
});
