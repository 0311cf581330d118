// API middleware benchmark (npx tsx bench/middleware.ts; about 2 minutes with the defaults):
// the same Express 5 app served bare (no auth), behind our `auth()`, behind `auth()` with the opt-in
// verified-token cache, and behind express-oauth2-jwt-bearer's `auth()`; autocannon on loopback against each
// in turn, alternating the variants within every round. Each server runs in its own process pinned to core 1
// and autocannon to core 0 (`taskset`, when present), so thread-pool work (jose verifies through WebCrypto)
// cannot hide on the load generator's core.
//
// Tokens: RS256 (2048-bit key, from a local JWKS), each with its own `jti`, so every request carries a
// distinct signature; without the cache every request is one RSA verification. The cache variant sees the same
// tokens again and again (as an API does: a client reuses its token until it expires).
//
// Printed: req/s of every run, the median per variant, and the µs per request each middleware adds to the bare
// app (1e6 / median req/s − 1e6 / bare median req/s). Also the server process's CPU time per request
// (`process.cpuUsage()`, every thread of the process, thread pool included), which other processes competing
// for the core do not inflate: on a shared machine it is the steadier figure.
//
// Then, in one process pinned to core 1, the middleware functions alone, called with a fresh Express 5 request
// object per call (an IncomingMessage on Express's request prototype; no HTTP, no routing), 10 requests in
// flight: the µs each adds per request without Express's ~100 µs and the network noise around it.
//
// Environment: BENCH_ROUNDS (default 5), BENCH_DURATION seconds per run (default 5), BENCH_CONNECTIONS
// (default 10), BENCH_TOKENS distinct tokens (default 2000). bench/offload.ts runs this file's server (with
// OFFLOAD, the middleware's `offload`) and load modes too.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { child as spawnChild, firstLine, hasTaskset } from './lib/processes.js';
import { API, rs256Tokens } from './lib/tokens.js';

const SELF = fileURLToPath(import.meta.url);
const VARIANTS = ['bare', 'ours', 'ours-cache', 'express-oauth2-jwt-bearer'] as const;
type Variant = (typeof VARIANTS)[number];

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (index: number) => sorted[index] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

/** Spawns this file in `mode`, pinned to `core` when taskset exists. */
function child(mode: string, core: number, vars: Record<string, string>, pin: boolean): ChildProcess {
  return spawnChild(SELF, mode, pin ? core : undefined, vars);
}

/** MODE=server: one Express app of one variant; prints its port. */
async function runServer(): Promise<void> {
  const { default: express } = await import('express');
  const variant = process.env.VARIANT as Variant;
  const issuer = process.env.ISSUER as string;
  const jwksUri = process.env.JWKS_URI as string;
  const app = express();
  // Outside the middleware: CPU time of this process so far (user + system, all threads), in µs.
  app.get('/__cpu', (_req, res) => {
    const { user, system } = process.cpuUsage();
    res.json(user + system);
  });
  if (variant === 'ours' || variant === 'ours-cache') {
    const { auth } = await import('../lib/middleware/express.js');
    const cache = variant === 'ours-cache' ? { maxEntries: 10_000 } : false;
    const offload = process.env.OFFLOAD as 'auto' | 'always' | 'never' | undefined;
    app.use(auth({ issuer, jwksUri, audience: API, cache, offload }));
  } else if (variant === 'express-oauth2-jwt-bearer') {
    // Loaded without its types: its global Express.Request augmentation clashes with ours.
    const { createRequire } = await import('node:module');
    const theirs = createRequire(SELF)('express-oauth2-jwt-bearer') as {
      auth: (options: Record<string, unknown>) => (req: unknown, res: unknown, next: () => void) => void;
    };
    app.use(theirs.auth({ issuer, jwksUri, audience: API, tokenSigningAlg: 'RS256' }));
  }
  app.get('/', (req, res) => {
    res.json({ sub: (req as { auth?: { payload: { sub?: string } } }).auth?.payload.sub ?? null });
  });
  process.once('SIGINT', () => process.exit(0)); // exit normally, so that --cpu-prof can write its profile
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`${address.port}\n`);
  });
}

type Middleware = (req: unknown, res: unknown, next: (err?: unknown) => void) => unknown;

/** The middleware of each variant, for the in-process runs. */
async function middlewareOf(variant: Variant, issuer: string, jwksUri: string): Promise<Middleware> {
  if (variant === 'bare') return (_req, _res, next) => next();
  if (variant === 'express-oauth2-jwt-bearer') {
    const { createRequire } = await import('node:module');
    const theirs = createRequire(SELF)('express-oauth2-jwt-bearer') as { auth: (o: object) => Middleware };
    return theirs.auth({ issuer, jwksUri, audience: API, tokenSigningAlg: 'RS256' });
  }
  const { auth } = await import('../lib/middleware/express.js');
  const cache = variant === 'ours-cache' ? { maxEntries: 10_000 } : false;
  return auth({ issuer, jwksUri, audience: API, cache }) as Middleware;
}

