import { expect } from 'chai';
import { checkOptionKeys, closestName, optionKeys, withoutRegisterOptions } from '../lib/did-you-mean.js';
import { ConfigurationError } from '../lib/errors.js';
import { thrownBy } from './helpers/secrets.js';

const KNOWN = ['clientId', 'clientSecret', 'authRequired', 'scope', 'issuer', 'baseUrl'];

describe('closestName', () => {
  it('finds a name spelled in another case or with _ or -', () => {
    expect(closestName('clientID', KNOWN)).to.equal('clientId');
    expect(closestName('client_id', KNOWN)).to.equal('clientId');
    expect(closestName('baseURL', KNOWN)).to.equal('baseUrl');
    expect(closestName('client-secret', KNOWN)).to.equal('clientSecret');
  });

  it('finds the name another library gives the same option, when it is one of ours', () => {
    expect(closestName('issuerBaseURL', KNOWN, { issuerBaseURL: 'issuer' })).to.equal('issuer');
    expect(closestName('issuerBaseURL', KNOWN, { issuerBaseURL: 'discoveryUri' })).to.equal(undefined);
    expect(closestName('toString', KNOWN, {})).to.equal(undefined);
  });

  it('finds a name a few letters away: inserted, deleted, changed or swapped', () => {
    expect(closestName('authRequred', KNOWN)).to.equal('authRequired');
    expect(closestName('scopes', KNOWN)).to.equal('scope');
    expect(closestName('cleintId', KNOWN)).to.equal('clientId');
    expect(closestName('isuer', KNOWN)).to.equal('issuer');
  });

  it('finds a name that the given one begins, from four letters on', () => {
    expect(closestName('rolling', ['absoluteDuration', 'rollingDuration'])).to.equal('rollingDuration');
    expect(closestName('auth', KNOWN)).to.equal('authRequired');
    expect(closestName('iss', KNOWN)).to.equal(undefined);
  });

  it('finds nothing more than a third of the name away', () => {
    expect(closestName('audience', KNOWN)).to.equal(undefined);
    expect(closestName('x', KNOWN)).to.equal(undefined);
    expect(closestName('issuerURL', ['issuer', 'audience'])).to.equal('issuer');
    expect(closestName('issuerURLs', ['issuer'])).to.equal(undefined);
  });
});

describe('optionKeys', () => {
  it('lists the keys of an options interface, every member of a union included', () => {
    type Options = { issuer: string; audience?: string } | { domain: string; audience?: string };
    expect(optionKeys<Options>({ issuer: true, domain: true, audience: true })).to.deep.equal([
      'issuer',
      'domain',
      'audience',
    ]);
    // @ts-expect-error the list lacks a key of the interface
    optionKeys<{ issuer?: string; audience: string }>({ issuer: true });
    // @ts-expect-error the list holds a key the interface does not have
    optionKeys<{ issuer?: string }>({ issuer: true, issuerBaseURL: true });
  });
});

describe('checkOptionKeys', () => {
  it('lets an object of known keys pass, whatever their values', () => {
    checkOptionKeys({ clientId: 'a', clientSecret: undefined }, KNOWN);
    checkOptionKeys({}, KNOWN);
  });

  it('refuses an unknown key, naming it and the closest known one', () => {
    const err = thrownBy(() => checkOptionKeys({ issuer: 'https://idp', clientID: 'a' }, KNOWN));
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'clientID');
    expect(err.message).to.equal('unknown option "clientID"; did you mean clientId?');
  });

  it('names a key of a nested object by its path, and a key close to nothing alone', () => {
    const nested = thrownBy(() =>
      checkOptionKeys({ rolling: true }, ['rollingDuration', 'store'], { path: 'session' }),
    );
    expect(nested.message).to.equal('unknown option "session.rolling"; did you mean session.rollingDuration?');
    expect(nested).to.have.property('option', 'session.rolling');
    expect(thrownBy(() => checkOptionKeys({ colour: 'red' }, KNOWN)).message).to.equal('unknown option "colour"');
  });

  it("names our option for another library's name", () => {
    const err = thrownBy(() =>
      checkOptionKeys({ issuerBaseURL: 'https://idp' }, KNOWN, { aliases: { issuerBaseURL: 'issuer' } }),
    );
    expect(err.message).to.equal('unknown option "issuerBaseURL"; did you mean issuer?');
  });

  it('quotes an unknown key as a JSON string, so that it cannot forge a log line', () => {
    expect(thrownBy(() => checkOptionKeys({ 'a\nERROR b': 1 }, KNOWN)).message).to.equal(
      'unknown option "a\\nERROR b"',
    );
  });
});

describe('withoutRegisterOptions', () => {
  it("drops the options Fastify's register() takes for itself and keeps the plugin's own", () => {
    const options = { prefix: '/api', logLevel: 'warn', logSerializers: {}, issuer: 'https://idp/', audience: 'a' };
    expect(withoutRegisterOptions(options)).to.deep.equal({ issuer: 'https://idp/', audience: 'a' });
    expect(options).to.have.property('prefix', '/api');
    expect(withoutRegisterOptions(null as never)).to.equal(null);
  });
});
