// Offload benchmark (npm run bench:offload; about 6 minutes with the defaults): where the signature check runs
// (`offload`: 'never' on the event loop's thread, 'always' on libuv's thread pool, 'auto' on the pool only while
// verifications pile up), measured in one run as ratios to the single-thread `crypto.verify` floor of that run.
//
// Part 1, in one process: the floor (`crypto.verify` with a cached KeyObject over prepared inputs, called back to
// back on one thread) and `AccessTokenVerifier.verify` for RS256 and ES256 in each mode at 1, 4, 16 and 64
// verifications in flight, each measured in alternate slices with its floor (see opsBeside()); jose.jwtVerify at
// 64 in flight beside them (WebCrypto, on the pool too); and `auto` against `never` at 1 in flight, measured in
// alternate slices with each other (the cost of `auto` when nothing piles up). 256 distinct access tokens per
// algorithm (bench/lib/tokens.ts), keys from a local JWKS, warm. And how long an `fs.stat`, which goes through the
// same thread pool, waits behind 64 verifications in flight, against its latency on an idle pool. Then the CPU
// time of every case per verification, on all threads and on the main thread (a second each): what the cores must
// carry, which bounds the ratio a case can reach on idle cores whatever else ran during the timed rounds.
//
// Part 2, over HTTP: the Express app of bench/middleware.ts behind our `auth()` with `offload` 'never', 'auto' and
// 'always', and bare; autocannon with 100 connections against each in turn, the order alternating from round to
// round, with distinct RS256 tokens (no token is verified twice in a row; no cache). Neither the servers nor
// autocannon are pinned to a core: the pool's threads may run wherever the kernel puts them. Also the CPU time per
// request of the server (all its threads) and of autocannon: the cores carry both, which bounds req/s.
//
// Then a summary: one line per case with its median ratio, and the targets of issue 14, met or not.
//
// Environment: BENCH_ROUNDS (default 5), BENCH_MS per case and round (default 600, as much again for its floor),
// BENCH_SLICE ms per alternate slice (default 100), BENCH_IN_FLIGHT (default 1,4,16,64), BENCH_DURATION seconds per
// HTTP run (default 5), BENCH_CONNECTIONS (default 100), BENCH_PART (verify or http; default both), BENCH_ONLY (a
// regular expression on the case names of part 1).
import { type KeyObject, randomBytes, verify } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';
import { AccessTokenVerifier, JwksFetcher, type OffloadMode } from '../lib/index.js';
import { startJwksServer } from '../spec/helpers/jwks-server.js';
import { publicJwk, signJwt } from '../spec/helpers/jwt.js';
import { ecKeys, rsaKeys } from '../spec/helpers/keys.js';
import { child, firstLine } from './lib/processes.js';
import {
  type AsyncOperation,
  cpuPerOp,
  formatOps,
  formatRatio,
  median,
  opsBeside,
  printTable,
  settle,
} from './lib/timing.js';
import { accessTokenPayload, API, nth, rs256Tokens, signedParts } from './lib/tokens.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 5);
const MS = env('BENCH_MS', 600);
// Slices of 100 ms: `auto` starts each slice as a new pile-up, inline for its first 5 ms (BUSY_AFTER).
const SLICE = env('BENCH_SLICE', 100);
const IN_FLIGHT = (process.env.BENCH_IN_FLIGHT ?? '1,4,16,64').split(',').map(Number);
const PART = process.env.BENCH_PART;
const MODES: readonly OffloadMode[] = ['never', 'auto', 'always'];
const MIDDLEWARE_BENCH = fileURLToPath(new URL('middleware.ts', import.meta.url));

type Alg = 'RS256' | 'ES256';
const ALGS: readonly Alg[] = ['RS256', 'ES256'];
const POOL = 256;

/** A measured case of part 1 and what it is measured beside: the floor of its algorithm, or another case. */
interface Case {
  readonly name: string;
  readonly run: AsyncOperation | ((i: number) => unknown);
  readonly async: boolean;
  readonly inFlight?: number;
  readonly beside: string;
}

/** One line of the summary: a figure and, when it has one, the target of issue 14. */
interface Line {
  readonly name: string;
  readonly values: readonly number[];
  readonly unit: string;
  readonly target?: number;
}

const lines: Line[] = [];
const require = createRequire(import.meta.url);

