import { EventEmitter } from 'node:events';
import { createServer, type Server, STATUS_CODES } from 'node:http';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type * as OidcProvider from 'oidc-provider';
import { ConfigurationError, NetworkError } from '../errors.js';
import { atHashOnTokenResponses } from './at-hash.js';
import { auth0Logout } from './auth0-logout.js';
import type { DevServerClient, ResolvedClient } from './clients.js';
import { interactions } from './interactions.js';
import { mountAt } from './mount.js';
import {
  type DevServerInteractions,
  type DevServerOptions,
  type DevServerSetup,
  type DevServerUser,
  resolveDevServerSetup,
} from './options.js';
import { type DevServerEndpoints, type DevServerProfile, endpointsOf } from './profile.js';
import { providerConfiguration } from './provider-configuration.js';
import { jwtUserinfo } from './userinfo.js';
import { loadOidcProvider, withoutProviderNotices } from './load-provider.js';

/** A running dev server: where it is, what it holds, and how to stop it. */
export interface DevServer {
  /** What it looks like: an Auth0 tenant, or a standard OpenID Provider. */
  readonly profile: DevServerProfile;
  /**
   * The issuer: `http://127.0.0.1:PORT/` with Auth0's trailing slash (auth0 profile), or
   * `http://127.0.0.1:PORT` followed by the issuer path, without a trailing slash (standard profile).
   */
  readonly issuer: string;
  /** `host:port`, the `domain` option of the library's clients (with `protocol: 'http'`; auth0 profile). */
  readonly domain: string;
  /** The loopback address it listens on. */
  readonly host: string;
  /** The TCP port it listens on. */
  readonly port: number;
  /** The API identifier that `audience` (or `resource`) selects. */
  readonly audience: string;
  /** The API's scopes. */
  readonly scopes: readonly string[];
  /** The test user. */
  readonly user: Readonly<DevServerUser>;
  /** The test user's password, which the login form of `interactions: 'form'` asks for. */
  readonly password: string;
  /** How logins are answered: at once (`auto`) or by a login form (`form`). */
  readonly interactions: DevServerInteractions;
  /** Every client with its credentials. */
  readonly clients: readonly DevServerClient[];
  /** The public signing keys, as the JWKS endpoint serves them (the first one signs). */
  readonly jwks: {
    /** The public JWKs, each with its `kid`, `alg` and `use`. */
    readonly keys: readonly JsonWebKey[];
  };
  /** The endpoints' URLs. */
  readonly endpoints: DevServerEndpoints;
  /**
   * The client with this id.
   *
   * @throws {ConfigurationError} when there is none.
   */
  client(clientId: string): DevServerClient;
  /** Stops listening and closes every connection; resolves when the port is free. Safe to call twice. */
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(new ConfigurationError(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`, 'port'));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The codes of node-oidc-provider's https-only rules for the redirect URIs of implicit clients (note 16). */
const IMPLICIT_HTTPS_RULES = new Set(['implicit-force-https', 'implicit-forbid-localhost']);

/**
 * Lets implicit clients register `http:` loopback redirect URIs, which node-oidc-provider refuses; the dev
 * server's own checks (clients.ts) allow `http:` for implicit clients on loopback hosts only.
 */
function allowImplicitOnLoopback(provider: OidcProvider.default): void {
  const schema = (provider.Client as unknown as { Schema: { prototype: { invalidate(...args: unknown[]): void } } })
    .Schema.prototype;
  const invalidate = schema.invalidate;
  schema.invalidate = function (this: unknown, message: unknown, code: unknown) {
    if (typeof code === 'string' && IMPLICIT_HTTPS_RULES.has(code)) return;
    invalidate.call(this, message, code);
  };
}

/** Reports events of the provider: unexpected errors, and back-channel logouts that failed. */
function reportErrors(provider: OidcProvider.default, onError: DevServerSetup['onError']): void {
  const report = (error: unknown) => onError?.(error);
  // Listening to `error` also stops Koa from printing every error to the console.
  EventEmitter.prototype.on.call(provider, 'error', report);
  provider.on('server_error', (_ctx: unknown, error: unknown) => report(error));
  provider.on('backchannel.error', (_ctx: unknown, error: unknown, client: OidcProvider.Client) => {
    report(new NetworkError(`back-channel logout to ${client.backchannelLogoutUri} ${undelivered(error)}`));
  });
}

/**
 * Why a back-channel logout was not delivered: the app's answer, or the network error. A 404 is the usual case of
 * an app of authn-client's web login without a store, which then serves no back-channel logout route.
 */
function undelivered(error: unknown): string {
  const status = (error as { response?: { status?: unknown } })?.response?.status;
  if (status === 404) {
    return (
      'not delivered: the app answered 404 (it serves no back-channel logout route; the web login of ' +
      'authn-client serves one only with session.store or backchannelLogout.store)'
    );
  }
  if (typeof status === 'number') return `not delivered: the app answered ${status} ${STATUS_CODES[status] ?? ''}`;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code ?? (error as Error)?.message;
  return `not delivered: ${String(cause)}`;
}

/** A client as the server shows it: its settings and credentials, frozen; not the public JWK it registered. */
function publicClient(client: ResolvedClient): DevServerClient {
  const { clientSecret, privateKey, backchannelLogoutUri } = client;
  return Object.freeze({
    clientId: client.clientId,
    name: client.name,
    authMethod: client.authMethod,
    grantTypes: Object.freeze([...client.grantTypes]),
    responseTypes: Object.freeze([...client.responseTypes]),
    redirectUris: Object.freeze([...client.redirectUris]),
    postLogoutRedirectUris: Object.freeze([...client.postLogoutRedirectUris]),
    rotateRefreshTokens: client.rotateRefreshTokens,
    ...(backchannelLogoutUri !== undefined && { backchannelLogoutUri }),
    ...(clientSecret !== undefined && { clientSecret }),
    ...(privateKey !== undefined && { privateKey }),
  });
}

/**
 * Starts an embedded OpenID Provider (node-oidc-provider) on a loopback address. The `auth0` profile (the
 * default) looks like an Auth0 tenant: Auth0's paths, an issuer with a trailing slash, `audience` selecting an API
 * whose access tokens are RFC 9068 JWTs, `/v2/logout`. The `standard` profile serves node-oidc-provider's own
 * routes under an issuer with an optional path, with introspection and RP-initiated logout. Both have client
 * credentials (secret or private_key_jwt), the code flow with PKCE, the implicit and hybrid flows, refresh tokens,
 * revocation, userinfo, PAR, CIBA, the device flow, back-channel logout, and a test user who logs in and consents
 * automatically, so flows run without a browser (see {@link headlessLogin}), or through a login form
 * (`interactions: 'form'`). For tests and local development only.
 *
 * @throws {ConfigurationError} for invalid options, a port that is taken, or `oidc-provider` not installed.
 * @example
 * const server = await startDevServer({ audience: 'https://api.example.com/' });
 * const m2m = server.client('m2m-secret');
 * const getToken = new GetToken({
 *   domain: server.domain,
 *   protocol: 'http',
 *   clientId: m2m.clientId,
 *   clientSecret: m2m.clientSecret,
 * });
 * const { access_token } = await getToken.clientCredentials({ audience: server.audience });
 * await server.stop();
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const [oidc, setup] = await Promise.all([loadOidcProvider(), resolveDevServerSetup(options)]);
  const auth0 = setup.profile === 'auth0';
  const server = createServer();
  const port = await listen(server, setup.port, setup.host);
  const hostname = setup.host.includes(':') ? `[${setup.host}]` : setup.host;
  const domain = `${hostname}:${port}`;
  const issuer = `http://${domain}${auth0 ? '/' : setup.issuerPath}`;

  let provider: OidcProvider.default | undefined;
  const current = (): OidcProvider.default => provider as OidcProvider.default;
  try {
    const configuration = providerConfiguration(issuer, setup, oidc.errors, current);
    provider = await withoutProviderNotices(() => new oidc.default(issuer, configuration));
    allowImplicitOnLoopback(provider);
    if (auth0) {
      const keys = new Map(setup.signingKeys.map((key) => [key.kid, key.privateKey]));
      const publicKeys = new Map(setup.signingKeys.map((key) => [key.kid, createPublicKey(key.privateKey)]));
      provider.use(atHashOnTokenResponses(keys));
      provider.use(jwtUserinfo(issuer, publicKeys, setup.user));
      provider.use(auth0Logout(current));
    }
    provider.use(interactions(current, { ...setup, mode: setup.interactions }));
    reportErrors(provider, setup.onError);
    server.on('request', mountAt(setup.issuerPath, provider.callback(), !auth0));
  } catch (error) {
    await close(server);
    throw error instanceof ConfigurationError
      ? error
      : new ConfigurationError(`the dev server could not start: ${(error as Error)?.message ?? String(error)}`);
  }

  const clients = setup.clients.map(publicClient);
  let stopping: Promise<void> | undefined;
  return Object.freeze({
    profile: setup.profile,
    issuer,
    domain,
    host: setup.host,
    port,
    audience: setup.audience,
    scopes: Object.freeze([...setup.scopes]),
    user: Object.freeze({ ...setup.user }),
    password: setup.password,
    interactions: setup.interactions,
    clients: Object.freeze(clients),
    jwks: Object.freeze({ keys: Object.freeze(setup.signingKeys.map((key) => ({ ...key.publicJwk }))) }),
    endpoints: Object.freeze(endpointsOf(setup.profile, issuer)),
    client(clientId: string): DevServerClient {
      const client = clients.find((candidate) => candidate.clientId === clientId);
      if (client === undefined) throw new ConfigurationError(`the dev server has no client "${clientId}"`, 'clientId');
      return client;
    },
    stop(): Promise<void> {
      stopping ??= close(server);
      return stopping;
    },
  });
}
