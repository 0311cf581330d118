import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import * as errors from '../lib/errors.js';
import {
  Auth0Error,
  AuthnError,
  AuthorizationExpiredError,
  ConfigurationError,
  InsufficientScopeError,
  InvalidRequestError,
  KeyNotFoundError,
  KeySourceUnavailableError,
  LoginError,
  NetworkError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  TokenValidationError,
} from '../lib/errors.js';
import { type FoundMessage, fixedTexts, isFixedText, scanMessages, shown, styleProblems } from './helpers/messages.js';

describe('errors', () => {
  const classes = Object.values(errors).filter(
    (value): value is typeof AuthnError => typeof value === 'function' && value.prototype instanceof Error,
  );

  it('gives every class a distinct non-empty code and its own name', () => {
    const codes = classes.map((cls) => cls.code);
    expect(classes.length).to.be.greaterThan(15);
    expect(new Set(codes).size).to.equal(codes.length);
    for (const cls of classes) {
      expect(cls.code).to.match(/^ERR_[A-Z_]+$/);
      expect(cls.name).to.not.equal('');
    }
  });

  it('sets name and code on instances from their class', () => {
    const err = new ConfigurationError('domain is required', 'domain');
    expect(err).to.be.instanceOf(AuthnError).and.instanceOf(Error);
    expect(err.name).to.equal('ConfigurationError');
    expect(err.code).to.equal('ERR_CONFIGURATION');
    expect(err.option).to.equal('domain');
    expect(String(err)).to.equal('ConfigurationError: domain is required');
  });

  it('keeps the per-check code and claim of a TokenValidationError', () => {
    const err = new TokenValidationError('Invalid token signature.', 'ERR_TOKEN_SIGNATURE', 'signature');
    expect(err.code).to.equal('ERR_TOKEN_SIGNATURE');
    expect(err.claim).to.equal('signature');
    expect(new TokenValidationError('x').code).to.equal('ERR_TOKEN_INVALID');
    expect(new KeyNotFoundError('no key').code).to.equal('ERR_JWKS_KEY_NOT_FOUND');
    expect(new KeyNotFoundError('no key')).to.be.instanceOf(TokenValidationError);
  });

  it('ranks timeouts and unusable key sources as network failures', () => {
    expect(new TimeoutError('t')).to.be.instanceOf(NetworkError);
    expect(new KeySourceUnavailableError('k')).to.be.instanceOf(NetworkError);
    expect(new KeySourceUnavailableError('k')).to.not.be.instanceOf(TokenValidationError);
  });

  it("gives a LoginError its per-check code, the HTTP status to answer, and the provider's words", () => {
    const refused = new LoginError('the provider refused the login: "access_denied"', 'ERR_LOGIN_PROVIDER_ERROR', {
      error: 'access_denied',
      errorDescription: 'User said no',
      transaction: 'authn_tx_abc',
    });
    expect(refused).to.be.instanceOf(AuthnError);
    expect([refused.name, refused.code, refused.status, refused.error, refused.errorDescription]).to.deep.equal([
      'LoginError',
      'ERR_LOGIN_PROVIDER_ERROR',
      400,
      'access_denied',
      'User said no',
    ]);
    expect(refused.transaction).to.equal('authn_tx_abc');
    expect(LoginError.code).to.equal('ERR_LOGIN');
    const cause = new NetworkError('down');
    const unavailable = new LoginError('x', 'ERR_LOGIN_PROVIDER_UNAVAILABLE', { cause });
    expect([unavailable.status, unavailable.cause, unavailable.error]).to.deep.equal([503, cause, undefined]);
    expect(new LoginError('x', 'ERR_LOGIN_STORE_UNAVAILABLE').status).to.equal(503);
    expect(new LoginError('x', 'ERR_LOGIN_TOKEN_RESPONSE').status).to.equal(502);
    expect(new LoginError('x', 'ERR_LOGIN_USERINFO').status).to.equal(502);
    expect(Object.keys(new LoginError('x', 'ERR_LOGIN_STATE_MISSING'))).to.not.include('transaction');
  });

  it('exposes the mfa_token of an mfa_required error', () => {
    const err = new Auth0Error('Multifactor authentication required', {
      statusCode: 403,
      errorCode: 'mfa_required',
      content: { error: 'mfa_required', mfa_token: 'Fe26.2*abc' },
    });
    expect(err.mfaToken).to.equal('Fe26.2*abc');
    expect(new Auth0Error('x', { statusCode: 400, errorCode: 'e', content: 'text' }).mfaToken).to.be.undefined;
  });

  it('carries resetAt and retryAfter on a RateLimitError', () => {
    const err = new RateLimitError('Too Many Requests', {
      statusCode: 429,
      errorCode: 'too_many_requests',
      resetAt: 1700000000,
      retryAfter: 3,
    });
    expect(err).to.be.instanceOf(Auth0Error);
    expect([err.resetAt, err.retryAfter, err.statusCode, err.code]).to.deep.equal([
      1700000000,
      3,
      429,
      'ERR_RATE_LIMITED',
    ]);
  });

  it('gives an AuthorizationExpiredError the OAuth errorCode of the same condition', () => {
    const err = new AuthorizationExpiredError('expired');
    expect([err.name, err.code, err.errorCode]).to.deep.equal([
      'AuthorizationExpiredError',
      'ERR_AUTHORIZATION_EXPIRED',
      'expired_token',
    ]);
    expect(err).to.be.instanceOf(AuthnError).and.not.instanceOf(Auth0Error);
  });

  it('gives bearer errors their RFC 6750 status and error code', () => {
    const invalid = new InvalidRequestError('bad header', { headers: { 'WWW-Authenticate': 'Bearer' } });
    expect([invalid.status, invalid.statusCode, invalid.error]).to.deep.equal([400, 400, 'invalid_request']);
    expect(invalid.headers).to.deep.equal({ 'WWW-Authenticate': 'Bearer' });
    const scope = new InsufficientScopeError('missing scope', { scopes: ['read:x'] });
    expect([scope.status, scope.error, scope.scopes]).to.deep.equal([403, 'insufficient_scope', ['read:x']]);
  });

  it('exposes the message of a 4xx bearer error to the client, not that of a 503 (http-errors, Koa)', () => {
    expect(new InvalidRequestError('bad header').expose).to.equal(true);
    expect(new InsufficientScopeError('missing scope').expose).to.equal(true);
    expect(new ServiceUnavailableError('key source down').expose).to.equal(false);
    expect(Object.keys(new InvalidRequestError('bad header'))).to.not.include('expose');
  });
});

