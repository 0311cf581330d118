// A token issuer for the middleware specs: a local JWKS/discovery server (spec/helpers/jwks-server.ts) with an
// RSA key of its own, and a signer of access tokens for it. Tokens use the real clock, since they travel
// through real HTTP servers.
import { expect } from 'chai';
import { InvalidTokenError, type TokenValidationError } from '../../lib/errors.js';
import { type JwksServer, startJwksServer } from './jwks-server.js';
import { publicJwk, type SignJwtOptions, signJwt } from './jwt.js';
import { rsaKeys } from './keys.js';
import { rejectionOf } from './secrets.js';

/** The API identifier of the middleware specs. */
export const API = 'https://api.example.com/';

/** A running test issuer. */
export interface TestIssuer {
  readonly server: JwksServer;
  /** `http://127.0.0.1:PORT/`. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** An access token of this issuer, signed with its key (`kid` k1), valid for an hour, with `claims` on top. */
  sign(claims?: Record<string, unknown>, options?: SignJwtOptions): string;
  /** Serves the issuer's key set (and discovery document) again, and zeroes the request counts. */
  reset(): void;
  close(): Promise<void>;
}

/** A request-like object carrying `token` as a bearer token. */
export function bearer(token: string): { headers: { authorization: string } } {
  return { headers: { authorization: `Bearer ${token}` } };
}

/**
 * Asserts that `promise` rejects with an `InvalidTokenError` (401) whose cause, the verifier's
 * `TokenValidationError`, has `code` when given; returns the error.
 */
export async function refusal(promise: Promise<unknown>, code?: string): Promise<InvalidTokenError> {
  const err = await rejectionOf(promise);
  expect(err).to.be.instanceOf(InvalidTokenError);
  if (code !== undefined) expect(((err as InvalidTokenError).cause as TokenValidationError).code).to.equal(code);
  return err as InvalidTokenError;
}

/** The two issuers of {@link twoIssuers}, set once its `before` hook has run. */
export interface TwoIssuers {
  a: TestIssuer;
  b: TestIssuer;
}

/**
 * Registers hooks that run two test issuers for the calling `describe` (`issuer-a`, `issuer-b`), reset before
 * every test and closed after the last; returns the object their `before` hook fills in.
 */
export function twoIssuers(): TwoIssuers {
  const both = {} as TwoIssuers;
  before(async () => {
    [both.a, both.b] = await Promise.all([startTestIssuer('issuer-a'), startTestIssuer('issuer-b')]);
  });
  after(() => Promise.all([both.a?.close(), both.b?.close()]));
  beforeEach(() => {
    both.a.reset();
    both.b.reset();
  });
  return both;
}

/** Epoch seconds now. */
export function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** Starts an issuer whose key is the shared test key pair `name`. */
export async function startTestIssuer(name: string): Promise<TestIssuer> {
  const server = await startJwksServer();
  const keys = rsaKeys(name);
  const reset = () => {
    server.setKeys([publicJwk(keys.publicKey, { kid: 'k1', alg: 'RS256', use: 'sig' })]);
    server.setDiscovery();
    server.resetCounts();
  };
  reset();
  return {
    server,
    issuer: server.issuer,
    jwksUri: server.jwksUri,
    sign(claims = {}, options = {}) {
      const iat = now();
      const payload = { iss: server.issuer, sub: 'user-1', aud: API, iat, exp: iat + 3600, ...claims };
      return signJwt(payload, { kid: 'k1', key: keys.privateKey, ...options });
    },
    reset,
    close: () => server.close(),
  };
}

/** What a request got back. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or `undefined`. */
  json: Record<string, unknown> | undefined;
}

/** GETs `url` with `headers` and reads the whole answer. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Asserts the answer to a request without bearer credentials: 401, a bare challenge, the default JSON body. */
export function expectNoCredentials(answer: Answer, realm = API): void {
  expect(answer.status).to.equal(401);
  expect(answer.headers.get('www-authenticate')).to.equal(`Bearer realm="${realm}"`);
  expect(answer.json).to.deep.equal({ error: 'unauthorized', error_description: 'authentication required' });
}

/** A server of the specs: where it listens, and how to stop it. */
export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves an app that trusts a fresh issuer (`serveApp`), stops that issuer, and GETs `/me` with one of its
 * tokens: what an API answers when its key source is down and no key is cached (503 with `Retry-After`).
 */
export async function answerWithKeySourceDown(
  name: string,
  serveApp: (issuer: TestIssuer) => Promise<Listening>,
): Promise<Answer> {
  const down = await startTestIssuer(name);
  const app = await serveApp(down);
  try {
    const token = down.sign();
    await down.close(); // connection refused from now on
    return await get(`${app.url}/me`, { authorization: `Bearer ${token}` });
  } finally {
    await app.close();
  }
}

/** Asserts the answer of an API whose key source is down: 503, `Retry-After`, no challenge, the JSON body. */
export function expectUnavailable(answer: Answer, retryAfter: number): void {
  expect(answer.status).to.equal(503);
  expect(answer.headers.get('retry-after')).to.equal(String(retryAfter));
  expect(answer.headers.get('www-authenticate')).to.equal(null);
  expect(answer.json?.error).to.equal('temporarily_unavailable');
}

/** The roles claim the adapters' spec apps guard `/editor` with. */
export const ROLES = 'https://example.com/roles';

/** A route guarded by a claim check, with claims that pass it and claims that do not. */
export type ClaimCheckCase = readonly [
  path: string,
  granted: Record<string, unknown>,
  refused: Record<string, unknown>,
];

/**
 * The claim-check routes every adapter's spec app serves: `/any` (scopeIncludesAny read:messages or admin),
 * `/m2m` (claimEquals gty), `/editor` (claimIncludes {@link ROLES} editor) and `/org` (claimCheck org_1).
 */
export const CLAIM_CHECKS: readonly ClaimCheckCase[] = [
  ['/any', { permissions: ['admin'] }, { scope: 'write:messages' }],
  ['/m2m', { gty: 'client-credentials' }, { gty: 'password' }],
  ['/editor', { [ROLES]: ['viewer', 'editor'] }, { [ROLES]: ['viewer'] }],
  ['/org', { org_id: 'org_1' }, { org_id: 'org_2' }],
];

/**
 * Asserts, for each case, that a token with the granted claims gets 200 and one with the refused claims 403
 * `insufficient_scope`, calling `path` with an `Authorization` header.
 */
export async function expectClaimChecks(
  call: (path: string, authorization: string) => Promise<Answer>,
  issuer: TestIssuer,
  cases: readonly ClaimCheckCase[] = CLAIM_CHECKS,
): Promise<void> {
  for (const [path, granted, refused] of cases) {
    expect((await call(path, `Bearer ${issuer.sign(granted)}`)).status, path).to.equal(200);
    const answer = await call(path, `Bearer ${issuer.sign(refused)}`);
    expect(answer.status, path).to.equal(403);
    expect(answer.headers.get('www-authenticate')).to.include('error="insufficient_scope"');
  }
}
