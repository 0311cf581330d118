import { expect } from 'chai';
import { loadOidcProvider, withoutProviderNotices } from '../../lib/dev-server/load-provider.js';
import { ConfigurationError } from '../../lib/errors.js';
import { rejectionOf } from '../helpers/secrets.js';

describe('loadOidcProvider', () => {
  it('loads the installed oidc-provider without printing its notices', async () => {
    const { warn } = console;
    const printed: unknown[] = [];
    console.warn = (...args: unknown[]) => printed.push(args);
    try {
      const oidc = await loadOidcProvider();
      expect(oidc.default).to.be.a('function');
      expect(oidc.errors.InvalidTarget).to.be.a('function');
    } finally {
      console.warn = warn;
    }
    expect(printed).to.deep.equal([]);
  });

  it('tells how to install oidc-provider when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'oidc-provider'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const err = await rejectionOf(loadOidcProvider(() => Promise.reject(missing)));
    expect(err).to.be.instanceOf(ConfigurationError);
    expect(err.message).to.include('npm install -D oidc-provider');
  });

  it('wraps any other load failure in a ConfigurationError', async () => {
    const err = await rejectionOf(loadOidcProvider(() => Promise.reject(new SyntaxError('boom'))));
    expect(err).to.be.instanceOf(ConfigurationError);
    expect(err.message).to.equal('oidc-provider could not be loaded: boom');
  });
});

describe('withoutProviderNotices', () => {
  it("drops oidc-provider's notices and lets every other console line through", async () => {
    const seen: unknown[][] = [];
    const { warn, info } = console;
    const stubWarn = (...args: unknown[]) => seen.push(['warn', ...args]);
    console.warn = stubWarn;
    console.info = (...args: unknown[]) => seen.push(['info', ...args]);
    try {
      const result = await withoutProviderNotices(() => {
        console.warn('oidc-provider WARNING: Unsupported runtime. Use Node.js v22.x LTS, or a later LTS release.');
        console.warn(
          '\x1b[33;1moidc-provider WARNING: a quick start development-only in-memory adapter is used\x1b[0m',
        );
        console.info('oidc-provider NOTICE: default renderError function called');
        console.warn('something else', 1);
        console.info({ not: 'a string' });
        return 42;
      });
      expect(result).to.equal(42);
      expect(console.warn, 'the console is restored').to.equal(stubWarn);
    } finally {
      console.warn = warn;
      console.info = info;
    }
    expect(seen).to.deep.equal([
      ['warn', 'something else', 1],
      ['info', { not: 'a string' }],
    ]);
  });
});
