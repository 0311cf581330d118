import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { checkRemoteUrl, isLoopbackHost } from '../../lib/http/url.js';
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