describe('the messages of lib/', function () {
  this.timeout(120_000);
  const root = resolve(import.meta.dirname, '..');
  const fixed = fixedTexts(readFileSync(join(root, 'docs/token-verification.md'), 'utf8'));
  let messages: FoundMessage[];
  before(() => {
    messages = scanMessages(join(root, 'lib'), root);
  });

  it("still produce each of auth0-python's texts that docs/token-verification.md lists", () => {
    expect(fixed).to.include('Invalid token signature.').and.have.length.greaterThan(20);
    const missing = fixed.filter((text) => !messages.some((message) => isFixedText(message.text, [text])));
    expect(missing).to.deep.equal([]);
  });

  it('are all written in the style of README.md ("Errors"), but for the texts kept from auth0-python', () => {
    expect(messages).to.have.length.greaterThan(450);
    const problems = messages.flatMap((message) =>
      styleProblems(message.text, fixed).map((problem) => `${message.where} ${shown(message.text)}: ${problem}`),
    );
    expect(problems).to.deep.equal([]);
  });

  it('are found through helpers, constants, lookup tables, properties and defaults, and an old style is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authn-messages-'));
    try {
      writeFileSync(
        join(dir, 'old-style.ts'),
        [
          'class LocalError extends Error {}',
          'class RefusedError extends LocalError {}',
          'class Problem {',
          '  readonly description: string;',
          '  constructor(description: string) { this.description = description; }',
          '}',
          'const TABLE = { a: "The token has expired", b: "aud mismatch; expected \\"a\\" but found \\"b\\"" } as const;',
          'function fail(message: string): never { throw new RefusedError(message); }',
          'function later(description = "Try again later.") { return new LocalError(description); }',
          'function answer(problem: Problem) { return { error: "invalid_request", error_description: problem.description }; }',
          'export function run(key: keyof typeof TABLE, io: { stderr: { write(text: string): void } }): unknown {',
          "  io.stderr.write(`authn x: --port must be a number (got '${key}')\\n`);",
          '  if (key === "a") fail("clientId is required.");',
          '  return [later(), answer(new Problem("Malformed header")), new LocalError(TABLE[key])];',
          '}',
        ].join('\n'),
      );
      const found = scanMessages(dir).map((message) => [shown(message.text), styleProblems(message.text, fixed)]);
      expect(found).to.have.deep.members([
        ["--port must be a number (got '${…}')", ['quotes a value with \'…\', not "…"', 'writes "got" for "found"']],
        ['clientId is required.', ['ends with a period']],
        ['Try again later.', ['starts with a capital, not with a name', 'ends with a period']],
        ['Malformed header', ['starts with a capital, not with a name']],
        ['The token has expired', ['starts with a capital, not with a name']],
        [
          'aud mismatch; expected "a" but found "b"',
          ['writes "but found" for ", found"', 'writes an expected/found pair otherwise than "expected …, found …"'],
        ],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
