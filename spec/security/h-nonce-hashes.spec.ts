// Catalogue §2.7 H: nonce, auth_time, at_hash / c_hash and organization (N74–N86): ID-token rules, and N78, the
// single use of a login transaction, through OidcClient and its transaction store.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { LoginError } from '../../lib/errors.js';
import { MemoryTransactionStore } from '../../lib/oidc/transaction-store.js';
import { halfHash } from '../helpers/jwt.js';
import { callback, client, opened, serveKeys, tokenEndpoint } from '../helpers/oidc.js';
import { rejectionOf } from '../helpers/secrets.js';
import { catalogue, L, NONCE, rejects, T } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

/** OIDC Core's example access token and its at_hash (RS256). */
const ACCESS_TOKEN = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
const AT_HASH = '77QmUPtjPfzWtF2AnpK9RQ';
/** OIDC Core's example code and its c_hash. */
const CODE = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk';
const C_HASH = 'LDktKdoQak3Pk0cnXxCltA';

describeEachOffload('security catalogue H: nonce, auth_time, hashes, organization', (offload) => {
  const c = catalogue(offload);
  const id = () => c.id;

  it('N74: rejects a missing nonce claim when a nonce is expected', async () => {
    await rejects(id().verify(id().good({ nonce: undefined })), 'ERR_TOKEN_NONCE_MISSING');
  });

  it('N75: rejects a nonce other than the expected one (+"1", a prefix, another case)', async () => {
    for (const nonce of [`${NONCE}1`, NONCE.slice(0, -1), NONCE.toUpperCase(), ` ${NONCE}`]) {
      await rejects(id().verify(id().good({ nonce })), 'ERR_TOKEN_NONCE_MISMATCH');
    }
  });

  it('N76: rejects a token carrying a nonce when the caller expected none', async () => {
    await rejects(id().verify(id().good(), {}, {}), 'ERR_TOKEN_NONCE_UNEXPECTED');
    await rejects(id().verify(id().good({ nonce: '' }), {}, {}), 'ERR_TOKEN_NONCE_UNEXPECTED');
  });

  it('N77: rejects a nonce that is not a string (123, ["n"], null, {})', async () => {
    for (const nonce of [123, [NONCE], null, { nonce: NONCE }]) {
      await rejects(id().verify(id().good({ nonce })), 'ERR_TOKEN_NONCE_MISSING');
    }
  });

  describe('N78: a transaction redeemed twice', () => {
    beforeEach(serveKeys);

    it('N78: refuses the second callback with the same state and nonce, before the code is redeemed again', async () => {
      const web = client();
      const login = await web.startLogin();
      const { state, nonce } = opened(login);
      const token = tokenEndpoint(nonce);
      const response = callback({ code: 'c', state });
      expect((await web.finishLogin(response, login.transaction.value)).claims.nonce).to.equal(nonce);
      const err = (await rejectionOf(web.finishLogin(response, login.transaction.value))) as LoginError;
      expect(err.code).to.equal('ERR_LOGIN_TRANSACTION_REPLAYED');
      expect(token.requests).to.have.length(1);
    });

    it('N78: refuses it on another replica sharing the transaction store', async () => {
      const store = new MemoryTransactionStore();
      const [first, second] = [client({ transactionStore: store }), client({ transactionStore: store })];
      const login = await first.startLogin();
      tokenEndpoint(opened(login).nonce);
      const response = callback({ code: 'c', state: opened(login).state });
      await second.finishLogin(response, login.transaction.value);
      const err = (await rejectionOf(first.finishLogin(response, login.transaction.value))) as LoginError;
      expect(err.code).to.equal('ERR_LOGIN_TRANSACTION_REPLAYED');
    });
  });

  it('N79: rejects a token without auth_time when maxAge was requested (3600, and 0)', async () => {
    for (const maxAge of [3600, 0]) {
      await rejects(id().verify(id().good(), {}, { nonce: NONCE, maxAge }), 'ERR_TOKEN_AUTH_TIME_MISSING');
    }
  });

  it('N80: rejects auth_time = T − maxAge − L − 1 (too long since the login), maxAge 0 included', async () => {
    for (const maxAge of [3600, 0]) {
      const token = id().good({ auth_time: T - maxAge - L - 1 });
      await rejects(id().verify(token, {}, { nonce: NONCE, maxAge }), 'ERR_TOKEN_AUTH_TIME_TOO_OLD');
    }
  });

  it('N81: rejects an auth_time that is not a NumericDate ("x", a numeric string, null, true)', async () => {
    for (const authTime of ['x', String(T), null, true]) {
      const token = id().good({ auth_time: authTime });
      await rejects(id().verify(token, {}, { nonce: NONCE, maxAge: 3600 }), 'ERR_TOKEN_AUTH_TIME_MISSING');
    }
  });

  it('N82: rejects at_hash variants that are not base64url of the left half of SHA-256 (right half, full, hex, padded, base64)', async () => {
    const full = createHash('sha256').update(ACCESS_TOKEN).digest();
    expect(halfHash(ACCESS_TOKEN)).to.equal(AT_HASH);
    const variants = [
      full.subarray(16).toString('base64url'),
      full.toString('base64url'),
      full.subarray(0, 16).toString('hex'),
      `${AT_HASH}==`,
      full.subarray(0, 16).toString('base64'),
      AT_HASH.toLowerCase(),
      halfHash(`${ACCESS_TOKEN}x`),
      '',
      123,
      [AT_HASH],
    ];
    for (const atHash of variants) {
      const token = id().good({ at_hash: atHash });
      await rejects(id().verify(token, {}, { nonce: NONCE, accessToken: ACCESS_TOKEN }), 'ERR_TOKEN_AT_HASH_MISMATCH');
    }
  });

  it('N82: rejects an access token or code that differs from the bound one only in characters above U+00FF', async () => {
    // Hashing 'ascii' or 'latin1' text keeps only the low byte of each character: Ū (U+016A) would hash as j.
    const lookalike = (value: string) => `${String.fromCharCode(value.charCodeAt(0) + 0x100)}${value.slice(1)}`;
    const token = id().good({ at_hash: AT_HASH, c_hash: C_HASH });
    expect(await id().verify(token, {}, { nonce: NONCE, accessToken: ACCESS_TOKEN, code: CODE })).to.have.property(
      'sub',
    );
    await rejects(
      id().verify(token, {}, { nonce: NONCE, accessToken: lookalike(ACCESS_TOKEN) }),
      'ERR_TOKEN_AT_HASH_MISMATCH',
    );
    await rejects(id().verify(token, {}, { nonce: NONCE, code: lookalike(CODE) }), 'ERR_TOKEN_C_HASH_MISMATCH');
  });

  it('N83: rejects an at_hash computed with the wrong hash for the alg (SHA-256 for RS384, SHA-384 for RS256)', async () => {
    const options = { algorithms: ['RS256', 'RS384'] as ('RS256' | 'RS384')[] };
    const call = { nonce: NONCE, accessToken: ACCESS_TOKEN };
    const rs384 = id().good({ at_hash: halfHash(ACCESS_TOKEN, 'sha256') }, { alg: 'RS384' });
    const rs256 = id().good({ at_hash: halfHash(ACCESS_TOKEN, 'sha384') });
    for (const token of [rs384, rs256]) await rejects(id().verify(token, options, call), 'ERR_TOKEN_AT_HASH_MISMATCH');
    // The controls: the hash of each alg passes.
    const good384 = id().good({ at_hash: halfHash(ACCESS_TOKEN, 'sha384') }, { alg: 'RS384' });
    expect(await id().verify(good384, options, call)).to.have.property('at_hash');
  });

  it('N84: rejects a hybrid-flow ID token whose c_hash is missing, wrong or not a string', async () => {
    expect(halfHash(CODE)).to.equal(C_HASH);
    const call = { nonce: NONCE, code: CODE };
    await rejects(id().verify(id().good(), {}, call), 'ERR_TOKEN_C_HASH_MISSING');
    await rejects(id().verify(id().good({ c_hash: 42 }), {}, call), 'ERR_TOKEN_C_HASH_MISSING');
    for (const cHash of [halfHash(`${CODE}1`), AT_HASH, `${C_HASH}=`, C_HASH.slice(1)]) {
      await rejects(id().verify(id().good({ c_hash: cHash }), {}, call), 'ERR_TOKEN_C_HASH_MISMATCH');
    }
    expect(await id().verify(id().good({ c_hash: C_HASH }), {}, call)).to.have.property('c_hash', C_HASH);
  });

  it('N85: rejects an implicit id_token token response whose ID token lacks at_hash', async () => {
    const call = { nonce: NONCE, accessToken: ACCESS_TOKEN, requireAtHash: true };
    await rejects(id().verify(id().good(), {}, call), 'ERR_TOKEN_AT_HASH_MISSING');
    await rejects(id().verify(id().good({ at_hash: null }), {}, call), 'ERR_TOKEN_AT_HASH_MISMATCH');
    expect(await id().verify(id().good({ at_hash: AT_HASH }), {}, call)).to.have.property('at_hash', AT_HASH);
  });

  it('N86: rejects an org_id that is missing, different or not a string when an organization id is expected', async () => {
    const call = { nonce: NONCE, organization: 'org_Abc123' };
    for (const [orgId, code] of [
      [undefined, 'ERR_TOKEN_ORG_ID_MISSING'],
      [123, 'ERR_TOKEN_ORG_ID_MISSING'],
      [['org_Abc123'], 'ERR_TOKEN_ORG_ID_MISSING'],
      ['org_other', 'ERR_TOKEN_ORG_ID_MISMATCH'],
      ['org_abc123', 'ERR_TOKEN_ORG_ID_MISMATCH'],
      ['org_Abc123 ', 'ERR_TOKEN_ORG_ID_MISMATCH'],
    ] as const) {
      await rejects(id().verify(id().good({ org_id: orgId, org_name: 'org_Abc123' }), {}, call), code);
    }
  });

  it('N86: rejects an org_name that is missing, different or not a string when an organization name is expected', async () => {
    const call = { nonce: NONCE, organization: 'Acme' };
    for (const [orgName, code] of [
      [undefined, 'ERR_TOKEN_ORG_NAME_MISSING'],
      [42, 'ERR_TOKEN_ORG_NAME_MISSING'],
      ['acme-corp', 'ERR_TOKEN_ORG_NAME_MISMATCH'],
      ['acm', 'ERR_TOKEN_ORG_NAME_MISMATCH'],
    ] as const) {
      await rejects(id().verify(id().good({ org_name: orgName, org_id: 'Acme' }), {}, call), code);
    }
    expect(await id().verify(id().good({ org_name: 'ACME' }), {}, call)).to.have.property('org_name', 'ACME');
  });
});
