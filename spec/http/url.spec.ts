import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { checkEndpointUrl, checkRemoteUrl, isLoopbackHost } from '../../lib/http/url.js';
import { thrownBy } from '../helpers/secrets.js';

describe('checkRemoteUrl', () => {
  it('accepts https: anywhere and http: on loopback hosts only', () => {
    expect(checkRemoteUrl('https://tenant.auth0.com/.well-known/jwks.json', 'jwksUri').host).to.equal(
      'tenant.auth0.com',
    );
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1/', 'http://127.1.2.3:80/x', 'http://[::1]:8080/']) {
      expect(checkRemoteUrl(url, 'issuer').protocol).to.equal('http:');
    }
  });

  for (const value of [
    'http://tenant.auth0.com/',
    'http://localhost.evil.example/',
    'http://127.0.0.1.evil.example/',
    'ftp://127.0.0.1/',
    'file:///etc/passwd',
    'tenant.auth0.com',
    '',
    undefined,
    42,
  ]) {
    it(`refuses ${JSON.stringify(value)}, naming the option`, () => {
      const err = thrownBy(() => checkRemoteUrl(value, 'jwksUri'));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal('jwksUri');
    });
  }

  it('recognises loopback host names', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '[::1]'].every(isLoopbackHost)).to.equal(true);
    expect(['10.0.0.1', '::1', 'localhost.example', '0.0.0.0'].some(isLoopbackHost)).to.equal(false);
  });
});

describe('checkEndpointUrl', () => {
  it('accepts https endpoints and http ones on loopback only, without credentials or fragment', () => {
    expect(checkEndpointUrl('https://idp.example.com/oauth2/v1/token?p=b2c', 'tokenEndpoint')).to.equal(
      'https://idp.example.com/oauth2/v1/token?p=b2c',
    );
    expect(checkEndpointUrl('http://localhost:3000/token', 'x')).to.equal('http://localhost:3000/token');
    expect(checkEndpointUrl('http://[::1]:3000/token', 'x')).to.equal('http://[::1]:3000/token');
    for (const bad of [
      '',
      42,
      'ftp://idp/token',
      'http://10.0.0.1/token',
      'idp.example.com/token',
      'https://u:p@idp/token',
      'https://idp/token#x',
    ]) {
      expect(thrownBy(() => checkEndpointUrl(bad, 'tokenEndpoint')))
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', 'tokenEndpoint');
    }
  });
});
