import { expect } from 'chai';
import { RateLimitError } from '../../lib/errors.js';
import { rateLimitDelay, retryPolicy } from '../../lib/http/retry.js';

const limited = (fields: { resetAt?: number; retryAfter?: number } = {}) =>
  new RateLimitError('Too Many Requests', { statusCode: 429, errorCode: 'too_many_requests', ...fields });
const noJitter = () => 0;

describe('rateLimitDelay', () => {
  const policy = retryPolicy();

  it('defaults to two retries and a 10 s cap', () => {
    expect(policy).to.deep.equal({ maxRetries: 2, maxDelay: 10_000 });
  });

  it('waits out Retry-After first', () => {
    expect(rateLimitDelay(limited({ retryAfter: 3, resetAt: 9_999_999_999 }), 1, policy, 0, noJitter)).to.equal(3000);
  });

  it('waits until x-ratelimit-reset when there is no Retry-After', () => {
    expect(rateLimitDelay(limited({ resetAt: 1002 }), 1, policy, 1_000_000, noJitter)).to.equal(2000);
    expect(rateLimitDelay(limited({ resetAt: 990 }), 1, policy, 1_000_000, noJitter)).to.equal(0);
  });

  it('backs off exponentially without hints', () => {
    expect([1, 2].map((n) => rateLimitDelay(limited(), n, policy, 0, noJitter))).to.deep.equal([250, 500]);
  });

  it('adds up to 250 ms of jitter, never beyond the cap', () => {
    expect(rateLimitDelay(limited({ retryAfter: 1 }), 1, policy, 0, () => 0.999)).to.equal(1249);
    expect(rateLimitDelay(limited({ retryAfter: 10 }), 1, policy, 0, () => 0.999)).to.equal(10_000);
  });

  it('gives up when retries are used up or the wait exceeds the cap', () => {
    expect(rateLimitDelay(limited({ retryAfter: 1 }), 3, policy, 0, noJitter)).to.be.undefined;
    expect(rateLimitDelay(limited({ retryAfter: 11 }), 1, policy, 0, noJitter)).to.be.undefined;
    expect(rateLimitDelay(limited(), 1, retryPolicy({ maxRetries: 0 }), 0, noJitter)).to.be.undefined;
  });
});
