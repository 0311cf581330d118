import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import {
  ConfigurationError,
  InvalidRequestError,
  InvalidTokenError,
  KeySourceUnavailableError,
  NetworkError,
  ServiceUnavailableError,
  TimeoutError,
  TokenValidationError,
  UnauthorizedError,
} from '../../lib/errors.js';
import { BearerAuthenticator, type BearerAuthOptions } from '../../lib/middleware/bearer.js';
import { type JsonWebKeySet, JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import { pendingOnPool } from '../../lib/token-verifier/offload.js';
import { API, bearer, now, refusal, startTestIssuer, type TestIssuer } from '../helpers/issuer.js';
import { DISCOVERY_PATH, JWKS_PATH } from '../helpers/jwks-server.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';

describe('BearerAuthenticator', () => {
  let tenant: TestIssuer;

  before(async () => {
    tenant = await startTestIssuer('bearer-tenant');
  });

  after(() => tenant.close());

  beforeEach(() => tenant.reset());

  function authenticator(options: Partial<BearerAuthOptions> = {}): BearerAuthenticator {
    return new BearerAuthenticator({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API, ...options });
  }

  describe('construction', () => {
    function refused(options: Record<string, unknown>): ConfigurationError {
      const err = thrownBy(() => new BearerAuthenticator({ audience: API, ...options } as BearerAuthOptions));
      expect(err).to.be.instanceOf(ConfigurationError);
      return err as ConfigurationError;
    }

    it('refuses no options, no issuer, and issuer together with issuers', () => {
      expect(thrownBy(() => new BearerAuthenticator(undefined as unknown as BearerAuthOptions))).to.be.instanceOf(
        ConfigurationError,
      );
      expect(refused({}).option).to.equal('issuer');
      expect(refused({ issuer: tenant.issuer, issuers: [tenant.issuer] }).option).to.equal('issuers');
      expect(refused({ issuer: tenant.issuer, acceptBoundTokens: 'yes' }).option).to.equal('acceptBoundTokens');
      expect(refused({ jwksUri: tenant.jwksUri, issuers: [tenant.issuer] }).option).to.equal('issuer');
    });

    it('refuses a missing audience and bad verifier options before any request', () => {
      expect(refused({ issuer: tenant.issuer, audience: undefined }).option).to.equal('audience');
      expect(refused({ issuer: tenant.issuer, audience: [] }).option).to.equal('audience');
      expect(refused({ issuer: tenant.issuer, leeway: '60' }).option).to.equal('leeway');
      expect(refused({ issuer: tenant.issuer, maxTokenAge: 0 }).option).to.equal('maxTokenAge');
      expect(refused({ issuers: () => [], maxTokenAge: '600' }).option).to.equal('maxTokenAge');
      expect(refused({ issuers: () => [], tokenType: 'id_token', maxTokenAge: -1 }).option).to.equal('maxTokenAge');
      expect(refused({ issuers: () => [], strict: 'true' }).option).to.equal('strict');
      // ID tokens of an issuer found by discovery: its verifiers come later, their options are checked now.
      const discovered = { issuer: tenant.issuer, tokenType: 'id_token' };
      expect(refused({ ...discovered, maxTokenAge: Number.NaN }).option).to.equal('maxTokenAge');
      expect(refused({ ...discovered, leeway: '60' }).option).to.equal('leeway');
      expect(refused({ ...discovered, cache: 'yes' }).option).to.equal('cache');
      expect(refused({ ...discovered, offload: 'yes' }).option).to.equal('offload');
      expect(refused({ issuer: tenant.issuer, offload: 'sometimes' }).option).to.equal('offload');
      expect(refused({ issuers: () => [], offload: true }).option).to.equal('offload');
      expect(refused({ issuer: 'http://tenant.example.com/' }).option).to.equal('issuer');
      expect(tenant.server.requests).to.deep.equal([]);
    });

    it('refuses bad middleware options', () => {
      const base = { issuer: tenant.issuer };
      expect(refused({ ...base, tokenType: 'refresh_token' }).option).to.equal('tokenType');
      expect(refused({ ...base, credentialsRequired: 'no' }).option).to.equal('credentialsRequired');
      expect(refused({ ...base, realm: 'a"b' }).option).to.equal('realm');
      expect(refused({ ...base, realm: '' }).option).to.equal('realm');
      expect(refused({ ...base, retryAfter: 1.5 }).option).to.equal('retryAfter');
      expect(refused({ ...base, retryAfter: -1 }).option).to.equal('retryAfter');
      expect(refused({ ...base, tokenQueryParameter: 'a b' }).option).to.equal('tokenQueryParameter');
      expect(refused({ ...base, tokenCookie: '' }).option).to.equal('tokenCookie');
    });

    it("refuses an unknown option before any request, naming the closest known one or ours for a peer's name", () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ issuerBaseURL: tenant.issuer }, 'unknown option "issuerBaseURL"; did you mean issuer?'],
        [
          { issuer: tenant.issuer, authRequired: false },
          'unknown option "authRequired"; did you mean credentialsRequired?',
        ],
        [
          { issuer: tenant.issuer, tokenSigningAlg: 'RS256' },
          'unknown option "tokenSigningAlg"; did you mean algorithms?',
        ],
        [{ issuer: tenant.issuer, clockTolerance: 5 }, 'unknown option "clockTolerance"; did you mean leeway?'],
        [{ issuer: tenant.issuer, audiences: [API] }, 'unknown option "audiences"; did you mean audience?'],
        [{ issuer: tenant.issuer, jwksURI: tenant.jwksUri }, 'unknown option "jwksURI"; did you mean jwksUri?'],
      ];
      for (const [options, message] of cases) {
        const err = refused(options);
        expect(err.message).to.equal(message);
        expect(err.option).to.equal(/"(.*)"/.exec(message)?.[1]);
      }
      expect(tenant.server.requests).to.deep.equal([]);
    });

    it('takes the first audience as realm when it is safe to quote, else "api"', () => {
      expect(authenticator().realm).to.equal(API);
      expect(authenticator({ audience: ['urn:one', 'urn:two'] }).realm).to.equal('urn:one');
      expect(authenticator({ audience: 'urn:"quoted"' }).realm).to.equal('api');
      expect(authenticator({ realm: 'messages' }).realm).to.equal('messages');
    });

    it('exposes its settings', () => {
      const subject = authenticator({ retryAfter: 9, credentialsRequired: false });
      expect(subject.retryAfter).to.equal(9);
      expect(subject.credentialsRequired).to.equal(false);
      expect(subject.tokenType).to.equal('access_token');
      expect(subject.issuers).to.deep.equal([tenant.issuer]);
    });
  });

  describe('authenticate', () => {
    it('resolves to the payload, header, token and scopes of a valid token', async () => {
      const token = tenant.sign({ scope: 'read:a', permissions: ['write:a'] });
      const auth = await authenticator().authenticate(bearer(token));
      expect(auth?.token).to.equal(token);
      expect(auth?.payload.sub).to.equal('user-1');
      expect(auth?.header).to.include({ alg: 'RS256', kid: 'k1' });
      expect(auth?.scopes).to.deep.equal(['read:a', 'write:a']);
    });

    it('refuses a request without a token with 401 and a bare challenge', async () => {
      const err = (await rejectionOf(authenticator().authenticate({ headers: {} }))) as UnauthorizedError;
      expect(err).to.be.instanceOf(UnauthorizedError);
      expect(err.headers).to.deep.equal({ 'WWW-Authenticate': `Bearer realm="${API}"` });
    });

    it('answers a header of another scheme as a request without credentials: 401, no error code (RFC 6750 §3.1)', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'DPoP abc', 'Negotiate']) {
        const err = (await rejectionOf(
          authenticator().authenticate({ headers: { authorization } }),
        )) as UnauthorizedError;
        expect(err, authorization).to.be.instanceOf(UnauthorizedError);
        expect(err.status).to.equal(401);
        expect(err.headers).to.deep.equal({ 'WWW-Authenticate': `Bearer realm="${API}"` });
      }
    });

    it("with strict, holds every issuer's access tokens to the RFC 9068 profile", async () => {
      const subject = authenticator({ strict: true });
      const typed = { typ: 'at+jwt' };
      const full = { client_id: 'm2m-app', jti: 'id-1' };
      expect((await subject.authenticate(bearer(tenant.sign(full, typed))))?.payload.client_id).to.equal('m2m-app');
      await refusal(subject.authenticate(bearer(tenant.sign(full))), 'ERR_TOKEN_TYP_INVALID');
      await refusal(subject.authenticate(bearer(tenant.sign({ jti: 'id-1' }, typed))), 'ERR_TOKEN_CLIENT_ID_MISSING');
      await refusal(
        subject.authenticate(bearer(tenant.sign({ ...full, jti: undefined }, typed))),
        'ERR_TOKEN_JTI_MISSING',
      );
      // Without it, an Auth0-style token (typ JWT, no client_id, no jti) passes.
      expect(await authenticator().authenticate(bearer(tenant.sign()))).to.not.equal(undefined);
    });

    it('checks signatures where offload says, for access tokens and ID tokens, static or resolved issuers', async () => {
      const idToken = tenant.sign({ aud: 'client-1' });
      const cases: [Partial<BearerAuthOptions>, string][] = [
        [{}, tenant.sign()],
        [{ tokenType: 'id_token', audience: 'client-1' }, idToken],
        [{ issuer: undefined, jwksUri: undefined, issuers: () => [{ issuer: tenant.issuer }] }, tenant.sign()],
        [
          {
            issuer: undefined,
            jwksUri: undefined,
            issuers: [tenant.issuer],
            tokenType: 'id_token',
            audience: 'client-1',
          },
          idToken,
        ],
      ];
      for (const offload of ['always', 'never'] as const) {
        for (const [options, token] of cases) {
          const subject = authenticator({ ...options, offload });
          await subject.authenticate(bearer(token)); // keys fetched
          const before = pendingOnPool();
          const auth = subject.authenticate(bearer(token));
          // A resolver's list comes a few microtasks later; the pool answers no sooner than the next turn of the loop.
          for (let i = 0; i < 5; i++) await null;
          expect(pendingOnPool() - before, `${offload} ${JSON.stringify(options)}`).to.equal(
            offload === 'always' ? 1 : 0,
          );
          expect((await auth)?.payload.sub).to.equal('user-1');
        }
      }
    });

    it('lets a request without a token through when credentials are not required', async () => {
      const subject = authenticator({ credentialsRequired: false });
      expect(await subject.authenticate({ headers: {} })).to.equal(undefined);
      expect(await subject.authenticate({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })).to.equal(undefined);
      const err = await rejectionOf(subject.authenticate(bearer(tenant.sign({ exp: now() - 3600 }))));
      expect(err).to.be.instanceOf(InvalidTokenError);
    });

    it('answers a malformed Authorization header with 400 invalid_request', async () => {
      for (const authorization of ['Bearer', 'Bearer a b']) {
        const err = (await rejectionOf(
          authenticator().authenticate({ headers: { authorization } }),
        )) as InvalidRequestError;
        expect(err, authorization).to.be.instanceOf(InvalidRequestError);
        expect(err.status).to.equal(400);
        expect(err.headers['WWW-Authenticate']).to.match(
          /^Bearer realm=".*", error="invalid_request", error_description=/,
        );
      }
      expect(tenant.server.requests).to.deep.equal([]);
    });

    it('answers a header token that is not a b64token with 400, whatever else is wrong with it, before any I/O or resolver call', async () => {
      let resolved = 0;
      const resolver = authenticator({
        issuer: undefined,
        jwksUri: undefined,
        issuers: () => {
          resolved++;
          return [{ issuer: tenant.issuer, jwksUri: tenant.jwksUri }];
        },
      });
      const good = tenant.sign();
      const expired = tenant.sign({ exp: now() - 3600 });
      for (const subject of [authenticator(), authenticator({ cache: true }), resolver]) {
        for (const token of [`${good}"`, `${expired},`, `${good} x`, `${good.slice(0, 20)}é${good.slice(21)}`, 'a"b']) {
          const err = (await rejectionOf(subject.authenticate(bearer(token)))) as InvalidRequestError;
          expect(err, token).to.be.instanceOf(InvalidRequestError);
          expect(err.status).to.equal(400);
          expect(err.headers['WWW-Authenticate']).to.include(
            'error_description="the Authorization header must be Bearer followed',
          );
        }
        // The same syntax check as before verification, also for an expired b64token: 401, not 400.
        const refused = await rejectionOf(subject.authenticate(bearer(expired)));
        expect(refused).to.be.instanceOf(InvalidTokenError);
      }
      expect(resolved).to.equal(1);
      expect(tenant.server.requests.filter((path) => path !== JWKS_PATH)).to.deep.equal([]);
    });

    it('checks the header token syntax first when a query parameter or a cookie may also carry a token', async () => {
      const subject = authenticator({ tokenQueryParameter: 'access_token' });
      const token = tenant.sign();
      const err = (await rejectionOf(
        subject.authenticate({ headers: { authorization: `Bearer ${token}"` }, url: `/?access_token=${token}` }),
      )) as InvalidRequestError;
      expect(err).to.be.instanceOf(InvalidRequestError);
      expect(err.headers['WWW-Authenticate']).to.include('must be Bearer followed by a space and the token');
    });

    it('reads the query parameter and the cookie only when configured', async () => {
      const token = tenant.sign();
      const fromQuery = authenticator({ tokenQueryParameter: 'access_token' });
      expect((await fromQuery.authenticate({ headers: {}, url: `/?access_token=${token}` }))?.token).to.equal(token);
      const fromCookie = authenticator({ tokenCookie: 'at' });
      expect((await fromCookie.authenticate({ headers: { cookie: `at=${token}` } }))?.token).to.equal(token);
      expect(
        await rejectionOf(authenticator().authenticate({ headers: {}, url: `/?access_token=${token}` })),
      ).to.be.instanceOf(UnauthorizedError);
    });

    it('answers a refused token with 401 invalid_token and a short description, the reason as cause', async () => {
      const cases: Array<[string, string, string]> = [
        [tenant.sign({ exp: now() - 3600 }), 'the token has expired', 'ERR_TOKEN_EXPIRED'],
        [
          tenant.sign({ aud: 'https://other.example.com/' }),
          'the token is meant for another audience',
          'ERR_TOKEN_AUD_MISMATCH',
        ],
        [tenant.sign({ iss: 'https://evil.example/' }), 'the token issuer is not trusted', 'ERR_TOKEN_ISS_MISMATCH'],
        [tenant.sign({}, { kid: 'unknown' }), 'no key of the token issuer has its key ID', 'ERR_JWKS_KEY_NOT_FOUND'],
        [
          tenant.sign({}, { alg: 'HS256', key: 'x'.repeat(32) }),
          'the token signing algorithm is not accepted',
          'ERR_TOKEN_ALG_NOT_ALLOWED',
        ],
        ['a.b.c', 'the token is malformed', 'ERR_TOKEN_MALFORMED'],
      ];
      for (const [token, description, code] of cases) {
        const err = (await rejectionOf(authenticator().authenticate(bearer(token)))) as InvalidTokenError;
        expect(err, description).to.be.instanceOf(InvalidTokenError);
        expect(err.message).to.equal(description);
        expect((err.cause as TokenValidationError).code).to.equal(code);
        expect(err.headers['WWW-Authenticate']).to.equal(
          `Bearer realm="${API}", error="invalid_token", error_description="${description}"`,
        );
        expectNoSecrets({ message: err.message, headers: err.headers, stack: err.stack }, [token]);
      }
    });

    it('never shows the token in the error, its message, its JSON or its inspection', async () => {
      const token = tenant.sign({ exp: now() - 3600 });
      const err = await rejectionOf(authenticator().authenticate(bearer(token)));
      expectNoSecrets(err, [token, token.split('.')[2]!]);
    });
  });

  describe('a token bound to a key (cnf) presented as a bearer token', () => {
    const bound = {
      'DPoP (cnf.jkt, RFC 9449)': { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' },
      'mutual TLS (cnf.x5t#S256, RFC 8705)': { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
    };
    for (const [kind, cnf] of Object.entries(bound)) {
      it(`refuses it with 401 invalid_token, also from the verified-token cache: ${kind}`, async () => {
        const subject = authenticator({ cache: true });
        const token = tenant.sign({ cnf });
        for (let i = 0; i < 2; i++) {
          const err = await refusal(subject.authenticate(bearer(token)), 'ERR_TOKEN_CNF_BOUND');
          expect(err.headers['WWW-Authenticate']).to.equal(
            `Bearer realm="${API}", error="invalid_token", error_description="the token is bound to a key and cannot be used as a bearer token"`,
          );
          expect((err.cause as TokenValidationError).claim).to.equal('cnf');
        }
        expect(await refusal(subject.verify(token), 'ERR_TOKEN_CNF_BOUND')).to.be.instanceOf(InvalidTokenError);
      });
    }

    it('accepts it with acceptBoundTokens, for an API whose proxy checks the binding; tokens without cnf always', async () => {
      const token = tenant.sign({ cnf: bound['DPoP (cnf.jkt, RFC 9449)'] });
      const result = await authenticator({ acceptBoundTokens: true }).authenticate(bearer(token));
      expect(result?.payload.cnf).to.deep.equal(bound['DPoP (cnf.jkt, RFC 9449)']);
      expect((await authenticator().authenticate(bearer(tenant.sign())))?.payload.sub).to.equal('user-1');
    });
  });

  it('verifies with a local key set given per issuer, never asking the issuer for keys', async () => {
    const { keys } = (await (await fetch(tenant.jwksUri)).json()) as JsonWebKeySet;
    tenant.reset();
    const subject = new BearerAuthenticator({
      issuers: [{ issuer: tenant.issuer, jwks: new JwksFetcher({ keys }) }],
      audience: API,
    });
    expect((await subject.authenticate(bearer(tenant.sign())))?.payload.sub).to.equal('user-1');
    await refusal(subject.authenticate(bearer(tenant.sign({}, { kid: 'unknown' }))), 'ERR_JWKS_KEY_NOT_FOUND');
    expect(tenant.server.requests).to.deep.equal([]);
  });

  describe('when the key source is down', () => {
    it('answers 503 with Retry-After, not 401, when no key was ever fetched', async () => {
      tenant.server.set(JWKS_PATH, { status: 500, body: 'down' });
      const err = (await rejectionOf(authenticator().authenticate(bearer(tenant.sign())))) as ServiceUnavailableError;
      expect(err).to.be.instanceOf(ServiceUnavailableError);
      expect(err.status).to.equal(503);
      expect(err.headers).to.deep.equal({ 'Retry-After': '1' });
      expect(err.cause).to.be.instanceOf(KeySourceUnavailableError);
    });

    it("says in Retry-After how long is left of the key set's backoff, whatever retryAfter says", async () => {
      const time = FakeTimers.install({ toFake: ['Date'] });
      try {
        tenant.server.set(JWKS_PATH, { status: 502, body: 'bad gateway' });
        const subject = authenticator({ retryAfter: 30 });
        const retryAfter = async () =>
          ((await rejectionOf(subject.authenticate(bearer(tenant.sign())))) as ServiceUnavailableError).headers[
            'Retry-After'
          ];
        expect(await retryAfter()).to.equal('1'); // first failure: 1 s of backoff
        time.tick(400);
        expect(await retryAfter()).to.equal('1'); // 0.6 s left, rounded up
        time.tick(600);
        expect(await retryAfter()).to.equal('2'); // second failure: 2 s
        time.tick(2_000);
        expect(await retryAfter()).to.equal('4'); // third failure: 4 s
        time.tick(1_500);
        expect(await retryAfter()).to.equal('3'); // 2.5 s left, rounded up
      } finally {
        time.uninstall();
      }
    });

    it('says how long to wait as configured when the failure names no time, e.g. from an issuer resolver', async () => {
      const subject = new BearerAuthenticator({
        issuers: () => Promise.reject(new NetworkError('tenant store down')),
        audience: API,
        retryAfter: 30,
      });
      const err = (await rejectionOf(subject.authenticate(bearer(tenant.sign())))) as ServiceUnavailableError;
      expect(err).to.be.instanceOf(ServiceUnavailableError);
      expect(err.headers['Retry-After']).to.equal('30');
    });

    it('answers 503 when the key source does not answer in time', async function () {
      this.timeout(5000);
      tenant.server.set(JWKS_PATH, () => undefined); // never answers
      const subject = authenticator({ jwksOptions: { timeout: 100 } });
      const err = (await rejectionOf(subject.authenticate(bearer(tenant.sign())))) as ServiceUnavailableError;
      expect(err).to.be.instanceOf(ServiceUnavailableError);
      expect(err.cause).to.be.instanceOf(TimeoutError);
    });

    it("answers 503 when discovery is down, as the keys cannot be found, with the discovery cache's 10 s", async () => {
      tenant.server.set(DISCOVERY_PATH, { status: 503, body: 'maintenance' });
      const subject = new BearerAuthenticator({ issuer: tenant.issuer, audience: API, retryAfter: 30 });
      const err = (await rejectionOf(subject.authenticate(bearer(tenant.sign())))) as ServiceUnavailableError;
      expect(err).to.be.instanceOf(ServiceUnavailableError);
      expect(err.headers['Retry-After']).to.be.oneOf(['10', '9']);
    });

    it('keeps verifying with the keys it has, and answers 503 only for a key it lacks', async () => {
      const subject = authenticator({ jwksOptions: { cacheTtl: 0.001, cooldown: 0 } });
      await subject.authenticate(bearer(tenant.sign()));
      tenant.server.set(JWKS_PATH, { status: 500, body: 'down' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const auth = await subject.authenticate(bearer(tenant.sign()));
      expect(auth?.payload.sub).to.equal('user-1');
      const rotated = await rejectionOf(subject.authenticate(bearer(tenant.sign({}, { kid: 'k2' }))));
      expect(rotated).to.be.instanceOf(ServiceUnavailableError);
    });

    it('passes on a discovery document that names another issuer (a configuration error, 500)', async () => {
      tenant.server.setDiscovery({ issuer: 'https://someone-else.example/', jwks_uri: tenant.jwksUri });
      const subject = new BearerAuthenticator({ issuer: tenant.issuer, audience: API });
      const err = await rejectionOf(subject.authenticate(bearer(tenant.sign())));
      expect(err).to.be.instanceOf(ConfigurationError);
    });
  });

  describe('verify', () => {
    it('verifies a token obtained another way, with the same errors', async () => {
      const token = tenant.sign();
      expect((await authenticator().verify(token)).token).to.equal(token);
      expect(await rejectionOf(authenticator().verify(''))).to.be.instanceOf(UnauthorizedError);
      expect(await rejectionOf(authenticator().verify(tenant.sign({ exp: 1 })))).to.be.instanceOf(InvalidTokenError);
    });
  });
});
