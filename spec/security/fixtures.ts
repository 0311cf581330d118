// Fixtures of the security catalogue specs (reference/openmetadata-and-security.md §2.7–2.9): the fixed clock T
// and leeway L, the `good()` token of each kind of verifier, verifiers built against a local JWKS server, and the
// rejection assertion every row uses. One JWKS server per spec file; key pairs come from spec/helpers/keys.ts.
import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { AuthnError, TokenValidationError } from '../../lib/errors.js';
import {
  AccessTokenVerifier,
  type AccessTokenVerifierOptions,
} from '../../lib/token-verifier/access-token-verifier.js';
import type { JwsAlgorithm } from '../../lib/token-verifier/algorithms.js';
import type { JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import type { OffloadMode } from '../../lib/token-verifier/offload.js';
import {
  AsymmetricSignatureVerifier,
  SymmetricSignatureVerifier,
} from '../../lib/token-verifier/signature-verifier.js';
import { type IdTokenVerifyOptions, TokenVerifier } from '../../lib/token-verifier/token-verifier.js';
import { JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { publicJwk, type SigningKey, signJwt } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';

/** The fixed clock of the catalogue, epoch seconds. */
export const T = 1_700_000_000;
/** The leeway of the catalogue, seconds. */
export const L = 60;
/** The client id: the `aud` of ID tokens. */
export const CLIENT = 'client-7Hq2xR';
/** The API identifier: the `aud` of access tokens. */
export const API = 'https://api.example.com/';
/** The nonce every ID token of `good()` carries and every ID-token verification expects. */
export const NONCE = 'n-0S6_WzA2Mj';
/** The `kid` of the good key in the JWKS. */
export const KID = 'k1';
/** An HMAC secret long enough for HS256 (and HS384). */
export const SECRET = 'a-client-secret-that-is-48-bytes-long-0123456789';

export type Claims = Record<string, unknown>;

/** The two verifiers the catalogue runs against. */
export type Kind = 'ID token' | 'access token';
export const KINDS: readonly Kind[] = ['ID token', 'access token'];

/** The key pair of `good()`: RSA 2048, shared with the other specs. */
export const signer = (): { privateKey: KeyObject; publicKey: KeyObject } => rsaKeys();

/** The public JWK of a key pair with extra members. */
export function jwk(pair: { publicKey: KeyObject }, extra: Claims = {}): Claims {
  return publicJwk(pair.publicKey, extra);
}

/** The JWKS entry of the good key: `kid` k1, `use` sig, no `alg`. */
export function goodJwk(): Claims {
  return jwk(signer(), { kid: KID, use: 'sig' });
}

/** Applies `changes` to `base`; a change to `undefined` removes the claim. */
export function withChanges(base: Claims, changes: Claims): Claims {
  const merged: Claims = { ...base, ...changes };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/** How a token of a test is signed. */
export interface TokenOptions {
  /** Header `alg` (and signing algorithm). @defaultValue 'RS256' */
  alg?: string;
  /** Header `kid`; `null` omits it. @defaultValue 'k1' */
  kid?: string | null;
  /** Header `typ`; `null` omits it. @defaultValue 'JWT' */
  typ?: string | null;
  /** More header members. */
  header?: Claims;
  /** The signing key. @defaultValue the good RSA key (the secret for HS*) */
  key?: SigningKey;
  /** Sign as this algorithm whatever the header says. */
  signAs?: string;
}

/** Signs a payload (object or raw JSON text) as the catalogue's tokens are signed. */
export function sign(payload: Claims | string, options: TokenOptions = {}): string {
  const alg = options.alg ?? 'RS256';
  return signJwt(payload, {
    alg,
    kid: options.kid === null ? undefined : (options.kid ?? KID),
    typ: options.typ,
    header: options.header,
    key: options.key ?? (alg.startsWith('HS') ? SECRET : signer().privateKey),
    signAs: options.signAs,
  });
}

/** Options of the verifiers a test builds. */
export interface VerifierOptions {
  /** The algorithm allowlist. @defaultValue ['RS256'] (['HS256'] with a secret) */
  algorithms?: JwsAlgorithm[];
  /** Verify with this HMAC secret instead of the JWKS. */
  secret?: string | Uint8Array;
  /** The JWKS URL. @defaultValue the server's */
  jwksUri?: string;
  /** A key set to share. */
  jwks?: JwksFetcher;
  /** JWKS refetch cooldown, seconds. */
  cooldown?: number;
  /** JWKS request timeout, ms. */
  timeout?: number;
  /** The expected issuer. @defaultValue the server's issuer */
  issuer?: string;
  /** @defaultValue 60 */
  leeway?: number;
  /** @defaultValue () => T */
  clock?: () => number;
  maxTokenLength?: number;
  /** Oldest token accepted, seconds since `iat`. @defaultValue no maximum */
  maxTokenAge?: number;
  /** ID tokens only: the audiences trusted besides the client id. @defaultValue no allowlist */
  trustedAudiences?: string[];
  cache?: boolean;
  /** Where signatures are checked. @defaultValue the catalogue's mode */
  offload?: OffloadMode;
}

/** A verifier reduced to what the catalogue calls. */
export interface Verify {
  (token: unknown, options?: IdTokenVerifyOptions): Promise<Claims>;
}

/** One kind of verifier against one JWKS server. */
export interface Subject {
  readonly kind: Kind;
  /** The claims of `good()` with changes. */
  claims(changes?: Claims): Claims;
  /** `good()`: a fully valid token of this kind with `changes`, re-signed. */
  good(changes?: Claims, options?: TokenOptions): string;
  /** Builds a verifier (cold caches). */
  verifier(options?: VerifierOptions): Verify;
  /** Verifies with a new verifier (cold caches): ID tokens with `{ nonce: NONCE }` unless told. */
  verify(token: unknown, options?: VerifierOptions, call?: IdTokenVerifyOptions): Promise<Claims>;
}

export function subject(kind: Kind, server: () => JwksServer, offload: OffloadMode): Subject {
  const claims = (changes: Claims = {}): Claims => {
    const { issuer } = server();
    const base: Claims =
      kind === 'ID token'
        ? { iss: issuer, sub: 'auth0|user-1', aud: CLIENT, iat: T, exp: T + 3600, nonce: NONCE }
        : { iss: issuer, sub: 'auth0|user-1', aud: API, iat: T, exp: T + 3600, scope: 'read:messages' };
    return withChanges(base, changes);
  };
  const verifier = (options: VerifierOptions = {}): Verify => {
    const { issuer, jwksUri } = server();
    const common = {
      leeway: options.leeway ?? L,
      clock: options.clock ?? (() => T),
      maxTokenLength: options.maxTokenLength,
      maxTokenAge: options.maxTokenAge,
      cache: options.cache,
    };
    const jwksOptions = { cooldown: options.cooldown, timeout: options.timeout };
    const mode = options.offload ?? offload;
    if (kind === 'ID token') {
      const signatureVerifier =
        options.secret !== undefined
          ? new SymmetricSignatureVerifier(options.secret, {
              algorithm: (options.algorithms ?? ['HS256']) as 'HS256'[],
            })
          : new AsymmetricSignatureVerifier(options.jwks ?? options.jwksUri ?? jwksUri, {
              algorithm: (options.algorithms ?? ['RS256']) as 'RS256'[],
              offload: mode,
              ...(options.jwks === undefined ? jwksOptions : {}),
            });
      const verifier = new TokenVerifier({
        signatureVerifier,
        issuer: options.issuer ?? issuer,
        audience: CLIENT,
        trustedAudiences: options.trustedAudiences,
        ...common,
      });
      return (token, call = { nonce: NONCE }) => verifier.verify(token as string, call) as Promise<Claims>;
    }
    const source =
      options.secret !== undefined
        ? { secret: options.secret }
        : options.jwks !== undefined
          ? { jwks: options.jwks }
          : { jwksUri: options.jwksUri ?? jwksUri };
    const verifier = new AccessTokenVerifier({
      issuer: options.issuer ?? issuer,
      ...source,
      audience: API,
      algorithms: options.algorithms,
      offload: mode,
      jwksOptions,
      ...common,
    } as AccessTokenVerifierOptions);
    return (token) => verifier.verify(token as string) as Promise<Claims>;
  };
  return {
    kind,
    claims,
    good: (changes = {}, options = {}) => sign(claims(changes), options),
    verifier,
    verify: (token, options, call) => verifier(options)(token, call),
  };
}

/** An error class of lib/errors.ts. */
type ErrorClass = abstract new (...args: never[]) => AuthnError;

/**
 * Asserts that `promise` rejects with `type` (default `TokenValidationError`) and, when given, this exact
 * `code` (else any stable `ERR_*` code): the verification handed back no claims. Returns the error.
 */
export async function rejects(
  promise: Promise<unknown>,
  code?: string,
  type: ErrorClass = TokenValidationError,
): Promise<AuthnError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(type);
    const { code: actual } = error as AuthnError;
    expect(actual).to.match(/^ERR_[A-Z0-9_]+$/);
    if (code !== undefined) expect(actual, (error as Error).message).to.equal(code);
    return error as AuthnError;
  }
  expect.fail(`expected a rejection${code ? ` with ${code}` : ''}, got claims ${JSON.stringify(outcome)}`);
}

/** The per-file JWKS server and the two subjects against it. */
export interface Catalogue {
  readonly server: JwksServer;
  /** Where the verifiers of this run of the catalogue check signatures. */
  readonly offload: OffloadMode;
  readonly id: Subject;
  readonly at: Subject;
  /** The subject of a kind. */
  of(kind: Kind): Subject;
  /** JWKS requests the server received since the test began. */
  jwksRequests(): number;
}

/**
 * Registers the hooks of a catalogue spec file in the calling `describe`: one JWKS server for the file (closed
 * after it), serving the good key with its request counts reset before every test. Its verifiers check
 * signatures where `offload` says (the catalogue runs once per mode: see describeEachOffload()).
 */
export function catalogue(offload: OffloadMode): Catalogue {
  let server: JwksServer | undefined;
  const current = (): JwksServer => {
    if (server === undefined) throw new Error('the JWKS server is not started');
    return server;
  };
  before(async () => {
    server = await startJwksServer();
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(() => {
    current().setKeys([goodJwk()]);
    current().setDiscovery();
    current().resetCounts();
  });
  const id = subject('ID token', current, offload);
  const at = subject('access token', current, offload);
  return {
    get server() {
      return current();
    },
    offload,
    id,
    at,
    of: (kind) => (kind === 'ID token' ? id : at),
    jwksRequests: () => current().count(JWKS_PATH),
  };
}