/**
 * A request carrying `token` as Express 5 hands it to middleware: a fresh `IncomingMessage` for every call (as
 * every HTTP request is one), with `headers` and `rawHeaders` as Node's parser leaves them, re-prototyped onto
 * an Express app's request object (Express's `app.handle` does this to every request). Its `get`, `is`,
 * `query` and `protocol` are Express's own. Like a real one, its shape is new to V8 on every request: each
 * property read on it misses the inline caches (~0.3–1 µs here) and each property added (`req.auth`) copies its
 * map (~2.5 µs); a plain object literal reused from call to call hid both.
 */
function requestFactory(
  IncomingMessage: typeof import('node:http').IncomingMessage,
  prototype: object,
): (token: string) => object {
  const socket = { readableHighWaterMark: 16_384, encrypted: false, remoteAddress: '127.0.0.1' };
  return (token) => {
    const req = new IncomingMessage(socket as never);
    const authorization = `Bearer ${token}`;
    req.method = 'GET';
    req.url = '/';
    req.rawHeaders = ['Host', '127.0.0.1', 'Authorization', authorization];
    req.headers = { host: '127.0.0.1', authorization };
    Object.setPrototypeOf(req, prototype);
    (req as unknown as { originalUrl: string }).originalUrl = '/';
    return req;
  };
}

/** MODE=inproc: each middleware alone, `inFlight` requests at a time, for `seconds`; prints JSON µs/request. */
async function runInProcess(): Promise<void> {
  const tokens = JSON.parse(readFileSync(process.env.TOKENS as string, 'utf8')) as string[];
  const issuer = process.env.ISSUER as string;
  const jwksUri = process.env.JWKS_URI as string;
  const seconds = env('BENCH_DURATION', 5) / 2;
  const inFlight = env('BENCH_CONNECTIONS', 10);
  const { IncomingMessage } = await import('node:http');
  const { default: express } = await import('express');
  const request = requestFactory(IncomingMessage, express().request);
  const middleware = new Map<Variant, Middleware>();
  for (const variant of VARIANTS) middleware.set(variant, await middlewareOf(variant, issuer, jwksUri));
  const once = (run: Middleware, req: unknown) =>
    new Promise<void>((resolve, reject) => {
      run(req, {}, (err) => (err === undefined ? resolve() : reject(err as Error)));
    });
  const measure = async (run: Middleware, duration: number): Promise<number> => {
    let next = 0;
    let done = 0;
    const end = performance.now() + duration * 1000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < end) {
          await once(run, request(tokens[next++ % tokens.length] as string));
          done++;
        }
      }),
    );
    return ((performance.now() - start) * 1000) / done;
  };
  for (const run of middleware.values()) await measure(run, 0.5); // warm-up: JIT, keys, caches
  const results: Record<string, number[]> = {};
  for (let round = 0; round < env('BENCH_ROUNDS', 5); round++) {
    const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order)
      (results[variant] ??= []).push(await measure(middleware.get(variant) as Middleware, seconds));
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}

