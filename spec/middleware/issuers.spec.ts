import { expect } from 'chai';
import { DIAGNOSTICS_CHANNELS, type VerificationFailureMessage } from '../../lib/diagnostics.js';
import { ConfigurationError, ServiceUnavailableError } from '../../lib/errors.js';
import { BearerAuthenticator, type BearerAuthOptions } from '../../lib/middleware/bearer.js';
import { collectIssuers, type IssuerList } from '../../lib/middleware/issuers.js';
import { JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import { listen, stopListening } from '../helpers/diagnostics.js';
import { API, bearer, refusal, startTestIssuer, type TestIssuer, twoIssuers } from '../helpers/issuer.js';
import { DISCOVERY_PATH, JWKS_PATH } from '../helpers/jwks-server.js';
import { signJwt } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

const SECRET = 'a-shared-secret-of-the-api-that-is-long-enough';

describe('issuers of the middleware', () => {
  const both = twoIssuers();
  let a: TestIssuer;
  let b: TestIssuer;
  before(() => ({ a, b } = both));

  /** A token signed with A's key that claims to come from B (the multi-tenant attack, catalogue N47). */
  function forgedByA(): string {
    return a.sign({ iss: b.issuer });
  }

  describe('a static list', () => {
    const options = (): BearerAuthOptions => ({
      issuers: [
        { issuer: a.issuer, jwksUri: a.jwksUri },
        { issuer: b.issuer, jwksUri: b.jwksUri },
      ],
      audience: API,
    });

    it('accepts the tokens of every issuer, each verified with its own keys', async () => {
      const subject = new BearerAuthenticator(options());
      expect((await subject.authenticate(bearer(a.sign())))?.payload.iss).to.equal(a.issuer);
      expect((await subject.authenticate(bearer(b.sign())))?.payload.iss).to.equal(b.issuer);
      expect(subject.issuers).to.deep.equal([a.issuer, b.issuer]);
    });

    it("refuses a token signed with issuer A's key whose iss is B, without ever asking A", async () => {
      const subject = new BearerAuthenticator(options());
      await refusal(subject.authenticate(bearer(forgedByA())));
      expect(a.server.requests).to.deep.equal([]);
      expect(b.server.count(JWKS_PATH)).to.equal(1);
    });

    it('refuses an issuer outside the list before any request', async () => {
      const subject = new BearerAuthenticator(options());
      await refusal(subject.authenticate(bearer(a.sign({ iss: 'https://evil.example/' }))), 'ERR_TOKEN_ISS_MISMATCH');
      await refusal(subject.authenticate(bearer(a.sign({ iss: a.issuer.slice(0, -1) }))), 'ERR_TOKEN_ISS_MISMATCH');
      expect([...a.server.requests, ...b.server.requests]).to.deep.equal([]);
    });

    it('finds the keys of a bare issuer by discovery', async () => {
      const subject = new BearerAuthenticator({ issuers: [a.issuer, b.issuer], audience: API });
      expect((await subject.authenticate(bearer(b.sign())))?.payload.iss).to.equal(b.issuer);
      expect(b.server.requests).to.deep.equal([DISCOVERY_PATH, JWKS_PATH]);
      expect(a.server.requests).to.deep.equal([]);
    });

    it('shares one key set between issuers that name the same JWKS URL', async () => {
      const alias = a.issuer.replace('127.0.0.1', 'localhost');
      const subject = new BearerAuthenticator({
        issuers: [
          { issuer: a.issuer, jwksUri: a.jwksUri },
          { issuer: alias, jwksUri: a.jwksUri },
        ],
        audience: API,
      });
      await subject.authenticate(bearer(a.sign()));
      await subject.authenticate(bearer(a.sign({ iss: alias })));
      expect(a.server.count(JWKS_PATH)).to.equal(1);
    });

    it('accepts an issuer with a shared secret, and a key set given as a JwksFetcher', async () => {
      const hs = 'https://hs.example.com/';
      const jwks = new JwksFetcher(b.jwksUri);
      const subject = new BearerAuthenticator({
        issuers: [
          { issuer: hs, secret: SECRET },
          { issuer: b.issuer, jwks },
        ],
        audience: API,
      });
      const token = signJwt(
        { iss: hs, aud: API, exp: Math.floor(Date.now() / 1000) + 60 },
        { alg: 'HS256', key: SECRET },
      );
      expect((await subject.authenticate(bearer(token)))?.payload.iss).to.equal(hs);
      await subject.authenticate(bearer(b.sign()));
      expect(jwks.fetchCount).to.equal(1);
    });

    it('refuses an issuer listed twice', () => {
      const err = thrownBy(() => new BearerAuthenticator({ issuers: [a.issuer, a.issuer], audience: API }));
      expect(err).to.be.instanceOf(ConfigurationError);
    });
  });

  describe('publicKeyUrls (OpenMetadata authenticationConfiguration)', () => {
    it('binds each URL to its issuer: a key from one URL never verifies the tokens of another issuer', async () => {
      const subject = new BearerAuthenticator({
        publicKeyUrls: [
          { issuer: a.issuer, jwksUri: a.jwksUri },
          { issuer: b.issuer, jwksUri: b.jwksUri },
        ],
        audience: API,
        algorithms: ['RS256'],
      });
      expect((await subject.authenticate(bearer(a.sign())))?.payload.iss).to.equal(a.issuer);
      expect((await subject.authenticate(bearer(b.sign())))?.payload.iss).to.equal(b.issuer);
      a.server.resetCounts();
      await refusal(subject.authenticate(bearer(forgedByA())));
      expect(a.server.requests).to.deep.equal([]);
    });

    it('merges with issuer and issuers', async () => {
      const subject = new BearerAuthenticator({
        issuer: a.issuer,
        jwksUri: a.jwksUri,
        publicKeyUrls: [{ issuer: b.issuer, jwksUri: b.jwksUri }],
        audience: API,
      });
      expect(subject.issuers).to.deep.equal([a.issuer, b.issuer]);
      await subject.authenticate(bearer(b.sign()));
    });

    it('refuses bare URLs, since they would let any listed key vouch for any issuer', () => {
      const err = thrownBy(
        () =>
          new BearerAuthenticator({
            issuer: a.issuer,
            publicKeyUrls: [a.jwksUri] as unknown as [],
            audience: API,
          }),
      ) as ConfigurationError;
      expect(err).to.be.instanceOf(ConfigurationError);
      expect(err.option).to.equal('publicKeyUrls');
      expect(err.message).to.match(/\{ issuer, jwksUri \}/);
    });
  });

  describe('a resolver', () => {
    it('is called with the request, and a token from a resolved issuer is verified', async () => {
      const seen: unknown[] = [];
      const subject = new BearerAuthenticator<{ headers: Record<string, string>; tenant: string }>({
        issuers: (req) => {
          seen.push(req.tenant);
          return req.tenant === 'a' ? [{ issuer: a.issuer, jwksUri: a.jwksUri }] : [b.issuer];
        },
        audience: API,
      });
      const req = { headers: { authorization: `Bearer ${a.sign()}` }, tenant: 'a' };
      expect((await subject.authenticate(req))?.payload.iss).to.equal(a.issuer);
      expect(seen).to.deep.equal(['a']);
      expect(subject.issuers).to.deep.equal([]);
    });

    it('keeps one verifier per issuer: many requests, fresh lists every time, one key fetch', async () => {
      let calls = 0;
      const subject = new BearerAuthenticator({
        issuers: async () => {
          calls++;
          return [
            { issuer: a.issuer, jwksUri: a.jwksUri },
            { issuer: b.issuer, jwksUri: b.jwksUri },
          ];
        },
        audience: API,
      });
      await Promise.all(Array.from({ length: 20 }, () => subject.authenticate(bearer(a.sign()))));
      for (let i = 0; i < 10; i++) await subject.authenticate(bearer(b.sign()));
      expect(calls).to.equal(30);
      expect(a.server.count(JWKS_PATH)).to.equal(1);
      expect(b.server.count(JWKS_PATH)).to.equal(1);
    });

    it('refuses an issuer the resolver does not list, without any request', async () => {
      const subject = new BearerAuthenticator({ issuers: () => [b.issuer], audience: API });
      await refusal(subject.authenticate(bearer(a.sign())), 'ERR_TOKEN_ISS_MISMATCH');
      expect([...a.server.requests, ...b.server.requests]).to.deep.equal([]);
    });

    it("refuses a token signed with A's key claiming B when the resolver lists both", async () => {
      const subject = new BearerAuthenticator({
        issuers: () => [
          { issuer: a.issuer, jwksUri: a.jwksUri },
          { issuer: b.issuer, jwksUri: b.jwksUri },
        ],
        audience: API,
      });
      await refusal(subject.authenticate(bearer(forgedByA())));
      expect(a.server.requests).to.deep.equal([]);
    });

    it('does not call the resolver for a malformed token', async () => {
      let calls = 0;
      const subject = new BearerAuthenticator({
        issuers: () => {
          calls++;
          return [a.issuer];
        },
        audience: API,
      });
      await refusal(subject.authenticate(bearer('not.a.token')), 'ERR_TOKEN_MALFORMED');
      expect(calls).to.equal(0);
    });

    it('builds a new verifier when an issuer changes its keys', async () => {
      let jwksUri = a.jwksUri;
      const subject = new BearerAuthenticator({ issuers: () => [{ issuer: a.issuer, jwksUri }], audience: API });
      await subject.authenticate(bearer(a.sign()));
      jwksUri = `${a.server.origin}/keys`;
      a.server.set('/keys', { json: { keys: [] } });
      await refusal(subject.authenticate(bearer(a.sign())), 'ERR_JWKS_KEY_NOT_FOUND');
      expect(a.server.count('/keys')).to.equal(1);
    });

    it('passes on what the resolver throws, and refuses a resolver answer that is not a list', async () => {
      const boom = new Error('tenant store down');
      const failing = new BearerAuthenticator({
        issuers: () => Promise.reject(boom),
        audience: API,
      });
      expect(await rejectionOf(failing.authenticate(bearer(a.sign())))).to.equal(boom);
      const wrong = new BearerAuthenticator({ issuers: () => a.issuer as unknown as IssuerList, audience: API });
      expect(await rejectionOf(wrong.authenticate(bearer(a.sign())))).to.be.instanceOf(ConfigurationError);
      const badEntry = new BearerAuthenticator({ issuers: () => [42] as unknown as IssuerList, audience: API });
      expect(await rejectionOf(badEntry.authenticate(bearer(a.sign())))).to.be.instanceOf(ConfigurationError);
    });

    it("publishes the failures of the middleware's own checks, before any verifier: the structure, an issuer not listed", async () => {
      const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
      try {
        const resolved = new BearerAuthenticator({ issuers: () => [b.issuer], audience: API });
        await refusal(resolved.authenticate(bearer('not.a.token')));
        await refusal(resolved.authenticate(bearer(a.sign())));
        const idTokens = new BearerAuthenticator({ issuers: [b.issuer], audience: 'client-1', tokenType: 'id_token' });
        await refusal(idTokens.authenticate(bearer(a.sign({ aud: 'client-1' }))));
        await rejectionOf(
          new BearerAuthenticator({ issuers: () => Promise.reject(new Error('down')), audience: API }).authenticate(
            bearer(a.sign()),
          ),
        );
        expect(failures.messages.map(({ kind, code }) => ({ kind, code }))).to.deep.equal([
          { kind: 'access token', code: 'ERR_TOKEN_MALFORMED' },
          { kind: 'access token', code: 'ERR_TOKEN_ISS_MISMATCH' },
          { kind: 'ID token', code: 'ERR_TOKEN_ISS_MISMATCH' },
        ]);
      } finally {
        stopListening();
      }
    });

    it('checks the shared options at construction', () => {
      const options = { issuers: () => [a.issuer], audience: API };
      expect(thrownBy(() => new BearerAuthenticator({ ...options, leeway: -1 }))).to.be.instanceOf(ConfigurationError);
      expect(
        thrownBy(() => new BearerAuthenticator({ ...options, algorithms: ['none'] as unknown as ['RS256'] })),
      ).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => new BearerAuthenticator({ ...options, audience: '' }))).to.be.instanceOf(
        ConfigurationError,
      );
      expect(
        thrownBy(() => new BearerAuthenticator({ ...options, tokenType: 'id_token', jwksOptions: { timeout: 0 } })),
      ).to.be.instanceOf(ConfigurationError);
      expect(
        thrownBy(
          () => new BearerAuthenticator({ ...options, publicKeyUrls: [{ issuer: a.issuer, jwksUri: a.jwksUri }] }),
        ),
      ).to.be.instanceOf(ConfigurationError);
      // HS algorithms are fine: the resolver may give secrets.
      expect(new BearerAuthenticator({ ...options, algorithms: ['HS256'] }).issuers).to.deep.equal([]);
    });

    it('answers 503 when the resolved issuer key source is down', async () => {
      b.server.set(JWKS_PATH, { status: 500, body: 'down' });
      const subject = new BearerAuthenticator({
        issuers: () => [{ issuer: b.issuer, jwksUri: b.jwksUri }],
        audience: API,
      });
      expect(await rejectionOf(subject.authenticate(bearer(b.sign())))).to.be.instanceOf(ServiceUnavailableError);
    });
  });
});

