// A fake OpenID Provider for the relying-party unit specs (spec/oidc/): its metadata under an issuer with a path,
// a key set served through nock, ID tokens signed with its key, and a token endpoint that answers a code.
import nock from 'nock';
import type { ProviderMetadata } from '../../lib/oidc/discovery.js';
import { OidcClient } from '../../lib/oidc/oidc-client.js';
import type { OidcClientOptions } from '../../lib/oidc/oidc-client-options.js';
import { Sealer } from '../../lib/oidc/seal.js';
import type { StartedLogin } from '../../lib/oidc/start-login.js';
import type { TransactionPayload } from '../../lib/oidc/transaction.js';
import { type Recorder, record } from './capture.js';
import { halfHash, publicJwk, signJwt } from './jwt.js';
import { rsaKeys } from './keys.js';

export const ORIGIN = 'https://op.example.com';
export const ISSUER = `${ORIGIN}/realms/demo`;
export const CALLBACK = 'https://app.example.com/callback';
export const SECRET = 'a-transaction-secret-that-is-long-enough-0123';
export const CLIENT_SECRET = 'the-client-secret-that-must-never-leak-0123';
export const ACCESS_TOKEN = 'access-token-value-0123456789';
export const REFRESH_TOKEN = 'refresh-token-value-0123456789';
const keys = rsaKeys();

export const METADATA: ProviderMetadata = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  userinfo_endpoint: `${ISSUER}/me`,
  jwks_uri: `${ISSUER}/jwks`,
  end_session_endpoint: `${ISSUER}/session/end`,
  pushed_authorization_request_endpoint: `${ISSUER}/request`,
  response_types_supported: ['code', 'id_token', 'id_token token', 'code id_token'],
  response_modes_supported: ['query', 'fragment', 'form_post'],
  id_token_signing_alg_values_supported: ['RS256', 'ES256'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
  code_challenge_methods_supported: ['S256'],
  authorization_response_iss_parameter_supported: true,
};

/** A confidential web client of the fake provider. */
export const OPTIONS: OidcClientOptions = {
  issuer: ISSUER,
  clientId: 'web',
  clientSecret: CLIENT_SECRET,
  redirectUri: CALLBACK,
  postLogoutRedirectUri: 'https://app.example.com/',
  secret: SECRET,
};

/** Serves the provider's key set (for the rest of the test). Call it in a `beforeEach`. */
export function serveKeys(): void {
  nock(ORIGIN)
    .get('/realms/demo/jwks')
    .reply(200, { keys: [publicJwk(keys.publicKey, { kid: 'k1', alg: 'RS256', use: 'sig' })] })
    .persist();
}

/** A client of the fake provider, built from its metadata without I/O. */
export function client(changes: Partial<OidcClientOptions> = {}, metadata: Partial<ProviderMetadata> = {}): OidcClient {
  return new OidcClient({ ...OPTIONS, ...changes }, { ...METADATA, ...metadata });
}

/** What a started login sealed, opened as the callback will open it. */
export function opened(login: StartedLogin): TransactionPayload {
  const result = new Sealer(SECRET, 'transaction').open<TransactionPayload>(login.transaction.value);
  if (!result.ok) throw new Error(`the transaction does not open: ${result.reason}`);
  return result.payload;
}

/** Signs a token with the provider's key (an ID token unless the claims make it something else). */
export function signed(claims: Record<string, unknown>, typ = 'JWT'): string {
  return signJwt(claims, { key: keys.privateKey, kid: 'k1', typ });
}

/** An ID token of the provider for the web client, with `claims` changed (`undefined` removes one). */
export function idToken(claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: ISSUER, sub: 'user-1', aud: 'web', iat: now, exp: now + 300, ...claims };
  return signed(Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined)));
}

/** The callback URL of a code response (with the provider's `iss`). */
export function callback(params: Record<string, string>): string {
  return `${CALLBACK}?${new URLSearchParams({ iss: ISSUER, ...params }).toString()}`;
}

/** The token endpoint answers once with tokens whose ID token carries `nonce` and `claims`; `extra` changes members. */
export function tokenEndpoint(
  nonce: string | undefined,
  claims: Record<string, unknown> = {},
  extra: object = {},
): Recorder {
  return record(
    'POST',
    '/realms/demo/token',
    {
      body: {
        access_token: ACCESS_TOKEN,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: REFRESH_TOKEN,
        id_token: idToken({ nonce, at_hash: halfHash(ACCESS_TOKEN), ...claims }),
        ...extra,
      },
    },
    ORIGIN,
  );
}
