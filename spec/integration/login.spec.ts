// OidcClient against the embedded OpenID Provider, on both profiles: headless logins by code + PKCE, implicit
// form_post and hybrid; a login finished by another process (a replica); parallel logins; each refusal; replays
// across clients sharing a real redis-server; refresh with rotation; logout; a back-channel logout token sent by
// the provider itself; fromEnv with every key; and no secret in any error.
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { expect } from 'chai';
import type { DevServer } from '../../lib/dev-server/dev-server.js';
import { HeadlessCookieJar } from '../../lib/dev-server/cookie-jar.js';
import { headlessLogin, type HeadlessLoginResult, headlessLogout } from '../../lib/dev-server/headless-login.js';
import type { DevServerOptions } from '../../lib/dev-server/options.js';
import { Auth0Error, LoginError } from '../../lib/errors.js';
import { OidcClient } from '../../lib/oidc/oidc-client.js';
import type { OidcClientOptions } from '../../lib/oidc/oidc-client-options.js';
import { RedisTransactionStore } from '../../lib/oidc/redis-transaction-store.js';
import type { StartedLogin } from '../../lib/oidc/start-login.js';
import { decodeJwt } from '../helpers/dev-server.js';
import { type Provider, startProvider, stopProvider, useProvider } from '../helpers/integration.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';
import { useRedis } from '../helpers/use-redis.js';
import { until } from '../helpers/wait.js';

const SECRET = 'the-login-integration-secret-0123456789-abcdef';
const OTHER_SECRET = 'another-login-integration-secret-0123456789-abc';
const WORKER = fileURLToPath(new URL('../helpers/login-worker.ts', import.meta.url));