/** Appends `value` to the list of `key`. */
function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** The load averages, for the record: figures taken on a shared machine are read with them. */
function load(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

function line(name: string, values: readonly number[], unit = '×', target?: number): void {
  lines.push({ name, values, unit, target });
}

async function verifyPart(): Promise<void> {
  const jwks = await startJwksServer();
  try {
    const rsa = rsaKeys('bench-verify');
    const ec = ecKeys('P-256', 'bench-verify');
    jwks.setKeys([
      publicJwk(rsa.publicKey, { kid: 'rsa-1', alg: 'RS256', use: 'sig' }),
      publicJwk(ec.publicKey, { kid: 'ec-1', alg: 'ES256', use: 'sig' }),
    ]);
    const signing: Record<Alg, { key: KeyObject; kid: string }> = {
      RS256: { key: rsa.privateKey, kid: 'rsa-1' },
      ES256: { key: ec.privateKey, kid: 'ec-1' },
    };
    const tokens = Object.fromEntries(
      ALGS.map((alg) => [
        alg,
        Array.from({ length: POOL }, (_, i) =>
          signJwt(accessTokenPayload(jwks.issuer, `jti-${alg}-${i}-${randomBytes(6).toString('hex')}`), {
            alg,
            ...signing[alg],
          }),
        ),
      ]),
    ) as Record<Alg, string[]>;
    const at = nth;
    const raw = { RS256: signedParts(tokens.RS256), ES256: signedParts(tokens.ES256) };
    const floorKey = { RS256: rsa.publicKey, ES256: { key: ec.publicKey, dsaEncoding: 'ieee-p1363' as const } };
    const fetcher = new JwksFetcher(jwks.jwksUri);
    const remote = jose.createRemoteJWKSet(new URL(jwks.jwksUri));

    const cases: Case[] = [];
    const verifiers = new Map<string, AccessTokenVerifier>();
    for (const alg of ALGS) {
      const floor = `${alg} floor: crypto.verify, 1 thread`;
      const key = floorKey[alg];
      cases.push({
        name: floor,
        run: (i) => verify('sha256', at(raw[alg], i).input, key, at(raw[alg], i).signature),
        async: false,
        beside: floor,
      });
      for (const offload of MODES) {
        const verifier = new AccessTokenVerifier({
          issuer: jwks.issuer,
          audience: API,
          jwks: fetcher,
          algorithms: [alg],
          offload,
        });
        verifiers.set(`${alg} ${offload}`, verifier);
        for (const inFlight of IN_FLIGHT) {
          cases.push({
            name: `${alg} AccessTokenVerifier ${offload} @${inFlight}`,
            run: (i) => verifier.verify(at(tokens[alg], i)),
            async: true,
            inFlight,
            beside: floor,
          });
        }
      }
      const options = { issuer: jwks.issuer, audience: API, algorithms: [alg] };
      cases.push({
        name: `${alg} jose.jwtVerify @64`,
        run: (i) => jose.jwtVerify(at(tokens[alg], i), remote, options),
        async: true,
        inFlight: 64,
        beside: floor,
      });
      const never = cases.find((entry) => entry.name === `${alg} AccessTokenVerifier never @1`);
      const auto = cases.find((entry) => entry.name === `${alg} AccessTokenVerifier auto @1`);
      if (never !== undefined && auto !== undefined) {
        cases.push({ ...auto, name: `${alg} auto ÷ never @1`, beside: never.name });
      }
    }
    const only = process.env.BENCH_ONLY === undefined ? undefined : new RegExp(process.env.BENCH_ONLY);
    const measured = cases.filter(
      (entry) =>
        entry.name === entry.beside ||
        only === undefined ||
        only.test(entry.name) ||
        cases.some((c) => only.test(c.name) && c.beside === entry.name),
    );
    const byName = new Map(cases.map((entry) => [entry.name, entry]));

    for (const entry of measured) {
      const result = await entry.run(0);
      if (result !== true && typeof result !== 'object') throw new Error(`${entry.name} did not accept its token`);
    }
    console.log(
      `Node ${process.version}, ${cpus().length} cores, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}; ` +
        `jose ${(require('jose/package.json') as { version: string }).version}; ` +
        `${ROUNDS} rounds × ${measured.length} cases × ${MS} ms (+ as much for what each is beside, in ${SLICE} ms slices); ` +
        `${POOL} distinct access tokens per algorithm; load average ${load()}`,
    );
    // Warm-up: JIT, the pool's threads, the key sets.
    for (const entry of measured) {
      if (entry.name !== entry.beside) await opsBeside(entry, byName.get(entry.beside) as Case, 200, SLICE);
    }
    const ratios = new Map<string, number[]>();
    const ops = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? measured : [...measured].reverse();
      for (const entry of order) {
        if (entry.name === entry.beside) continue;
        await settle();
        const result = await opsBeside(entry, byName.get(entry.beside) as Case, 2 * MS, SLICE);
        push(ratios, entry.name, result.ops / result.reference);
        push(ops, entry.name, result.ops);
        push(ops, entry.beside, result.reference);
      }
      for (const [name, latency] of await poolSharing(verifiers, tokens)) push(ops, name, latency);
      process.stderr.write(`round ${round + 1}/${ROUNDS} done (load average ${load()})\n`);
    }
    console.log('\nEvery case: ops/s (median), and its ratio to what it is measured beside, each round\n');
    printTable([
      ['case', 'ops/s', 'µs/op', 'beside', ...Array.from({ length: ROUNDS }, (_, round) => `round ${round + 1}`)],
      ...measured.map((entry) => {
        const value = median(ops.get(entry.name) ?? [Number.NaN]);
        const beside = entry.name === entry.beside ? '' : entry.beside.replace(/ floor.*/, ' floor');
        const runs = (ratios.get(entry.name) ?? []).map(formatRatio);
        return [entry.name, formatOps(value), (1e6 / value).toFixed(1), beside, ...runs];
      }),
    ]);
    for (const entry of measured) {
      if (entry.name !== entry.beside) line(entry.name, ratios.get(entry.name) ?? []);
    }
    for (const name of POOL_SHARING) line(name, ops.get(name) ?? [], ' µs');
    await cpuTable(measured);
    for (const alg of ALGS) {
      const auto = ratios.get(`${alg} AccessTokenVerifier auto @64`);
      const joseRuns = ratios.get(`${alg} jose.jwtVerify @64`);
      if (auto !== undefined && joseRuns !== undefined) {
        line(
          `${alg} auto @64 ÷ jose @64`,
          auto.map((value, round) => value / (joseRuns[round] as number)),
        );
      }
    }
  } finally {
    await jwks.close();
  }
}

