// JWKS benchmark (npm run bench, second part; about 15 s): how many requests reach the JWKS endpoint
//   1. when 1000 verifications start at once on a cold cache (every token names the same, real kid), and
//   2. when 1000 tokens name random unknown kids, on a warm cache (inside the cooldown), again at once,
// for our verifiers, jwks-rsa with its defaults (+ jsonwebtoken), and jose's createRemoteJWKSet (+ jwtVerify).
// The JWKS is served on 127.0.0.1 and every request is counted; each scenario runs BENCH_RUNS times (default 3)
// with a new verifier each time, and every run is printed. Also: the time until the 1000 calls have settled, and
// for ours a random-kid flood once the cooldown has passed (cooldown shortened to 0.2 s): the one refetch it
// allows is shared by every caller.
import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import jwksRsa from 'jwks-rsa';
import { AccessTokenVerifier, AsymmetricSignatureVerifier, KeyNotFoundError, TokenVerifier } from '../lib/index.js';
import { JWKS_PATH, type JwksServer, startJwksServer } from '../spec/helpers/jwks-server.js';
import { publicJwk, signJwt } from '../spec/helpers/jwt.js';
import { rsaKeys } from '../spec/helpers/keys.js';
import { printTable } from './lib/timing.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CALLS = 1000;
const AUDIENCE = 'https://api.example.com/';

/** Verifies one token; resolves to true when accepted, false when rejected. */
type Verify = (token: string) => Promise<boolean>;

/** A library under test: a fresh verifier (cold cache) for every run. */
interface Contender {
  readonly name: string;
  readonly create: () => Verify;
}

const settled = (promise: Promise<unknown>) =>
  promise.then(
    () => true,
    () => false,
  );

interface Outcome {
  requests: number;
  accepted: number;
  ms: number;
}

/** Starts `tokens.length` verifications at once; counts JWKS requests and acceptances, times the whole. */
async function flood(jwks: JwksServer, verify: Verify, tokens: readonly string[]): Promise<Outcome> {
  jwks.resetCounts();
  const start = performance.now();
  const results = await Promise.all(tokens.map((token) => verify(token)));
  const ms = performance.now() - start;
  return { requests: jwks.count(JWKS_PATH), accepted: results.filter(Boolean).length, ms };
}

async function main(): Promise<void> {
  const jwks = await startJwksServer();
  try {
    await bench(jwks);
  } finally {
    await jwks.close();
  }
}

async function bench(jwks: JwksServer): Promise<void> {
  const rsa = rsaKeys('bench-jwks');
  jwks.setKeys([
    publicJwk(rsa.publicKey, { kid: 'rsa-1', alg: 'RS256', use: 'sig' }),
    publicJwk(rsaKeys('bench-jwks-2').publicKey, { kid: 'rsa-2', alg: 'RS256', use: 'sig' }),
  ]);
  const { issuer, jwksUri } = jwks;
  const iat = Math.floor(Date.now() / 1000);
  const sign = (kid: string) =>
    signJwt(
      { iss: issuer, sub: 'user-1', aud: AUDIENCE, iat, exp: iat + 3600, jti: randomBytes(8).toString('hex') },
      { kid, key: rsa.privateKey },
    );
  const known = Array.from({ length: CALLS }, () => sign('rsa-1'));
  const randomKids = () => Array.from({ length: CALLS }, () => sign(`unknown-${randomBytes(12).toString('hex')}`));

  const contenders: Contender[] = [
    {
      name: 'ours: TokenVerifier',
      create: () => {
        const verifier = new TokenVerifier({
          signatureVerifier: new AsymmetricSignatureVerifier(jwksUri),
          issuer,
          audience: AUDIENCE,
        });
        return (token) => settled(verifier.verify(token));
      },
    },
    {
      name: 'ours: AccessTokenVerifier',
      create: () => {
        const verifier = new AccessTokenVerifier({ issuer, jwksUri, audience: AUDIENCE });
        return (token) => settled(verifier.verify(token));
      },
    },
    {
      name: 'jwks-rsa (defaults) + jsonwebtoken',
      create: () => {
        const client = jwksRsa({ jwksUri });
        const getKey: jsonwebtoken.GetPublicKeyOrSecret = (header, callback) => {
          client.getSigningKey(header.kid, (error, key) => callback(error, key?.getPublicKey()));
        };
        const options = { algorithms: ['RS256' as const], issuer, audience: AUDIENCE };
        return (token) =>
          new Promise<boolean>((resolve) => jsonwebtoken.verify(token, getKey, options, (error) => resolve(!error)));
      },
    },
    {
      name: 'jose createRemoteJWKSet + jwtVerify',
      create: () => {
        const keySet = jose.createRemoteJWKSet(new URL(jwksUri));
        const options = { issuer, audience: AUDIENCE, algorithms: ['RS256'] };
        return (token) => settled(jose.jwtVerify(token, keySet, options));
      },
    },
  ];

  console.log(`${CALLS} concurrent verifications per scenario, ${RUNS} runs, a new verifier (cold cache) every run`);
  const rows: string[][] = [
    ['library', 'cold, same kid: requests', 'accepted', 'ms', 'random kids (warm): requests', 'again', 'ms'],
  ];
  const summary = new Map<string, { cold: number[]; random: number[] }>();
  for (const contender of contenders) {
    const cold: number[] = [];
    const random: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const verify = contender.create();
      const first = await flood(jwks, verify, known);
      const flooded = await flood(jwks, verify, randomKids());
      const again = await flood(jwks, verify, randomKids());
      if (first.accepted !== CALLS) throw new Error(`${contender.name} accepted ${first.accepted} of ${CALLS}`);
      if (flooded.accepted !== 0 || again.accepted !== 0) throw new Error(`${contender.name} accepted an unknown kid`);
      cold.push(first.requests);
      random.push(flooded.requests, again.requests);
      rows.push([
        `${contender.name} #${run + 1}`,
        String(first.requests),
        String(first.accepted),
        first.ms.toFixed(0),
        String(flooded.requests),
        String(again.requests),
        `${flooded.ms.toFixed(0)} / ${again.ms.toFixed(0)}`,
      ]);
    }
    summary.set(contender.name, { cold, random });
  }
  console.log();
  printTable(rows);

  // Ours once the cooldown has passed: the one refetch allowed is shared by all 1000 callers.
  const afterCooldown: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const verifier = new TokenVerifier({
      signatureVerifier: new AsymmetricSignatureVerifier(jwksUri, { cooldown: 0.2 }),
      issuer,
      audience: AUDIENCE,
    });
    await verifier.verify(known[0] as string);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const verify: Verify = (token) =>
      verifier.verify(token).then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof KeyNotFoundError)) throw error;
          return false;
        },
      );
    afterCooldown.push((await flood(jwks, verify, randomKids())).requests);
  }
  console.log(
    `\nours (TokenVerifier, cooldown 0.2 s), ${CALLS} random kids once the cooldown has passed: ` +
      `${afterCooldown.join(', ')} request(s) per run (every caller waits for that one refetch, then gets KeyNotFoundError)`,
  );

  console.log('\nSummary (every run):');
  for (const [name, { cold, random }] of summary) {
    const coldOk = cold.every((count) => count === 1);
    const randomOk = random.every((count) => count <= 1);
    console.log(
      `  ${name.padEnd(36)} cold: ${cold.join(', ')} request(s)${coldOk ? ' (target 1: met)' : ''}; ` +
        `random kids: ${random.join(', ')}${randomOk ? ' (target ≤ 1: met)' : ' (target ≤ 1: missed)'}`,
    );
  }
}

await main();
