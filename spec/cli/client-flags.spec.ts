import { createPrivateKey } from 'node:crypto';
import { expect } from 'chai';
import { chosenLocation, clientOptions, locationFlags, locationOptions } from '../../lib/cli/client-flags.js';
import { ConfigurationError } from '../../lib/errors.js';
import { ecKeys } from '../helpers/keys.js';
import { thrownBy } from '../helpers/secrets.js';

describe('client flags', () => {
  it('offers the location flags asked for, and --protocol with --domain only', () => {
    expect(locationFlags(['domain', 'issuer']).map((flag) => flag.name)).to.deep.equal([
      'domain',
      'issuer',
      'protocol',
    ]);
    expect(locationFlags(['issuer', 'discovery-uri']).map((flag) => flag.name)).to.deep.equal([
      'issuer',
      'discovery-uri',
    ]);
  });

  it('takes exactly one location, and --protocol only with --domain', () => {
    const names = ['domain', 'issuer', 'discovery-uri'];
    expect(chosenLocation({ issuer: 'https://idp/' }, names)).to.deep.equal({ name: 'issuer', value: 'https://idp/' });
    expect(thrownBy(() => chosenLocation({}, names)).message).to.equal(
      'one of --domain, --issuer or --discovery-uri is required',
    );
    expect(thrownBy(() => chosenLocation({ domain: 'd', issuer: 'i' }, names)).message).to.equal(
      'give only one of --domain, --issuer',
    );
    const protocol = thrownBy(() => chosenLocation({ issuer: 'https://idp/', protocol: 'http' }, names));
    expect(protocol).to.be.instanceOf(ConfigurationError).with.property('option', 'protocol');
    expect(locationOptions({ domain: 'h:1', protocol: 'http' }, { name: 'domain', value: 'h:1' })).to.deep.equal({
      domain: 'h:1',
      protocol: 'http',
    });
    expect(locationOptions({}, { name: 'discovery-uri', value: 'https://d/' })).to.deep.equal({
      discoveryUri: 'https://d/',
    });
  });

  it("reads a JWK private key once, with its kid and alg, for the Authentication API's options", () => {
    // Imported again from PEM: Node 20 may deadlock exporting a JWK from a key of generateKeyPairSync.
    const jwk = { ...createPrivateKey(ecKeys('P-384').privatePem).export({ format: 'jwk' }), kid: 'k-1' };
    const options = clientOptions({ clientId: 'cli', privateKey: JSON.stringify(jwk) });
    expect(options).to.include({ clientId: 'cli', clientAssertionSigningAlg: 'ES384', clientAssertionKeyId: 'k-1' });
    expect(options.clientAssertionSigningKey).to.have.property('type', 'private');
    expect(clientOptions({ clientId: 'cli', clientSecret: 's' })).to.deep.equal({ clientId: 'cli', clientSecret: 's' });
  });
});
