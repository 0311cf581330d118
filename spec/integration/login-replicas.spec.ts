// The web login behind a load balancer without sticky sessions: two app replicas in separate processes (one
// Express, one Fastify) behind a round-robin proxy, all started here, against the embedded OpenID Provider. Every
// request goes to the other replica than the one before, so each login is started on one and finished on the other.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type ClientResponse, CookieClient } from '../helpers/cookie-client.js';
import { fastOptions } from '../helpers/dev-server.js';
import { type Provider, startProvider, stopProvider } from '../helpers/integration.js';
import { logoutToken } from '../helpers/logout-token.js';
import type { RedisServer } from '../helpers/redis.js';
import { startRedisOrSkip } from '../helpers/redis-required.js';
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js';
import { SESSION_SECRET } from '../helpers/web-login-contract.js';

const REPLICA = fileURLToPath(new URL('../helpers/login-replica.ts', import.meta.url));
const LOGINS = 50;

describe('web login behind two replicas and a round-robin proxy (separate processes)', function () {
  this.timeout(180_000);
  let proxy: RoundRobinProxy;
  let provider: Provider;
  const children: ChildProcess[] = [];

  /** Starts one replica process; resolves to its `host:port` once it listens. */
  async function replica(name: string, framework: string, env: Record<string, string> = {}): Promise<string> {
    const child = fork(REPLICA, [], {
      execArgv: ['--import', 'tsx'],
      // No coverage from the replicas (see spec/cli/bin.spec.ts: c8 cannot merge their ESM view of lib/).
      env: {
        ...process.env,
        NODE_V8_COVERAGE: '',
        NAME: name,
        FRAMEWORK: framework,
        ISSUER: provider.server.issuer,
        CLIENT_ID: 'web-app',
        CLIENT_SECRET: String(provider.server.client('web-app').clientSecret),
        BASE_URL: proxy.url,
        SESSION_SECRET,
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { port: number }));
      child.once('exit', (code) => reject(new Error(`replica ${name} exited with ${String(code)}`)));
    });
    return `127.0.0.1:${port}`;
  }

  async function stopReplicas(): Promise<void> {
    await Promise.all(
      children.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  before(async () => {
    proxy = await startRoundRobinProxy();
    const fast = fastOptions();
    provider = await startProvider({
      ...fast,
      clients: [
        ...fast.clients,
        {
          clientId: 'web-app',
          redirectUris: [`${proxy.url}/callback`],
          postLogoutRedirectUris: [`${proxy.url}/`],
          backchannelLogoutUri: `${proxy.url}/backchannel-logout`,
          rotateRefreshTokens: true,
        },
      ],
    });
  });

  after(async () => {
    await stopReplicas();
    await proxy?.close();
    await stopProvider(provider);
  });

  afterEach(() => {
    expect(provider.errors, 'the provider reported server errors').to.deep.equal([]);
  });

  const json = (response: ClientResponse) => JSON.parse(response.text) as Record<string, unknown>;
  /** The replica that served the last request for `path` (its index in proxy.backends). */
  const servedBy = (path: string) => proxy.served.filter((entry) => entry.path.startsWith(path)).at(-1)!.backend;

  describe('with sessions in cookies', () => {
    before(async () => {
      proxy.backends = await Promise.all([replica('A', 'express'), replica('B', 'fastify')]);
    });
    after(stopReplicas);

    it(`finishes ${LOGINS} logins each started on one replica and finished on the other, then logs out`, async () => {
      let succeeded = 0;
      for (let login = 0; login < LOGINS; login++) {
        const client = new CookieClient();
        const hops = await client.follow(`${proxy.url}/login?returnTo=/profile`);
        const started = servedBy('/login');
        const finished = servedBy('/callback');
        expect(finished, `login ${login} finished on the replica that started it`).to.not.equal(started);
        expect(servedBy('/profile')).to.not.equal(finished);
        const answer = hops.at(-1)!;
        expect(answer.status, answer.text).to.equal(200);
        expect(json(answer)).to.include({ sub: provider.server.user.sub });
        succeeded++;
        if (login === LOGINS - 1) {
          const logout = await client.request(`${proxy.url}/logout`);
          expect(logout.status).to.equal(302);
          const after = await client.request(`${proxy.url}/profile`);
          expect(after.status).to.equal(302);
          expect(after.headers.get('location')).to.equal('/login?returnTo=%2Fprofile');
        }
      }
      expect(succeeded).to.equal(LOGINS);
      const replicas = new Set(proxy.served.map((entry) => entry.backend));
      expect([...replicas].sort()).to.deep.equal([0, 1]);
    });
  });

  describe('with sessions in Redis', () => {
    let redis: RedisServer | undefined;

    before(async function () {
      redis = await startRedisOrSkip(this, 'the replica specs with a Redis session store');
      const env = { REDIS_PORT: String(redis.port) };
      proxy.backends = await Promise.all([replica('A', 'express', env), replica('B', 'express', env)]);
    });

    after(async () => {
      await stopReplicas();
      await redis?.stop();
    });

    it('serves a session on both replicas, and a refresh on one is what the other sees', async () => {
      const client = new CookieClient();
      await client.follow(`${proxy.url}/login?returnTo=/profile`);
      const first = json(await client.request(`${proxy.url}/profile`));
      const refreshed = json(await client.request(`${proxy.url}/refresh`));
      const other = json(await client.request(`${proxy.url}/profile`));
      expect(refreshed.replica).to.not.equal(other.replica);
      expect(refreshed.accessToken).to.be.a('string').and.not.equal(first.accessToken);
      expect(other.accessToken).to.equal(refreshed.accessToken);
      expect(client.cookiesFor(`${proxy.url}/`).get('appSession')!.length).to.be.below(200);
    });

    it("ends the session on every replica when the provider's own back-channel logout reaches one", async () => {
      const client = new CookieClient();
      await client.follow(`${proxy.url}/login?returnTo=/profile`);
      // The user logs out at the provider (Auth0's /v2/logout): it ends its session and posts a logout token.
      const before = proxy.served.length;
      await client.follow(`${provider.server.issuer}v2/logout?client_id=web-app`);
      expect(proxy.served.slice(before).map((entry) => entry.path)).to.include('/backchannel-logout');
      // Both replicas, the one that received the logout token and the other, now refuse the session.
      const answers = [await client.request(`${proxy.url}/profile`), await client.request(`${proxy.url}/profile`)];
      expect(answers.map((answer) => answer.status)).to.deep.equal([302, 302]);
      expect(new Set(proxy.served.slice(-2).map((entry) => entry.backend)).size).to.equal(2);
    });

    it('ends a session on every replica when one receives a back-channel logout', async () => {
      const client = new CookieClient();
      await client.follow(`${proxy.url}/login?returnTo=/profile`);
      expect((await client.request(`${proxy.url}/profile`)).status).to.equal(200);
      const received = await fetch(`${proxy.url}/backchannel-logout`, {
        method: 'POST',
        body: new URLSearchParams({
          logout_token: logoutToken(provider.server, 'web-app', { sub: provider.server.user.sub }),
        }),
      });
      expect(received.status).to.equal(200);
      const receivedBy = servedBy('/backchannel-logout');
      const after = await client.request(`${proxy.url}/profile`);
      expect(servedBy('/profile')).to.not.equal(receivedBy);
      expect(after.status).to.equal(302);
    });
  });
});
