import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { Sealer } from '../../lib/oidc/seal.js';
import {
  isTransactionCookie,
  TRANSACTION_COOKIE_PREFIX,
  transactionName,
  type TransactionPayload,
  TransactionSealer,
} from '../../lib/oidc/transaction.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const OTHER = 'another-test-secret-that-is-long-enough-9876';
const NOW = 1_800_000_000;

function payload(changes: Partial<TransactionPayload> = {}): TransactionPayload {
  return { clientId: 'web', state: 'state-1', responseType: 'code', nonce: 'n', createdAt: NOW, ...changes };
}

describe('transaction names', () => {
  it('derive a cookie name of its own from each state', () => {
    const name = transactionName('state-1');
    const hash = createHash('sha256').update('state-1').digest('base64url');
    expect(name).to.equal(`${TRANSACTION_COOKIE_PREFIX}${hash.slice(0, 22)}`);
    expect(transactionName('state-2')).to.not.equal(name);
    expect(transactionName('state-1')).to.equal(name);
  });

  it('tell transaction cookies from other cookies', () => {
    expect(isTransactionCookie(transactionName('x'))).to.equal(true);
    for (const name of [
      'session',
      'authn_tx_',
      'authn_tx_short',
      `${transactionName('x')}x`,
      `x${transactionName('x')}`,
    ]) {
      expect(isTransactionCookie(name), name).to.equal(false);
    }
    expect(isTransactionCookie(42 as never)).to.equal(false);
  });
});

describe('TransactionSealer', () => {
  it('seals a transaction into a cookie named after its state, valid for maxAge from its start', () => {
    const sealer = new TransactionSealer(SECRET);
    const transaction = sealer.seal(payload(), 600, 'lax');
    expect(transaction).to.deep.include({ name: transactionName('state-1'), maxAge: 600, sameSite: 'lax' });
    expect(new Sealer(SECRET, 'transaction').open(transaction.value, NOW)).to.deep.equal({
      ok: true,
      payload: payload(),
      expiresAt: NOW + 600,
    });
    expect(transaction.value).to.not.include('state-1');
  });

  it('finds the transaction of a state among several, in any order', () => {
    const sealer = new TransactionSealer(SECRET);
    const first = sealer.seal(payload({ state: 'a', nonce: 'na' }), 600, 'lax').value;
    const second = sealer.seal(payload({ state: 'b', nonce: 'nb' }), 600, 'lax').value;
    const found = sealer.find('b', [first, second], 'web', NOW + 1);
    expect(found).to.deep.include({ ok: true, expiresAt: NOW + 600 });
    expect(found.ok && found.payload.nonce).to.equal('nb');
    expect(sealer.find('a', [second, first], 'web', NOW + 1).ok).to.equal(true);
  });

  it('says the transaction is missing when the browser sent none', () => {
    expect(new TransactionSealer(SECRET).find('a', [], 'web', NOW)).to.deep.equal({
      ok: false,
      code: 'ERR_LOGIN_TRANSACTION_MISSING',
    });
  });

  it('says no transaction is for the state when all are for others', () => {
    const sealer = new TransactionSealer(SECRET);
    const other = sealer.seal(payload({ state: 'other' }), 600, 'lax').value;
    expect(sealer.find('state-1', [other], 'web', NOW)).to.deep.equal({ ok: false, code: 'ERR_LOGIN_STATE_MISMATCH' });
  });

  it('refuses a tampered value, one sealed with an unknown secret, and one of another client', () => {
    const sealer = new TransactionSealer(SECRET);
    const value = sealer.seal(payload(), 600, 'lax').value;
    // The second-to-last character changes (it carries no padding bits); it was compared with the last one, so
    // one value in 64 came back unchanged and opened.
    const tampered = `${value.slice(0, -2)}${value.at(-2) === 'A' ? 'B' : 'A'}${value.slice(-1)}`;
    expect(tampered).to.not.equal(value);
    const foreign = new TransactionSealer(OTHER).seal(payload(), 600, 'lax').value;
    const otherClient = sealer.seal(payload({ clientId: 'spa' }), 600, 'lax').value;
    for (const candidate of [tampered, foreign, otherClient, 'v1.!!', 42]) {
      expect(sealer.find('state-1', [candidate as string], 'web', NOW), String(candidate).slice(0, 10)).to.deep.equal({
        ok: false,
        code: 'ERR_LOGIN_TRANSACTION_INVALID',
      });
    }
  });

  it('refuses an expired transaction, and says so before anything else', () => {
    const sealer = new TransactionSealer(SECRET);
    const value = sealer.seal(payload(), 600, 'lax').value;
    expect(sealer.find('state-1', [value], 'web', NOW + 599).ok).to.equal(true);
    expect(sealer.find('state-1', ['garbage', value], 'web', NOW + 600)).to.deep.equal({
      ok: false,
      code: 'ERR_LOGIN_TRANSACTION_EXPIRED',
    });
  });

  it('opens transactions sealed with an older secret of the list, and seals with the first', () => {
    const old = new TransactionSealer(OTHER).seal(payload(), 600, 'none').value;
    const rotated = new TransactionSealer([SECRET, OTHER]);
    expect(rotated.find('state-1', [old], 'web', NOW).ok).to.equal(true);
    const sealed = rotated.seal(payload(), 600, 'none').value;
    expect(new TransactionSealer(SECRET).find('state-1', [sealed], 'web', NOW).ok).to.equal(true);
  });

  // Browsers send the cookies of one path oldest first: a cut-off let twenty abandoned logins hide the one
  // being finished.
  it('finds the transaction among any number of values', () => {
    const sealer = new TransactionSealer(SECRET);
    const others = Array.from(
      { length: 50 },
      (_, i) => sealer.seal(payload({ state: `other-${i}` }), 600, 'lax').value,
    );
    const mine = sealer.seal(payload(), 600, 'lax').value;
    expect(sealer.find('state-1', [...others, mine], 'web', NOW).ok).to.equal(true);
  });

  it("looks up, in the request's cookies, only the one named after the state", () => {
    const sealer = new TransactionSealer(SECRET);
    const mine = sealer.seal(payload(), 600, 'lax');
    const other = sealer.seal(payload({ state: 'other' }), 600, 'lax');
    const cookies = new Map([
      ['theme', 'dark'],
      [other.name, other.value],
      [mine.name, mine.value],
    ]);
    expect(sealer.find('state-1', cookies, 'web', NOW)).to.deep.include({ ok: true, payload: payload() });
    expect(sealer.find('forged', cookies, 'web', NOW)).to.deep.equal({ ok: false, code: 'ERR_LOGIN_STATE_MISMATCH' });
    expect(sealer.find('state-1', new Map([['theme', 'dark']]), 'web', NOW)).to.deep.equal({
      ok: false,
      code: 'ERR_LOGIN_TRANSACTION_MISSING',
    });
    expect(sealer.find('state-1', new Map([[mine.name, mine.value]]), 'web', NOW + 600)).to.deep.equal({
      ok: false,
      code: 'ERR_LOGIN_TRANSACTION_EXPIRED',
    });
    expect(sealer.find('state-1', new Map([[mine.name, other.value]]), 'web', NOW)).to.deep.equal({
      ok: false,
      code: 'ERR_LOGIN_STATE_MISMATCH',
    });
  });
});