/** A POST receiver on 127.0.0.1 for the provider's back-channel logout tokens. */
interface Receiver {
  url: string;
  tokens: string[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const tokens: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token !== null) tokens.push(token);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/backchannel-logout`,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The response of a headless login, as a callback receives it: its URL, or the body of its form_post. */
function callbackOf(result: HeadlessLoginResult): string | Record<string, string> {
  return result.responseMode === 'form_post' ? result.params : result.url;
}

/** Drives the provider's pages of a started login without a browser (the jar is the browser's). */
function browse(login: StartedLogin, cookies = new HeadlessCookieJar()): Promise<HeadlessLoginResult> {
  return headlessLogin(login.url, { cookies });
}

/** A login error, asserted to be one. */
async function loginError(promise: Promise<unknown>): Promise<LoginError> {
  const err = await rejectionOf(promise);
  expect(err).to.be.instanceOf(LoginError);
  return err as LoginError;
}

const PROFILES: readonly (DevServerOptions & { label: string })[] = [
  { label: 'auth0 profile', profile: 'auth0' },
  { label: 'standard profile, issuer /realms/demo', profile: 'standard', issuerPath: '/realms/demo' },
];

for (const { label, ...devServerOptions } of PROFILES) {
  describe(`OidcClient against the dev server (${label})`, function () {
    this.timeout(30_000);
    let receiver: Receiver;
    let started: Provider | undefined;

    // The provider posts logout tokens to the receiver, whose URL is known once it listens.
    before(async () => {
      receiver = await startReceiver();
      started = await startProvider({
        ...devServerOptions,
        clients: [{ clientId: 'web-app', backchannelLogoutUri: receiver.url }],
      });
    });
    after(async () => {
      await stopProvider(started);
      await receiver?.close();
    });
    afterEach(() => {
      expect(started?.errors, 'the provider reported server errors').to.deep.equal([]);
    });

    function provider(): DevServer {
      if (started === undefined) throw new Error('the provider has not started');
      return started.server;
    }

    /** The options of an OidcClient for the dev server's confidential web app. */
    function webOptions(extra: Partial<OidcClientOptions> = {}): OidcClientOptions {
      const server = provider();
      const web = server.client('web-app');
      return {
        issuer: server.issuer,
        clientId: 'web-app',
        clientSecret: web.clientSecret as string,
        redirectUri: web.redirectUris[0] as string,
        postLogoutRedirectUri: web.postLogoutRedirectUris[0] as string,
        scope: 'openid profile email offline_access',
        secret: SECRET,
        ...extra,
      };
    }

    /** The options of an OidcClient for the dev server's public single-page app. */
    function spaOptions(extra: Partial<OidcClientOptions> = {}): OidcClientOptions {
      const server = provider();
      return {
        issuer: server.issuer,
        clientId: 'spa',
        redirectUri: server.client('spa').redirectUris[0] as string,
        scope: 'openid profile email offline_access',
        secret: SECRET,
        ...extra,
      };
    }

    it('logs a user in by code + PKCE: every check, the code exchange, the ID token', async () => {
      const client = await OidcClient.discover(webOptions());
      const login = await client.startLogin({ returnTo: '/orders/42' });
      const response = await browse(login);
      expect(response.iss).to.equal(provider().issuer);
      const result = await client.finishLogin(callbackOf(response), [login.transaction.value]);
      expect(result.claims).to.deep.include({ iss: provider().issuer, sub: provider().user.sub, aud: 'web-app' });
      expect(result.tokens.accessToken).to.be.a('string');
      expect(result.tokens.refreshToken).to.be.a('string');
      expect(result.tokens.expiresAt).to.be.greaterThan(Date.now());
      expect([result.returnTo, result.transaction]).to.deep.equal(['/orders/42', login.transaction.name]);
    });

    it('finishes, in another process with the same secret, a login started here (the replica case)', async () => {
      const client = await OidcClient.discover(webOptions());
      const login = await client.startLogin({ returnTo: '/replica' });
      const response = await browse(login);
      const replica: ChildProcess = fork(WORKER, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, LOGIN_OPTIONS: JSON.stringify(webOptions()), NODE_V8_COVERAGE: '' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      try {
        const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
          replica.on('message', (message: Record<string, unknown>) => {
            if (message.ready === true) replica.send({ response: response.url, values: [login.transaction.value] });
            else resolve(message);
          });
          replica.once('exit', (code) => reject(new Error(`the replica exited with ${String(code)}`)));
        });
        expect(answer).to.deep.equal({
          sub: provider().user.sub,
          transaction: login.transaction.name,
          returnTo: '/replica',
        });
      } finally {
        if (replica.exitCode === null) replica.kill();
      }
    });

    it('finishes two logins of one browser in the opposite order, each with its own cookie', async () => {
      const client = await OidcClient.discover(webOptions());
      const jar = new HeadlessCookieJar();
      const first = await client.startLogin({ returnTo: '/first' });
      const second = await client.startLogin({ returnTo: '/second' });
      expect(first.transaction.name).to.not.equal(second.transaction.name);
      const [firstResponse, secondResponse] = [await browse(first, jar), await browse(second, jar)];
      const cookies = [first.transaction.value, second.transaction.value];
      expect((await client.finishLogin(callbackOf(secondResponse), cookies)).returnTo).to.equal('/second');
      expect((await client.finishLogin(callbackOf(firstResponse), cookies)).returnTo).to.equal('/first');
    });

    describe('refusals', () => {
      it("carries the provider's error: prompt=none without a session is login_required", async () => {
        const client = await OidcClient.discover(webOptions());
        const login = await client.startLogin({ prompt: 'none' });
        const err = await loginError(client.finishLogin(callbackOf(await browse(login)), login.transaction.value));
        expect([err.code, err.error, err.status, err.transaction]).to.deep.equal([
          'ERR_LOGIN_PROVIDER_ERROR',
          'login_required',
          400,
          login.transaction.name,
        ]);
      });

      it("refuses a response to another browser's login: a foreign state", async () => {
        const client = await OidcClient.discover(webOptions());
        const victim = await client.startLogin();
        const attacker = await client.startLogin();
        const err = await loginError(client.finishLogin(callbackOf(await browse(attacker)), victim.transaction.value));
        expect(err.code).to.equal('ERR_LOGIN_STATE_MISMATCH');
      });

      it('refuses a callback that brought no transaction cookie', async () => {
        const client = await OidcClient.discover(webOptions());
        const login = await client.startLogin();
        const err = await loginError(client.finishLogin(callbackOf(await browse(login)), []));
        expect(err.code).to.equal('ERR_LOGIN_TRANSACTION_MISSING');
      });

      it('refuses a tampered transaction', async () => {
        const client = await OidcClient.discover(webOptions());
        const login = await client.startLogin();
        const value = login.transaction.value;
        const tampered = `${value.slice(0, 20)}${value[20] === 'A' ? 'B' : 'A'}${value.slice(21)}`;
        const err = await loginError(client.finishLogin(callbackOf(await browse(login)), tampered));
        expect(err.code).to.equal('ERR_LOGIN_TRANSACTION_INVALID');
      });

      it('refuses an expired transaction', async () => {
        const client = await OidcClient.discover(webOptions());
        const login = await client.startLogin();
        const later = await OidcClient.discover(webOptions({ clock: () => Date.now() / 1000 + 601 }));
        const err = await loginError(later.finishLogin(callbackOf(await browse(login)), login.transaction.value));
        expect(err.code).to.equal('ERR_LOGIN_TRANSACTION_EXPIRED');
      });

      it('refuses a transaction sealed with a secret this replica does not have', async () => {
        const client = await OidcClient.discover(webOptions());
        const login = await client.startLogin();
        const stranger = await OidcClient.discover(webOptions({ secret: OTHER_SECRET }));
        const err = await loginError(stranger.finishLogin(callbackOf(await browse(login)), login.transaction.value));
        expect(err.code).to.equal('ERR_LOGIN_TRANSACTION_INVALID');
      });

      it('finishes a login sealed with a secret being rotated out, on a replica that lists it second', async () => {
        const client = await OidcClient.discover(webOptions());
        const login = await client.startLogin();
        const rotated = await OidcClient.discover(webOptions({ secret: [OTHER_SECRET, SECRET] }));
        const result = await rotated.finishLogin(callbackOf(await browse(login)), login.transaction.value);
        expect(result.claims.sub).to.equal(provider().user.sub);
      });

      it('refuses an iss parameter naming another issuer, and a missing one (RFC 9207)', async () => {
        const client = await OidcClient.discover(webOptions());
        expect(client.metadata.authorization_response_iss_parameter_supported).to.equal(true);
        for (const [iss, code] of [
          ['https://evil.example.com/', 'ERR_LOGIN_ISS_MISMATCH'],
          [undefined, 'ERR_LOGIN_ISS_MISSING'],
        ] as const) {
          const login = await client.startLogin();
          const url = new URL((await browse(login)).url);
          if (iss === undefined) url.searchParams.delete('iss');
          else url.searchParams.set('iss', iss);
          expect((await loginError(client.finishLogin(url.href, login.transaction.value))).code).to.equal(code);
        }
      });

      it('refuses a replayed callback, and a code replayed to a replica with its own store is refused by the provider', async () => {
        const client = await OidcClient.discover(webOptions());
        const login = await client.startLogin();
        const response = callbackOf(await browse(login));
        await client.finishLogin(response, login.transaction.value);
        const replay = await loginError(client.finishLogin(response, login.transaction.value));
        expect(replay.code).to.equal('ERR_LOGIN_TRANSACTION_REPLAYED');
        const elsewhere = await OidcClient.discover(webOptions());
        const reused = await loginError(elsewhere.finishLogin(response, login.transaction.value));
        expect([reused.code, reused.error]).to.deep.equal(['ERR_LOGIN_TOKEN_REQUEST', 'invalid_grant']);
        expectNoSecrets(reused, [SECRET, webOptions().clientSecret as string, login.transaction.value]);
        expectNoSecrets(elsewhere, [SECRET, webOptions().clientSecret as string]);
        expect(inspect(elsewhere)).to.include('OidcClient');
      });
    });

    describe('single-page apps', () => {
      it('logs in by the implicit flow answered by form_post (id_token token), checking at_hash', async () => {
        const client = await OidcClient.discover(spaOptions({ responseType: 'id_token token' }));
        expect(client.transactionSameSite).to.equal('none');
        const login = await client.startLogin();
        const response = await browse(login);
        expect(response.responseMode).to.equal('form_post');
        const result = await client.finishLogin(callbackOf(response), login.transaction.value);
        expect(result.claims.sub).to.equal(provider().user.sub);
        expect(result.claims.at_hash).to.be.a('string');
        expect(result.tokens.accessToken).to.be.a('string');
        expect(result.tokens.refreshToken).to.equal(undefined);
      });

      it('logs in by the hybrid flow (code id_token) with PKCE, checking c_hash', async () => {
        const client = await OidcClient.discover(spaOptions({ responseType: 'code id_token' }));
        const login = await client.startLogin();
        const response = await browse(login);
        expect(decodeJwt(response.params.id_token as string).payload.c_hash).to.be.a('string');
        const result = await client.finishLogin(callbackOf(response), login.transaction.value);
        expect(result.tokens.refreshToken).to.be.a('string');
      });

      it('refreshes with rotation: the new refresh token replaces the old, which the provider then refuses', async () => {
        const client = await OidcClient.discover(spaOptions());
        const login = await client.startLogin();
        const { tokens, claims } = await client.finishLogin(callbackOf(await browse(login)), login.transaction.value);
        const refreshed = await client.refresh(tokens.refreshToken as string, { previousClaims: claims });
        expect(refreshed.refreshToken).to.be.a('string').and.not.equal(tokens.refreshToken);
        expect(refreshed.idTokenClaims?.sub).to.equal(claims.sub);
        const err = await rejectionOf(client.refresh(tokens.refreshToken as string));
        expect(err).to.be.instanceOf(Auth0Error).with.property('errorCode', 'invalid_grant');
      });
    });

    it('refreshes a web login, keeping the refresh token the provider does not rotate', async () => {
      const client = await OidcClient.discover(webOptions());
      const login = await client.startLogin();
      const { tokens, claims } = await client.finishLogin(callbackOf(await browse(login)), login.transaction.value);
      const refreshed = await client.refresh(tokens.refreshToken as string, { previousClaims: claims });
      expect(refreshed.accessToken).to.be.a('string').and.not.equal(tokens.accessToken);
      expect(refreshed.idTokenClaims?.sub).to.equal(claims.sub);
      expect(await client.refresh(refreshed.refreshToken)).to.have.property('accessToken');
    });

    it('logs out at the provider, which then sends a back-channel logout token the client accepts', async () => {
      const client = await OidcClient.discover(webOptions());
      const jar = new HeadlessCookieJar();
      const login = await client.startLogin();
      const { tokens, claims } = await client.finishLogin(
        callbackOf(await browse(login, jar)),
        login.transaction.value,
      );
      const url = client.logoutUrl({ idTokenHint: tokens.idToken, state: 'bye' });
      const before = receiver.tokens.length;
      const ended = await headlessLogout(url, { cookies: jar });
      expect(`${new URL(ended.url).origin}/`).to.equal(webOptions().postLogoutRedirectUri);
      if (provider().profile === 'standard') expect(ended.state).to.equal('bye');
      await until(() => receiver.tokens.length > before);
      expect(receiver.tokens).to.have.length(before + 1);
      const token = receiver.tokens.at(-1) as string;
      const logout = await client.verifyLogoutToken(token);
      expect([logout.sub, logout.sid]).to.deep.equal([claims.sub, claims.sid]);
      expect(await rejectionOf(client.verifyLogoutToken(tokens.idToken))).to.have.property(
        'code',
        'ERR_TOKEN_EVENTS_MISSING',
      );
    });

    it('builds a client from the environment with every key', async () => {
      const server = provider();
      const web = server.client('web-app');
      const callbackUrl = new URL(web.redirectUris[0] as string);
      const env = {
        OIDC_CLIENT_ID: 'web-app',
        OIDC_CLIENT_SECRET: web.clientSecret,
        OIDC_TYPE: 'custom',
        OIDC_DISCOVERY_URI: `${server.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
        OIDC_SCOPE: 'openid email profile',
        OIDC_USE_NONCE: 'true',
        OIDC_PREFERRED_JWS: 'RS256',
        OIDC_RESPONSE_TYPE: 'code',
        OIDC_DISABLE_PKCE: 'false',
        OIDC_CALLBACK: callbackUrl.href,
        OIDC_SERVER_URL: callbackUrl.origin,
        OIDC_CLIENT_AUTH_METHOD: 'client_secret_basic',
        OIDC_TENANT: '',
        OIDC_MAX_CLOCK_SKEW: '30',
        OIDC_CUSTOM_PARAMS: JSON.stringify({ audience: server.audience }),
        AUTHENTICATION_CLIENT_TYPE: 'confidential',
        AUTHENTICATION_PUBLIC_KEYS: `[${server.endpoints.jwks}]`,
        AUTHN_SESSION_SECRET: JSON.stringify([SECRET, OTHER_SECRET]),
      };
      const client = await OidcClient.fromEnv(env);
      const login = await client.startLogin();
      const result = await client.finishLogin(callbackOf(await browse(login)), login.transaction.value);
      expect(result.claims.sub).to.equal(server.user.sub);
      expect(decodeJwt(result.tokens.accessToken as string).payload.aud).to.include(server.audience);
    });
  });
}

describe('OidcClient: replays across replicas sharing a RedisTransactionStore', function () {
  this.timeout(30_000);
  const provider = useProvider({ profile: 'standard' });
  const redis = useRedis('the login replay tests on Redis');

  it('refuses on one replica a callback another replica finishes at the same moment', async () => {
    const server = provider();
    const options: OidcClientOptions = {
      issuer: server.issuer,
      clientId: 'web-app',
      clientSecret: server.client('web-app').clientSecret as string,
      redirectUri: server.client('web-app').redirectUris[0] as string,
      secret: SECRET,
    };
    const [a, b] = [
      await OidcClient.discover({ ...options, transactionStore: new RedisTransactionStore(redis().redis) }),
      await OidcClient.discover({ ...options, transactionStore: new RedisTransactionStore(redis().redis) }),
    ];
    const login = await a.startLogin();
    const response = callbackOf(await browse(login));
    const results = await Promise.allSettled([
      a.finishLogin(response, login.transaction.value),
      b.finishLogin(response, login.transaction.value),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
    const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as LoginError).code).to.equal('ERR_LOGIN_TRANSACTION_REPLAYED');
    expect(await redis().redis.keys('authn:tx:*')).to.deep.equal([`authn:tx:${login.transaction.name}`]);
  });
});
