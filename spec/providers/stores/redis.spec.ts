import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ConfigurationError, NetworkError, StoreUnavailableError } from '../../../lib/errors.js';
import { ClientCredentialsProvider } from '../../../lib/providers/client-credentials.js';
import { RedisTokenStore } from '../../../lib/providers/stores/redis.js';
import type { RedisClientLike } from '../../../lib/stores/redis-client.js';
import { DEFAULT_STORE_TIMEOUT } from '../../../lib/stores/store-call.js';
import { type RedisServer, redisServerBinary, startRedis } from '../../helpers/redis.js';
import { startRedisOrSkip } from '../../helpers/redis-required.js';
import { rejectionOf, thrownBy } from '../../helpers/secrets.js';
import { startTokenServer, type TokenServer } from '../../helpers/token-server.js';
import { until } from '../../helpers/wait.js';

const WORKER = fileURLToPath(new URL('../../helpers/redis-worker.ts', import.meta.url));
const token = { accessToken: 'at-1', issuedAt: 1000, expiresAt: Date.now() + 3_600_000 };

/** Starts a replica process; resolves once it is ready (mode "loop") or at once (mode "single"). */
async function replica(env: Record<string, string>, mode: 'loop' | 'single'): Promise<ChildProcess> {
  const child = fork(WORKER, [], {
    execArgv: ['--import', 'tsx'],
    // No coverage from the replicas (see spec/cli/bin.spec.ts: c8 cannot merge their ESM view of lib/).
    env: { ...process.env, ...env, MODE: mode, NODE_V8_COVERAGE: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (mode === 'loop') {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`replica exited with ${String(code)}`)));
    });
  }
  return child;
}

