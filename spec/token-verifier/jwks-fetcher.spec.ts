import FakeTimers from '@sinonjs/fake-timers';

type Clock = ReturnType<typeof FakeTimers.install>;
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  ConfigurationError,
  JwksError,
  KeyNotFoundError,
  KeySourceUnavailableError,
  NetworkError,
  TimeoutError,
  TokenValidationError,
} from '../../lib/errors.js';
import {
  DIAGNOSTICS_CHANNELS,
  type JwksCooldownMessage,
  type JwksFetchMessage,
  type JwksStaleMessage,
} from '../../lib/diagnostics.js';
import { JwksKey } from '../../lib/token-verifier/jwk.js';
import { JwksFetcher, type JwksFetcherOptions } from '../../lib/token-verifier/jwks-fetcher.js';
import { listen, stopListening } from '../helpers/diagnostics.js';
import { JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { publicJwk } from '../helpers/jwt.js';
import { ecKeys, edKeys, rsaKeys } from '../helpers/keys.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

const key1 = () => publicJwk(rsaKeys('k1').publicKey, { kid: 'test-key-1', alg: 'RS256', use: 'sig' });
const key2 = () => publicJwk(rsaKeys('k2').publicKey, { kid: 'test-key-2', alg: 'RS256', use: 'sig' });

/** Lets pending I/O callbacks and background fetches run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('JwksFetcher', () => {
  let server: JwksServer;
  let clock: Clock | undefined;

  before(async () => {
    server = await startJwksServer();
  });

  after(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.setKeys([key1()]);
    server.resetCounts();
  });

  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
    stopListening();
  });

  /** Fakes Date only: real timers and sockets keep working. */
  function fakeDate(): Clock {
    clock = FakeTimers.install({ toFake: ['Date'], now: 1_587_592_561_000 });
    return clock;
  }

  function fetcher(options: JwksFetcherOptions = {}): JwksFetcher {
    return new JwksFetcher(server.jwksUri, options);
  }

  describe('construction', () => {
    it('has the documented defaults', () => {
      const jwks = fetcher();
      expect([jwks.cacheTtl, jwks.cooldown, jwks.timeout, jwks.maxStale]).to.deep.equal([600, 30, 5000, 86_400]);
      expect(jwks.url).to.equal(server.jwksUri);
      expect(jwks.fetchCount).to.equal(0);
      expect(jwks.keys).to.deep.equal([]);
    });

    it('refuses http: for a host that is not loopback, other schemes, and relative URLs', () => {
      for (const url of ['http://tenant.auth0.com/.well-known/jwks.json', 'ftp://127.0.0.1/jwks', '/jwks', '', 42]) {
        const err = thrownBy(() => new JwksFetcher(url as string));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal('jwksUrl');
      }
      expect(new JwksFetcher('http://localhost:1/jwks').url).to.equal('http://localhost:1/jwks');
      expect(new JwksFetcher('http://[::1]:1/jwks').url).to.equal('http://[::1]:1/jwks');
      expect(new JwksFetcher('https://tenant.auth0.com/.well-known/jwks.json').url).to.match(/^https:/);
    });

    for (const [option, value] of [
      ['cacheTtl', 0],
      ['cacheTtl', '600'],
      ['cooldown', -1],
      ['timeout', Number.NaN],
      ['maxStale', Number.POSITIVE_INFINITY],
      ['maxResponseBytes', 0],
    ] as const) {
      it(`refuses ${option} ${String(value)}`, () => {
        const err = thrownBy(() => fetcher({ [option]: value }));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal(option);
      });
    }

    it('makes no request until a key is asked for', async () => {
      fetcher();
      await settle();
      expect(server.count(JWKS_PATH)).to.equal(0);
    });
  });

  describe('the original suite', () => {
    it('fetches the key set again once the cache has expired', async () => {
      const time = fakeDate();
      const jwks = fetcher({ cacheTtl: 1 });
      const first = await jwks.getKey('test-key-1');
      time.tick(2_000);
      const second = await jwks.getKey('test-key-1');
      expect(server.count(JWKS_PATH)).to.equal(2);
      expect(second.key.export({ format: 'jwk' })).to.deep.equal(first.key.export({ format: 'jwk' }));
    });

    it('fetches once for two keys of the same set within the TTL', async () => {
      server.setKeys([key1(), key2()]);
      const jwks = fetcher();
      expect((await jwks.getKey('test-key-1')).kid).to.equal('test-key-1');
      expect((await jwks.getKey('test-key-2')).kid).to.equal('test-key-2');
      expect(server.count(JWKS_PATH)).to.equal(1);
    });

    it('refetches for an unknown kid within the TTL once the cooldown allows, and finds the new key', async () => {
      const time = fakeDate();
      const jwks = fetcher();
      await jwks.getKey('test-key-1');
      server.setKeys([key1(), key2()]);
      time.tick(30_000);
      expect((await jwks.getKey('test-key-2')).kid).to.equal('test-key-2');
      expect(server.count(JWKS_PATH)).to.equal(2);
    });

    it('does not refetch for an unknown kid right after a fetch, and says the key was not found', async () => {
      const jwks = fetcher();
      const err = await rejectionOf(jwks.getKey('missing-key', 'RS256'));
      expect(err).to.be.instanceOf(KeyNotFoundError);
      expect(err).to.be.instanceOf(TokenValidationError);
      expect(err.message).to.equal('RSA Public Key with ID "missing-key" was not found.');
      expect((err as KeyNotFoundError).code).to.equal('ERR_JWKS_KEY_NOT_FOUND');
      expect(server.count(JWKS_PATH)).to.equal(1);
    });

    it('reports an HTTP 500 as the key source being unavailable, after one request (the original made two)', async () => {
      server.set(JWKS_PATH, { status: 500, json: { error: 'boom' } });
      const err = await rejectionOf(fetcher().getKey('test-key-1'));
      expect(err).to.be.instanceOf(KeySourceUnavailableError);
      expect(err).to.be.instanceOf(NetworkError);
      expect(err).not.to.be.instanceOf(TokenValidationError);
      expect(err.message).to.equal(`JWKS ${server.jwksUri} answered HTTP 500`);
      expect(server.count(JWKS_PATH)).to.equal(1);
    });
  });

  describe('single flight and cooldown', () => {
    it('serves 1000 concurrent lookups on a cold cache with one request', async () => {
      server.set(JWKS_PATH, { json: { keys: [key1()] }, delay: 50 });
      const jwks = fetcher();
      const keys = await Promise.all(Array.from({ length: 1000 }, () => jwks.getKey('test-key-1', 'RS256')));
      expect(new Set(keys).size).to.equal(1);
      expect(server.count(JWKS_PATH)).to.equal(1);
      expect(jwks.fetchCount).to.equal(1);
    });

    it('answers 1000 random unknown kids on a cold cache with one request', async () => {
      server.set(JWKS_PATH, { json: { keys: [key1()] }, delay: 20 });
      const jwks = fetcher();
      const results = await Promise.allSettled(Array.from({ length: 1000 }, () => jwks.getKey(randomUUID())));
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof KeyNotFoundError)).to.equal(true);
      expect(server.count(JWKS_PATH)).to.equal(1);
    });

    it('spends at most one request per cooldown on a flood of unknown kids, across all callers', async () => {
      const time = fakeDate();
      const jwks = fetcher();
      await jwks.getKey('test-key-1');
      time.tick(10_000);
      for (let i = 0; i < 100; i++)
        expect(await rejectionOf(jwks.getKey(randomUUID()))).to.be.instanceOf(KeyNotFoundError);
      expect(server.count(JWKS_PATH)).to.equal(1);
      time.tick(20_000);
      const flood = await Promise.allSettled(Array.from({ length: 100 }, () => jwks.getKey(randomUUID())));
      expect(flood.every((r) => r.status === 'rejected')).to.equal(true);
      expect(server.count(JWKS_PATH)).to.equal(2);
      time.tick(29_000);
      await rejectionOf(jwks.getKey(randomUUID()));
      expect(server.count(JWKS_PATH)).to.equal(2);
    });

    it('resolves a real rotation once the cooldown allows, even during a flood', async () => {
      const time = fakeDate();
      const jwks = fetcher();
      await jwks.getKey('test-key-1');
      server.setKeys([key2()]);
      time.tick(5_000);
      expect(await rejectionOf(jwks.getKey('test-key-2'))).to.be.instanceOf(KeyNotFoundError);
      time.tick(25_000);
      const [rotated] = await Promise.all([
        jwks.getKey('test-key-2'),
        ...Array.from({ length: 50 }, () => jwks.getKey(randomUUID()).catch(() => undefined)),
      ]);
      expect(rotated.kid).to.equal('test-key-2');
      expect(server.count(JWKS_PATH)).to.equal(2);
    });

    it('lets unknown-kid lookups join a fetch already in flight', async () => {
      const time = fakeDate();
      server.set(JWKS_PATH, { json: { keys: [key1()] }, delay: 30 });
      const jwks = fetcher({ cacheTtl: 1 });
      await jwks.getKey('test-key-1');
      server.set(JWKS_PATH, { json: { keys: [key1(), key2()] }, delay: 30 });
      time.tick(1_000);
      const refresh = jwks.getKey('test-key-1');
      const joined = jwks.getKey('test-key-2');
      expect((await joined).kid).to.equal('test-key-2');
      await refresh;
      expect(server.count(JWKS_PATH)).to.equal(2);
    });

    it('reload() fetches now, whatever the TTL and the cooldown', async () => {
      const jwks = fetcher();
      await jwks.getKey('test-key-1');
      server.setKeys([key2()]);
      await jwks.reload();
      expect(jwks.keys.map((key) => key.kid)).to.deep.equal(['test-key-2']);
      expect(server.count(JWKS_PATH)).to.equal(2);
    });
  });

  describe('keys', () => {
    it('imports each key once and keeps the same KeyObject across refreshes of an unchanged set', async () => {
      const time = fakeDate();
      const jwks = fetcher({ cacheTtl: 1 });
      const before = await jwks.getKey('test-key-1');
      time.tick(1_500);
      const after = await jwks.getKey('test-key-1');
      expect(server.count(JWKS_PATH)).to.equal(2);
      expect(after).to.equal(before);
      expect(after.active).to.equal(true);
    });

    it('retires a key that leaves the set', async () => {
      const jwks = fetcher();
      const old = await jwks.getKey('test-key-1');
      server.setKeys([key2()]);
      await jwks.reload();
      expect(old.active).to.equal(false);
      expect((await jwks.getKey('test-key-2')).active).to.equal(true);
    });

    it('skips unusable entries without breaking the set, and names them when a token asks for one', async () => {
      server.setKeys([
        { kty: 'AKP', kid: 'pq', alg: 'ML-DSA-44', pub: 'AAAA' },
        { kty: 'made-up', kid: 'odd' },
        publicJwk(rsaKeys('enc').publicKey, { kid: 'enc', use: 'enc' }),
        { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
        publicJwk(rsaKeys('weak', 1024).publicKey, { kid: 'weak' }),
        'garbage',
        key1(),
      ]);
      const jwks = fetcher();
      expect((await jwks.getKey('test-key-1', 'RS256')).kid).to.equal('test-key-1');
      expect(jwks.unusableKeys.map((entry) => entry.kid)).to.deep.equal([
        'pq',
        'odd',
        'enc',
        'hmac',
        'weak',
        undefined,
      ]);
      const err = await rejectionOf(jwks.getKey('weak', 'RS256'));
      expect(err).to.be.instanceOf(JwksError);
      expect(err).not.to.be.instanceOf(KeyNotFoundError);
      expect((err as JwksError).code).to.equal('ERR_JWKS_KEY_UNUSABLE');
      expect(err.message).to.equal(
        'the key with ID "weak" cannot be used: RSA key of 1024 bits; at least 2048 are required',
      );
      expect(server.count(JWKS_PATH)).to.equal(1);
    });

    it('refuses a key whose type, curve or own alg does not suit the algorithm', async () => {
      server.setKeys([
        publicJwk(ecKeys('P-256').publicKey, { kid: 'ec' }),
        publicJwk(ecKeys('P-384').publicKey, { kid: 'ec384' }),
        publicJwk(rsaKeys().publicKey, { kid: 'rs', alg: 'RS256' }),
        publicJwk(edKeys().publicKey, { kid: 'ed' }),
      ]);
      const jwks = fetcher();
      for (const [kid, alg] of [
        ['ec', 'RS256'],
        ['ec384', 'ES256'],
        ['rs', 'PS256'],
        ['ed', 'ES256'],
        ['rs', 'EdDSA'],
      ] as const) {
        const err = await rejectionOf(jwks.getKey(kid, alg));
        expect(err, `${kid} for ${alg}`).to.be.instanceOf(JwksError);
        expect((err as JwksError).code).to.equal('ERR_JWKS_KEY_MISMATCH');
      }
      expect(server.count(JWKS_PATH)).to.equal(1);
    });

    it('offers every key that repeats a kid, so that the one that verifies can be found', async () => {
      const other = publicJwk(rsaKeys('other').publicKey, { kid: 'test-key-1' });
      server.setKeys([other, key1()]);
      const candidates = await fetcher().candidates('test-key-1', 'RS256');
      expect(candidates).to.have.length(2);
    });

    describe('a token without kid', () => {
      it('uses the single usable key', async () => {
        server.setKeys([
          { kty: 'oct', k: 'AAAA' },
          { ...key1(), kid: undefined },
        ]);
        expect((await fetcher().getKey(undefined, 'RS256')).kty).to.equal('RSA');
      });

      it('offers every key that suits the algorithm, up to five', async () => {
        server.setKeys([key1(), key2(), publicJwk(ecKeys().publicKey, { kid: 'ec' })]);
        const candidates = await fetcher().candidates(undefined, 'RS256');
        expect(candidates.map((key) => key.kid)).to.deep.equal(['test-key-1', 'test-key-2']);
      });

      it('is rejected when more than five keys could verify it', async () => {
        server.setKeys(Array.from({ length: 6 }, (_, i) => publicJwk(rsaKeys('k1').publicKey, { kid: `k${i}` })));
        const err = await rejectionOf(Promise.resolve().then(() => fetcher().candidates(undefined, 'RS256')));
        expect(err).to.be.instanceOf(JwksError);
        expect((err as JwksError).code).to.equal('ERR_JWKS_AMBIGUOUS');
      });

      it('is rejected when the only key has the wrong type', async () => {
        server.setKeys([publicJwk(ecKeys().publicKey)]);
        const err = await rejectionOf(fetcher().getKey(undefined, 'RS256'));
        expect((err as JwksError).code).to.equal('ERR_JWKS_KEY_MISMATCH');
      });

      it('is rejected when the set has no usable key', async () => {
        server.setKeys([]);
        const err = await rejectionOf(fetcher().getKey(undefined, 'ES256'));
        expect(err).to.be.instanceOf(KeyNotFoundError);
        expect(err.message).to.equal('no EC Public Key was found for a token without a key ID (kid)');
      });
    });

    it('hands out key lists that no caller can change', async () => {
      const jwks = fetcher();
      const candidates = (await jwks.candidates('test-key-1', 'RS256')) as JwksKey[];
      expect(() => candidates.push(candidates[0] as JwksKey)).to.throw(TypeError);
      expect(() => (jwks.keys as JwksKey[]).pop()).to.throw(TypeError);
      expect(jwks.candidates('test-key-1', 'RS256')).to.have.length(1);
    });

    it('answers synchronously from a warm cache', async () => {
      const jwks = fetcher();
      await jwks.getKey('test-key-1');
      const candidates = jwks.candidates('test-key-1', 'RS256');
      expect(Array.isArray(candidates)).to.equal(true);
      expect((candidates as JwksKey[])[0]).to.be.instanceOf(JwksKey);
    });

    it('quotes a hostile kid safely in messages', async () => {
      const err = await rejectionOf(fetcher().getKey('a"\r\nFAKE LOG LINE\u0000', 'EdDSA'));
      expect(err.message).to.equal('OKP Public Key with ID "a\\"\\r\\nFAKE LOG LINE\\u0000" was not found.');
    });
  });

  describe('a key source that fails', () => {
    for (const [name, reply] of [
      ['HTTP 503', { status: 503, body: 'down' }],
      ['an HTML page', { body: '<html>login</html>', headers: { 'content-type': 'text/html' } }],
      ['invalid JSON', { body: '{"keys": [', headers: { 'content-type': 'application/json' } }],
      ['keys that is not a list', { json: { keys: {} } }],
      ['a JSON array', { json: [] }],
      ['HTTP 429', { status: 429, json: { error: 'too_many_requests' } }],
      ['a redirect without a location', { status: 302, body: '' }],
      ['HTTP 404 after a same-origin redirect', { status: 302, headers: { location: '/elsewhere' }, body: '' }],
    ] as const) {
      it(`turns ${name} into a KeySourceUnavailableError`, async () => {
        server.set(JWKS_PATH, reply);
        const err = await rejectionOf(fetcher().getKey('test-key-1'));
        expect(err).to.be.instanceOf(KeySourceUnavailableError);
      });
    }

    it('follows a same-origin redirect', async () => {
      server.set(JWKS_PATH, { status: 301, headers: { location: '/keys-v2' }, body: '' });
      server.set('/keys-v2', { json: { keys: [key1()] } });
      expect((await fetcher().getKey('test-key-1')).kid).to.equal('test-key-1');
    });

    it('refuses a redirect to another host, without contacting it', async () => {
      const other = await startJwksServer();
      try {
        other.setKeys([key1()]);
        server.set(JWKS_PATH, { status: 302, headers: { location: other.jwksUri }, body: '' });
        const err = await rejectionOf(fetcher().getKey('test-key-1'));
        expect(err).to.be.instanceOf(NetworkError);
        expect(other.count(JWKS_PATH)).to.equal(0);
      } finally {
        await other.close();
      }
    });

    it('times out a request that hangs', async () => {
      server.set(JWKS_PATH, () => undefined);
      const started = Date.now();
      const err = await rejectionOf(fetcher({ timeout: 100 }).getKey('test-key-1'));
      expect(err).to.be.instanceOf(TimeoutError);
      expect(Date.now() - started).to.be.below(2_000);
    });

    it('times out a response that trickles in', async () => {
      server.set(JWKS_PATH, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 20);
        res.on('close', () => clearInterval(timer));
      });
      const err = await rejectionOf(fetcher({ timeout: 150 }).getKey('test-key-1'));
      expect(err).to.be.instanceOf(TimeoutError);
    });

    it('abandons a response larger than maxResponseBytes', async () => {
      server.setKeys([key1(), { kty: 'made-up', pad: 'x'.repeat(5_000) }]);
      const err = await rejectionOf(fetcher({ maxResponseBytes: 2_000 }).getKey('test-key-1'));
      expect(err).to.be.instanceOf(NetworkError);
    });

    it('reports a refused connection as a NetworkError', async () => {
      const closed = await startJwksServer();
      const url = closed.jwksUri;
      await closed.close();
      const err = await rejectionOf(new JwksFetcher(url).getKey('test-key-1'));
      expect(err).to.be.instanceOf(NetworkError);
      expect(err).not.to.be.instanceOf(TokenValidationError);
    });

    it('backs off after a failure on a cold cache: no request until the backoff has passed', async () => {
      const time = fakeDate();
      server.set(JWKS_PATH, { status: 500, body: '' });
      const jwks = fetcher();
      const first = await rejectionOf(jwks.getKey('test-key-1'));
      const second = await rejectionOf(jwks.getKey('test-key-1'));
      expect(second).to.equal(first);
      expect(server.count(JWKS_PATH)).to.equal(1);
      server.setKeys([key1()]);
      time.tick(1_000);
      expect((await jwks.getKey('test-key-1')).kid).to.equal('test-key-1');
      expect(server.count(JWKS_PATH)).to.equal(2);
      expect(jwks.lastError).to.equal(undefined);
    });

    it('doubles the backoff with each consecutive failure, up to 30 s, and puts the next attempt on the error as retryAt', async () => {
      const time = fakeDate();
      server.set(JWKS_PATH, { status: 500, body: '' });
      const jwks = fetcher();
      for (const wait of [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]) {
        const failure = (await rejectionOf(jwks.getKey('test-key-1'))) as NetworkError;
        expect(failure.retryAt, `after a failure, ${wait} ms`).to.equal(Date.now() + wait);
        const count = server.count(JWKS_PATH);
        time.tick(wait - 1);
        expect(await rejectionOf(jwks.getKey('test-key-1'))).to.equal(failure);
        expect(server.count(JWKS_PATH), `before ${wait} ms`).to.equal(count);
        time.tick(1);
      }
    });

    it('puts the end of the refetch cooldown in retryAt when an unknown kid waits for it longer than the backoff', async () => {
      const time = fakeDate();
      server.setKeys([key1()]);
      const jwks = fetcher({ cooldown: 5 });
      await jwks.getKey('test-key-1');
      server.set(JWKS_PATH, { status: 500, body: '' });
      time.tick(6_000);
      const cooldownEnd = Date.now() + 5_000; // the refetch below starts now; the backoff would end in 1 s
      const first = (await rejectionOf(jwks.getKey('rotated-1'))) as NetworkError;
      time.tick(1_200);
      const second = (await rejectionOf(jwks.getKey('rotated-2'))) as NetworkError;
      for (const err of [first, second]) {
        expect(err).to.be.instanceOf(KeySourceUnavailableError);
        expect(err.retryAt).to.equal(cooldownEnd);
        expect(err.cause).to.equal(jwks.lastError);
      }
      expect(jwks.fetchCount).to.equal(2);
      expect((jwks.lastError as NetworkError).retryAt).to.equal(cooldownEnd - 4_000);
      expect((await jwks.getKey('test-key-1')).kid).to.equal('test-key-1'); // the keys in hand still work
    });

    describe('stale-if-error', () => {
      it('keeps serving the last good keys when a refresh fails, and retries in the background with backoff', async () => {
        const time = fakeDate();
        const jwks = fetcher({ cacheTtl: 60 });
        const good = await jwks.getKey('test-key-1');
        server.set(JWKS_PATH, { status: 503, body: 'down' });
        time.tick(61_000);
        expect(await jwks.getKey('test-key-1')).to.equal(good);
        expect(server.count(JWKS_PATH)).to.equal(2);
        expect(jwks.stale).to.equal(true);
        expect(jwks.lastError).to.be.instanceOf(KeySourceUnavailableError);
        expect(jwks.candidates('test-key-1', 'RS256')).to.deep.equal([good]);
        expect(server.count(JWKS_PATH)).to.equal(2);
        time.tick(1_000);
        expect(jwks.candidates('test-key-1', 'RS256')).to.deep.equal([good]);
        await settle();
        expect(server.count(JWKS_PATH)).to.equal(3);
        server.setKeys([key1()]);
        time.tick(2_000);
        jwks.candidates('test-key-1', 'RS256');
        await settle();
        expect(server.count(JWKS_PATH)).to.equal(4);
        expect(jwks.stale).to.equal(false);
        expect(jwks.fresh).to.equal(true);
      });

      it('answers an unknown kid with the source error while the source is down', async () => {
        const time = fakeDate();
        const jwks = fetcher({ cacheTtl: 60 });
        await jwks.getKey('test-key-1');
        server.set(JWKS_PATH, { status: 500, body: '' });
        time.tick(61_000);
        await jwks.getKey('test-key-1');
        const err = await rejectionOf(jwks.getKey('rotated-key'));
        expect(err).to.be.instanceOf(KeySourceUnavailableError);
      });

      it('gives up the last good keys after maxStale', async () => {
        const time = fakeDate();
        const jwks = fetcher({ cacheTtl: 60, maxStale: 3_600 });
        await jwks.getKey('test-key-1');
        server.set(JWKS_PATH, { status: 500, body: '' });
        time.tick(3_600_000);
        const err = await rejectionOf(jwks.getKey('test-key-1'));
        expect(err).to.be.instanceOf(KeySourceUnavailableError);
        expect(jwks.keys).to.deep.equal([]);
      });

      it('is off with maxStale 0', async () => {
        const time = fakeDate();
        const jwks = fetcher({ cacheTtl: 60, maxStale: 0 });
        await jwks.getKey('test-key-1');
        server.set(JWKS_PATH, { status: 500, body: '' });
        time.tick(61_000);
        expect(await rejectionOf(jwks.getKey('test-key-1'))).to.be.instanceOf(KeySourceUnavailableError);
      });
    });

    it('never leaves an unhandled rejection behind', async () => {
      const unhandled: unknown[] = [];
      const listener = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', listener);
      try {
        const time = fakeDate();
        const jwks = fetcher({ cacheTtl: 60 });
        await jwks.getKey('test-key-1');
        server.set(JWKS_PATH, { status: 500, body: '' });
        time.tick(61_000);
        await jwks.getKey('test-key-1');
        time.tick(5_000);
        jwks.candidates('test-key-1', 'RS256');
        await settle();
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(unhandled).to.deep.equal([]);
      } finally {
        process.off('unhandledRejection', listener);
      }
    });
  });

  describe('diagnostics', () => {
    it('publishes every request on authn-client:jwks:fetch: URL, status, duration and key counts, or the failure', async () => {
      const fetches = listen<JwksFetchMessage>(DIAGNOSTICS_CHANNELS.jwksFetch);
      server.setKeys([key1(), key2(), { kty: 'oct', k: 'c2VjcmV0', kid: 'secret' }]);
      const jwks = fetcher({ cooldown: 0 });
      await jwks.getKey('test-key-1');
      server.set(JWKS_PATH, { status: 503, body: 'down' });
      await rejectionOf(jwks.reload());
      const [ok, down] = fetches.messages as [JwksFetchMessage, JwksFetchMessage];
      expect(ok).to.deep.include({ url: server.jwksUri, status: 200, keys: 2, unusable: 1 });
      expect(ok.duration).to.be.a('number').and.to.be.at.least(0);
      expect(ok).not.to.have.property('error');
      expect(down).to.deep.include({ url: server.jwksUri, status: 503, keys: 0, unusable: 0 });
      expect(down.error).to.be.instanceOf(KeySourceUnavailableError);
      expect(fetches.messages).to.have.length(2);
    });

    it('publishes a request that got no answer with no status', async () => {
      const fetches = listen<JwksFetchMessage>(DIAGNOSTICS_CHANNELS.jwksFetch);
      const closed = await startJwksServer();
      await closed.close();
      await rejectionOf(new JwksFetcher(closed.jwksUri).getKey('test-key-1'));
      expect(fetches.messages).to.have.length(1);
      expect(fetches.messages[0]).to.deep.include({ url: closed.jwksUri, status: undefined, keys: 0 });
      expect(fetches.messages[0]?.error).to.be.instanceOf(NetworkError);
    });

    it('publishes on authn-client:jwks:cooldown each unknown kid the cooldown keeps from a refetch', async () => {
      const cooldowns = listen<JwksCooldownMessage>(DIAGNOSTICS_CHANNELS.jwksCooldown);
      const time = fakeDate();
      const jwks = fetcher({ cooldown: 30 });
      await jwks.getKey('test-key-1');
      await rejectionOf(jwks.getKey('unknown-1'));
      time.tick(10_000);
      await rejectionOf(jwks.getKey('unknown-2'));
      expect(cooldowns.messages).to.deep.equal([
        { url: server.jwksUri, kid: 'unknown-1', retryAt: time.now + 20_000 },
        { url: server.jwksUri, kid: 'unknown-2', retryAt: time.now + 20_000 },
      ]);
      time.tick(20_000);
      await rejectionOf(jwks.getKey('unknown-3'));
      expect(cooldowns.messages).to.have.length(2);
      expect(server.count(JWKS_PATH)).to.equal(2);
    });

    it('publishes on authn-client:jwks:stale each lookup answered with keys past their TTL, and the refresh failure', async () => {
      const stales = listen<JwksStaleMessage>(DIAGNOSTICS_CHANNELS.jwksStale);
      const time = fakeDate();
      const jwks = fetcher({ cacheTtl: 60 });
      await jwks.getKey('test-key-1');
      expect(stales.messages).to.deep.equal([]);
      server.set(JWKS_PATH, { status: 503, body: 'down' });
      time.tick(61_000);
      await jwks.getKey('test-key-1');
      expect(stales.messages).to.deep.equal([]); // this lookup waited for the failed refresh
      time.tick(500);
      jwks.candidates('test-key-1', 'RS256');
      expect(stales.messages).to.have.length(1);
      expect(stales.messages[0]).to.deep.include({ url: server.jwksUri, age: 61_500 });
      expect(stales.messages[0]?.error).to.be.instanceOf(KeySourceUnavailableError);
    });

    it('builds no message while nobody listens', async () => {
      const fetches = listen<JwksFetchMessage>(DIAGNOSTICS_CHANNELS.jwksFetch);
      fetches.stop();
      await fetcher().getKey('test-key-1');
      expect(fetches.messages).to.deep.equal([]);
    });
  });

  describe('a local key set (keys from configuration, never fetched)', () => {
    const local = () => new JwksFetcher({ keys: [key1(), key2()] });

    it('holds the keys given, for good, without a URL or a request', async () => {
      const jwks = local();
      expect((await jwks.getKey('test-key-2', 'RS256')).kid).to.equal('test-key-2');
      expect(jwks.keys.map((key) => key.kid)).to.deep.equal(['test-key-1', 'test-key-2']);
      expect([jwks.url, jwks.fresh, jwks.stale, jwks.fetchCount]).to.deep.equal(['', true, false, 0]);
      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      clock.tick(400 * 86_400_000); // long past any TTL or maxStale
      expect(jwks.candidates('test-key-1', 'RS256')).to.deep.equal([jwks.keys[0]]);
      await jwks.reload();
      expect(jwks.fetchCount).to.equal(0);
    });

    it('fails an unknown kid at once with KeyNotFoundError, every time, and names an unusable one', async () => {
      const jwks = new JwksFetcher({ keys: [key1(), { kty: 'oct', kid: 'shared', k: 'c2VjcmV0' }] });
      for (let i = 0; i < 2; i++) {
        expect(await rejectionOf(jwks.getKey('rotated-in-later', 'RS256'))).to.be.instanceOf(KeyNotFoundError);
      }
      const unusable = (await rejectionOf(jwks.getKey('shared', 'RS256'))) as JwksError;
      expect(unusable).to.be.instanceOf(JwksError);
      expect(unusable.code).to.equal('ERR_JWKS_KEY_UNUSABLE');
      expect(jwks.unusableKeys.map((entry) => entry.kid)).to.deep.equal(['shared']);
      expect(jwks.fetchCount).to.equal(0);
    });

    it('refuses at construction what is not a key set, a set with no usable key, and fetch options', () => {
      for (const jwks of [{}, { keys: 'k1' }, [key1()]]) {
        const err = thrownBy(() => new JwksFetcher(jwks as never)) as ConfigurationError;
        expect(err, JSON.stringify(jwks)).to.be.instanceOf(ConfigurationError);
        expect(err.option).to.equal('jwksUrl');
      }
      const weak = publicJwk(rsaKeys('weak', 1024).publicKey, { kid: 'weak' });
      const none = thrownBy(() => new JwksFetcher({ keys: [weak, { kty: 'oct', k: 'c2VjcmV0' }] })) as Error;
      expect(none).to.be.instanceOf(ConfigurationError);
      expect(none.message).to.equal(
        'the local key set has no usable key ("weak": RSA key of 1024 bits; at least 2048 are required; ' +
          'a key: symmetric (oct) keys are never used to verify tokens)',
      );
      const forgeable = { ...publicJwk(rsaKeys().publicKey), kid: 'e1', e: 'AQ' };
      expect((thrownBy(() => new JwksFetcher({ keys: [forgeable] })) as Error).message).to.equal(
        'the local key set has no usable key ("e1": RSA key with public exponent 1; it must be odd and at least 3)',
      );
      expect(thrownBy(() => new JwksFetcher({ keys: [] }))).to.be.instanceOf(ConfigurationError);
      const options = thrownBy(() => new JwksFetcher({ keys: [key1()] }, { cacheTtl: 60 })) as ConfigurationError;
      expect([options.constructor, options.option]).to.deep.equal([ConfigurationError, 'cacheTtl']);
    });
  });
});