/**
 * CPU µs per verification of each case, on all threads and on the main thread, one second each: what the two
 * cores must carry per verification, whatever else runs on the machine. With the floor's CPU per check, it bounds
 * the ratio a case can reach on this many idle cores: the cores carry all of it, the main thread its own share.
 */
async function cpuTable(measured: readonly Case[]): Promise<void> {
  const rows: string[][] = [['case', 'CPU µs/op', 'main thread', 'pool', `bound on ${cpus().length} idle cores`]];
  const floors = new Map<string, number>();
  for (const entry of measured) {
    await settle();
    const { all, main } = await cpuPerOp(entry, 1000);
    if (entry.name === entry.beside) floors.set(entry.name, all);
    const floor = entry.name === entry.beside ? undefined : floors.get(entry.beside);
    const bound = floor === undefined ? '' : formatRatio(Math.min((cpus().length * floor) / all, floor / main));
    rows.push([entry.name, all.toFixed(1), main.toFixed(1), (all - main).toFixed(1), bound]);
  }
  console.log('\nCPU per verification (all threads, and the main thread; the pool is the rest)\n');
  printTable(rows);
}

/** The lines of {@link poolSharing}. */
const POOL_SHARING: string[] = [
  'pool: fs.stat, idle',
  ...ALGS.flatMap((alg) => [`pool: fs.stat beside ${alg} always @64`, `pool: fs.stat beside ${alg} auto @64`]),
];

/**
 * How long other work on the thread pool waits behind offloaded signature checks: the median latency (µs) of
 * 50 `fs.promises.stat` calls in a row, idle, then with 64 verifications in flight through each verifier that
 * may offload.
 */
async function poolSharing(
  verifiers: ReadonlyMap<string, AccessTokenVerifier>,
  tokens: Readonly<Record<Alg, readonly string[]>>,
): Promise<Map<string, number>> {
  const latency = async () => {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const start = performance.now();
      await stat(MIDDLEWARE_BENCH);
      times.push((performance.now() - start) * 1000);
    }
    return median(times);
  };
  const results = new Map<string, number>([['pool: fs.stat, idle', await latency()]]);
  for (const alg of ALGS) {
    for (const offload of ['always', 'auto'] as const) {
      const verifier = verifiers.get(`${alg} ${offload}`) as AccessTokenVerifier;
      let running = true;
      let next = 0;
      const workers = Array.from({ length: 64 }, async () => {
        while (running) await verifier.verify(tokens[alg][next++ % POOL] as string);
      });
      await new Promise((resolve) => setTimeout(resolve, 50)); // the pile-up sets in
      results.set(`pool: fs.stat beside ${alg} ${offload} @64`, await latency());
      running = false;
      await Promise.all(workers);
    }
  }
  return results;
}

