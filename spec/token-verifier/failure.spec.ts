import { expect } from 'chai';
import { TokenValidationError } from '../../lib/errors.js';
import { invalid, quote } from '../../lib/token-verifier/failure.js';

describe('quote', () => {
  it('quotes ordinary strings exactly as the original messages do', () => {
    expect(quote('https://tokens-test.auth0.com/')).to.equal('"https://tokens-test.auth0.com/"');
    expect(quote('Zoë 山田')).to.equal('"Zoë 山田"');
  });

  it('escapes quotes and control characters, so a value cannot forge a log line', () => {
    expect(quote('a"b\r\nc\u0000')).to.equal('"a\\"b\\r\\nc\\u0000"');
  });

  it('renders non-strings as JSON inside quotes', () => {
    expect([quote(42), quote(null), quote(['a']), quote(undefined)]).to.deep.equal([
      '"42"',
      '"null"',
      '"[\\"a\\"]"',
      '"undefined"',
    ]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(quote(cyclic)).to.equal('"[object Object]"');
  });

  it('cuts long values at 200 characters', () => {
    expect(quote('k'.repeat(10_000))).to.equal(`"${'k'.repeat(200)}…"`);
  });
});

describe('invalid', () => {
  it('builds a TokenValidationError with its code and claim', () => {
    const err = invalid('Issuer (iss) claim must be a string present in the ID token', 'ERR_TOKEN_ISS_MISSING', 'iss');
    expect(err).to.be.instanceOf(TokenValidationError);
    expect([err.code, err.claim, err.name]).to.deep.equal(['ERR_TOKEN_ISS_MISSING', 'iss', 'TokenValidationError']);
  });
});
