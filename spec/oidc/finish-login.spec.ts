import { expect } from 'chai';
import nock from 'nock';
import {
  Auth0Error,
  LoginError,
  NetworkError,
  StoreUnavailableError,
  TokenResponseError,
  type TokenValidationError,
} from '../../lib/errors.js';
import { MemoryTransactionStore, type TransactionStore } from '../../lib/oidc/transaction-store.js';
import { record } from '../helpers/capture.js';
import { halfHash } from '../helpers/jwt.js';
import {
  ACCESS_TOKEN,
  CALLBACK,
  callback,
  CLIENT_SECRET,
  client,
  idToken,
  ISSUER,
  opened,
  ORIGIN,
  REFRESH_TOKEN,
  SECRET,
  serveKeys,
  tokenEndpoint,
} from '../helpers/oidc.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';

describe('OidcClient.finishLogin', () => {
  beforeEach(serveKeys);

  it('checks the callback, redeems the code with the verifier and the client secret, and verifies the ID token', async () => {
    const web = client();
    const login = await web.startLogin({ returnTo: '/orders' });
    const { state, nonce, codeVerifier } = opened(login);
    const token = tokenEndpoint(nonce);
    const before = Date.now();
    const result = await web.finishLogin(callback({ code: 'code-1', state }), [login.transaction.value]);
    expect(token.request.body).to.deep.equal({
      grant_type: 'authorization_code',
      code: 'code-1',
      code_verifier: codeVerifier,
      redirect_uri: CALLBACK,
      client_id: 'web',
      client_secret: CLIENT_SECRET,
    });
    expect(result.claims).to.deep.include({ sub: 'user-1', nonce });
    expect(result.tokens).to.deep.include({
      accessToken: ACCESS_TOKEN,
      refreshToken: REFRESH_TOKEN,
      tokenType: 'Bearer',
    });
    expect(result.tokens.expiresAt).to.be.within(before + 3_599_000, Date.now() + 3_600_000);
    expect([result.returnTo, result.transaction, result.userinfo]).to.deep.equal([
      '/orders',
      login.transaction.name,
      undefined,
    ]);
  });

  it('finishes a login whose transaction comes after any number of older ones', async () => {
    const web = client();
    const older = await Promise.all(Array.from({ length: 30 }, () => web.startLogin()));
    const login = await web.startLogin();
    const { state, nonce } = opened(login);
    tokenEndpoint(nonce);
    const values = [...older.map((started) => started.transaction.value), login.transaction.value];
    expect((await web.finishLogin(callback({ code: 'code-1', state }), values)).claims.sub).to.equal('user-1');
  });

  it("takes the request's cookies as a map, and uses the one named after the response's state", async () => {
    const web = client();
    const other = await web.startLogin();
    const login = await web.startLogin();
    const { state, nonce } = opened(login);
    tokenEndpoint(nonce);
    const cookies = new Map([
      ['theme', 'dark'],
      [other.transaction.name, other.transaction.value],
      [login.transaction.name, login.transaction.value],
    ]);
    const result = await web.finishLogin(callback({ code: 'code-1', state }), cookies);
    expect(result.transaction).to.equal(login.transaction.name);
  });
  it('sends no verifier when PKCE is off', async () => {
    const web = client({ usePkce: false });
    const login = await web.startLogin();
    const token = tokenEndpoint(opened(login).nonce);
    await web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value);
    expect(token.request.body).to.not.have.property('code_verifier');
  });

  it('refuses a transaction presented again: the store remembers it', async () => {
    const web = client();
    const login = await web.startLogin();
    tokenEndpoint(opened(login).nonce);
    const response = callback({ code: 'c', state: opened(login).state });
    await web.finishLogin(response, [login.transaction.value]);
    const err = (await rejectionOf(web.finishLogin(response, [login.transaction.value]))) as LoginError;
    expect([err.code, err.status, err.transaction]).to.deep.equal([
      'ERR_LOGIN_TRANSACTION_REPLAYED',
      400,
      login.transaction.name,
    ]);
  });

  it('fails closed when the transaction store is down, before redeeming the code', async () => {
    const down: TransactionStore = { consume: () => Promise.reject(new StoreUnavailableError('Redis down')) };
    const web = client({ transactionStore: down });
    const login = await web.startLogin();
    const token = tokenEndpoint(opened(login).nonce);
    const err = (await rejectionOf(
      web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value),
    )) as LoginError;
    expect([err.code, err.status]).to.deep.equal(['ERR_LOGIN_STORE_UNAVAILABLE', 503]);
    expect(err.cause).to.be.instanceOf(StoreUnavailableError);
    expect(token.requests).to.have.length(0);
    nock.cleanAll();
  });

  it("refuses the provider's error, keeping its words", async () => {
    const web = client();
    const login = await web.startLogin();
    const err = (await rejectionOf(
      web.finishLogin(callback({ error: 'login_required', state: opened(login).state }), login.transaction.value),
    )) as LoginError;
    expect([err.code, err.error]).to.deep.equal(['ERR_LOGIN_PROVIDER_ERROR', 'login_required']);
  });

  it("carries the token endpoint's refusal of the code", async () => {
    const web = client();
    const login = await web.startLogin();
    record(
      'POST',
      '/realms/demo/token',
      { status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } },
      ORIGIN,
    );
    const err = (await rejectionOf(
      web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value),
    )) as LoginError;
    expect([err.code, err.status, err.error, err.errorDescription]).to.deep.equal([
      'ERR_LOGIN_TOKEN_REQUEST',
      400,
      'invalid_grant',
      'grant request is invalid',
    ]);
    expect(err.cause).to.be.instanceOf(Auth0Error);
  });

  it('says the provider is unavailable when the token endpoint cannot be reached', async () => {
    const web = client({}, { token_endpoint: 'http://127.0.0.1:1/token' });
    const login = await web.startLogin();
    const err = (await rejectionOf(
      web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value),
    )) as LoginError;
    expect([err.code, err.status]).to.deep.equal(['ERR_LOGIN_PROVIDER_UNAVAILABLE', 503]);
    expect(err.cause).to.be.instanceOf(NetworkError);
  });

  it('refuses a token response without an ID token, or with a token type other than Bearer', async () => {
    const web = client();
    for (const extra of [{ id_token: undefined }, { token_type: 'DPoP' }]) {
      const login = await web.startLogin();
      tokenEndpoint(opened(login).nonce, {}, extra);
      const err = (await rejectionOf(
        web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value),
      )) as LoginError;
      expect([err.code, err.status]).to.deep.equal(['ERR_LOGIN_TOKEN_RESPONSE', 502]);
      expect(err.cause).to.be.instanceOf(TokenResponseError);
    }
  });

  for (const [label, claims, cause] of [
    ['another nonce', { nonce: 'another' }, 'ERR_TOKEN_NONCE_MISMATCH'],
    ['another audience', { aud: 'spa' }, 'ERR_TOKEN_AUD_MISMATCH'],
    ['another issuer', { iss: `${ISSUER}/` }, 'ERR_TOKEN_ISS_MISMATCH'],
    ['a bad at_hash', { at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }, 'ERR_TOKEN_AT_HASH_MISMATCH'],
    ['another azp', { azp: 'spa' }, 'ERR_TOKEN_AZP_MISMATCH'],
  ] as const) {
    it(`refuses an ID token with ${label}`, async () => {
      const web = client();
      const login = await web.startLogin();
      tokenEndpoint(opened(login).nonce, claims);
      const err = (await rejectionOf(
        web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value),
      )) as LoginError;
      expect(err.code).to.equal('ERR_LOGIN_ID_TOKEN_INVALID');
      expect((err.cause as TokenValidationError).code).to.equal(cause);
    });
  }

  it('checks auth_time against the max_age of the login, and the organization', async () => {
    const web = client();
    const old = Math.floor(Date.now() / 1000) - 1000;
    for (const [params, claims, cause] of [
      [{ max_age: '60' }, { auth_time: old }, 'ERR_TOKEN_AUTH_TIME_TOO_OLD'],
      [{ max_age: '60' }, {}, 'ERR_TOKEN_AUTH_TIME_MISSING'],
      [{ organization: 'org_123' }, { org_id: 'org_456' }, 'ERR_TOKEN_ORG_ID_MISMATCH'],
    ] as const) {
      const login = await web.startLogin(params);
      tokenEndpoint(opened(login).nonce, claims);
      const err = (await rejectionOf(
        web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value),
      )) as LoginError;
      expect((err.cause as TokenValidationError).code).to.equal(cause);
    }
  });

  it('fetches userinfo with the access token, and refuses a profile about another user', async () => {
    const web = client({ fetchUserinfo: true });
    for (const [sub, ok] of [
      ['user-1', true],
      ['user-2', false],
    ] as const) {
      const login = await web.startLogin();
      tokenEndpoint(opened(login).nonce);
      const userinfo = record('GET', '/realms/demo/me', { body: { sub, email: 'ada@example.com' } }, ORIGIN);
      const finishing = web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value);
      if (ok) {
        expect((await finishing).userinfo).to.deep.equal({ sub, email: 'ada@example.com' });
        expect(userinfo.request.headers.authorization).to.equal(`Bearer ${ACCESS_TOKEN}`);
      } else {
        const err = (await rejectionOf(finishing)) as LoginError;
        expect([err.code, err.status]).to.deep.equal(['ERR_LOGIN_USERINFO', 502]);
      }
    }
  });

  it('carries a refusal of the UserInfo endpoint', async () => {
    const web = client({ fetchUserinfo: true });
    const login = await web.startLogin();
    tokenEndpoint(opened(login).nonce);
    record('GET', '/realms/demo/me', { status: 401, body: { error: 'invalid_token' } }, ORIGIN);
    const err = (await rejectionOf(
      web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value),
    )) as LoginError;
    expect([err.code, err.error]).to.deep.equal(['ERR_LOGIN_USERINFO', 'invalid_token']);
  });

  describe('implicit and hybrid flows', () => {
    const spa = () => client({ clientId: 'web', clientSecret: undefined, responseType: 'id_token token' });

    it('verifies an id_token token response posted by form_post, requiring its at_hash', async () => {
      const web = spa();
      const login = await web.startLogin();
      const { state, nonce } = opened(login);
      const body = {
        id_token: idToken({ nonce, at_hash: halfHash(ACCESS_TOKEN) }),
        access_token: ACCESS_TOKEN,
        token_type: 'Bearer',
        expires_in: '3600',
        state,
      };
      const result = await web.finishLogin(body, login.transaction.value);
      expect(result.tokens).to.deep.include({ accessToken: ACCESS_TOKEN, tokenType: 'Bearer' });
      expect(result.claims.sub).to.equal('user-1');
      const again = await web.startLogin();
      const bad = { ...body, state: opened(again).state, id_token: idToken({ nonce: opened(again).nonce }) };
      const err = (await rejectionOf(web.finishLogin(bad, again.transaction.value))) as LoginError;
      expect((err.cause as TokenValidationError).code).to.equal('ERR_TOKEN_AT_HASH_MISSING');
    });

    it('verifies an id_token response and returns its ID token alone', async () => {
      const web = client({ clientSecret: undefined, responseType: 'id_token' });
      const login = await web.startLogin();
      const { state, nonce } = opened(login);
      const result = await web.finishLogin({ id_token: idToken({ nonce }), state }, [login.transaction.value]);
      expect(Object.keys(result.tokens)).to.deep.equal(['idToken']);
    });

    it('verifies the c_hash of a hybrid response, then redeems the code', async () => {
      const web = client({ responseType: 'code id_token' });
      const login = await web.startLogin();
      const { state, nonce } = opened(login);
      tokenEndpoint(nonce);
      const front = idToken({ nonce, c_hash: halfHash('code-1') });
      const result = await web.finishLogin(
        new URLSearchParams({ code: 'code-1', id_token: front, state }),
        login.transaction.value,
      );
      expect(result.tokens.accessToken).to.equal(ACCESS_TOKEN);

      const next = await web.startLogin();
      const wrong = idToken({ nonce: opened(next).nonce, c_hash: halfHash('other-code') });
      const err = (await rejectionOf(
        web.finishLogin({ code: 'code-1', id_token: wrong, state: opened(next).state }, next.transaction.value),
      )) as LoginError;
      expect((err.cause as TokenValidationError).code).to.equal('ERR_TOKEN_C_HASH_MISMATCH');
    });

    it('refuses a hybrid login whose two ID tokens are about different users', async () => {
      const web = client({ responseType: 'code id_token' });
      const login = await web.startLogin();
      const { state, nonce } = opened(login);
      tokenEndpoint(nonce, { sub: 'user-2' });
      const front = idToken({ nonce, c_hash: halfHash('code-1') });
      const err = (await rejectionOf(
        web.finishLogin({ code: 'code-1', id_token: front, state }, login.transaction.value),
      )) as LoginError;
      expect(err.code).to.equal('ERR_LOGIN_ID_TOKEN_INVALID');
      expect((err.cause as TokenValidationError).code).to.equal('ERR_TOKEN_SUB_MISMATCH');
    });
  });

  it('keeps secrets, codes, verifiers and tokens out of its errors', async () => {
    const web = client();
    const login = await web.startLogin();
    const { state, codeVerifier } = opened(login);
    record('POST', '/realms/demo/token', { status: 400, body: { error: 'invalid_grant' } }, ORIGIN);
    const err = await rejectionOf(
      web.finishLogin(callback({ code: 'secret-code-0123456789', state }), login.transaction.value),
    );
    expectNoSecrets(err, [CLIENT_SECRET, SECRET, 'secret-code-0123456789', codeVerifier!, login.transaction.value]);
  });

  it('uses the memory store when given none, and the store given otherwise', async () => {
    const store = new MemoryTransactionStore();
    const web = client({ transactionStore: store });
    const login = await web.startLogin();
    tokenEndpoint(opened(login).nonce);
    await web.finishLogin(callback({ code: 'c', state: opened(login).state }), login.transaction.value);
    expect(store.size).to.equal(1);
  });
});
