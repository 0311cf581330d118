// Verification benchmark (npm run bench, first part; about 70 s with the defaults): one process, every figure
// as ops/s and as a ratio to the raw floor measured beside it (alternate slices of a few ms, see opsBeside()),
// medians over interleaved rounds. Before every measurement, a full garbage collection (see settle()).
//
// The floor is node:crypto alone over prepared inputs: `crypto.verify` with a cached KeyObject (RS256,
// ES256), HMAC + timingSafeEqual (HS256). Measured against it: our TokenVerifier and AccessTokenVerifier
// (keys from a local JWKS server on 127.0.0.1, warm), the same with the opt-in verified-token cache on one hot
// token, jsonwebtoken.verify with a KeyObject, the jwks-rsa + jsonwebtoken recipe (PEM from getSigningKey),
// jose.jwtVerify with createRemoteJWKSet (1 and 64 in flight), and fast-jwt's createVerifier (PEM), with its
// own cache on a hot token as well.
//
// A reference row per algorithm: a minimal hand verifier (decode, JSON.parse, the signature and the claim checks,
// none of the strictness), the yardstick the peers' baseline measured too.
//
// Tokens: a realistic Auth0 ID token (a ~540-byte payload, a third more than the baseline's 412 bytes; the
// access tokens are ~490 bytes), a pool of 256 per algorithm with distinct `jti`s taken in turn, so that no
// library can reuse a result except the cached cases, which present one token again and again. Every verifier
// checks iss and aud (and nonce where it can).
//
// Environment: BENCH_ROUNDS (default 9), BENCH_MS per case and round (default 120, as much again for its
// floor), BENCH_POOL (default 256),
// BENCH_ONLY (a regular expression: only the cases whose "alg name" matches it, floors always kept; for
// profiling with `node --import tsx --cpu-prof bench/verify.ts`).
import { createSecretKey, createHmac, randomBytes, timingSafeEqual, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import * as jose from 'jose';
import { createVerifier } from 'fast-jwt';
import jsonwebtoken from 'jsonwebtoken';
import jwksRsa from 'jwks-rsa';
import {
  AccessTokenVerifier,
  AsymmetricSignatureVerifier,
  JwksFetcher,
  SymmetricSignatureVerifier,
  TokenVerifier,
  type JwtPayload,
} from '../lib/index.js';
import { startJwksServer } from '../spec/helpers/jwks-server.js';
import { publicJwk, signJwt } from '../spec/helpers/jwt.js';
import { ecKeys, rsaKeys } from '../spec/helpers/keys.js';
import {
  type AsyncOperation,
  formatOps,
  formatRatio,
  median,
  opsAsync,
  opsBeside,
  opsSync,
  printTable,
  settle,
} from './lib/timing.js';
import { accessTokenPayload, API, CLIENT_ID, nth, signedParts } from './lib/tokens.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 9);
const MS = env('BENCH_MS', 120);
const POOL = env('BENCH_POOL', 256);

type Alg = 'RS256' | 'ES256' | 'HS256';
const ALGS: readonly Alg[] = ['RS256', 'ES256', 'HS256'];
const NONCE = 'n-0S6_WzA2Mj';

/** One measured case: synchronous or asynchronous, with the floor of its algorithm as reference. */
interface Case {
  readonly name: string;
  readonly alg: Alg;
  readonly run: ((i: number) => unknown) | AsyncOperation;
  readonly async: boolean;
  readonly inFlight?: number;
  /** A target on the median ratio, printed with the summary. */
  readonly target?: number;
}

const require = createRequire(import.meta.url);
const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

/** A realistic Auth0 ID token payload; `jti` makes each token of a pool distinct. */
function idTokenPayload(issuer: string, jti: string): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return {
    given_name: 'Jane',
    family_name: 'Doe',
    nickname: 'jane.doe',
    name: 'Jane Doe',
    picture:
      'https://s.gravatar.com/avatar/5a0d3b1e2f4c6a8b9d0e1f2a3b4c5d6e?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjd.png',
    updated_at: '2025-01-15T09:30:00.000Z',
    email: 'jane.doe@example.com',
    email_verified: true,
    iss: issuer,
    aud: CLIENT_ID,
    iat,
    exp: iat + 86_400,
    sub: 'auth0|64a1f2c3d4e5f6a7b8c9d0e1',
    sid: 'Zr3qL9mXy2VbN8kJ4hT6wE1s',
    nonce: NONCE,
    jti,
  };
}