describe('RedisTokenStore (against a real redis-server)', function () {
  this.timeout(60_000);
  let server: RedisServer | undefined;
  let redis: Redis;
  const children: ChildProcess[] = [];

  before(async function () {
    server = await startRedisOrSkip(this, 'the Redis token-store tests');
    redis = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  });

  beforeEach(async () => {
    await redis.flushall();
  });

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  after(async () => {
    await redis?.quit();
    await server?.stop();
  });

  describe('as a store', () => {
    it('accepts an ioredis client as it is', () => {
      const client: RedisClientLike = redis;
      expect(new RedisTokenStore(client).prefix).to.equal('authn:token:');
    });

    it('stores tokens under its prefix with a time to live, and reads them back', async () => {
      const store = new RedisTokenStore(redis, { prefix: 'orders:' });
      await store.set('k', token, 60_000);
      expect(await store.get('k')).to.deep.equal(token);
      const ttl = await redis.pttl('orders:k');
      expect(ttl).to.be.within(59_000, 60_000);
      expect(await store.get('other')).to.equal(undefined);
    });

    it('keeps a token without expiry, and ignores values it did not write', async () => {
      const store = new RedisTokenStore(redis);
      await store.set('forever', { ...token, expiresAt: Infinity }, Infinity);
      expect((await store.get('forever'))!.expiresAt).to.equal(Infinity);
      for (const junk of ['not json', '{"accessToken":5}', '{"accessToken":"a","expiresAt":"x","issuedAt":1}']) {
        await redis.set('authn:token:junk', junk);
        expect(await store.get('junk')).to.equal(undefined);
      }
    });

    it('deletes a token unconditionally, or only when it is the one named', async () => {
      const store = new RedisTokenStore(redis);
      await store.set('k', token, 60_000);
      await store.delete('k', 'someone-else');
      expect(await store.get('k')).to.deep.equal(token);
      await store.delete('k', 'at-1');
      expect(await store.get('k')).to.equal(undefined);
      await store.set('k', token, 60_000);
      await store.delete('k');
      expect(await redis.exists('authn:token:k')).to.equal(0);
      await redis.set('authn:token:junk', 'not json');
      await store.delete('junk', 'at-1');
      expect(await redis.exists('authn:token:junk')).to.equal(0);
    });

    it('gives the lock to one holder at a time and lets only that holder release it', async () => {
      const store = new RedisTokenStore(redis, { lockTtl: 200 });
      const first = await store.lock('k');
      expect(first).to.not.equal(undefined);
      expect(await store.lock('k')).to.equal(undefined);
      await first!.release();
      const second = await store.lock('k');
      expect(second).to.not.equal(undefined);
      // The holder stops renewing (it "dies"); the lock expires and another takes it.
      await redis.del('authn:token:k:lock');
      const third = await store.lock('k');
      await second!.release(); // must not free the third holder's lock
      expect(await redis.exists('authn:token:k:lock')).to.equal(1);
      expect(await store.lock('k')).to.equal(undefined);
      await third!.release();
      await third!.release();
      expect(await redis.exists('authn:token:k:lock')).to.equal(0);
    });

    it('keeps a lock past its ttl while the holder lives, and lets it expire when the holder stops', async () => {
      const store = new RedisTokenStore(redis, { lockTtl: 150 });
      const lock = await store.lock('k');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await store.lock('k')).to.equal(undefined);
      await lock!.release();
      await redis.set('authn:token:k:lock', 'a-dead-holder', 'PX', 150);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await store.lock('k')).to.not.equal(undefined);
    });

    it('rejects with a StoreUnavailableError (a NetworkError) when Redis cannot be reached', async () => {
      const closed = new Redis(server!.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
      closed.disconnect();
      const store = new RedisTokenStore(closed);
      for (const operation of [
        () => store.get('k'),
        () => store.set('k', token, 1000),
        () => store.delete('k'),
        () => store.delete('k', 'a'),
        () => store.lock('k'),
      ]) {
        const err = await rejectionOf(operation());
        expect(err).to.be.instanceOf(StoreUnavailableError).and.instanceOf(NetworkError);
        expect(err.message).to.match(/^Redis token store: [A-Z ]+ failed: /);
      }
    });

    it('stops waiting for a command after storeTimeout, whatever the client does, and releases a lock likewise', async () => {
      const stalled: RedisClientLike = {
        get: () => new Promise(() => undefined),
        set: () => new Promise(() => undefined),
        del: () => new Promise(() => undefined),
        eval: () => new Promise(() => undefined),
      };
      const store = new RedisTokenStore(stalled, { storeTimeout: 50 });
      expect([store.storeTimeout, new RedisTokenStore(redis).storeTimeout]).to.deep.equal([50, DEFAULT_STORE_TIMEOUT]);
      for (const [operation, name] of [
        [() => store.get('k'), 'GET'],
        [() => store.set('k', token, 1000), 'SET'],
        [() => store.delete('k', 'a'), 'DEL'],
        [() => store.lock('k'), 'SET NX'],
      ] as const) {
        const started = Date.now();
        const err = await rejectionOf(operation());
        expect(err.message).to.equal(`Redis token store: ${name} did not answer within 50 ms`);
        expect(Date.now() - started).to.be.below(1000);
      }
      const lock = await new RedisTokenStore(redis, { storeTimeout: 50 }).lock('k');
      redis.disconnect();
      try {
        expect((await rejectionOf(lock!.release())).message).to.match(/^Redis token store: lock release /);
      } finally {
        redis.connect().catch(() => undefined);
      }
    });

    it('refuses a client without the commands it needs, and bad options', () => {
      expect(thrownBy(() => new RedisTokenStore({} as never))).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => new RedisTokenStore(null as never))).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => new RedisTokenStore(redis, { lockTtl: 10 }))).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => new RedisTokenStore(redis, { prefix: 5 as never }))).to.be.instanceOf(ConfigurationError);
      for (const storeTimeout of [0, 1.5, 60_001, '1000']) {
        const err = thrownBy(() => new RedisTokenStore(redis, { storeTimeout: storeTimeout as never }));
        expect([err.constructor, (err as ConfigurationError).option]).to.deep.equal([
          ConfigurationError,
          'storeTimeout',
        ]);
      }
    });
  });

  describe('shared by a fleet', () => {
    let tokens: TokenServer;
    beforeEach(async () => {
      tokens = await startTokenServer(2);
    });
    afterEach(() => tokens.close());

    it('spends one grant for 1000 concurrent callers spread over 4 clients', async () => {
      const clients = Array.from({ length: 4 }, () => new Redis(server!.port, '127.0.0.1'));
      try {
        const providers = clients.map(
          (client) =>
            new ClientCredentialsProvider({
              tokenEndpoint: tokens.tokenEndpoint,
              clientId: 'c',
              clientSecret: 's',
              store: new RedisTokenStore(client),
            }),
        );
        const got = await Promise.all(Array.from({ length: 1000 }, (_, i) => providers[i % 4]!.authToken()));
        expect(new Set(got)).to.deep.equal(new Set(['token-1']));
        expect(tokens.grants).to.have.length(1);
        const stored = await redis.keys('authn:token:*');
        expect(stored).to.have.length(1); // the token; the lock is gone
      } finally {
        await Promise.all(clients.map((client) => client.quit()));
      }
    });

    it('makes 4 processes spend one grant per token lifetime: 3 grants over 3 lifetimes', async function () {
      // Tokens live 2 s and are renewed 0.5 s before expiry: one renewal every 1.5 s. Four replicas call
      // authToken() every 10 ms for 4 s (grants due at 0, 1.5 and 3 s).
      const env = { REDIS_PORT: String(server!.port), TOKEN_ENDPOINT: tokens.tokenEndpoint, REFRESH_SKEW: '0.5' };
      const fleet = await Promise.all(Array.from({ length: 4 }, () => replica(env, 'loop')));
      children.push(...fleet);
      const reports = fleet.map(
        (child) =>
          new Promise<{ tokens: string[]; errors: number; calls: number }>((resolve) =>
            child.once('message', (report) => resolve(report as never)),
          ),
      );
      for (const child of fleet) child.send({ go: 4000 });
      const results = await Promise.all(reports);
      expect(tokens.grants).to.have.length(3);
      for (const result of results) {
        expect(result.errors).to.equal(0);
        expect(result.calls).to.be.greaterThan(100);
        expect(result.tokens).to.include.members(['token-1', 'token-2', 'token-3']);
      }
    });

    it('serves a fresh replica within the store timeout plus a grant once its redis-server is killed mid-run', async () => {
      // A redis-server of this test only, and an ioredis client with its defaults, as the README shows: with
      // the server gone it queues commands and retries them for tens of seconds.
      const own = await startRedis(redisServerBinary()!);
      const client = new Redis(own.url);
      client.on('error', () => undefined);
      const settings = { tokenEndpoint: tokens.tokenEndpoint, clientId: 'c', clientSecret: 's' };
      try {
        const first = new ClientCredentialsProvider({ ...settings, store: new RedisTokenStore(client) });
        expect(await first.authToken()).to.equal('token-1');
        await own.kill();
        const errors: Error[] = [];
        const fresh = new ClientCredentialsProvider({
          ...settings,
          store: new RedisTokenStore(client),
          onError: (error) => errors.push(error),
        });
        const started = Date.now();
        const answer = await Promise.race([
          fresh.authToken(),
          new Promise<string>((resolve) => setTimeout(() => resolve('still pending after 5 s'), 5_000)),
        ]);
        const took = Date.now() - started;
        expect(answer).to.equal('token-2');
        expect(took).to.be.within(DEFAULT_STORE_TIMEOUT - 50, DEFAULT_STORE_TIMEOUT + 2_000);
        expect(tokens.grants).to.have.length(2);
        expect(errors.map((error) => [error.constructor, error.message])).to.deep.equal([
          [StoreUnavailableError, `Redis token store: GET did not answer within ${DEFAULT_STORE_TIMEOUT} ms`],
        ]);
        expect(await fresh.authToken()).to.equal('token-2'); // from memory, without waiting on Redis again
      } finally {
        client.disconnect();
        await own.stop();
      }
    });

    it('lets a waiter take over after the lock ttl when the holder dies in the middle of its grant', async () => {
      tokens.answer((_grant, index) =>
        index === 0
          ? { body: { access_token: 'never' }, delay: 60_000 }
          : { body: { access_token: `token-${index + 1}`, expires_in: 60 } },
      );
      const holder = await replica(
        { REDIS_PORT: String(server!.port), TOKEN_ENDPOINT: tokens.tokenEndpoint, LOCK_TTL: '500' },
        'single',
      );
      children.push(holder);
      await until(() => tokens.grants.length === 1, 20_000);
      expect(await redis.keys('authn:test:*:lock')).to.have.length(1);
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
      const waiter = new ClientCredentialsProvider({
        tokenEndpoint: tokens.tokenEndpoint,
        clientId: 'fleet-client',
        clientSecret: 'fleet-secret',
        audience: 'https://api.example.com/',
        store: new RedisTokenStore(redis, { prefix: 'authn:test:', lockTtl: 500 }),
      });
      const [lockKey] = await redis.keys('authn:test:*:lock');
      const left = lockKey === undefined ? 0 : await redis.pttl(lockKey);
      const started = Date.now();
      expect(await waiter.authToken()).to.equal('token-2');
      const waited = Date.now() - started;
      expect(waited).to.be.at.least(left - 20); // it waited for the dead holder's lock to expire…
      expect(waited).to.be.below(left + 1000); // …and not much longer
      expect(tokens.grants).to.have.length(2);
    });
  });
});
