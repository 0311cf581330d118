// Helpers of the specs that talk to the embedded OpenID Provider (lib/dev-server): plain HTTP and node:crypto only,
// so that they prove the provider without depending on the library's own verifier (loginAtDevServer uses the
// library's clients, not its verifier).
import { createHash, createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import { expect } from 'chai';
import { GetToken } from '../../lib/authentication/get-token.js';
import { type DevServer, startDevServer } from '../../lib/dev-server/dev-server.js';
import { headlessLogin } from '../../lib/dev-server/headless-login.js';
import { buildAuthorizeUrl } from '../../lib/oidc/authorize-url.js';
import { createPkcePair } from '../../lib/oidc/pkce.js';
import { randomNonce, randomState } from '../../lib/oidc/random.js';
import { rsaKeys } from './keys.js';

/** Options that make a dev server start fast: keys generated once per run instead of at every start. */
export function fastOptions() {
  return {
    signingKeys: [rsaKeys('dev-server-signing').privateKey],
    clients: [{ clientId: 'm2m-jwt', privateKey: rsaKeys('dev-server-m2m-jwt').privateKey }],
  };
}

/**
 * Starts a dev server (with {@link fastOptions}) before the tests of the calling `describe` and stops it after
 * them; returns an accessor for it. Call it inside a `describe` whose timeout allows a start (about 20 s).
 */
export function useDevServer(): () => DevServer {
  let server: DevServer | undefined;
  before(async () => {
    server = await startDevServer(fastOptions());
  });
  after(() => server?.stop());
  return () => {
    if (server === undefined) throw new Error('the dev server has not started');
    return server;
  };
}

/** The decoded header and payload of a compact JWS. */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = token.split('.');
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: json(header), payload: json(payload) };
}

/** Fetches the server's JWKS and checks the RS256 signature of `token` with the key its `kid` names. */
export async function expectSignedByServer(server: DevServer, token: string): Promise<JsonWebKey> {
  const response = await fetch(server.endpoints.jwks);
  const { keys } = (await response.json()) as { keys: JsonWebKey[] };
  const [header = '', payload = '', signature = ''] = token.split('.');
  const { alg, kid } = decodeJwt(token).header;
  expect(alg).to.equal('RS256');
  const jwk = keys.find((key) => key.kid === kid);
  expect(jwk, `no key ${String(kid)} in the JWKS`).to.not.equal(undefined);
  const key = createPublicKey({ key: jwk!, format: 'jwk' });
  expect(verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))).to.equal(
    true,
  );
  return jwk!;
}

/** `at_hash` of an access token for RS256 (OIDC Core §3.1.3.6). */
export function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

/** POSTs a form to one of the server's endpoints; resolves to the status and the parsed JSON body. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(form), headers });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** What a user login at the dev server hands back: the tokens of the code exchange, and the nonce sent. */
export interface DevServerLogin {
  idToken: string;
  accessToken: string;
  nonce: string;
}

/**
 * Logs the dev server's test user in through `web-app` (authorization code + PKCE, no browser) and exchanges the
 * code with the library's own clients: an ID token for `web-app`, and an access token for the server's API
 * (with `openid`, so it also calls `/userinfo`).
 */
export async function loginAtDevServer(server: DevServer, scope = 'openid profile email'): Promise<DevServerLogin> {
  const client = server.client('web-app');
  const redirectUri = client.redirectUris[0]!;
  const { codeVerifier, codeChallenge } = createPkcePair();
  const nonce = randomNonce();
  const url = buildAuthorizeUrl({
    domain: server.domain,
    protocol: 'http',
    clientId: client.clientId,
    redirectUri,
    state: randomState(),
    nonce,
    codeChallenge,
    scope,
    audience: server.audience,
  });
  const { code } = await headlessLogin(url);
  const getToken = new GetToken({
    domain: server.domain,
    protocol: 'http',
    clientId: client.clientId,
    clientSecret: client.clientSecret,
  });
  const tokens = await getToken.authorizationCodePkce({ code: code!, codeVerifier, redirectUri });
  return { idToken: String(tokens.id_token), accessToken: tokens.access_token, nonce };
}
