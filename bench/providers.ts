// Token-provider benchmarks (npx tsx bench/providers.ts; about 30 s):
//   1. grants spent by 1000 concurrent authToken() calls on a cold provider (target 1);
//   2. grants spent by 4 processes sharing one redis-server over 3 token lifetimes (target 3);
//   3. the latency a cached authToken() adds over an `await` of a resolved promise (target < 5 µs median).
// Each figure is the median of several runs; every run is printed too.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ClientCredentialsProvider } from '../lib/providers/client-credentials.js';
import { redisServerBinary, startRedis } from '../spec/helpers/redis.js';
import { startTokenServer, type TokenServer } from '../spec/helpers/token-server.js';

const WORKER = fileURLToPath(new URL('../spec/helpers/redis-worker.ts', import.meta.url));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (index: number) => sorted[index] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

function provider(server: TokenServer): ClientCredentialsProvider {
  return new ClientCredentialsProvider({
    tokenEndpoint: server.tokenEndpoint,
    clientId: 'bench',
    clientSecret: 'bench-secret',
    audience: 'https://api.example.com/',
  });
}

async function concurrentGrants(runs: number): Promise<number[]> {
  const server = await startTokenServer();
  server.answer((_grant, index) => ({ body: { access_token: `t${index}`, expires_in: 3600 }, delay: 20 }));
  const counts: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const before = server.grants.length;
      const cold = provider(server);
      await Promise.all(Array.from({ length: 1000 }, () => cold.authToken()));
      counts.push(server.grants.length - before);
    }
  } finally {
    await server.close();
  }
  return counts;
}

async function fleetGrants(runs: number): Promise<number[] | undefined> {
  const binary = redisServerBinary();
  if (binary === undefined) return undefined;
  const redis = await startRedis(binary);
  const server = await startTokenServer(1); // tokens live 1 s …
  const counts: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const before = server.grants.length;
      const env = {
        ...process.env,
        NODE_V8_COVERAGE: '',
        MODE: 'loop',
        REDIS_PORT: String(redis.port),
        TOKEN_ENDPOINT: server.tokenEndpoint,
        REFRESH_SKEW: '0.25', // … and are renewed 0.25 s before expiry: a lifetime of 0.75 s between grants
        PREFIX: `bench:${run}:`,
      };
      const fleet = Array.from({ length: 4 }, () =>
        fork(WORKER, [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
      );
      await Promise.all(fleet.map((child) => new Promise((resolve) => child.once('message', resolve))));
      const done = fleet.map((child) => new Promise((resolve) => child.once('exit', resolve)));
      for (const child of fleet) child.send({ go: 2000 }); // 3 lifetimes: grants due at 0, 0.75 and 1.5 s
      await Promise.all(done);
      counts.push(server.grants.length - before);
    }
  } finally {
    await server.close();
    await redis.stop();
  }
  return counts;
}

async function perCall(call: () => Promise<unknown>, calls: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await call();
  return Number(process.hrtime.bigint() - start) / calls / 1000; // µs
}

async function cachedLatency(runs: number): Promise<{ provider: number[]; baseline: number[] }> {
  const server = await startTokenServer();
  const warm = provider(server);
  const resolved = Promise.resolve('token');
  const baselineCall = () => resolved;
  const providerCall = () => warm.authToken();
  await warm.authToken();
  await perCall(providerCall, 50_000); // warm-up
  await perCall(baselineCall, 50_000);
  const result = { provider: [] as number[], baseline: [] as number[] };
  for (let run = 0; run < runs; run++) {
    // Interleaved, so that drift hits both alike.
    result.baseline.push(await perCall(baselineCall, 200_000));
    result.provider.push(await perCall(providerCall, 200_000));
  }
  await server.close();
  return result;
}

const fmt = (values: number[], digits = 0) => values.map((value) => value.toFixed(digits)).join(', ');

const concurrent = await concurrentGrants(5);
console.log(
  `1. grants for 1000 concurrent callers (cold):   median ${median(concurrent)}   runs [${fmt(concurrent)}]   target 1`,
);

const fleet = await fleetGrants(3);
if (fleet === undefined)
  console.log('2. grants for 4 processes on Redis:               SKIPPED (no redis-server binary)');
else
  console.log(
    `2. grants for 4 processes on Redis, 3 lifetimes: median ${median(fleet)}   runs [${fmt(fleet)}]   target 3`,
  );

const latency = await cachedLatency(7);
const added = latency.provider.map((value, i) => value - (latency.baseline[i] ?? Number.NaN));
console.log(
  `3. cached authToken(): median ${median(latency.provider).toFixed(3)} µs per call, ` +
    `${median(added).toFixed(3)} µs added over awaiting a resolved promise (${median(latency.baseline).toFixed(3)} µs)   target < 5 µs`,
);
console.log(`   runs (µs per call): provider [${fmt(latency.provider, 3)}]  baseline [${fmt(latency.baseline, 3)}]`);
console.log(`   node ${process.version}, ${process.platform}/${process.arch}`);
