import { expect } from 'chai';
import { ConfigurationError, LoginError } from '../../lib/errors.js';
import { type AuthorizationResponseInput } from '../../lib/oidc/authorization-response.js';
import { acceptCallback, type CallbackContext } from '../../lib/oidc/callback.js';
import { transactionName, type TransactionPayload, TransactionSealer } from '../../lib/oidc/transaction.js';
import { thrownBy } from '../helpers/secrets.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const ISSUER = 'https://op.example.com';
const CALLBACK = 'https://app.example.com/callback';
const NOW = 1_800_000_000;
const sealer = new TransactionSealer(SECRET);

function payload(changes: Partial<TransactionPayload> = {}): TransactionPayload {
  return { clientId: 'web', state: 'st', responseType: 'code', nonce: 'n', createdAt: NOW, ...changes };
}

function sealed(changes: Partial<TransactionPayload> = {}): string {
  return sealer.seal(payload(changes), 600, 'lax').value;
}

function context(changes: Partial<CallbackContext> = {}): CallbackContext {
  return {
    sealer,
    clientId: 'web',
    issuer: ISSUER,
    issuerMatches: (iss) => iss === ISSUER,
    issRequired: true,
    now: NOW + 1,
    ...changes,
  };
}

function query(params: Record<string, string>): string {
  return `${CALLBACK}?${new URLSearchParams(params).toString()}`;
}

function refusal(
  input: AuthorizationResponseInput,
  values: string | string[] = sealed(),
  changes: Partial<CallbackContext> = {},
): LoginError {
  const err = thrownBy(() => acceptCallback(input, values, context(changes)));
  expect(err).to.be.instanceOf(LoginError);
  return err as LoginError;
}