describe('collectIssuers', () => {
  it('gives the resolver back as it is', () => {
    const resolver = () => [];
    expect(collectIssuers({ issuers: resolver })).to.equal(resolver);
  });

  it('refuses a non-list, a non-string issuer and entries without an issuer', () => {
    const bad = [
      { issuers: 'https://t/' },
      { issuer: 42 },
      { issuers: [{ jwksUri: 'https://t/jwks' }] },
      { publicKeyUrls: 'https://t/jwks' },
      { publicKeyUrls: [{ issuer: 'https://t/' }] },
    ];
    for (const options of bad) {
      expect(
        thrownBy(() => collectIssuers(options as never)),
        JSON.stringify(options),
      ).to.be.instanceOf(ConfigurationError);
    }
  });

  it('keeps the algorithms of a public key URL', () => {
    const entries = collectIssuers({
      publicKeyUrls: [{ issuer: 'https://t/', jwksUri: 'https://t/jwks', algorithms: ['RS384'] }],
    });
    expect(entries).to.deep.equal([{ issuer: 'https://t/', jwksUri: 'https://t/jwks', algorithms: ['RS384'] }]);
  });
});

describe('the keys of the middleware issuers', () => {
  it('never come from the token: jku and jwk headers are ignored', async () => {
    const tenant = await startTestIssuer('issuer-jku');
    const attacker = await startTestIssuer('issuer-attacker');
    try {
      const subject = new BearerAuthenticator({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API });
      const evil = rsaKeys('issuer-attacker');
      const token = signJwt(
        { iss: tenant.issuer, aud: API, exp: Math.floor(Date.now() / 1000) + 60 },
        {
          kid: 'k1',
          key: evil.privateKey,
          header: { jku: attacker.jwksUri, jwk: evil.publicKey.export({ format: 'jwk' }) },
        },
      );
      await refusal(subject.authenticate(bearer(token)), 'ERR_TOKEN_SIGNATURE_INVALID');
      expect(attacker.server.requests).to.deep.equal([]);
    } finally {
      await Promise.all([tenant.close(), attacker.close()]);
    }
  });
});
