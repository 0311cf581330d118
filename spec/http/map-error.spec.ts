import { expect } from 'chai';
import { Auth0Error, NetworkError, RateLimitError, TimeoutError } from '../../lib/errors.js';
import {
  parseRateLimitReset,
  parseRetryAfter,
  responseError,
  transportError,
  UNKNOWN_ERROR_CODE,
} from '../../lib/http/map-error.js';

const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });

describe('responseError', () => {
  it('takes errorCode from errorCode, error or code, and message from error_description first', () => {
    const err = responseError(response(400, { error: 'invalid_grant', error_description: 'Wrong code' }));
    expect(err).to.be.instanceOf(Auth0Error).and.not.instanceOf(RateLimitError);
    expect([err.statusCode, err.errorCode, err.message]).to.deep.equal([400, 'invalid_grant', 'Wrong code']);
    expect(responseError(response(400, { errorCode: 'a', error: 'b', code: 'c' })).errorCode).to.equal('a');
    expect(responseError(response(400, { code: 'c' })).errorCode).to.equal('c');
  });

  it('falls back to message, then description, then error for the message', () => {
    expect(responseError(response(400, { message: 'm', description: 'd', error: 'e' })).message).to.equal('m');
    expect(responseError(response(400, { description: 'd', error: 'e' })).message).to.equal('d');
    expect(responseError(response(400, { error: 'e' })).message).to.equal('e');
  });

  it('keeps the text of a signup error that has only a description (the original lost it)', () => {
    const err = responseError(
      response(400, {
        name: 'BadRequestError',
        code: 'invalid_signup',
        description: 'Invalid sign up',
        statusCode: 400,
      }),
    );
    expect([err.errorCode, err.message]).to.deep.equal(['invalid_signup', 'Invalid sign up']);
  });

  it('keeps the body of an mfa_required error so its mfa_token is reachable', () => {
    const body = { error: 'mfa_required', error_description: 'Multifactor authentication required', mfa_token: 't' };
    const err = responseError(response(403, body));
    expect(err.content).to.deep.equal(body);
    expect(err.mfaToken).to.equal('t');
  });

  for (const [label, body] of [
    ['an array', [1, 2]],
    ['a string', 'plain words'],
    ['a number', 42],
    ['an HTML page', '<html><body>Bad Gateway</body></html>'],
    ['nothing', ''],
  ] as const) {
    it(`still gives an Auth0Error when the body is ${label}`, () => {
      const err = responseError(response(502, body, { 'x-request-id': 'r1' }));
      expect(err).to.be.instanceOf(Auth0Error);
      expect(err.statusCode).to.equal(502);
      expect(err.errorCode).to.equal(UNKNOWN_ERROR_CODE);
      expect(err.message).to.not.equal('');
      expect(err.headers).to.deep.equal({ 'x-request-id': 'r1' });
    });
  }

  it('maps a 429 to a RateLimitError with resetAt and retryAfter, even with an empty body', () => {
    const err = responseError(response(429, '', { 'x-ratelimit-reset': '1700000060', 'retry-after': '7' }));
    expect(err).to.be.instanceOf(RateLimitError);
    const rate = err as RateLimitError;
    expect([rate.resetAt, rate.retryAfter, rate.headers?.['retry-after']]).to.deep.equal([1700000060, 7, '7']);
  });

  it('maps an OAuth slow_down to a RateLimitError whatever the status', () => {
    const err = responseError(response(400, { error: 'slow_down', error_description: 'Slow down' }));
    expect(err).to.be.instanceOf(RateLimitError);
    expect(err.errorCode).to.equal('slow_down');
  });

  it('leaves resetAt and retryAfter undefined when the headers are absent', () => {
    const err = responseError(response(429, { error: 'too_many_requests' })) as RateLimitError;
    expect(err.resetAt).to.be.undefined;
    expect(err.retryAfter).to.be.undefined;
  });
});

describe('parseRetryAfter / parseRateLimitReset', () => {
  it('reads delta seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('12', now)).to.equal(12);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).to.equal(5);
    expect(parseRetryAfter('garbage', now)).to.be.undefined;
    expect(parseRetryAfter(undefined, now)).to.be.undefined;
  });

  it('reads integer epoch seconds only', () => {
    expect(parseRateLimitReset('1700000000')).to.equal(1700000000);
    expect(parseRateLimitReset('soon')).to.be.undefined;
  });
});

describe('transportError', () => {
  it('names the request and the system code, without the query', () => {
    const err = transportError(
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1', config: { data: 'secret' } },
      'POST',
      'https://t.example/oauth/token?x=1',
      5000,
    );
    expect(err).to.be.instanceOf(NetworkError).and.not.instanceOf(TimeoutError);
    expect(err.message).to.equal(
      'POST https://t.example/oauth/token failed: connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)',
    );
    expect((err.cause as { code: string }).code).to.equal('ECONNREFUSED');
  });

  it('gives a TimeoutError for the timeout codes', () => {
    const err = transportError({ code: 'ECONNABORTED' }, 'GET', 'https://t.example/userinfo', 1234);
    expect(err).to.be.instanceOf(TimeoutError);
    expect(err.message).to.equal('GET https://t.example/userinfo timed out after 1234 ms');
  });

  it('copes with a failure that is not an error at all', () => {
    expect(transportError(undefined, 'GET', '/x', 1).message).to.equal('GET /x failed: unknown failure');
  });
});
