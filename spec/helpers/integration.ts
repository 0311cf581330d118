// Helpers of the integration specs (spec/integration/): an embedded OpenID Provider per file, the library's client
// options for its clients, and a headless login through the library's own relying-party helpers.
import { expect } from 'chai';
import type { AuthenticationOptions } from '../../lib/authentication/base.js';
import { type DevServer, startDevServer } from '../../lib/dev-server/dev-server.js';
import { headlessLogin } from '../../lib/dev-server/headless-login.js';
import type { DevServerOptions } from '../../lib/dev-server/options.js';
import { buildAuthorizeUrl, createPkcePair, randomNonce, randomState } from '../../lib/oidc/index.js';
import { fastOptions } from './dev-server.js';

/** A running provider and the server errors it reported (a test that caused one should fail). */
export interface Provider {
  server: DevServer;
  errors: unknown[];
}

/**
 * Starts a dev server with fixed keys (fast) plus `options`; `errors` collects its unexpected server errors.
 * A given `signingKeys` replaces the fixed signing key.
 */
export async function startProvider(options: DevServerOptions = {}): Promise<Provider> {
  const errors: unknown[] = [];
  const server = await startDevServer({ ...fastOptions(), ...options, onError: (error) => errors.push(error) });
  return { server, errors };
}

/**
 * Registers hooks that start a provider (with `options`) before the tests of the calling `describe`, stop it
 * after them, and fail any test during which it reported a server error; returns an accessor for its server.
 */
export function useProvider(options: DevServerOptions = {}): () => DevServer {
  let provider: Provider | undefined;
  before(async () => {
    provider = await startProvider(options);
  });
  after(() => stopProvider(provider));
  afterEach(() => {
    expect(provider?.errors, 'the provider reported server errors').to.deep.equal([]);
  });
  return () => {
    if (provider === undefined) throw new Error('the provider has not started');
    return provider.server;
  };
}

/** The options of the library's Authentication API classes for one of the server's clients. */
export function clientOptions(
  server: DevServer,
  clientId: string,
  extra: Partial<AuthenticationOptions> = {},
): AuthenticationOptions {
  const client = server.client(clientId);
  return {
    domain: server.domain,
    protocol: 'http',
    clientId,
    ...(client.clientSecret !== undefined && { clientSecret: client.clientSecret }),
    ...(client.privateKey !== undefined && { clientAssertionSigningKey: client.privateKey }),
    ...(client.authMethod === 'none' && { clientAuthMethod: 'none' as const }),
    ...extra,
  };
}

/** What a headless login hands back: the code and what the exchange and the ID-token check need. */
export interface LoginResult {
  code: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
}

/** Options of {@link login}. */
export interface LoginOptions {
  audience?: string;
  scope?: string;
  /** Send a PKCE challenge. @defaultValue true */
  pkce?: boolean;
  loginHint?: string;
  /** `max_age` of the request, in seconds: the ID token then carries `auth_time`. */
  maxAge?: number;
}

/**
 * Logs the test user in to `clientId` without a browser: `buildAuthorizeUrl` → `headlessLogin`, checking that the
 * response carries our `state` and the server's `iss` (RFC 9207).
 */
export async function login(server: DevServer, clientId: string, options: LoginOptions = {}): Promise<LoginResult> {
  const redirectUri = server.client(clientId).redirectUris[0]!;
  const { codeVerifier, codeChallenge } = createPkcePair();
  const state = randomState();
  const nonce = randomNonce();
  const url = buildAuthorizeUrl({
    domain: server.domain,
    protocol: 'http',
    clientId,
    redirectUri,
    state,
    nonce,
    scope: options.scope ?? 'openid profile email offline_access',
    audience: options.audience,
    loginHint: options.loginHint,
    maxAge: options.maxAge,
    codeChallenge: options.pkce === false ? undefined : codeChallenge,
  });
  const response = await headlessLogin(url);
  expect(response.error, response.errorDescription).to.equal(undefined);
  expect(response.state).to.equal(state);
  expect(response.iss).to.equal(server.issuer);
  expect(response.code).to.be.a('string');
  return { code: response.code!, codeVerifier, nonce, redirectUri };
}

/** Stops a server if it was started; for `after` hooks. */
export async function stopProvider(provider: Provider | undefined): Promise<void> {
  await provider?.server.stop();
}
