// The API middleware's opt-in introspection of opaque access tokens (RFC 7662), against a local introspection
// endpoint: the checks of the answer, the cache of answers, one request per token in flight, and 503 when the
// endpoint fails.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import {
  ConfigurationError,
  InvalidTokenError,
  KeySourceUnavailableError,
  NetworkError,
  ServiceUnavailableError,
} from '../../lib/errors.js';
import { BearerAuthenticator, type BearerAuthOptions } from '../../lib/middleware/bearer.js';
import { isCompactJws, type IntrospectionOptions } from '../../lib/middleware/introspection.js';
import { API, bearer, now, refusal, startTestIssuer, type TestIssuer } from '../helpers/issuer.js';
import { DISCOVERY_PATH } from '../helpers/jwks-server.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';

const TOKEN = '2YotnFZFEjr1zCsicMWpAA';
const SECRET = 'resource-server-SECRET';

describe('introspection of opaque access tokens', () => {
  let tenant: TestIssuer;
  /** The form bodies the introspection endpoint received. */
  let seen: Record<string, string>[];
  /** What the endpoint answers for a token. */
  let answer: (token: string) => { status?: number; body: unknown; delay?: number };

  before(async () => {
    tenant = await startTestIssuer('introspection-tenant');
  });
  after(() => tenant.close());

  beforeEach(() => {
    tenant.reset();
    seen = [];
    answer = () => ({ body: { active: true, sub: 'u1', aud: API, scope: 'read:a write:a', exp: now() + 3600 } });
    tenant.server.set('/introspect', (req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(raw));
        seen.push(form);
        const { status = 200, body, delay = 0 } = answer(form.token ?? '');
        setTimeout(
          () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
          delay,
        );
      });
    });
  });

  const introspection = (extra: Partial<IntrospectionOptions> = {}): IntrospectionOptions => ({
    endpoints: { introspection: `${tenant.server.origin}/introspect` },
    clientId: 'api',
    clientSecret: SECRET,
    ...extra,
  });

  function authenticator(options: Partial<BearerAuthOptions> = {}, extra?: Partial<IntrospectionOptions>) {
    return new BearerAuthenticator({
      issuer: tenant.issuer,
      jwksUri: tenant.jwksUri,
      audience: API,
      introspection: introspection(extra),
      ...options,
    });
  }

  it('tells a compact JWS from an opaque token', () => {
    expect(isCompactJws('a.b.c')).to.equal(true);
    expect(isCompactJws('a.b.')).to.equal(true);
    for (const token of [TOKEN, 'ya29.a0AfH6SM', 'a.b.c.d', 'a.b.c.d.e'])
      expect(isCompactJws(token), token).to.equal(false);
  });

  it('puts the answer of an active token on req.auth, with its scopes and no header', async () => {
    const auth = await authenticator().authenticate(bearer(TOKEN));
    expect(auth?.payload).to.include({ active: true, sub: 'u1', aud: API });
    expect(auth?.scopes).to.deep.equal(['read:a', 'write:a']);
    expect(auth?.header).to.equal(undefined);
    expect(auth?.token).to.equal(TOKEN);
    expect(seen).to.deep.equal([
      { token: TOKEN, token_type_hint: 'access_token', client_id: 'api', client_secret: SECRET },
    ]);
  });

  it('still verifies JWTs with the keys of the issuer, without introspection', async () => {
    const auth = await authenticator().authenticate(bearer(tenant.sign()));
    expect(auth?.header).to.include({ alg: 'RS256' });
    expect(seen).to.deep.equal([]);
  });

  for (const [name, body, code] of [
    ['an inactive token', { active: false }, 'ERR_TOKEN_INACTIVE'],
    ['another audience', { active: true, aud: 'https://other.example.com/' }, 'ERR_TOKEN_AUD_MISMATCH'],
    ['no audience', { active: true }, 'ERR_TOKEN_AUD_MISSING'],
    ['another issuer', { active: true, aud: API, iss: 'https://evil.example.com/' }, 'ERR_TOKEN_ISS_MISMATCH'],
    ['an expired token', { active: true, aud: API, exp: now() - 3600 }, 'ERR_TOKEN_EXPIRED'],
    ['a token not yet valid', { active: true, aud: API, nbf: now() + 3600 }, 'ERR_TOKEN_NOT_YET_VALID'],
    // RFC 7662 introspects refresh tokens too (token_type_hint is only a hint): one the provider gives the API's
    // audience must not open the API as an access token would (Ory Hydra marks it with token_use only).
    ['a refresh token (token_type)', { active: true, aud: API, token_type: 'refresh_token' }, 'ERR_TOKEN_NOT_ACCESS'],
    ['a refresh token (token_use)', { active: true, aud: API, token_use: 'refresh_token' }, 'ERR_TOKEN_NOT_ACCESS'],
    ['an ID token (token_type)', { active: true, aud: API, token_type: 'id_token' }, 'ERR_TOKEN_NOT_ACCESS'],
  ] as const) {
    it(`answers 401 invalid_token for ${name}`, async () => {
      answer = () => ({ body });
      const err = await refusal(authenticator().authenticate(bearer(TOKEN)), code);
      expect(err.status).to.equal(401);
      expectNoSecrets(err, [TOKEN, SECRET]);
    });
  }

  it('accepts an answer that names the issuer itself, and applies maxTokenAge', async () => {
    answer = () => ({ body: { active: true, aud: [API, 'x'], iss: tenant.issuer, iat: now() - 300 } });
    expect((await authenticator().authenticate(bearer(TOKEN)))?.payload.iss).to.equal(tenant.issuer);
    await refusal(authenticator({ maxTokenAge: 10 }).authenticate(bearer(TOKEN)), 'ERR_TOKEN_TOO_OLD');
  });

  it('accepts the access-token types an answer may name: Bearer, DPoP (any case), access_token', async () => {
    for (const marks of [
      { token_type: 'Bearer' },
      { token_type: 'bearer' },
      { token_type: 'DPoP' },
      { token_type: 'access_token' },
      { token_use: 'access_token' },
      { token_type: 'Bearer', token_use: 'access_token' },
    ]) {
      answer = () => ({ body: { active: true, aud: API, ...marks } });
      expect((await authenticator().authenticate(bearer(TOKEN)))?.payload, JSON.stringify(marks)).to.include(marks);
    }
  });

  it('refuses a token bound to a key presented as a bearer token, as for a JWT', async () => {
    answer = () => ({ body: { active: true, aud: API, cnf: { jkt: 'thumbprint' } } });
    await refusal(authenticator().authenticate(bearer(TOKEN)), 'ERR_TOKEN_CNF_BOUND');
  });

  it("caches an answer until the token's exp, never past maxCacheAge", async () => {
    let clock = 1_000_000;
    const subject = authenticator({ clock: () => clock }, { maxCacheAge: 120 });
    answer = () => ({ body: { active: true, aud: API, exp: 1_000_060 } });
    await subject.authenticate(bearer(TOKEN));
    clock += 59;
    await subject.authenticate(bearer(TOKEN));
    expect(seen).to.have.length(1);
    clock += 1; // the token's exp: asked again (and still accepted, within the 60 s leeway)
    await subject.authenticate(bearer(TOKEN));
    expect(seen).to.have.length(2);

    const capped = authenticator({ clock: () => clock }, { maxCacheAge: 30 });
    answer = () => ({ body: { active: true, aud: API, exp: clock + 3600 } });
    await capped.authenticate(bearer(TOKEN));
    clock += 29;
    await capped.authenticate(bearer(TOKEN));
    expect(seen).to.have.length(3);
    clock += 1;
    await capped.authenticate(bearer(TOKEN));
    expect(seen).to.have.length(4);
  });

  it('keeps at most maxEntries answers, the oldest going first', async () => {
    const subject = authenticator({}, { maxEntries: 1 });
    await subject.authenticate(bearer('token-a'));
    await subject.authenticate(bearer('token-b'));
    await subject.authenticate(bearer('token-a'));
    expect(seen.map((form) => form.token)).to.deep.equal(['token-a', 'token-b', 'token-a']);
  });

  // Every request with a garbage opaque token cost one authenticated introspection: anyone could push the provider
  // into rate-limiting, after which uncached good tokens got 503.
  it('reuses an inactive answer for inactiveCacheAge seconds (default 5), and no other refusal', async () => {
    let clock = 1_000_000;
    const subject = authenticator({ clock: () => clock });
    answer = () => ({ body: { active: false } });
    await refusal(subject.authenticate(bearer('garbage')), 'ERR_TOKEN_INACTIVE');
    clock += 4;
    const cached = await refusal(subject.authenticate(bearer('garbage')), 'ERR_TOKEN_INACTIVE');
    expect(seen).to.have.length(1);
    expectNoSecrets(cached, ['garbage']);
    clock += 1;
    await refusal(subject.authenticate(bearer('garbage')), 'ERR_TOKEN_INACTIVE');
    expect(seen).to.have.length(2);

    answer = () => ({ body: { active: true, aud: 'https://other.example.com/' } });
    await refusal(subject.authenticate(bearer('elsewhere')), 'ERR_TOKEN_AUD_MISMATCH');
    await refusal(subject.authenticate(bearer('elsewhere')), 'ERR_TOKEN_AUD_MISMATCH');
    expect(seen).to.have.length(4);

    const uncached = authenticator({ clock: () => clock }, { inactiveCacheAge: 0 });
    answer = () => ({ body: { active: false } });
    await refusal(uncached.authenticate(bearer('garbage')));
    await refusal(uncached.authenticate(bearer('garbage')));
    expect(seen).to.have.length(6);
  });

  it('answers 503 for a new token while maxInFlight introspections are under way, without asking', async () => {
    answer = () => ({ body: { active: true, aud: API }, delay: 50 });
    const subject = authenticator({}, { maxInFlight: 2 });
    const [first, second, third, again] = await Promise.allSettled([
      subject.authenticate(bearer('token-1')),
      subject.authenticate(bearer('token-2')),
      subject.authenticate(bearer('token-3')),
      subject.authenticate(bearer('token-1')), // shares the introspection under way
    ]);
    expect([first.status, second.status, again.status]).to.deep.equal(['fulfilled', 'fulfilled', 'fulfilled']);
    const refused = (third as PromiseRejectedResult).reason as ServiceUnavailableError;
    expect(refused).to.be.instanceOf(ServiceUnavailableError);
    expect(refused.cause).to.be.instanceOf(KeySourceUnavailableError);
    expect(seen.map((form) => form.token)).to.deep.equal(['token-1', 'token-2']);
    expect((await subject.authenticate(bearer('token-3')))?.token).to.equal('token-3');
  });

  it('sends one introspection request however many requests carry the token at once', async () => {
    answer = () => ({ body: { active: true, aud: API }, delay: 30 });
    const subject = authenticator();
    const results = await Promise.all(Array.from({ length: 100 }, () => subject.authenticate(bearer(TOKEN))));
    expect(seen).to.have.length(1);
    expect(new Set(results.map((result) => result?.payload)).size).to.equal(1);
  });

  for (const [name, reply] of [
    ['answers 5xx', { status: 503, body: 'down' }],
    ['refuses our credentials', { status: 401, body: { error: 'invalid_client' } }],
    ['answers without active', { body: { sub: 'u1' } }],
    ['answers an active that is not a boolean', { body: { active: 'true', aud: API } }],
  ] as const) {
    it(`answers 503, not 401, when the introspection endpoint ${name}`, async () => {
      answer = () => reply;
      const err = await rejectionOf(authenticator().authenticate(bearer(TOKEN)));
      expect(err).to.be.instanceOf(ServiceUnavailableError);
      expect((err as ServiceUnavailableError).cause).to.be.instanceOf(KeySourceUnavailableError);
      expectNoSecrets(err, [TOKEN, SECRET]);
    });
  }

  it('answers 503 when the introspection endpoint cannot be reached', async () => {
    const err = await rejectionOf(
      authenticator({}, { endpoints: { introspection: 'http://127.0.0.1:1/introspect' } }).authenticate(bearer(TOKEN)),
    );
    expect(err).to.be.instanceOf(ServiceUnavailableError);
    expect((err as ServiceUnavailableError).cause).to.be.instanceOf(NetworkError);
  });

  it("finds the introspection endpoint in the issuer's discovery document by default", async () => {
    tenant.server.setDiscovery({
      issuer: tenant.issuer,
      jwks_uri: tenant.jwksUri,
      introspection_endpoint: `${tenant.server.origin}/introspect`,
    });
    const subject = new BearerAuthenticator({
      issuer: tenant.issuer,
      audience: API,
      introspection: { clientId: 'api', clientSecret: SECRET },
    });
    expect((await subject.authenticate(bearer(TOKEN)))?.payload.sub).to.equal('u1');
    expect(tenant.server.count(DISCOVERY_PATH)).to.equal(1);
  });

  it('introspects with the entry of an issuers list, and with the entry a resolver returns', async () => {
    const entry = { issuer: tenant.issuer, jwksUri: tenant.jwksUri, introspection: introspection() };
    const listed = new BearerAuthenticator({ issuers: ['https://other.example.com/', entry], audience: API });
    expect((await listed.authenticate(bearer(TOKEN)))?.payload.sub).to.equal('u1');
    const resolved = new BearerAuthenticator({ issuers: () => [entry], audience: API });
    await resolved.authenticate(bearer(TOKEN));
    await resolved.authenticate(bearer(TOKEN));
    expect(seen).to.have.length(2); // one per authenticator: the resolver's verifier is kept, with its cache
    const none = new BearerAuthenticator({ issuers: () => [{ issuer: tenant.issuer }], audience: API });
    await refusal(none.authenticate(bearer(TOKEN)), 'ERR_TOKEN_MALFORMED');
  });

  it('refuses an opaque token without introspection, as before', async () => {
    const plain = new BearerAuthenticator({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API });
    expect(await rejectionOf(plain.authenticate(bearer(TOKEN)))).to.be.instanceOf(InvalidTokenError);
    expect(seen).to.deep.equal([]);
  });

  it('refuses two introspecting issuers, introspection for ID tokens, and bad cache settings', () => {
    const entry = (issuer: string) => ({ issuer, introspection: introspection() });
    const cases: [Partial<BearerAuthOptions>, string][] = [
      [
        {
          issuer: undefined,
          jwksUri: undefined,
          introspection: undefined,
          issuers: [entry('https://a/'), entry('https://b/')],
        },
        'issuers',
      ],
      [{ tokenType: 'id_token' }, 'introspection'],
      [{ introspection: { ...introspection(), maxCacheAge: 0 } }, 'introspection.maxCacheAge'],
      [{ introspection: { ...introspection(), maxEntries: 1.5 } }, 'introspection.maxEntries'],
      [{ introspection: { ...introspection(), inactiveCacheAge: -1 } }, 'introspection.inactiveCacheAge'],
      [{ introspection: { ...introspection(), maxInFlight: 0 } }, 'introspection.maxInFlight'],
      [{ introspection: { clientId: 'api', issuer: 'not a url' } }, 'issuer'],
      [{ issuer: undefined, jwksUri: undefined, issuers: ['https://a/'], introspection: introspection() }, 'issuer'],
    ];
    for (const [options, option] of cases) {
      const err = thrownBy(() => authenticator(options));
      expect(err, option).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal(option);
    }
  });
});
