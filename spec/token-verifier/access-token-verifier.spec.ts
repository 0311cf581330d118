import { expect } from 'chai';
import {
  ConfigurationError,
  KeyNotFoundError,
  KeySourceUnavailableError,
  NetworkError,
  TokenValidationError,
} from '../../lib/errors.js';
import { DIAGNOSTICS_CHANNELS, type VerificationFailureMessage } from '../../lib/diagnostics.js';
import { DiscoveryCache } from '../../lib/oidc/discovery.js';
import {
  AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  scopesOf,
} from '../../lib/token-verifier/access-token-verifier.js';
import { JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import { pendingOnPool } from '../../lib/token-verifier/offload.js';
import { listen, stopListening } from '../helpers/diagnostics.js';
import { DISCOVERY_PATH, JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { publicJwk, signJwt } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';

const API = 'https://api.example.com/';
const NOW = 1_700_000_000;
const SECRET = 'api-shared-secret-that-is-long-enough-for-hs256';

type Claims = Record<string, unknown>;

describe('AccessTokenVerifier', () => {
  let tenantA: JwksServer;
  let tenantB: JwksServer;
  const keyA = () => rsaKeys('tenant-a');
  const keyB = () => rsaKeys('tenant-b');

  before(async () => {
    [tenantA, tenantB] = await Promise.all([startJwksServer(), startJwksServer()]);
  });

  after(async () => {
    await Promise.all([tenantA.close(), tenantB.close()]);
  });

  beforeEach(() => {
    tenantA.setKeys([publicJwk(keyA().publicKey, { kid: 'k1', alg: 'RS256' })]);
    tenantB.setKeys([publicJwk(keyB().publicKey, { kid: 'k1', alg: 'RS256' })]);
    tenantA.setDiscovery();
    tenantB.setDiscovery();
    tenantA.resetCounts();
    tenantB.resetCounts();
  });

  /** An access token of tenant A (signed with its key) with `changes`. */
  function tokenA(changes: Claims = {}, typ: string | null = 'at+jwt'): string {
    const payload = {
      iss: tenantA.issuer,
      sub: 'user-1',
      aud: API,
      iat: NOW,
      exp: NOW + 3600,
      scope: 'read:a',
      ...changes,
    };
    return signJwt(payload, { kid: 'k1', key: keyA().privateKey, typ });
  }

  function verifier(options: Partial<AccessTokenVerifierOptions> = {}): AccessTokenVerifier {
    return new AccessTokenVerifier({
      issuer: tenantA.issuer,
      jwksUri: tenantA.jwksUri,
      audience: API,
      clock: () => NOW,
      ...options,
    } as AccessTokenVerifierOptions);
  }

  async function failure(subject: AccessTokenVerifier, token: string): Promise<TokenValidationError> {
    const err = await rejectionOf(subject.verify(token));
    expect(err).to.be.instanceOf(TokenValidationError);
    return err as TokenValidationError;
  }

  describe('construction', () => {
    for (const [name, options] of [
      ['no issuer', { audience: API }],
      ['both issuer and issuers', { issuer: 'https://a/', issuers: ['https://b/'], audience: API }],
      ['an empty issuers list', { issuers: [], audience: API }],
      ['a jwksUri next to issuers', { issuers: ['https://a/'], jwksUri: 'https://a/jwks', audience: API }],
      ['an issuer listed twice', { issuers: ['https://a/', { issuer: 'https://a/' }], audience: API }],
      ['an empty issuer', { issuer: '', audience: API }],
      ['a bad issuers entry', { issuers: [42], audience: API }],
      [
        'two key sources for one issuer',
        { issuer: 'https://a/', jwksUri: 'https://a/jwks', secret: SECRET, audience: API },
      ],
      ['no audience', { issuer: 'https://a/' }],
      ['an empty audience list', { issuer: 'https://a/', audience: [] }],
      ['an empty audience', { issuer: 'https://a/', audience: [API, ''] }],
      ['an unknown algorithm', { issuer: 'https://a/', audience: API, algorithms: ['none'] }],
      ['no algorithm', { issuer: 'https://a/', audience: API, algorithms: [] }],
      ['HS256 without a secret', { issuer: 'https://a/', audience: API, algorithms: 'HS256' }],
      ['RS256 with a secret', { issuer: 'https://a/', audience: API, secret: SECRET, algorithms: 'RS256' }],
      ['a short secret', { issuer: 'https://a/', audience: API, secret: 'short' }],
      ['an http: issuer to discover', { issuer: 'http://tenant.example.com/', audience: API }],
      ['an http: JWKS URL', { issuer: 'https://a/', jwksUri: 'http://tenant.example.com/jwks', audience: API }],
      ['a bad leeway', { issuer: 'https://a/', audience: API, leeway: '60' }],
      ['a maxTokenAge of 0', { issuer: 'https://a/', audience: API, maxTokenAge: 0 }],
      ['a maxTokenAge as a string', { issuer: 'https://a/', audience: API, maxTokenAge: '3600' }],
      ['an infinite maxTokenAge', { issuer: 'https://a/', audience: API, maxTokenAge: Number.POSITIVE_INFINITY }],
      [
        'bad key-set options for a discovered issuer',
        { issuer: 'https://a/', audience: API, jwksOptions: { cacheTtl: -1 } },
      ],
      ['an unknown offload mode', { issuer: 'https://a/', audience: API, offload: 'sometimes' }],
    ] as const) {
      it(`refuses ${name}`, () => {
        expect(
          thrownBy(() => new AccessTokenVerifier(options as unknown as AccessTokenVerifierOptions)),
        ).to.be.instanceOf(ConfigurationError);
      });
    }

    it('makes no request until the first token, and has the documented defaults', async () => {
      const subject = new AccessTokenVerifier({ issuers: [tenantA.issuer, tenantB.issuer], audience: [API, 'other'] });
      expect(subject.issuers).to.deep.equal([tenantA.issuer, tenantB.issuer]);
      expect(subject.audiences).to.deep.equal([API, 'other']);
      expect(subject.leeway).to.equal(60);
      expect(subject.offload).to.equal('auto');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(tenantA.requests.length + tenantB.requests.length).to.equal(0);
    });
  });

  describe('verify', () => {
    it('resolves to the claims of a good token', async () => {
      expect(await verifier().verify(tokenA())).to.deep.include({ iss: tenantA.issuer, sub: 'user-1', aud: API });
      expect(tenantA.count(JWKS_PATH)).to.equal(1);
      expect(tenantA.count(DISCOVERY_PATH)).to.equal(0);
    });

    it('resolves verifyComplete to the header, claims, scopes and token', async () => {
      const token = tokenA({ scope: 'read:a write:a', permissions: ['read:a', 'admin'] });
      const result = await verifier().verifyComplete(token);
      expect(result.header).to.deep.equal({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' });
      expect(result.payload.sub).to.equal('user-1');
      expect(result.scopes).to.deep.equal(['read:a', 'write:a', 'admin']);
      expect(result.token).to.equal(token);
    });

    it('accepts typ at+jwt, JWT (Auth0) and no typ, and rejects other token types', async () => {
      const subject = verifier();
      for (const typ of ['at+jwt', 'application/at+jwt', 'JWT', null]) await subject.verify(tokenA({}, typ));
      for (const typ of ['logout+jwt', 'dpop+jwt', 'secevent+jwt']) {
        expect((await failure(subject, tokenA({}, typ))).code).to.equal('ERR_TOKEN_TYP_INVALID');
      }
    });

    it('accepts only at+jwt with strictTyp', async () => {
      const subject = verifier({ strictTyp: true });
      await subject.verify(tokenA());
      for (const typ of ['JWT', null])
        expect((await failure(subject, tokenA({}, typ))).code).to.equal('ERR_TOKEN_TYP_INVALID');
    });

    it('with strict, holds tokens to the RFC 9068 profile: typ at+jwt, and sub, client_id, iat and jti', async () => {
      const subject = verifier({ strict: true });
      const full = { client_id: 'm2m-app', jti: 'id-1' };
      const accepted = await subject.verifyComplete(tokenA(full));
      expect(accepted.payload.client_id).to.equal('m2m-app');
      const code = async (claims: Claims, typ: string | null = 'at+jwt') =>
        (await failure(subject, tokenA({ ...full, ...claims }, typ))).code;
      expect(await code({}, 'JWT')).to.equal('ERR_TOKEN_TYP_INVALID');
      expect(await code({}, null)).to.equal('ERR_TOKEN_TYP_INVALID');
      expect(await code({ sub: undefined })).to.equal('ERR_TOKEN_SUB_MISSING');
      expect(await code({ sub: '' })).to.equal('ERR_TOKEN_SUB_MISSING');
      expect(await code({ client_id: undefined })).to.equal('ERR_TOKEN_CLIENT_ID_MISSING');
      expect(await code({ client_id: 7 })).to.equal('ERR_TOKEN_CLIENT_ID_MISSING');
      expect(await code({ iat: undefined })).to.equal('ERR_TOKEN_IAT_MISSING');
      expect(await code({ jti: undefined })).to.equal('ERR_TOKEN_JTI_MISSING');
      expect(await code({ jti: '' })).to.equal('ERR_TOKEN_JTI_MISSING');
      // Without strict, each of these is optional (Auth0 access tokens carry no client_id, only azp).
      await verifier().verify(tokenA({ sub: undefined, iat: undefined }, 'JWT'));
    });

    it('refuses a strict option that is not a boolean', () => {
      expect(thrownBy(() => verifier({ strict: 'yes' as unknown as boolean }))).to.be.instanceOf(ConfigurationError);
    });

    it('accepts any of its audiences, in a string or a list, and nothing else', async () => {
      const subject = verifier({ audience: [API, 'https://other.example.com/'] });
      await subject.verify(tokenA({ aud: 'https://other.example.com/' }));
      await subject.verify(tokenA({ aud: ['https://x/', API] }));
      for (const aud of ['https://api.example.com', `${API}1`, [], ['x'], undefined, 7]) {
        expect((await failure(subject, tokenA({ aud }))).code).to.match(/^ERR_TOKEN_AUD_/);
      }
    });

    it('checks exp (required), iat, nbf and sub', async () => {
      const subject = verifier();
      const code = async (claims: Claims) => (await failure(subject, tokenA(claims))).code;
      expect(await code({ exp: undefined })).to.equal('ERR_TOKEN_EXP_MISSING');
      expect(await code({ exp: NOW - 60, iat: NOW - 3600 })).to.equal('ERR_TOKEN_EXPIRED');
      expect(await code({ iat: NOW + 61 })).to.equal('ERR_TOKEN_IAT_FUTURE');
      expect(await code({ iat: 'now' })).to.equal('ERR_TOKEN_IAT_MISSING');
      expect(await code({ nbf: NOW + 61 })).to.equal('ERR_TOKEN_NOT_YET_VALID');
      expect(await code({ sub: 42 })).to.equal('ERR_TOKEN_SUB_INVALID');
      expect(await subject.verify(tokenA({ exp: NOW - 59, iat: NOW - 3600, nbf: NOW + 60 }))).to.include({
        nbf: NOW + 60,
      });
      expect(await subject.verify(tokenA({ iat: undefined, sub: undefined }))).not.to.have.property('iat');
    });

    it('has no maximum token age by default: an old iat, or none, passes while exp allows', async () => {
      const subject = verifier();
      expect(subject.maxTokenAge).to.equal(undefined);
      expect(await subject.verify(tokenA({ iat: NOW - 365 * 86_400 }))).to.include({ iat: NOW - 365 * 86_400 });
      expect(await subject.verify(tokenA({ iat: undefined }))).not.to.have.property('iat');
    });

    it('with maxTokenAge, requires iat and rejects a token older than maxTokenAge + leeway', async () => {
      const subject = verifier({ maxTokenAge: 300, leeway: 10 });
      expect(subject.maxTokenAge).to.equal(300);
      expect(await subject.verify(tokenA({ iat: NOW - 310 }))).to.include({ iat: NOW - 310 });
      const old = await failure(subject, tokenA({ iat: NOW - 310.5 }));
      expect([old.code, old.claim]).to.deep.equal(['ERR_TOKEN_TOO_OLD', 'iat']);
      expect(old.message).to.equal(
        'Issued At (iat) claim is too old in the access token; the token was issued 310.5 seconds ago, the maximum age is 300 seconds',
      );
      const missing = await failure(subject, tokenA({ iat: undefined }));
      expect(missing.code).to.equal('ERR_TOKEN_IAT_MISSING');
      expect(missing.message).to.equal(
        'Issued At (iat) claim must be a number present in the access token when a maximum token age is configured',
      );
      expect((await failure(subject, tokenA({ iat: String(NOW) }))).code).to.equal('ERR_TOKEN_IAT_MISSING');
    });

    it('words its messages for an access token', async () => {
      const err = await failure(verifier(), tokenA({ aud: 'x' }));
      expect(err.message).to.equal(
        `Audience (aud) claim mismatch in the access token; expected "${API}" but found "x"`,
      );
      expect((await rejectionOf(verifier().verify(''))).message).to.equal('Access token is required but missing.');
    });

    it('never throws synchronously', async () => {
      const subject = verifier();
      for (const token of [undefined, 42, 'a.b', tokenA({ iss: 'x' })]) {
        const result = subject.verify(token as string);
        expect(result).to.be.instanceOf(Promise);
        expect(await rejectionOf(result)).to.be.instanceOf(TokenValidationError);
        const complete = subject.verifyComplete(token as string);
        expect(complete).to.be.instanceOf(Promise);
        await rejectionOf(complete);
      }
    });
  });

  describe('issuers', () => {
    it('matches iss against the allowlist before any request', async () => {
      const subject = new AccessTokenVerifier({ issuers: [tenantA.issuer], audience: API, clock: () => NOW });
      for (const iss of [tenantB.issuer, tenantA.origin, `${tenantA.issuer} `, undefined, ['x']]) {
        const err = await failure(subject, tokenA({ iss }));
        expect(err.code).to.match(/^ERR_TOKEN_ISS_(MISMATCH|MISSING)$/);
      }
      expect(tenantA.requests).to.deep.equal([]);
      expect(tenantB.requests).to.deep.equal([]);
    });

    it('finds each issuer JWKS through its own discovery document, once for many tokens', async () => {
      tenantA.set(DISCOVERY_PATH, { json: { issuer: tenantA.issuer, jwks_uri: tenantA.jwksUri }, delay: 20 });
      const subject = new AccessTokenVerifier({
        issuers: [tenantA.issuer, tenantB.issuer],
        audience: API,
        clock: () => NOW,
      });
      const results = await Promise.all(Array.from({ length: 1000 }, () => subject.verify(tokenA())));
      expect(results).to.have.length(1000);
      expect(tenantA.count(DISCOVERY_PATH)).to.equal(1);
      expect(tenantA.count(JWKS_PATH)).to.equal(1);
      expect(tenantB.requests).to.deep.equal([]);
    });

    it('never verifies a token of one issuer with the keys of another (same kid in both sets)', async () => {
      const subject = new AccessTokenVerifier({
        issuers: [
          { issuer: tenantA.issuer, jwksUri: tenantA.jwksUri },
          { issuer: tenantB.issuer, jwksUri: tenantB.jwksUri },
        ],
        audience: API,
        clock: () => NOW,
      });
      await subject.verify(tokenA());
      const forged = tokenA({ iss: tenantB.issuer });
      const err = await failure(subject, forged);
      expect(err.code).to.equal('ERR_TOKEN_SIGNATURE_INVALID');
      expect(tenantB.count(JWKS_PATH)).to.equal(1);
      expect(tenantA.count(JWKS_PATH)).to.equal(1);
    });

    it('verifies with a local key set from configuration, without discovery or a JWKS request', async () => {
      const local = new JwksFetcher({ keys: [publicJwk(keyA().publicKey, { kid: 'k1', alg: 'RS256' })] });
      const subject = new AccessTokenVerifier({
        issuers: [{ issuer: tenantA.issuer, jwks: local }],
        audience: API,
        clock: () => NOW,
      });
      expect((await subject.verify(tokenA())).sub).to.equal('user-1');
      expect((await failure(subject, tokenA({ iss: tenantB.issuer }))).code).to.equal('ERR_TOKEN_ISS_MISMATCH');
      const other = signJwt(
        { iss: tenantA.issuer, sub: 'x', aud: API, iat: NOW, exp: NOW + 60 },
        {
          kid: 'k2',
          key: keyA().privateKey,
        },
      );
      expect(await rejectionOf(subject.verify(other))).to.be.instanceOf(KeyNotFoundError);
      expect(tenantA.requests).to.deep.equal([]);
    });

    it('reports a discovery document naming another issuer as a configuration error', async () => {
      tenantA.setDiscovery({ issuer: tenantA.origin, jwks_uri: tenantA.jwksUri });
      const subject = new AccessTokenVerifier({ issuer: tenantA.issuer, audience: API, clock: () => NOW });
      expect(await rejectionOf(subject.verify(tokenA()))).to.be.instanceOf(ConfigurationError);
      expect(tenantA.count(JWKS_PATH)).to.equal(0);
    });

    it('reports a discovery outage or a document without jwks_uri as the key source being unavailable', async () => {
      tenantA.set(DISCOVERY_PATH, { status: 503, body: '' });
      const down = new AccessTokenVerifier({ issuer: tenantA.issuer, audience: API, clock: () => NOW });
      const err = await rejectionOf(down.verify(tokenA()));
      expect(err).to.be.instanceOf(KeySourceUnavailableError);
      expect(err).not.to.be.instanceOf(TokenValidationError);
      tenantA.setDiscovery({ issuer: tenantA.issuer });
      const bare = new AccessTokenVerifier({ issuer: tenantA.issuer, audience: API, clock: () => NOW });
      expect(await rejectionOf(bare.verify(tokenA()))).to.be.instanceOf(KeySourceUnavailableError);
    });

    it('retries discovery after a failure once the discovery cache allows', async () => {
      tenantA.set(DISCOVERY_PATH, { status: 503, body: '' });
      const discovery = new DiscoveryCache({ retryAfter: 0 });
      const subject = new AccessTokenVerifier({ issuer: tenantA.issuer, audience: API, clock: () => NOW, discovery });
      await rejectionOf(subject.verify(tokenA()));
      tenantA.setDiscovery();
      expect(await subject.verify(tokenA())).to.include({ sub: 'user-1' });
    });

    it('reports a JWKS outage as a NetworkError and an unknown kid as a KeyNotFoundError', async () => {
      tenantA.set(JWKS_PATH, { status: 500, body: '' });
      expect(await rejectionOf(verifier().verify(tokenA()))).to.be.instanceOf(NetworkError);
      tenantA.setKeys([publicJwk(keyA().publicKey, { kid: 'other' })]);
      expect(await rejectionOf(verifier().verify(tokenA()))).to.be.instanceOf(KeyNotFoundError);
    });

    it('shares a key set and a discovery cache between verifiers', async () => {
      const jwks = new JwksFetcher(tenantA.jwksUri);
      const discovery = new DiscoveryCache();
      const one = new AccessTokenVerifier({ issuer: tenantA.issuer, jwks, audience: API, clock: () => NOW });
      const two = new AccessTokenVerifier({
        issuers: [{ issuer: tenantA.issuer, jwks }],
        audience: API,
        clock: () => NOW,
      });
      await one.verify(tokenA());
      await two.verify(tokenA());
      expect(tenantA.count(JWKS_PATH)).to.equal(1);
      const three = new AccessTokenVerifier({ issuer: tenantA.issuer, audience: API, clock: () => NOW, discovery });
      const four = new AccessTokenVerifier({ issuer: tenantA.issuer, audience: API, clock: () => NOW, discovery });
      await Promise.all([three.verify(tokenA()), four.verify(tokenA())]);
      expect(tenantA.count(DISCOVERY_PATH)).to.equal(1);
    });

    it('verifies HS256 tokens of an issuer configured with a secret, and keeps algorithms per issuer', async () => {
      const subject = new AccessTokenVerifier({
        issuers: [
          { issuer: 'https://hs.example.com/', secret: SECRET },
          { issuer: tenantA.issuer, jwksUri: tenantA.jwksUri },
        ],
        audience: API,
        clock: () => NOW,
      });
      const claims = { iss: 'https://hs.example.com/', aud: API, exp: NOW + 60 };
      await subject.verify(signJwt(claims, { alg: 'HS256', key: SECRET }));
      const rsForHs = signJwt(claims, { kid: 'k1', key: keyA().privateKey });
      expect((await failure(subject, rsForHs)).code).to.equal('ERR_TOKEN_ALG_NOT_ALLOWED');
      const hsForRs = signJwt({ ...claims, iss: tenantA.issuer }, { alg: 'HS256', key: SECRET });
      expect((await failure(subject, hsForRs)).code).to.equal('ERR_TOKEN_ALG_NOT_ALLOWED');
      expectNoSecrets(subject, [SECRET]);
    });

    it('checks the signatures of every kind of issuer where offload says, and HS* always inline', async () => {
      const local = new JwksFetcher({ keys: [publicJwk(keyB().publicKey, { kid: 'k1' })] });
      const build = (offload: 'always' | 'never') =>
        new AccessTokenVerifier({
          issuers: [
            { issuer: tenantA.issuer, jwksUri: tenantA.jwksUri },
            { issuer: tenantB.issuer },
            { issuer: 'https://local.example.com/', jwks: local },
            { issuer: 'https://hs.example.com/', secret: SECRET, algorithms: 'HS256' },
          ],
          audience: API,
          clock: () => NOW,
          offload,
        });
      const claims = { sub: 'user-1', aud: API, exp: NOW + 60 };
      const tokens = [
        tokenA(),
        signJwt({ ...claims, iss: tenantB.issuer }, { kid: 'k1', key: keyB().privateKey }),
        signJwt({ ...claims, iss: 'https://local.example.com/' }, { kid: 'k1', key: keyB().privateKey }),
        signJwt({ ...claims, iss: 'https://hs.example.com/' }, { alg: 'HS256', key: SECRET }),
      ];
      for (const offload of ['always', 'never'] as const) {
        const subject = build(offload);
        expect(subject.offload).to.equal(offload);
        for (const token of tokens) await subject.verify(token); // keys fetched and discovered
        const onPool = tokens.map((token) => {
          const before = pendingOnPool();
          const verified = subject.verify(token);
          return { sent: pendingOnPool() - before, verified };
        });
        expect(
          onPool.map(({ sent }) => sent),
          offload,
        ).to.deep.equal(offload === 'always' ? [1, 1, 1, 0] : [0, 0, 0, 0]);
        for (const { verified } of onPool) expect(await verified).to.have.property('sub', 'user-1');
      }
    });
  });

  describe('diagnostics', () => {
    afterEach(stopListening);

    it('publishes each failure on authn-client:verification:failure, from verify and verifyComplete, never the token', async () => {
      const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
      const subject = verifier();
      const forged = signJwt({ iss: tenantA.issuer, aud: API, exp: NOW + 60 }, { kid: 'k1', key: keyB().privateKey });
      await rejectionOf(subject.verify(forged)); // asynchronous: the key set is fetched first
      const wrongAudience = tokenA({ aud: 'https://other.example.com/' });
      await rejectionOf(subject.verifyComplete(wrongAudience));
      await rejectionOf(subject.verify(tokenA({ iss: 'https://evil.example.com/' })));
      await rejectionOf(verifier({ offload: 'always' }).verifyComplete(forged));
      await subject.verify(tokenA());
      expect(failures.messages.map(({ kind, code, claim }) => ({ kind, code, claim }))).to.deep.equal([
        { kind: 'access token', code: 'ERR_TOKEN_SIGNATURE_INVALID', claim: undefined },
        { kind: 'access token', code: 'ERR_TOKEN_AUD_MISMATCH', claim: 'aud' },
        { kind: 'access token', code: 'ERR_TOKEN_ISS_MISMATCH', claim: 'iss' },
        { kind: 'access token', code: 'ERR_TOKEN_SIGNATURE_INVALID', claim: undefined },
      ]);
      for (const message of failures.messages) expectNoSecrets(message, [forged, wrongAudience]);
    });

    it('publishes a key source that is down with its code', async () => {
      const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
      tenantA.set(JWKS_PATH, { status: 503, body: 'down' });
      await rejectionOf(verifier().verify(tokenA()));
      expect(failures.messages).to.have.length(1);
      expect(failures.messages[0]).to.include({ kind: 'access token', code: 'ERR_KEY_SOURCE_UNAVAILABLE' });
      expect(failures.messages[0]?.error).to.be.instanceOf(KeySourceUnavailableError);
    });
  });

  describe('verified-token cache', () => {
    it('serves a token seen again without the key set, with its claims checked again', async () => {
      let now = NOW;
      const subject = verifier({ cache: { maxEntries: 100 }, clock: () => now });
      const token = tokenA({ exp: NOW + 100 });
      const first = await subject.verifyComplete(token);
      tenantA.set(JWKS_PATH, { status: 500, body: '' });
      const second = await subject.verifyComplete(token);
      expect(second.payload).to.equal(first.payload);
      expect(second.scopes).to.deep.equal(['read:a']);
      now = NOW + 100 + 60;
      expect(((await rejectionOf(subject.verify(token))) as TokenValidationError).code).to.equal('ERR_TOKEN_EXPIRED');
    });

    it('rejects a remembered token once it is older than maxTokenAge, without the key set', async () => {
      let now = NOW;
      const subject = verifier({ cache: true, clock: () => now, maxTokenAge: 600 });
      const token = tokenA();
      await subject.verify(token);
      now = NOW + 660;
      expect(await subject.verify(token)).to.include({ iat: NOW });
      now += 0.5;
      expect(((await rejectionOf(subject.verify(token))) as TokenValidationError).code).to.equal('ERR_TOKEN_TOO_OLD');
      expect(tenantA.count(JWKS_PATH)).to.equal(1);
    });
  });
});

describe('scopesOf', () => {
  it('merges scope, scp and permissions without duplicates', () => {
    expect(
      scopesOf({ scope: ' read:a  write:a ', scp: ['read:a', 'x'], permissions: ['admin', 'write:a'] }),
    ).to.deep.equal(['read:a', 'write:a', 'x', 'admin']);
    expect(scopesOf({ scp: 'User.Read Mail.Send' })).to.deep.equal(['User.Read', 'Mail.Send']);
  });

  it('grants nothing for malformed claims', () => {
    expect(scopesOf({ scope: ['a', 1], permissions: 'admin', scp: { a: 1 } })).to.deep.equal(['a', 'admin']);
    expect(scopesOf({ scope: 42, permissions: [null, ''] })).to.deep.equal([]);
  });
});
