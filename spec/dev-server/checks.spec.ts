import { expect } from 'chai';
import { flag, isLoopbackHost, oneOf, webUrl } from '../../lib/dev-server/checks.js';
import { ConfigurationError } from '../../lib/errors.js';
import { thrownBy } from '../helpers/secrets.js';

describe('the dev server option checks', () => {
  it('knows the loopback hosts, with and without IPv6 brackets', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).to.equal(true);
    }
    for (const host of ['0.0.0.0', '128.0.0.1', 'example.com', 'localhost.example.com', '::2']) {
      expect(isLoopbackHost(host), host).to.equal(false);
    }
  });

  it('takes an http(s) URL without a fragment as a web URL', () => {
    expect(webUrl('https://app.example.com/cb?x=1', 'uri')).to.equal('https://app.example.com/cb?x=1');
    for (const value of ['/cb', 'myapp:/cb', 'http://127.0.0.1/cb#', 'http://127.0.0.1/cb#x', 42]) {
      const err = thrownBy(() => webUrl(value, 'redirectUris'));
      expect(err, String(value)).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal('redirectUris');
    }
  });

  it('takes one of the choices, or the fallback when absent, and lists the choices when refused', () => {
    expect(oneOf(undefined, ['auto', 'form'], 'auto', 'interactions')).to.equal('auto');
    expect(oneOf('form', ['auto', 'form'], 'auto', 'interactions')).to.equal('form');
    expect(thrownBy(() => oneOf('browser', ['auto', 'form'], 'auto', 'interactions')).message).to.equal(
      'interactions must be "auto" or "form"',
    );
  });

  it('takes a boolean, or the fallback when absent', () => {
    expect(flag(undefined, true, 'x')).to.equal(true);
    expect(flag(false, true, 'x')).to.equal(false);
    expect(thrownBy(() => flag('yes', true, 'x')).message).to.equal('x must be a boolean');
  });
});
