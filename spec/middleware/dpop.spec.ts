// DPoP (RFC 9449) in the API middleware: an Express 5 app on an ephemeral port, called over real HTTP with
// DPoP-bound tokens of a local JWKS server and proofs signed by the test as a client would sign them.
import { generateKeyPairSync, hash, type KeyObject, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { ConfigurationError, StoreUnavailableError } from '../../lib/errors.js';
import { type BearerAuthOptions, BearerAuthenticator } from '../../lib/middleware/bearer.js';
import { dpopCredentials, type DpopRequest } from '../../lib/middleware/dpop.js';
import { auth, authErrorHandler } from '../../lib/middleware/express.js';
import { authErrorHandler as fastifyErrorHandler, fastifyAuth } from '../../lib/middleware/fastify.js';
import { type AuthState, authErrorHandler as koaErrorHandler, koaAuth } from '../../lib/middleware/koa.js';
import { MalformedRequest } from '../../lib/middleware/extract.js';
import { MemoryReplayStore, type ReplayStore } from '../../lib/middleware/replay-store.js';
import { jwkThumbprint } from '../../lib/token-verifier/jwk-thumbprint.js';
import { API, get, now, startTestIssuer, type TestIssuer } from '../helpers/issuer.js';
import { pkcs1Encoding, signJwt, withSignature } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';
import { thrownBy } from '../helpers/secrets.js';
import { type Served, serve } from '../helpers/serve.js';

const ALGS = 'ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA';

/** A client's DPoP key pair, with its public JWK and thumbprint. */
function dpopKey(): { privateKey: KeyObject; jwk: Record<string, unknown>; jkt: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { privateKey, jwk, jkt: jwkThumbprint(jwk) as string };
}

describe('DPoP (RFC 9449)', () => {
  let tenant: TestIssuer;
  let server: Served;
  let required: Served;
  const client = dpopKey();

  function app(options: Partial<BearerAuthOptions>): express.Express {
    const application = express();
    application.set('env', 'test');
    application.use(auth({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API, ...options }));
    application.get('/orders', (req, res) => {
      res.json({ sub: req.auth?.payload.sub ?? null });
    });
    application.use(authErrorHandler());
    return application;
  }

  before(async () => {
    tenant = await startTestIssuer('dpop');
    server = await serve(app({ dpop: true }));
    required = await serve(app({ dpop: { required: true, algorithms: ['ES256'] } }));
  });

  after(() => Promise.all([tenant.close(), server.close(), required.close()]));

  /** A token bound to `jkt` (the client's key unless given). */
  const boundToken = (jkt = client.jkt, claims: Record<string, unknown> = {}) =>
    tenant.sign({ cnf: { jkt }, ...claims });

  /** A proof for `GET {url}` and `token`, with `changes` to its claims or header. */
  function proof(
    url: string,
    token: string,
    changes: { claims?: Record<string, unknown>; header?: Record<string, unknown>; key?: KeyObject; alg?: string } = {},
  ): string {
    const claims = { jti: randomUUID(), htm: 'GET', htu: url, iat: now(), ath: hash('sha256', token, 'base64url') };
    return signJwt(
      { ...claims, ...changes.claims },
      {
        alg: changes.alg ?? 'ES256',
        typ: 'dpop+jwt',
        key: changes.key ?? client.privateKey,
        header: { jwk: client.jwk, ...changes.header },
      },
    );
  }

  /** GETs /orders of `base` with the DPoP scheme. */
  function call(base: Served, token: string, dpop?: string, path = '/orders') {
    const headers: Record<string, string> = { authorization: `DPoP ${token}` };
    if (dpop !== undefined) headers.dpop = dpop;
    return get(`${base.url}${path}`, headers);
  }

  it('accepts a DPoP-bound token with a valid proof of its key', async () => {
    const token = boundToken();
    const answer = await call(server, token, proof(`${server.url}/orders`, token));
    expect([answer.status, answer.json]).to.deep.equal([200, { sub: 'user-1' }]);
  });

  it('ignores the query and compares scheme and host case-insensitively in htu', async () => {
    const token = boundToken();
    const htu = `HTTP://${server.url.slice('http://'.length).toUpperCase()}/orders`;
    const answer = await call(server, token, proof(htu, token), '/orders?page=2');
    expect(answer.status).to.equal(200);
  });

  describe('refuses with 401 invalid_dpop_proof and a DPoP challenge', () => {
    const cases: Record<string, [(url: string, token: string) => string, string]> = {
      'a proof for another method': [
        (url, token) => proof(url, token, { claims: { htm: 'POST' } }),
        'the DPoP proof is for another HTTP method',
      ],
      'a proof for another URL': [(url, token) => proof(`${url}/other`, token), 'the DPoP proof is for another URL'],
      'a proof for another access token': [
        (url, token) => proof(url, `${token}x`),
        'the DPoP proof is for another access token',
      ],
      'a proof without ath': [
        (url, token) => proof(url, token, { claims: { ath: undefined } }),
        'the DPoP proof is for another access token',
      ],
      'a proof issued too long ago': [
        (url, token) => proof(url, token, { claims: { iat: now() - 300 - 60 - 1 } }),
        'the DPoP proof has expired',
      ],
      'a proof issued in the future': [
        (url, token) => proof(url, token, { claims: { iat: now() + 62 } }),
        'the DPoP proof is issued in the future',
      ],
      'a proof without jti': [
        (url, token) => proof(url, token, { claims: { jti: undefined } }),
        'the DPoP proof has no valid jti',
      ],
      'a proof signed by another key than the one it carries': [
        (url, token) => proof(url, token, { key: dpopKey().privateKey }),
        'the DPoP proof signature is invalid',
      ],
      'a proof whose jwk is a private key': [
        (url, token) => proof(url, token, { header: { jwk: client.privateKey.export({ format: 'jwk' }) } }),
        'the DPoP proof signature is invalid',
      ],
      'a proof without jwk': [
        (url, token) => proof(url, token, { header: { jwk: undefined } }),
        'the DPoP proof signature is invalid',
      ],
      'a proof typed as a JWT': [
        (url, token) => proof(url, token, { header: { typ: 'JWT' } }),
        'the DPoP proof is malformed',
      ],
      'a proof signed with a shared secret (HS256)': [
        (url, token) => proof(url, token, { alg: 'HS256', key: Buffer.alloc(32, 7) as unknown as KeyObject }),
        'the DPoP proof algorithm is not accepted',
      ],
      'a proof of a key the token is not bound to': [
        (url, token) => proof(url, token),
        'the token is not bound to the DPoP proof key',
      ],
    };
    for (const [name, [make, description]] of Object.entries(cases)) {
      it(name, async () => {
        const bound = name.includes('not bound') ? boundToken('another-thumbprint') : boundToken();
        const answer = await call(server, bound, make(`${server.url}/orders`, bound));
        expect(answer.status, answer.text).to.equal(401);
        expect(answer.json).to.deep.equal({ error: 'invalid_dpop_proof', error_description: description });
        expect(answer.headers.get('www-authenticate')).to.equal(
          `DPoP algs="${ALGS}", error="invalid_dpop_proof", error_description="${description}"`,
        );
      });
    }

    it('a proof used twice', async () => {
      const token = boundToken();
      const once = proof(`${server.url}/orders`, token);
      expect((await call(server, token, once)).status).to.equal(200);
      const again = await call(server, token, once);
      expect([again.status, again.json?.error_description]).to.deep.equal([401, 'the DPoP proof was already used']);
    });
  });

  it('refuses a proof forged for an RSA key with public exponent 1, even with a token bound to that key', async () => {
    const { n } = rsaKeys('dpop-client').publicKey.export({ format: 'jwk' });
    const jwk = { kty: 'RSA', n, e: 'AQ' };
    const token = boundToken(jwkThumbprint(jwk));
    const unsigned = proof(`${server.url}/orders`, token, {
      alg: 'RS256',
      key: rsaKeys('dpop-client').privateKey,
      header: { jwk },
    });
    const input = unsigned.slice(0, unsigned.lastIndexOf('.'));
    // With e = 1 the "signature" is EMSA-PKCS1-v1_5 of the signing input itself: no private key is needed.
    const answer = await call(server, token, withSignature(unsigned, pkcs1Encoding('sha256', input, 256)));
    expect([answer.status, answer.json?.error_description]).to.deep.equal([401, 'the DPoP proof signature is invalid']);
  });

  it('remembers at most maxReplayEntries proofs, and answers 503 to a new one rather than forget one', async () => {
    const small = await serve(app({ dpop: { maxReplayEntries: 2 } }));
    try {
      const token = boundToken();
      const proofs = [1, 2, 3].map(() => proof(`${small.url}/orders`, token));
      for (const each of proofs.slice(0, 2)) expect((await call(small, token, each)).status).to.equal(200);
      expect((await call(small, token, proofs[2])).status).to.equal(503); // full of live proofs
      expect((await call(small, token, proofs[0])).json?.error_description).to.equal('the DPoP proof was already used');
    } finally {
      await small.close();
    }
  });

  it('refuses behind a load balancer a proof replayed to another replica when they share a replay store', async () => {
    const replayStore = new MemoryReplayStore(); // stands for one RedisReplayStore (its own spec runs it on Redis)
    // Both replicas serve one public origin; the load balancer sends the replayed proof to the other one.
    const dpop = { replayStore, url: (req: DpopRequest) => `https://api.example.com${String(req.url)}` };
    const replicas = await Promise.all([serve(app({ dpop })), serve(app({ dpop }))]);
    try {
      const [one, two] = replicas as [Served, Served];
      const token = boundToken();
      const once = proof('https://api.example.com/orders', token);
      expect((await call(one, token, once)).status).to.equal(200);
      const replayed = await call(two, token, once);
      expect([replayed.status, replayed.json?.error_description]).to.deep.equal([
        401,
        'the DPoP proof was already used',
      ]);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });

  it('answers 503 with Retry-After, and accepts nothing, while the replay store is down (fail closed)', async () => {
    let calls = 0;
    const down: ReplayStore = {
      remember: () => {
        calls += 1;
        return Promise.reject(new StoreUnavailableError('Redis replay store: SET NX did not answer within 1000 ms'));
      },
    };
    const replica = await serve(app({ dpop: { replayStore: down }, retryAfter: 7 }));
    try {
      const token = boundToken();
      const answer = await call(replica, token, proof(`${replica.url}/orders`, token));
      expect([answer.status, answer.headers.get('retry-after'), answer.json]).to.deep.equal([
        503,
        '7',
        {
          error: 'temporarily_unavailable',
          error_description: 'the DPoP proof cannot be checked now; the replay store is unavailable',
        },
      ]);
      const forged = await call(replica, token, proof(`${replica.url}/orders`, token, { key: dpopKey().privateKey }));
      expect(forged.status).to.equal(401); // a bad proof is refused before the store is asked
      expect(calls).to.equal(1);
    } finally {
      await replica.close();
    }
  });

  it('refuses a token that is not DPoP-bound when presented with the DPoP scheme', async () => {
    const plain = tenant.sign();
    const answer = await call(server, plain, proof(`${server.url}/orders`, plain));
    expect([answer.status, answer.json?.error_description]).to.deep.equal([
      401,
      'the token is not bound to the DPoP proof key',
    ]);
  });

  it('answers an invalid token with the DPoP scheme as invalid_token in a DPoP challenge', async () => {
    const expired = boundToken(client.jkt, { exp: now() - 3600 });
    const answer = await call(server, expired, proof(`${server.url}/orders`, expired));
    expect(answer.status).to.equal(401);
    expect(answer.headers.get('www-authenticate')).to.equal(
      `DPoP algs="${ALGS}", error="invalid_token", error_description="the token has expired"`,
    );
  });

  it('answers 400 for a DPoP request without its proof, or with two', async () => {
    const token = boundToken();
    expect((await call(server, token)).status).to.equal(400);
    const credentials = dpopCredentials({
      headers: { authorization: `DPoP ${token}`, dpop: 'a' },
      rawHeaders: ['Authorization', `DPoP ${token}`, 'DPoP', 'a', 'DPoP', 'b'],
    });
    expect(credentials).to.be.instanceOf(MalformedRequest);
    expect(dpopCredentials({ headers: { authorization: `Bearer ${token}` } })).to.equal(undefined);
  });

  it('still refuses a DPoP-bound token presented as a bearer token, and accepts plain bearer tokens', async () => {
    const bound = await get(`${server.url}/orders`, { authorization: `Bearer ${boundToken()}` });
    expect([bound.status, bound.json?.error]).to.deep.equal([401, 'invalid_token']);
    const plain = await get(`${server.url}/orders`, { authorization: `Bearer ${tenant.sign()}` });
    expect(plain.status).to.equal(200);
  });

  it('offers both schemes to a request without credentials', async () => {
    const answer = await get(`${server.url}/orders`);
    expect(answer.headers.get('www-authenticate')).to.equal(`Bearer realm="${API}", DPoP algs="${ALGS}"`);
  });

  it('with required, refuses bearer tokens with a DPoP challenge only, and takes only its algorithms', async () => {
    const bearer = await get(`${required.url}/orders`, { authorization: `Bearer ${tenant.sign()}` });
    expect([bearer.status, bearer.headers.get('www-authenticate')]).to.deep.equal([401, 'DPoP algs="ES256"']);
    const token = boundToken();
    expect((await call(required, token, proof(`${required.url}/orders`, token))).status).to.equal(200);
    const rsa = proof(`${required.url}/orders`, token, {
      alg: 'RS256',
      key: rsaKeys('dpop-client').privateKey,
      header: { jwk: rsaKeys('dpop-client').publicKey.export({ format: 'jwk' }) },
    });
    const refused = await call(required, token, rsa);
    expect(refused.json?.error_description).to.equal('the DPoP proof algorithm is not accepted');
  });

  it('takes the URL from the url option, behind a proxy that changes it', async () => {
    const proxied = await serve(app({ dpop: { url: (req) => `https://api.example.com${String(req.url)}` } }));
    try {
      const token = boundToken();
      expect((await call(proxied, token, proof('https://api.example.com/orders', token))).status).to.equal(200);
      expect((await call(proxied, token, proof(`${proxied.url}/orders`, token))).status).to.equal(401);
    } finally {
      await proxied.close();
    }
  });

  describe('on Fastify and Koa, which hand the method and URL over their own way', () => {
    async function fastify(): Promise<Served> {
      const application = Fastify();
      application.setErrorHandler(fastifyErrorHandler);
      await application.register(fastifyAuth, {
        issuer: tenant.issuer,
        jwksUri: tenant.jwksUri,
        audience: API,
        dpop: true,
      });
      application.get('/orders', async (request) => ({ sub: request.auth?.payload.sub ?? null }));
      await application.listen({ port: 0, host: '127.0.0.1' });
      const port = (application.server.address() as { port: number }).port;
      return { url: `http://127.0.0.1:${port}`, port, close: () => application.close() } as Served;
    }

    function koa(): Promise<Served> {
      const application = new Koa<AuthState>();
      application.use(koaErrorHandler());
      application.use(koaAuth({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API, dpop: true }));
      application.use((ctx) => {
        ctx.body = { sub: ctx.state.auth?.payload.sub ?? null };
      });
      return serve(application.callback());
    }

    for (const [name, start] of [
      ['Fastify', fastify],
      ['Koa', koa],
    ] as const) {
      it(`${name}: accepts a valid proof and refuses one for another method or URL`, async () => {
        const running = await start();
        try {
          const token = boundToken();
          const url = `${running.url}/orders`;
          const ok = await call(running, token, proof(`${url}?x=1`, token));
          expect([ok.status, ok.json]).to.deep.equal([200, { sub: 'user-1' }]);
          const method = await call(running, token, proof(url, token, { claims: { htm: 'POST' } }));
          expect(method.json?.error_description).to.equal('the DPoP proof is for another HTTP method');
          const other = await call(running, token, proof(`${running.url}/elsewhere`, token));
          expect(other.json?.error_description).to.equal('the DPoP proof is for another URL');
        } finally {
          await running.close();
        }
      });
    }
  });

  it('refuses invalid dpop options at construction', () => {
    for (const dpop of [
      'yes',
      { required: 'true' },
      { proofMaxAge: 0 },
      { algorithms: ['HS256'] },
      { url: 'x' },
      { replayStore: {} },
      { replayStore: new MemoryReplayStore(), maxReplayEntries: 5 },
    ]) {
      const err = thrownBy(
        () => new BearerAuthenticator({ issuer: tenant.issuer, audience: API, dpop } as BearerAuthOptions),
      );
      expect(err, JSON.stringify(dpop)).to.be.instanceOf(ConfigurationError);
    }
  });

  it('computes the RFC 7638 thumbprint of its example key', () => {
    const jwk = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
        'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5' +
        'hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).to.equal('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(jwkThumbprint({ kty: 'oct', k: 'c2VjcmV0' })).to.equal(undefined);
    expect(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'x' })).to.equal(undefined);
  });
});