/** Calls `operation` once and fails loudly unless it accepts the token (a rejection must not be timed). */
async function accepts(name: string, operation: (i: number) => unknown): Promise<void> {
  const result = (await operation(0)) as { sub?: unknown; payload?: { sub?: unknown } } | boolean;
  const ok =
    result === true || (typeof result === 'object' && result !== null && ('sub' in result || 'payload' in result));
  if (!ok) throw new Error(`${name} did not accept its token: ${JSON.stringify(result)}`);
}

async function main(): Promise<void> {
  const jwks = await startJwksServer();
  try {
    await bench(jwks.issuer, jwks.jwksUri, (keys) => jwks.setKeys(keys));
  } finally {
    await jwks.close();
  }
}

async function bench(issuer: string, jwksUri: string, setKeys: (keys: unknown[]) => void): Promise<void> {
  const rsa = rsaKeys('bench-verify');
  const ec = ecKeys('P-256', 'bench-verify');
  const secretText = randomBytes(32).toString('base64url');
  const secret = createSecretKey(Buffer.from(secretText, 'utf8'));
  setKeys([
    publicJwk(rsa.publicKey, { kid: 'rsa-1', alg: 'RS256', use: 'sig' }),
    publicJwk(ec.publicKey, { kid: 'ec-1', alg: 'ES256', use: 'sig' }),
  ]);
  const signing = {
    RS256: { key: rsa.privateKey, kid: 'rsa-1' },
    ES256: { key: ec.privateKey, kid: 'ec-1' },
    HS256: { key: secretText, kid: undefined },
  } as const;
  const pool = (alg: Alg, payload: (jti: string) => Record<string, unknown>) =>
    Array.from({ length: POOL }, (_, i) =>
      signJwt(payload(`jti-${alg}-${i}-${randomBytes(6).toString('hex')}`), {
        alg,
        ...signing[alg],
      }),
    );
  const idTokens = Object.fromEntries(
    ALGS.map((alg) => [alg, pool(alg, (jti) => idTokenPayload(issuer, jti))]),
  ) as Record<Alg, string[]>;
  const accessTokens = Object.fromEntries(
    ALGS.map((alg) => [alg, pool(alg, (jti) => accessTokenPayload(issuer, jti))]),
  ) as Record<Alg, string[]>;
  const payloadBytes = (token: string) => Buffer.from(token.split('.')[1] as string, 'base64url').length;
  const at = nth;

  // The floor: node:crypto alone, inputs prepared in advance.
  const rawRs = signedParts(idTokens.RS256);
  const rawEs = signedParts(idTokens.ES256);
  const rawHs = signedParts(idTokens.HS256);
  const ecVerifyKey = { key: ec.publicKey, dsaEncoding: 'ieee-p1363' as const };
  const floors: Record<Alg, (i: number) => unknown> = {
    RS256: (i) => verify('sha256', at(rawRs, i).input, rsa.publicKey, at(rawRs, i).signature),
    ES256: (i) => verify('sha256', at(rawEs, i).input, ecVerifyKey, at(rawEs, i).signature),
    HS256: (i) => {
      const { input, signature } = at(rawHs, i);
      return timingSafeEqual(createHmac('sha256', secret).update(input).digest(), signature);
    },
  };

  // A reference: the least a verifier can do (the baseline's "minimal hand verifier"): decode, JSON.parse, check
  // the signature and the claims; no strictness (no canonical base64url, no header policy, no UTF-8 check).
  const handCheck: Record<Alg, (input: Buffer, signature: Buffer) => boolean> = {
    RS256: (input, signature) => verify('sha256', input, rsa.publicKey, signature),
    ES256: (input, signature) => verify('sha256', input, ecVerifyKey, signature),
    HS256: (input, signature) => timingSafeEqual(createHmac('sha256', secret).update(input).digest(), signature),
  };
  const hand = (alg: Alg) => (token: string) => {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString()) as { alg?: unknown };
    const claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString()) as JwtPayload;
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    if (header.alg !== alg || !handCheck[alg](Buffer.from(token.slice(0, second), 'latin1'), signature)) {
      throw new Error('bad signature');
    }
    const now = Date.now() / 1000;
    const { iss, aud, sub, exp, iat, nonce } = claims;
    if (iss !== issuer || aud !== CLIENT_ID || typeof sub !== 'string' || nonce !== NONCE)
      throw new Error('bad claims');
    if (!(typeof exp === 'number' && now < exp + 60 && typeof iat === 'number' && iat <= now + 60)) {
      throw new Error('bad time claims');
    }
    return claims;
  };

  // Ours: one JWKS fetcher shared by the asymmetric verifiers, as in an app.
  const fetcher = new JwksFetcher(jwksUri);
  const idVerifier = (alg: Alg, cache = false) =>
    new TokenVerifier({
      signatureVerifier:
        alg === 'HS256'
          ? new SymmetricSignatureVerifier(secretText)
          : new AsymmetricSignatureVerifier(fetcher, { algorithm: alg }),
      issuer,
      audience: CLIENT_ID,
      cache,
    });
  const accessVerifier = (alg: Alg, cache = false) =>
    new AccessTokenVerifier(
      alg === 'HS256'
        ? { issuer, audience: API, secret: secretText, cache }
        : { issuer, audience: API, jwks: fetcher, algorithms: [alg], cache },
    );
  const nonce = { nonce: NONCE };

  // Peers.
  const jwtOptions = (alg: Alg) => ({ algorithms: [alg], issuer, audience: CLIENT_ID, nonce: NONCE });
  const publicKeyOf: Record<Alg, import('node:crypto').KeyObject> = {
    RS256: rsa.publicKey,
    ES256: ec.publicKey,
    HS256: secret,
  };
  const jwksClient = jwksRsa({ jwksUri });
  const getKey: jsonwebtoken.GetPublicKeyOrSecret = (header, callback) => {
    jwksClient.getSigningKey(header.kid, (error, key) => callback(error, key?.getPublicKey()));
  };
  const recipe = (alg: Alg) => (token: string) =>
    new Promise<unknown>((resolve, reject) => {
      jsonwebtoken.verify(token, getKey, jwtOptions(alg), (error, payload) =>
        error ? reject(error) : resolve(payload),
      );
    });
  const remote = jose.createRemoteJWKSet(new URL(jwksUri));
  const secretBytes = new Uint8Array(Buffer.from(secretText, 'utf8'));
  const joseVerify = (alg: Alg) => {
    const options = { issuer, audience: CLIENT_ID, algorithms: [alg] };
    return alg === 'HS256'
      ? (token: string) => jose.jwtVerify(token, secretBytes, options).then((result) => result.payload)
      : (token: string) => jose.jwtVerify(token, remote, options).then((result) => result.payload);
  };
  const pem = (key: import('node:crypto').KeyObject) => key.export({ format: 'pem', type: 'spki' }).toString();
  const fastKey: Record<Alg, string> = { RS256: pem(rsa.publicKey), ES256: pem(ec.publicKey), HS256: secretText };
  const fastVerifier = (alg: Alg, cache = false) =>
    createVerifier({
      key: fastKey[alg],
      algorithms: [alg],
      allowedIss: issuer,
      allowedAud: CLIENT_ID,
      allowedNonce: NONCE,
      cache,
    });

  const cases: Case[] = [];
  const add = (entry: Case) => cases.push(entry);
  for (const alg of ALGS) {
    const ids = idTokens[alg];
    const accesses = accessTokens[alg];
    add({
      name: `floor: crypto ${alg === 'HS256' ? 'HMAC + timingSafeEqual' : 'verify (KeyObject)'}`,
      alg,
      run: floors[alg],
      async: false,
    });
    const floor = floors[alg];
    add({
      name: 'reference: the floor in a promise, awaited',
      alg,
      run: (i) => Promise.resolve(floor(i)),
      async: true,
    });
    const verifyByHand = hand(alg);
    add({ name: 'reference: minimal hand verifier', alg, run: (i) => verifyByHand(at(ids, i)), async: false });
    const tv = idVerifier(alg);
    add({
      name: 'ours: TokenVerifier.verify',
      alg,
      run: (i) => tv.verify(at(ids, i), nonce),
      async: true,
      target: alg === 'RS256' ? 0.85 : alg === 'HS256' ? 0.45 : undefined,
    });
    const atv = accessVerifier(alg);
    add({ name: 'ours: AccessTokenVerifier.verify', alg, run: (i) => atv.verify(at(accesses, i)), async: true });
    if (alg === 'RS256') {
      const hotId = ids[0] as string;
      const hotAccess = accesses[0] as string;
      const cachedTv = idVerifier(alg, true);
      const cachedAtv = accessVerifier(alg, true);
      add({
        name: 'ours: TokenVerifier, cache, hot token',
        alg,
        run: () => cachedTv.verify(hotId, nonce),
        async: true,
        target: 5,
      });
      add({
        name: 'ours: AccessTokenVerifier, cache, hot token',
        alg,
        run: () => cachedAtv.verify(hotAccess),
        async: true,
        target: 5,
      });
      const fastCached = fastVerifier(alg, true);
      add({ name: 'fast-jwt, cache: true, hot token', alg, run: () => fastCached(hotId), async: false });
    }
    const key = publicKeyOf[alg];
    const options = jwtOptions(alg);
    add({
      name: 'jsonwebtoken.verify (KeyObject)',
      alg,
      run: (i) => jsonwebtoken.verify(at(ids, i), key, options),
      async: false,
    });
    if (alg !== 'HS256') {
      const verifyRecipe = recipe(alg);
      add({
        name: 'jwks-rsa getSigningKey + jsonwebtoken (PEM)',
        alg,
        run: (i) => verifyRecipe(at(ids, i)),
        async: true,
      });
    }
    const verifyJose = joseVerify(alg);
    add({ name: 'jose.jwtVerify, 1 in flight', alg, run: (i) => verifyJose(at(ids, i)), async: true });
    add({ name: 'jose.jwtVerify, 64 in flight', alg, run: (i) => verifyJose(at(ids, i)), async: true, inFlight: 64 });
    const fast = fastVerifier(alg);
    add({
      name: `fast-jwt createVerifier (${alg === 'HS256' ? 'secret' : 'PEM'})`,
      alg,
      run: (i) => fast(at(ids, i)),
      async: false,
    });
  }

  const only = process.env.BENCH_ONLY === undefined ? undefined : new RegExp(process.env.BENCH_ONLY);
  if (only !== undefined) {
    const kept = cases.filter((entry) => entry.name.startsWith('floor') || only.test(`${entry.alg} ${entry.name}`));
    cases.splice(0, cases.length, ...kept);
  }

  // Every case must accept its token before anything is timed; then a warm-up (JIT, JWKS caches).
  for (const entry of cases) await accepts(`${entry.alg} ${entry.name}`, entry.run);
  const measure = async (entry: Case, ms: number) => {
    await settle();
    return entry.async ? opsAsync(entry.run as AsyncOperation, ms, entry.inFlight ?? 1) : opsSync(entry.run, ms);
  };
  for (const entry of cases) await measure(entry, Math.min(MS, 150));

  console.log(
    `Node ${process.version}; jsonwebtoken ${version('jsonwebtoken')}, jwks-rsa ${version('jwks-rsa')}, jose ${version('jose')}, ` +
      `fast-jwt ${version('fast-jwt')}; ${ROUNDS} rounds × ${cases.length} cases × ${MS} ms, interleaved; ` +
      `${POOL} distinct tokens per algorithm (ID-token payload ${payloadBytes(idTokens.RS256[0] as string)} bytes, ` +
      `access-token payload ${payloadBytes(accessTokens.RS256[0] as string)} bytes); JWKS on ${new URL(jwksUri).host}`,
  );
  const ops = new Map<Case, number[]>(cases.map((entry) => [entry, []]));
  const ratios = new Map<Case, number[]>(cases.map((entry) => [entry, []]));
  const floorOf = new Map<Alg, Case>(
    cases.filter((entry) => entry.name.startsWith('floor')).map((entry) => [entry.alg, entry]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order of the cases from round to round; measure each case in slices of a few ms alternating
    // with slices of its floor, so that drift in the machine's speed cancels out of the ratio.
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    for (const entry of order) {
      const floorCase = floorOf.get(entry.alg) as Case;
      await settle();
      const measured =
        entry === floorCase
          ? { ops: await measure(entry, MS), reference: 0 }
          : await opsBeside(entry, floorCase, 2 * MS);
      ops.get(entry)?.push(measured.ops);
      ratios.get(entry)?.push(entry === floorCase ? 1 : measured.ops / measured.reference);
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }

  console.log(
    '\nEvery round: ops/s (ratio to the floor of the same algorithm, measured in alternate slices with it)\n',
  );
  const header = ['alg  case', ...Array.from({ length: ROUNDS }, (_, round) => `round ${round + 1}`)];
  printTable([
    header,
    ...cases.map((entry) => [
      `${entry.alg} ${entry.name}`,
      ...(ops.get(entry) as number[]).map(
        (value, round) => `${formatOps(value)} (${formatRatio((ratios.get(entry) as number[])[round] as number)})`,
      ),
    ]),
  ]);

  console.log('\nSummary: medians over the rounds\n');
  const verdicts: string[] = [];
  printTable([
    ['alg  case', 'ops/s', 'µs/op', 'ratio to floor', 'target'],
    ...cases.map((entry) => {
      const value = median(ops.get(entry) as number[]);
      const ratio = median(ratios.get(entry) as number[]);
      let target = '';
      if (entry.target !== undefined) {
        const met = ratio >= entry.target;
        target = `≥ ${entry.target}× ${met ? 'met' : 'MISSED'}`;
        verdicts.push(
          `${entry.alg} ${entry.name}: ${formatRatio(ratio)} (target ≥ ${entry.target}×) ${met ? 'met' : 'MISSED'}`,
        );
      }
      return [`${entry.alg} ${entry.name}`, formatOps(value), (1e6 / value).toFixed(2), formatRatio(ratio), target];
    }),
  ]);
  console.log(`\n${verdicts.join('\n')}`);
}

await main();