describe('acceptCallback', () => {
  it('accepts a code response with its state and issuer, and returns its transaction', () => {
    const accepted = acceptCallback(query({ code: 'c', state: 'st', iss: ISSUER }), [sealed()], context());
    expect(accepted.name).to.equal(transactionName('st'));
    expect(accepted.payload).to.deep.equal(payload());
    expect(accepted.expiresAt).to.equal(NOW + 600);
    expect(accepted.response.code).to.equal('c');
  });

  it('finds the transaction among those of other logins, given as one value or several', () => {
    const values = [sealed({ state: 'other' }), sealed()];
    expect(acceptCallback(query({ code: 'c', state: 'st', iss: ISSUER }), values, context()).payload.state).to.equal(
      'st',
    );
    expect(acceptCallback(query({ code: 'c', state: 'st', iss: ISSUER }), sealed(), context()).payload.state).to.equal(
      'st',
    );
  });

  it("refuses a response without state, with the provider's words when it sent an error", () => {
    const err = refusal(query({ error: 'login_required', error_description: 'Log in first' }));
    expect([err.code, err.error, err.errorDescription, err.transaction]).to.deep.equal([
      'ERR_LOGIN_STATE_MISSING',
      'login_required',
      'Log in first',
      undefined,
    ]);
    expect(refusal(query({ code: 'c', state: '' })).code).to.equal('ERR_LOGIN_STATE_MISSING');
  });

  it('refuses a response that repeats a parameter', () => {
    const err = refusal(`${query({ code: 'c', state: 'st', iss: ISSUER })}&code=d`);
    expect([err.code, err.transaction]).to.deep.equal(['ERR_LOGIN_RESPONSE_INVALID', transactionName('st')]);
    expect(err.message).to.include('repeats code');
  });

  it('refuses a callback without any transaction: the "missing state" of cookie-less browsers', () => {
    for (const values of [[], undefined, 42]) {
      const err = thrownBy(() =>
        acceptCallback(query({ code: 'c', state: 'st', iss: ISSUER }), values as never, context()),
      );
      expect((err as LoginError).code).to.equal('ERR_LOGIN_TRANSACTION_MISSING');
    }
  });

  it('refuses a foreign state: no transaction of this browser is for it', () => {
    const err = refusal(query({ code: 'c', state: 'forged', iss: ISSUER }));
    expect([err.code, err.transaction, err.status]).to.deep.equal([
      'ERR_LOGIN_STATE_MISMATCH',
      transactionName('forged'),
      400,
    ]);
  });

  it('refuses a tampered transaction, and one of another client', () => {
    const value = sealed();
    const tampered = `${value.slice(0, 10)}${value[10] === 'A' ? 'B' : 'A'}${value.slice(11)}`;
    expect(refusal(query({ code: 'c', state: 'st', iss: ISSUER }), tampered).code).to.equal(
      'ERR_LOGIN_TRANSACTION_INVALID',
    );
    expect(refusal(query({ code: 'c', state: 'st', iss: ISSUER }), sealed({ clientId: 'spa' })).code).to.equal(
      'ERR_LOGIN_TRANSACTION_INVALID',
    );
  });

  it('refuses a transaction sealed with a secret that is no longer configured', () => {
    const old = new TransactionSealer('an-old-secret-that-was-rotated-out-0123456').seal(payload(), 600, 'lax').value;
    expect(refusal(query({ code: 'c', state: 'st', iss: ISSUER }), old).code).to.equal('ERR_LOGIN_TRANSACTION_INVALID');
  });

  it('refuses an expired transaction', () => {
    const err = refusal(query({ code: 'c', state: 'st', iss: ISSUER }), sealed(), { now: NOW + 600 });
    expect(err.code).to.equal('ERR_LOGIN_TRANSACTION_EXPIRED');
  });

  it("refuses an iss parameter that names another issuer (RFC 9207), before the provider's error", () => {
    const err = refusal(query({ error: 'access_denied', state: 'st', iss: 'https://evil.example.com' }));
    expect(err.code).to.equal('ERR_LOGIN_ISS_MISMATCH');
    expect(err.message).to.include('"https://evil.example.com"');
  });

  it('requires iss when the provider advertises it, unless an ID token in the response names the issuer', () => {
    expect(refusal(query({ code: 'c', state: 'st' })).code).to.equal('ERR_LOGIN_ISS_MISSING');
    expect(
      acceptCallback(query({ code: 'c', state: 'st' }), sealed(), context({ issRequired: false })).payload.state,
    ).to.equal('st');
    const implicit = acceptCallback(
      { id_token: 'h.p.s', state: 'st' },
      sealed({ responseType: 'id_token' }),
      context(),
    );
    expect(implicit.response.from).to.equal('body');
  });

  it("refuses an error response with the provider's error and description", () => {
    const err = refusal(query({ error: 'access_denied', error_description: 'User said no', state: 'st', iss: ISSUER }));
    expect([err.code, err.error, err.errorDescription, err.transaction, err.status]).to.deep.equal([
      'ERR_LOGIN_PROVIDER_ERROR',
      'access_denied',
      'User said no',
      transactionName('st'),
      400,
    ]);
    expect(err.message).to.equal('the provider refused the login: "access_denied" ("User said no")');
  });

  it("quotes the provider's error and description as JSON strings, so that a line break cannot forge a log line", () => {
    const forged = 'no\r\nERROR admin logged in';
    const err = refusal(query({ error: forged, error_description: forged, state: 'st', iss: ISSUER }));
    expect(err.message).to.equal(
      'the provider refused the login: "no\\r\\nERROR admin logged in" ("no\\r\\nERROR admin logged in")',
    );
  });

  for (const [responseType, params, complaint] of [
    ['code', { state: 'st', iss: ISSUER }, 'code missing'],
    ['code', { code: 'c', id_token: 'h.p.s', state: 'st', iss: ISSUER }, 'id_token unexpected'],
    ['id_token', { state: 'st' }, 'id_token missing'],
    ['id_token', { id_token: 'h.p.s', code: 'c', state: 'st' }, 'code unexpected'],
    ['id_token token', { id_token: 'h.p.s', state: 'st' }, 'access_token missing'],
    ['code id_token', { code: 'c', state: 'st' }, 'id_token missing'],
    ['code id_token', { code: 'c', id_token: 'h.p.s', access_token: 'a', state: 'st' }, 'access_token unexpected'],
  ] as const) {
    it(`refuses a ${responseType} response with ${complaint}`, () => {
      const err = refusal(params, sealed({ responseType }), { issRequired: false });
      expect(err.code).to.equal('ERR_LOGIN_RESPONSE_INVALID');
      expect(err.message).to.include(complaint);
    });
  }

  it('refuses tokens in a query string, where they leak into logs and Referer headers', () => {
    const err = refusal(query({ id_token: 'h.p.s', state: 'st' }), sealed({ responseType: 'id_token' }));
    expect(err.code).to.equal('ERR_LOGIN_RESPONSE_INVALID');
    expect(err.message).to.include('query string');
  });

  it('reads a fragment posted by the page and a form_post body', () => {
    const hybrid = sealed({ responseType: 'code id_token' });
    const fragment = new URLSearchParams({ code: 'c', id_token: 'h.p.s', state: 'st' });
    expect(acceptCallback(fragment, hybrid, context()).response.params.id_token).to.equal('h.p.s');
    expect(acceptCallback(`${CALLBACK}#${fragment.toString()}`, hybrid, context()).response.from).to.equal('fragment');
  });

  it('throws a ConfigurationError for a callback URL that is not absolute: a bug of the caller', () => {
    expect(thrownBy(() => acceptCallback('/callback?code=c&state=st', sealed(), context()))).to.be.instanceOf(
      ConfigurationError,
    );
  });
});
