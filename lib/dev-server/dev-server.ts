import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type * as OidcProvider from 'oidc-provider';
import { ConfigurationError } from '../errors.js';
import { atHashOnTokenResponses } from './at-hash.js';
import { automaticInteractions } from './interactions.js';
import { type DevServerClient, type DevServerOptions, type DevServerUser, resolveDevServerSetup } from './options.js';
import { providerConfiguration, ROUTES } from './provider-configuration.js';
import { jwtUserinfo } from './userinfo.js';
import { loadOidcProvider, withoutProviderNotices } from './load-provider.js';

/** The absolute URLs of the dev server's endpoints (Auth0's paths). */
export interface DevServerEndpoints {
  /** `/.well-known/openid-configuration` */
  discovery: string;
  /** `/authorize` */
  authorization: string;
  /** `/oauth/token` */
  token: string;
  /** `/userinfo` */
  userinfo: string;
  /** `/oauth/revoke` */
  revocation: string;
  /** `/.well-known/jwks.json` */
  jwks: string;
  /** `/oauth/par` (pushed authorization requests) */
  pushedAuthorization: string;
  /** `/bc-authorize` (CIBA) */
  backchannelAuthentication: string;
}

/** A running dev server: where it is, what it holds, and how to stop it. */
export interface DevServer {
  /** The issuer, with Auth0's trailing slash: `http://127.0.0.1:PORT/`. */
  readonly issuer: string;
  /** `host:port`, the `domain` option of the library's clients (with `protocol: 'http'`). */
  readonly domain: string;
  /** The loopback address it listens on. */
  readonly host: string;
  /** The TCP port it listens on. */
  readonly port: number;
  /** The API identifier that `audience` selects. */
  readonly audience: string;
  /** The API's scopes. */
  readonly scopes: readonly string[];
  /** The test user. */
  readonly user: Readonly<DevServerUser>;
  /** Every client with its credentials. */
  readonly clients: readonly DevServerClient[];
  /** The public signing keys, as `/.well-known/jwks.json` serves them (the first one signs). */
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

/**
 * Starts an embedded OpenID Provider (node-oidc-provider) on a loopback address, set up like an Auth0 tenant:
 * Auth0's paths, an issuer with a trailing slash, RS256 keys, `audience` selecting an API whose access tokens
 * are RFC 9068 JWTs, client credentials (secret or private_key_jwt), authorization code with PKCE, refresh
 * tokens, revocation, userinfo, PAR and CIBA — and a test user who logs in and consents automatically, so flows
 * run without a browser (see {@link headlessLogin}). For tests and local development only.
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
  const server = createServer();
  const port = await listen(server, setup.port, setup.host);
  const hostname = setup.host.includes(':') ? `[${setup.host}]` : setup.host;
  const domain = `${hostname}:${port}`;
  const issuer = `http://${domain}/`;

  let provider: OidcProvider.default | undefined;
  const current = (): OidcProvider.default => provider as OidcProvider.default;
  try {
    const configuration = providerConfiguration(issuer, setup, oidc.errors, current);
    provider = await withoutProviderNotices(() => new oidc.default(issuer, configuration));
    const keys = new Map(setup.signingKeys.map((key) => [key.kid, key.privateKey]));
    const publicKeys = new Map(setup.signingKeys.map((key) => [key.kid, createPublicKey(key.privateKey)]));
    provider.use(atHashOnTokenResponses(keys));
    provider.use(jwtUserinfo(issuer, publicKeys, setup.user));
    provider.use(automaticInteractions(current, setup.user));
    // Listening to `error` also stops Koa from printing every error to the console.
    const report = (error: unknown) => setup.onError?.(error);
    EventEmitter.prototype.on.call(provider, 'error', report);
    provider.on('server_error', (_ctx: unknown, error: unknown) => report(error));
    server.on('request', provider.callback());
  } catch (error) {
    await close(server);
    throw error instanceof ConfigurationError
      ? error
      : new ConfigurationError(`the dev server could not start: ${(error as Error)?.message ?? String(error)}`);
  }

  const url = (path: string) => new URL(path, issuer).href;
  const clients: readonly DevServerClient[] = setup.clients.map((client) => {
    const { clientId, name, authMethod, redirectUris, clientSecret, privateKey } = client;
    const grantTypes = Object.freeze([...client.grantTypes]);
    return Object.freeze({
      clientId,
      name,
      authMethod,
      grantTypes,
      redirectUris: Object.freeze([...redirectUris]),
      ...(clientSecret !== undefined && { clientSecret }),
      ...(privateKey !== undefined && { privateKey }),
    });
  });
  let stopping: Promise<void> | undefined;
  return Object.freeze({
    issuer,
    domain,
    host: setup.host,
    port,
    audience: setup.audience,
    scopes: Object.freeze([...setup.scopes]),
    user: Object.freeze({ ...setup.user }),
    clients: Object.freeze(clients),
    jwks: Object.freeze({ keys: Object.freeze(setup.signingKeys.map((key) => ({ ...key.publicJwk }))) }),
    endpoints: Object.freeze({
      discovery: url('/.well-known/openid-configuration'),
      authorization: url(ROUTES.authorization),
      token: url(ROUTES.token),
      userinfo: url(ROUTES.userinfo),
      revocation: url(ROUTES.revocation),
      jwks: url(ROUTES.jwks),
      pushedAuthorization: url(ROUTES.pushed_authorization_request),
      backchannelAuthentication: url(ROUTES.backchannel_authentication),
    }),
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