/** MODE=load: one autocannon run against URL, the tokens taken in turn; prints req/s, requests and its CPU µs. */
async function runLoad(): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  const tokens = JSON.parse(readFileSync(process.env.TOKENS as string, 'utf8')) as string[];
  let next = 0;
  const result = await autocannon({
    url: process.env.URL as string,
    connections: env('BENCH_CONNECTIONS', 10),
    duration: env('BENCH_DURATION', 5),
    requests: [
      {
        setupRequest: (request) => {
          const token = tokens[next++ % tokens.length] as string;
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  });
  const ok = result['2xx'];
  if (ok !== result.requests.total || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${process.env.URL}: ${ok} 2xx of ${result.requests.total}, ${result.errors} errors`);
  }
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${result.requests.average} ${result.requests.total} ${user + system}\n`);
}

async function orchestrate(): Promise<void> {
  const rounds = env('BENCH_ROUNDS', 5);
  const pin = hasTaskset();
  const issuer = await rs256Tokens(env('BENCH_TOKENS', 2000));
  const { jwks, tokens, file: tokenFile } = issuer;
  const servers = new Map<Variant, { process: ChildProcess; url: string }>();
  try {
    for (const variant of VARIANTS) {
      const server = child('server', 1, { VARIANT: variant, ISSUER: jwks.issuer, JWKS_URI: jwks.jwksUri }, pin);
      const port = await firstLine(server);
      const url = `http://127.0.0.1:${port}/`;
      const check = await fetch(url, { headers: { authorization: `Bearer ${tokens[0]}` } });
      if (check.status !== 200) throw new Error(`${variant} answered ${check.status}`);
      servers.set(variant, { process: server, url });
    }
    console.log(
      `Express ${(await import('express/package.json', { with: { type: 'json' } })).default.version}, Node ${process.version}, ` +
        `${rounds} rounds × ${env('BENCH_DURATION', 5)} s × ${VARIANTS.length} variants, ` +
        `${env('BENCH_CONNECTIONS', 10)} connections, ${tokens.length} distinct RS256 tokens, ` +
        `${pin ? 'servers on core 1, autocannon on core 0 (taskset)' : 'no taskset: processes not pinned'}`,
    );
    const results = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
    const cpu = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
    const cpuOf = async (url: string) => Number(await (await fetch(`${url}__cpu`)).json());
    for (const { url } of servers.values()) {
      await firstLine(child('load', 0, { URL: url, TOKENS: tokenFile, BENCH_DURATION: '1' }, pin)); // warm-up
    }
    for (let round = 0; round < rounds; round++) {
      // Alternate the order from round to round, so drift in the machine's load does not favour one variant.
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const url = servers.get(variant)?.url as string;
        const before = await cpuOf(url);
        const [reqs = 0, total = 1] = (await firstLine(child('load', 0, { URL: url, TOKENS: tokenFile }, pin)))
          .split(' ')
          .map(Number);
        const perRequest = ((await cpuOf(url)) - before) / total;
        results.get(variant)?.push(reqs);
        cpu.get(variant)?.push(perRequest);
        console.log(
          `  round ${round + 1}  ${variant.padEnd(26)} ${reqs.toFixed(0).padStart(7)} req/s ${perRequest.toFixed(1).padStart(7)} µs CPU/request`,
        );
      }
    }
    const bare = median(results.get('bare') as number[]);
    const bareCpu = median(cpu.get('bare') as number[]);
    console.log(
      '\nvariant                      median req/s   µs/request   added vs bare   CPU µs/request   CPU added vs bare',
    );
    for (const variant of VARIANTS) {
      const reqs = median(results.get(variant) as number[]);
      const micros = 1e6 / reqs;
      const cpuMicros = median(cpu.get(variant) as number[]);
      const added = variant === 'bare' ? '' : `${(micros - 1e6 / bare).toFixed(1)} µs`;
      const cpuAdded = variant === 'bare' ? '' : `${(cpuMicros - bareCpu).toFixed(1)} µs`;
      console.log(
        `${variant.padEnd(28)} ${reqs.toFixed(0).padStart(12)} ${micros.toFixed(1).padStart(12)} ${added.padStart(15)} ` +
          `${cpuMicros.toFixed(1).padStart(16)} ${cpuAdded.padStart(19)}`,
      );
    }
    const theirs = median(results.get('express-oauth2-jwt-bearer') as number[]);
    const ours = median(results.get('ours') as number[]);
    const cached = median(results.get('ours-cache') as number[]);
    const theirAdded = 1e6 / theirs - 1e6 / bare;
    const ourAdded = 1e6 / ours - 1e6 / bare;
    const cpuAdded = (variant: Variant) => median(cpu.get(variant) as number[]) - bareCpu;
    console.log(
      `\nover HTTP: ours adds ${(ourAdded / theirAdded).toFixed(2)}× the wall time express-oauth2-jwt-bearer adds ` +
        `(${(cpuAdded('ours') / cpuAdded('express-oauth2-jwt-bearer')).toFixed(2)}× its CPU time; target ≤ 0.5); ` +
        `ours ${(ours / theirs).toFixed(2)}× its req/s, with the cache ${(cached / theirs).toFixed(2)}× (target ≥ 1.5)`,
    );
    for (const { process: server } of servers.values()) server.kill();
    servers.clear();
    const inproc = child('inproc', 1, { TOKENS: tokenFile, ISSUER: jwks.issuer, JWKS_URI: jwks.jwksUri }, pin);
    const perCall = JSON.parse(await firstLine(inproc)) as Record<Variant, number[]>;
    const bareCall = median(perCall.bare);
    console.log(`\nin process, the middleware alone (${env('BENCH_CONNECTIONS', 10)} in flight, core 1):`);
    console.log('variant                      µs/request (runs)                          median   added vs bare');
    for (const variant of VARIANTS) {
      const runs = perCall[variant].map((value) => value.toFixed(1)).join(' ');
      const value = median(perCall[variant]);
      const added = variant === 'bare' ? '' : `${(value - bareCall).toFixed(1)} µs`;
      console.log(`${variant.padEnd(28)} ${runs.padEnd(42)} ${value.toFixed(1).padStart(6)} ${added.padStart(15)}`);
    }
    const callAdded = (variant: Variant) => median(perCall[variant]) - bareCall;
    console.log(
      `in process: ours adds ${(callAdded('ours') / callAdded('express-oauth2-jwt-bearer')).toFixed(2)}× what ` +
        `express-oauth2-jwt-bearer adds; with the cache ${(callAdded('ours-cache') / callAdded('express-oauth2-jwt-bearer')).toFixed(3)}×`,
    );
  } finally {
    for (const { process: server } of servers.values()) server.kill();
    await issuer.close();
  }
}

const mode = process.env.MODE;
if (mode === 'server') await runServer();
else if (mode === 'load') await runLoad();
else if (mode === 'inproc') await runInProcess();
else await orchestrate();
