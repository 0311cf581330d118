// Tokens of the benchmarks: the realistic Auth0 access-token payload of bench/verify.ts, what the crypto.verify
// floor takes of a token, and a JWKS server on 127.0.0.1 with one RS256 key plus distinct tokens signed by it (in
// a file too, for the load generators), for the HTTP benchmarks.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JwksServer, startJwksServer } from '../../spec/helpers/jwks-server.js';
import { publicJwk, signJwt } from '../../spec/helpers/jwt.js';
import { rsaKeys } from '../../spec/helpers/keys.js';

/** The API of the access tokens: their `aud`. */
export const API = 'https://api.example.com/';
/** The client the tokens were issued to. */
export const CLIENT_ID = 'tKq2UQYcXWw7ngrwSg1hYq5TP7GnhgXr';

/** A realistic Auth0 access token payload (~490 bytes); `jti` makes each token of a pool distinct. */
export function accessTokenPayload(issuer: string, jti: string): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    sub: 'auth0|64a1f2c3d4e5f6a7b8c9d0e1',
    aud: [API, `${issuer}userinfo`],
    iat,
    exp: iat + 86_400,
    scope: 'openid profile email read:messages write:messages',
    azp: CLIENT_ID,
    jti,
    permissions: ['read:messages', 'write:messages', 'read:users', 'update:users', 'delete:messages'],
    'https://example.com/roles': ['editor', 'reviewer'],
    org_id: 'org_9ybsU1dN2dKfDkBi',
  };
}

/** The `i`-th item of a list taken in turn. */
export function nth<T>(list: readonly T[], i: number): T {
  return list[i % list.length] as T;
}

/** The signing input and the signature of each token, as bytes: what the floor (`crypto.verify` alone) takes. */
export function signedParts(tokens: readonly string[]): { input: Buffer; signature: Buffer }[] {
  return tokens.map((token) => {
    const dot = token.lastIndexOf('.');
    return {
      input: Buffer.from(token.slice(0, dot), 'latin1'),
      signature: Buffer.from(token.slice(dot + 1), 'base64url'),
    };
  });
}

/** The issuer of {@link rs256Tokens}: its JWKS server, its tokens, and the file that holds them. */
export interface TokenIssuer {
  readonly jwks: JwksServer;
  readonly tokens: string[];
  /** A JSON file with the tokens, for the load generators' processes. */
  readonly file: string;
  /** Stops the server and removes the file. */
  close(): Promise<void>;
}

/**
 * Starts a JWKS server on 127.0.0.1 serving one RS256 key (2048 bits, `kid` k1) and signs `count` small access
 * tokens for {@link API} with it, each with its own `jti`: every request that carries one is one RSA
 * verification for a verifier without a cache. Close it when done.
 */
export async function rs256Tokens(count: number): Promise<TokenIssuer> {
  const jwks = await startJwksServer();
  const keys = rsaKeys('bench-middleware');
  jwks.setKeys([publicJwk(keys.publicKey, { kid: 'k1', alg: 'RS256', use: 'sig' })]);
  const iat = Math.floor(Date.now() / 1000);
  const tokens = Array.from({ length: count }, () =>
    signJwt(
      {
        iss: jwks.issuer,
        sub: 'user-1',
        aud: API,
        iat,
        exp: iat + 86_400,
        scope: 'read:messages write:messages',
        jti: randomUUID(),
      },
      { kid: 'k1', key: keys.privateKey },
    ),
  );
  const folder = mkdtempSync(join(tmpdir(), 'authn-bench-'));
  const file = join(folder, 'tokens.json');
  writeFileSync(file, JSON.stringify(tokens));
  const close = async () => {
    await jwks.close();
    rmSync(folder, { recursive: true, force: true });
  };
  return { jwks, tokens, file, close };
}