async function httpPart(): Promise<void> {
  const variants = ['bare', 'never', 'auto', 'always'] as const;
  type Variant = (typeof variants)[number];
  const connections = String(env('BENCH_CONNECTIONS', 100));
  const issuer = await rs256Tokens(4000);
  const { jwks, tokens, file: tokenFile } = issuer;
  const servers = new Map<Variant, { process: ChildProcess; url: string }>();
  try {
    for (const variant of variants) {
      const vars = { ISSUER: jwks.issuer, JWKS_URI: jwks.jwksUri };
      const server = child(
        MIDDLEWARE_BENCH,
        'server',
        undefined,
        variant === 'bare' ? { ...vars, VARIANT: 'bare' } : { ...vars, VARIANT: 'ours', OFFLOAD: variant },
      );
      const url = `http://127.0.0.1:${await firstLine(server)}/`;
      const check = await fetch(url, { headers: { authorization: `Bearer ${tokens[0]}` } });
      if (check.status !== 200) throw new Error(`${variant} answered ${check.status}`);
      servers.set(variant, { process: server, url });
    }
    const run = (url: string, duration = String(env('BENCH_DURATION', 5))) =>
      firstLine(
        child(MIDDLEWARE_BENCH, 'load', undefined, {
          URL: url,
          TOKENS: tokenFile,
          BENCH_CONNECTIONS: connections,
          BENCH_DURATION: duration,
        }),
      );
    const cpuOf = async (url: string) => Number(await (await fetch(`${url}__cpu`)).json());
    console.log(
      `\nOver HTTP: Express, our auth() (RS256, ${tokens.length} distinct tokens, no cache), autocannon ${connections} ` +
        `connections, ${env('BENCH_DURATION', 5)} s per run, nothing pinned; load average ${load()}`,
    );
    for (const { url } of servers.values()) await run(url, '1'); // warm-up
    const reqs = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));
    const cpu = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));
    const generator = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const { url } = servers.get(variant) as { url: string };
        const before = await cpuOf(url);
        const [perSecond = 0, total = 1, loadCpu = 0] = (await run(url)).split(' ').map(Number);
        const cpuPerRequest = ((await cpuOf(url)) - before) / total;
        reqs.get(variant)?.push(perSecond);
        cpu.get(variant)?.push(cpuPerRequest);
        push(generator, variant, loadCpu / total);
        console.log(
          `  round ${round + 1}  ${variant.padEnd(7)} ${perSecond.toFixed(0).padStart(7)} req/s, CPU µs/request: ` +
            `server ${cpuPerRequest.toFixed(1)} (all threads), autocannon ${(loadCpu / total).toFixed(1)}; ` +
            `load average ${load()}`,
        );
      }
    }
    for (const variant of variants) line(`HTTP ${variant}: req/s`, reqs.get(variant) as number[], ' req/s');
    // The machine's CPU per request (server and load generator share its cores) bounds req/s on idle cores.
    const cores = cpus().length;
    for (const variant of variants) {
      const server = cpu.get(variant) as number[];
      const bound = server.map(
        (value, round) => (cores * 1e6) / (value + ((generator.get(variant) ?? [])[round] ?? 0)),
      );
      line(`HTTP ${variant}: CPU bound, req/s`, bound, ' req/s');
    }
    const never = reqs.get('never') as number[];
    for (const variant of ['auto', 'always'] as const) {
      const runs = (reqs.get(variant) as number[]).map((value, round) => value / (never[round] as number));
      line(`HTTP ${variant} ÷ never, req/s`, runs, '×', variant === 'auto' ? 1.2 : undefined);
    }
  } finally {
    for (const { process: server } of servers.values()) server.kill();
    await issuer.close();
  }
}

/** The targets of issue 14, on the lines of the summary. */
const TARGETS: Readonly<Record<string, number>> = {
  'RS256 AccessTokenVerifier auto @64': 1.4,
  'ES256 AccessTokenVerifier auto @64': 1.4,
  'RS256 auto @64 ÷ jose @64': 2.5,
  'RS256 auto ÷ never @1': 0.97,
  'ES256 auto ÷ never @1': 0.97,
};

function summary(): void {
  console.log(`\nSummary: medians of ${ROUNDS} rounds (ratios to the floor of the same run unless the line says ÷)\n`);
  printTable([
    ['case', 'median', 'rounds', 'target'],
    ...lines.map(({ name, values, unit, target = TARGETS[name] }) => {
      const value = median(values);
      const format = (x: number) => (unit === '×' ? formatRatio(x) : `${formatOps(x)}${unit}`);
      const verdict = target === undefined ? '' : `≥ ${target}× ${value >= target ? 'met' : 'NOT MET'}`;
      return [name, format(value), values.map((x) => (unit === '×' ? x.toFixed(2) : formatOps(x))).join(' '), verdict];
    }),
  ]);
}

if (PART !== 'http') await verifyPart();
if (PART !== 'verify') await httpPart();
summary();
