// Any-provider benchmark (npx tsx bench/any-provider.ts; about 30 s with the defaults):
//   1. discovery: how many requests reach the discovery document when 1000 calls start at once on one new
//      client pointed at an issuer — an AuthenticationClient (1000 client-credentials grants) and a
//      ClientCredentialsProvider (1000 authToken() callers) — each run with a new client and a new
//      DiscoveryCache, the document served on 127.0.0.1 with a 20 ms delay (so that every call starts before it
//      arrives). Target: 1.
//   2. the API middleware's cost per request for an opaque token whose introspection answer is cached, beside
//      an RS256 JWT verification (each request a distinct token, no verified-token cache) and a JWT with the
//      verified-token cache: BearerAuthenticator.authenticate() in process, no HTTP, each case measured in
//      alternate slices with the JWT case (bench/lib/timing.ts), BENCH_ROUNDS rounds of BENCH_MS ms.
//
// Environment: BENCH_RUNS (default 3) for part 1; BENCH_ROUNDS (default 7), BENCH_MS (default 300) and
// BENCH_TOKENS distinct tokens per case (default 2000) for part 2.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationClient, BearerAuthenticator, ClientCredentialsProvider, DiscoveryCache } from '../lib/index.js';
import { startJwksServer } from '../spec/helpers/jwks-server.js';
import { publicJwk, signJwt } from '../spec/helpers/jwt.js';
import { rsaKeys } from '../spec/helpers/keys.js';
import { formatRatio, median, opsBeside, printTable, settle } from './lib/timing.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const MS = Number(process.env.BENCH_MS ?? 300);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 2000);
const CALLS = 1000;
const AUDIENCE = 'https://api.example.com/';

/** A provider on 127.0.0.1 with a path issuer: discovery (counted, 20 ms late), token and introspection endpoints. */
async function startProvider() {
  const counts = { discovery: 0, token: 0, introspection: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url?.split('?')[0];
      const json = (body: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/realms/bench/.well-known/openid-configuration') {
        counts.discovery++;
        setTimeout(
          () =>
            json({
              issuer,
              token_endpoint: `${issuer}/token`,
              introspection_endpoint: `${issuer}/introspect`,
            }),
          20,
        );
      } else if (path === '/realms/bench/token') {
        counts.token++;
        json({ access_token: `at-${counts.token}`, token_type: 'Bearer', expires_in: 3600 });
      } else if (path === '/realms/bench/introspect') {
        counts.introspection++;
        json({
          active: true,
          sub: 'user-1',
          aud: AUDIENCE,
          scope: 'read:a',
          exp: Math.floor(Date.now() / 1000) + 3600,
        });
      } else {
        res.writeHead(404).end();
      }
    });
  });
  // 1000 connections at once: a backlog that holds them all (the default, 511, may reset some).
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/bench`;
  return {
    issuer,
    counts,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function discoveryRuns(): Promise<void> {
  const provider = await startProvider();
  const credentials = { issuer: provider.issuer, clientId: 'bench', clientSecret: 'bench-secret' };
  const rows: string[][] = [
    ['client, 1000 concurrent first calls', 'run', 'discovery requests', 'token requests', 'failed calls', 'ms'],
  ];
  try {
    for (let run = 1; run <= RUNS; run++) {
      for (const [name, start] of [
        [
          'AuthenticationClient.getToken.clientCredentials()',
          () => {
            const client = new AuthenticationClient({ ...credentials, discovery: new DiscoveryCache() });
            return Array.from({ length: CALLS }, () => client.getToken.clientCredentials());
          },
        ],
        [
          'ClientCredentialsProvider.authToken()',
          () => {
            const tokens = new ClientCredentialsProvider({ ...credentials, discovery: new DiscoveryCache() });
            return Array.from({ length: CALLS }, () => tokens.authToken());
          },
        ],
      ] as const) {
        Object.assign(provider.counts, { discovery: 0, token: 0 });
        const began = performance.now();
        const outcomes = await Promise.allSettled(start());
        const ms = performance.now() - began;
        const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
        const { discovery, token } = provider.counts;
        rows.push([name, String(run), String(discovery), String(token), String(failed), ms.toFixed(0)]);
      }
    }
  } finally {
    await provider.close();
  }
  printTable(rows);
}

async function middlewareRuns(): Promise<void> {
  const provider = await startProvider();
  const jwks = await startJwksServer();
  const keys = rsaKeys('bench');
  jwks.setKeys([publicJwk(keys.publicKey, { kid: 'k1', alg: 'RS256', use: 'sig' })]);
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const jwts = Array.from({ length: TOKENS }, (_, i) =>
    signJwt(
      { iss: jwks.issuer, aud: AUDIENCE, sub: 'user-1', scope: 'read:a', exp, jti: `t-${i}` },
      { kid: 'k1', key: keys.privateKey },
    ),
  );
  const opaque = Array.from({ length: TOKENS }, (_, i) => `opaque-token-${i}-${'x'.repeat(20)}`);
  const request = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const plain = new BearerAuthenticator({ issuer: jwks.issuer, jwksUri: jwks.jwksUri, audience: AUDIENCE });
  const cached = new BearerAuthenticator({
    issuer: jwks.issuer,
    jwksUri: jwks.jwksUri,
    audience: AUDIENCE,
    cache: { maxEntries: TOKENS },
  });
  const introspecting = new BearerAuthenticator({
    issuer: jwks.issuer,
    jwksUri: jwks.jwksUri,
    audience: AUDIENCE,
    introspection: {
      endpoints: { introspection: `${provider.issuer}/introspect` },
      clientId: 'api',
      clientSecret: 'api-secret',
      maxCacheAge: 3600,
      maxEntries: TOKENS,
    },
  });
  try {
    // Warm: every key fetched, every introspection answer and verified token cached.
    for (let i = 0; i < TOKENS; i++) {
      await plain.authenticate(request(jwts[i] as string));
      await cached.authenticate(request(jwts[i] as string));
      await introspecting.authenticate(request(opaque[i] as string));
    }
    const introspections = provider.counts.introspection;
    const jwt = { async: true, run: (i: number) => plain.authenticate(request(jwts[i % TOKENS] as string)) };
    const cases = [
      [
        'opaque token, introspection answer cached',
        (i: number) => introspecting.authenticate(request(opaque[i % TOKENS] as string)),
      ],
      ['JWT, verified-token cache', (i: number) => cached.authenticate(request(jwts[i % TOKENS] as string))],
    ] as const;
    const rows: string[][] = [['case', 'µs/request (median)', 'JWT RS256 µs/request', 'ratio to JWT', 'rounds']];
    for (const [name, run] of cases) {
      const ratios: number[] = [];
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await settle();
        const { ops, reference } = await opsBeside({ async: true, run }, jwt, MS);
        ours.push(1e6 / ops);
        theirs.push(1e6 / reference);
        ratios.push(reference / ops);
      }
      rows.push([
        name,
        median(ours).toFixed(2),
        median(theirs).toFixed(2),
        formatRatio(median(ratios)),
        ratios.map((ratio) => ratio.toFixed(3)).join(' '),
      ]);
    }
    printTable(rows);
    console.log(
      `introspection requests during the measurements: ${provider.counts.introspection - introspections} (every answer came from the cache)`,
    );
  } finally {
    await provider.close();
    await jwks.close();
  }
}

console.log(`Node ${process.version}; ${RUNS} discovery runs; ${ROUNDS} rounds of ${MS} ms per middleware case\n`);
await discoveryRuns();
console.log();
await middlewareRuns();
