// The RFC 6750 behaviour every adapter's spec app shares, as one list of tests: each adapter's spec calls
// behavesAsBearerMiddleware() with a way to serve its app, so that the contract is written once.
import { expect } from 'chai';
import type { BearerAuthOptions } from '../../lib/middleware/bearer.js';
import {
  type Answer,
  answerWithKeySourceDown,
  API,
  expectClaimChecks,
  expectNoCredentials,
  expectUnavailable,
  get,
  type Listening,
  now,
  type TestIssuer,
} from './issuer.js';
import { corruptSignature } from './jwt.js';
import { rawGet } from './serve.js';

/** What the contract needs of an adapter's spec. */
export interface AdapterUnderTest {
  /** A short name, for the issuers the contract starts. */
  readonly name: string;
  /** The issuer of the spec's running app, once its `before` hook has run. */
  tenant(): TestIssuer;
  /** Calls the spec's running app (it trusts `tenant()` for audience `API`). */
  call(path: string, authorization?: string): Promise<Answer>;
  /** The port of the spec's running app, for raw requests. */
  port(): number;
  /**
   * Serves the adapter's spec app with these options: `/me` answering `{ sub, scopes }` of the auth result (null
   * without one), `/read` guarded by requiredScopes('read:messages'), and the routes of `CLAIM_CHECKS`.
   */
  serve(options: BearerAuthOptions): Promise<Listening>;
}

/**
 * Defines the shared tests: the 401 and 400 answers, invalid tokens, scopes and claim checks, the 503 of a key
 * source that is down, optional credentials.
 */
export function behavesAsBearerMiddleware(adapter: AdapterUnderTest): void {
  const sign = (claims: Record<string, unknown> = {}) => `Bearer ${adapter.tenant().sign(claims)}`;

  it('answers 401 with a bare Bearer challenge when no token comes', async () => {
    const answer = await adapter.call('/me');
    expectNoCredentials(answer);
    expect(answer.headers.get('cache-control')).to.equal('no-store');
  });

  it('answers a header of another scheme as no credentials: 401 with a bare challenge (RFC 6750 §3.1)', async () => {
    expectNoCredentials(await adapter.call('/me', 'Basic dXNlcjpwYXNz'));
  });

  it('answers 400 invalid_request for a malformed header', async () => {
    for (const authorization of ['Bearer', `${sign()} x`]) {
      const answer = await adapter.call('/me', authorization);
      expect(answer.status, authorization).to.equal(400);
      expect(answer.headers.get('www-authenticate')).to.match(/^Bearer realm=".+", error="invalid_request"/);
      expect(answer.json?.error).to.equal('invalid_request');
    }
  });

  it('answers 400 invalid_request for a repeated Authorization header', async () => {
    const authorization = `Authorization: ${sign()}`;
    const answer = await rawGet(adapter.port(), '/me', [authorization, authorization]);
    expect(answer.status).to.equal(400);
    expect(answer.text).to.include('error="invalid_request"');
  });

  it('answers 401 invalid_token with a short description for an expired, forged or misdirected token', async () => {
    const tenant = adapter.tenant();
    const cases: Array<[string, string]> = [
      [tenant.sign({ exp: now() - 120 }), 'the token has expired'],
      [corruptSignature(tenant.sign()), 'the token signature is invalid'],
      [tenant.sign({ aud: 'https://other.example.com/' }), 'the token is meant for another audience'],
      [tenant.sign({ iss: 'https://evil.example/' }), 'the token issuer is not trusted'],
    ];
    for (const [token, description] of cases) {
      const answer = await adapter.call('/me', `Bearer ${token}`);
      expect(answer.status, description).to.equal(401);
      expect(answer.headers.get('www-authenticate')).to.equal(
        `Bearer realm="${API}", error="invalid_token", error_description="${description}"`,
      );
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.json).to.deep.equal({ error: 'invalid_token', error_description: description });
      expect(answer.text).to.not.include(token.split('.')[1]!);
    }
  });

  it('answers 403 insufficient_scope with the needed scope', async () => {
    const answer = await adapter.call('/read', sign({ scope: 'write:messages' }));
    expect(answer.status).to.equal(403);
    expect(answer.headers.get('www-authenticate')).to.equal(
      `Bearer realm="${API}", error="insufficient_scope", error_description="the token lacks a required scope", scope="read:messages"`,
    );
    expect(answer.json?.error).to.equal('insufficient_scope');
    expect((await adapter.call('/read', sign({ scope: 'read:messages' }))).status).to.equal(200);
    expect((await adapter.call('/read', sign({ permissions: ['read:messages'] }))).status).to.equal(200);
  });

  it('runs every claim check', async () => {
    await expectClaimChecks((path, authorization) => adapter.call(path, authorization), adapter.tenant());
  });

  it("answers 503 with Retry-After when the key source is down and no key is cached: the fetcher's backoff, 1 s after a first failure, over the retryAfter option", async () => {
    const answer = await answerWithKeySourceDown(`${adapter.name}-down`, (down) =>
      adapter.serve({ issuer: down.issuer, jwksUri: down.jwksUri, audience: API, retryAfter: 12 }),
    );
    expectUnavailable(answer, 1);
  });

  describe('with credentialsRequired: false', () => {
    let open: Listening;

    before(async () => {
      const { issuer, jwksUri } = adapter.tenant();
      open = await adapter.serve({ issuer, jwksUri, audience: API, credentialsRequired: false, realm: 'open' });
    });

    after(() => open.close());

    it('lets a request without a token through without an auth result, and the claim checks refuse it with 401', async () => {
      expect((await get(`${open.url}/me`)).json).to.deep.equal({ sub: null, scopes: null });
      const answer = await get(`${open.url}/read`);
      expect(answer.status).to.equal(401);
      expect(answer.headers.get('www-authenticate')).to.equal('Bearer realm="open"');
    });

    it('still refuses an invalid token', async () => {
      const answer = await get(`${open.url}/me`, { authorization: sign({ exp: now() - 120 }) });
      expect(answer.status).to.equal(401);
      expect(answer.json?.error).to.equal('invalid_token');
    });
  });
}
