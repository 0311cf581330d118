// Timing helpers shared by the benchmarks: ops/s of a synchronous or asynchronous operation over a fixed
// time, with any number of calls in flight; medians; and a plain-text table printer.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
// A server's hot path runs all the time, so V8 never drops its bytecode; here a case idles while the others run,
// and the full collections of settle() would otherwise age it out and make it compile again in its next window.
setFlagsFromString('--no-flush-bytecode');
/** V8's full garbage collection, exposed without a command-line flag. */
const gc = runInNewContext('gc') as () => void;

/**
 * Collects garbage and yields to the event loop, so that a measurement starts on a clean heap: without it, a
 * case that allocates little would leave the next one to pay for the garbage of the one before (incremental
 * marking runs in steps charged to whoever allocates).
 */
export async function settle(): Promise<void> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
}

/** Calls between two readings of the clock, so that reading it costs nothing measurable. */
const BATCH = 32;

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (index: number) => sorted[index] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

/** An operation under test; `i` counts calls from 0, so that it can cycle through a pool of inputs. */
export type SyncOperation = (i: number) => unknown;
/** An asynchronous operation under test; it must settle (a rejection aborts the measurement). */
export type AsyncOperation = (i: number) => Promise<unknown>;

/** Ops/s of a synchronous operation called back to back for `ms` milliseconds. */
export function opsSync(operation: SyncOperation, ms: number): number {
  let done = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  while (now < end) {
    for (let k = 0; k < BATCH; k++) operation(done++);
    now = performance.now();
  }
  return (done * 1000) / (now - start);
}

/**
 * Ops/s of an asynchronous operation for `ms` milliseconds, with `inFlight` calls pending at any time
 * (1: each call awaited before the next starts).
 */
export async function opsAsync(operation: AsyncOperation, ms: number, inFlight = 1): Promise<number> {
  let next = 0;
  let done = 0;
  const start = performance.now();
  const end = start + ms;
  const worker = async () => {
    while (performance.now() < end) {
      for (let k = 0; k < BATCH; k++) {
        await operation(next++);
        done++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (done * 1000) / (performance.now() - start);
}

/** A measured operation: synchronous, or asynchronous with `inFlight` calls pending at any time (default 1). */
export interface Operation {
  readonly run: SyncOperation | AsyncOperation;
  readonly async: boolean;
  readonly inFlight?: number;
}

/** Calls `operation` `count` times starting at index `from`; resolves to the elapsed milliseconds. */
async function timeCalls(operation: Operation, from: number, count: number): Promise<number> {
  const start = performance.now();
  if (!operation.async) {
    const run = operation.run as SyncOperation;
    for (let i = from; i < from + count; i++) run(i);
  } else {
    const run = operation.run as AsyncOperation;
    let next = from;
    const end = from + count;
    const worker = async () => {
      while (next < end) await run(next++);
    };
    await Promise.all(Array.from({ length: Math.min(operation.inFlight ?? 1, count) }, worker));
  }
  return performance.now() - start;
}

/** What {@link opsBeside} measured: ops/s of the operation and of its reference, over the same moments. */
export interface Beside {
  readonly ops: number;
  readonly reference: number;
}

/**
 * Ops/s of `operation` and of `reference`, measured alternately in slices of about `sliceMs` milliseconds each
 * for `ms` milliseconds in all (half each): a change in the machine's speed, which on a shared VM comes and goes
 * within a second, then weighs on both alike, and their ratio holds.
 */
export async function opsBeside(operation: Operation, reference: Operation, ms: number, sliceMs = 4): Promise<Beside> {
  // Calibration: calls per slice for each.
  const perSlice = async (op: Operation) => {
    let count = op.async ? Math.max(op.inFlight ?? 1, 8) : 32;
    for (;;) {
      const elapsed = await timeCalls(op, 0, count);
      if (elapsed >= sliceMs / 4) return Math.max(1, Math.round((count * sliceMs) / elapsed));
      count *= 4;
    }
  };
  const sides = [
    { op: operation, count: await perSlice(operation), done: 0, spent: 0 },
    { op: reference, count: await perSlice(reference), done: 0, spent: 0 },
  ];
  const [first, second] = sides as [(typeof sides)[number], (typeof sides)[number]];
  const end = performance.now() + ms;
  for (let slice = 0; performance.now() < end; slice++) {
    // Which one goes first alternates, so that neither always follows the other.
    for (const side of slice % 2 === 0 ? [first, second] : [second, first]) {
      side.spent += await timeCalls(side.op, side.done, side.count);
      side.done += side.count;
    }
  }
  return { ops: (first.done * 1000) / first.spent, reference: (second.done * 1000) / second.spent };
}

/** CPU time of the process's main thread so far, in µs (Linux, 10 ms resolution); `NaN` where /proc is missing. */
function mainThreadCpu(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/** What {@link cpuPerOp} measured: CPU µs per operation on every thread of the process, and on its main thread. */
export interface CpuPerOp {
  readonly all: number;
  readonly main: number;
}

/**
 * CPU time per operation, for about `ms` milliseconds of calls (`operation` as {@link opsBeside} takes it): on all
 * the process's threads (`process.cpuUsage()`, thread pool included) and on its main thread alone. Unlike ops/s,
 * CPU time hardly depends on what else runs on the machine, and it says what the work costs each thread.
 */
export async function cpuPerOp(operation: Operation, ms: number): Promise<CpuPerOp> {
  let count = 0;
  const counted = (i: number) => {
    count++;
    return operation.run(i);
  };
  const before = process.cpuUsage();
  const mainBefore = mainThreadCpu();
  if (operation.async) await opsAsync(counted as AsyncOperation, ms, operation.inFlight ?? 1);
  else opsSync(counted, ms);
  const used = process.cpuUsage(before);
  return { all: (used.user + used.system) / count, main: (mainThreadCpu() - mainBefore) / count };
}

/** Formats ops/s with thousands separators and no decimals. */
export function formatOps(ops: number): string {
  return Math.round(ops).toLocaleString('en-US');
}

/** Formats a ratio as `0.87×`. */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** Prints rows as a text table: the first row is the header; columns after the first are right-aligned. */
export function printTable(rows: readonly (readonly string[])[]): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  for (const [index, row] of rows.entries()) {
    const line = row.map((cell, column) =>
      column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
    );
    console.log(line.join('  '));
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}
