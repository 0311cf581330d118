// Runs the walkthrough: starts the embedded OpenID Provider, runs each step with a time limit, prints one line per
// step (what was checked, how long it took) and stops everything it started, whatever happened.
import { type DevServerOptions, startDevServer } from '../../lib/dev-server/index.js';
import type { Step, WalkthroughContext } from './step.js';
import { STEPS } from './steps.js';

/** Options of {@link runWalkthrough}. */
export interface WalkthroughOptions {
  /** Where the lines go. @defaultValue stdout */
  write?: (line: string) => void;
  /** Where the one-line reason of a failure goes. @defaultValue stderr */
  writeError?: (line: string) => void;
  /** The steps to run. @defaultValue every step of `npm start` */
  steps?: readonly Step[];
  /** Options of the embedded provider. @defaultValue its defaults (keys and secrets generated at start) */
  devServer?: DevServerOptions;
  /** Milliseconds a step may take. @defaultValue 10000 */
  stepTimeout?: number;
}

/** The outcome of one step. */
export interface StepResult {
  name: string;
  ok: boolean;
  /** What was checked, or why the step failed. */
  detail: string;
  ms: number;
}

/** The outcome of a walkthrough. */
export interface WalkthroughResult {
  ok: boolean;
  steps: StepResult[];
  /** Milliseconds from the start of the provider to the end of the last step. */
  totalMs: number;
}

const NAME_WIDTH = 22;

/** One line for an error: its class, its code when it has one, and its message's first line. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const label = typeof code === 'string' && error.name !== 'Error' ? `${error.name} ${code}: ` : '';
  return `${label}${error.message.split('\n')[0]}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts the dev server, runs the steps in order and stops at the first failure. Resolves (never rejects) to the
 * outcome; the caller decides the exit code.
 */
export async function runWalkthrough(options: WalkthroughOptions = {}): Promise<WalkthroughResult> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const writeError = options.writeError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const steps = options.steps ?? STEPS;
  const stepTimeout = options.stepTimeout ?? 10_000;
  const results: StepResult[] = [];
  const print = (result: StepResult) => {
    const ms = `${Math.round(result.ms)} ms`.padStart(8);
    write(`  ${result.ok ? '✓' : '✗'} ${result.name.padEnd(NAME_WIDTH)}${ms}  ${result.detail}`);
  };

  write('authn-client walkthrough: an embedded OpenID Provider on 127.0.0.1, driven through the public API');
  write('');
  const started = performance.now();
  let context: WalkthroughContext | undefined;
  try {
    const server = await withTimeout(startDevServer(options.devServer), stepTimeout, 'provider');
    context = { server, cleanups: [() => server.stop()] };
    const kid = String(server.jwks.keys[0]?.kid ?? '').slice(0, 8);
    const result = {
      name: 'provider',
      ok: true,
      detail: `node-oidc-provider at ${server.issuer} (API ${server.audience}, RS256 key ${kid}…, user ${server.user.sub})`,
      ms: performance.now() - started,
    };
    results.push(result);
    print(result);
  } catch (error) {
    const result = { name: 'provider', ok: false, detail: describeError(error), ms: performance.now() - started };
    results.push(result);
    print(result);
  }

  if (context !== undefined) {
    for (const step of steps) {
      const begin = performance.now();
      let result: StepResult;
      try {
        const detail = await withTimeout(step.run(context), stepTimeout, step.name);
        result = { name: step.name, ok: true, detail, ms: performance.now() - begin };
      } catch (error) {
        result = { name: step.name, ok: false, detail: describeError(error), ms: performance.now() - begin };
      }
      results.push(result);
      print(result);
      if (!result.ok) break;
    }
    for (const cleanup of context.cleanups.reverse()) await cleanup().catch(() => undefined);
  }

  const totalMs = performance.now() - started;
  const failed = results.find((result) => !result.ok);
  write('');
  if (failed === undefined) {
    write(`all ${results.length} steps passed in ${(totalMs / 1000).toFixed(1)} s; the provider is stopped`);
  } else {
    writeError(`walkthrough failed at "${failed.name}": ${failed.detail}`);
  }
  return { ok: failed === undefined, steps: results, totalMs };
}
