// The `authn` command line in specs: in memory (runCli with a CliIo), or as users run it (a child process).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../lib/cli/command.js';
import { runCli } from '../../lib/cli/main.js';

/** An in-memory CliIo: what was written, and what stdin and the environment hold. */
export function memoryIo(env: Record<string, string> = {}, stdin = ''): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (text: string) => (io.out += text) },
    stderr: { write: (text: string) => (io.err += text) },
    stdin: Readable.from(stdin === '' ? [] : [stdin]),
    env,
  };
  return io;
}

/** A run in memory: the exit code and what was written. */
export interface MemoryRun {
  code: number;
  out: string;
  err: string;
}

/** A function that runs `authn NAME ARGS` in memory, for the specs of one command. */
export function commandRunner(name: string) {
  return async (args: string[], env: Record<string, string> = {}, stdin = ''): Promise<MemoryRun> => {
    const io = memoryIo(env, stdin);
    const code = await runCli([name, ...args], io);
    return { code, out: io.out, err: io.err };
  };
}

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The executable from the sources (run through tsx). */
export const SOURCE_BIN = 'lib/cli/bin.ts';
/** The executable as built (`npm test` builds before it runs the specs). */
export const BUILT_BIN = 'dist/cjs/cli/bin.js';

/** A finished run of the executable. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function command(bin: string, args: readonly string[]): string[] {
  return [...(bin.endsWith('.ts') ? ['--import', 'tsx', bin] : [bin]), ...args];
}

/**
 * The environment of a child: only PATH and `env`, and no coverage from the child (it loads lib/ as ES modules
 * where mocha loads it as CommonJS, and c8 cannot merge the two: it would count the child's unrun functions
 * against the parent's run ones).
 */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NODE_V8_COVERAGE: '', ...env };
}

/** Runs `authn ARGS` as a child process to its end, with `stdin` piped in. */
export function runAuthn(
  args: string[],
  env: Record<string, string> = {},
  stdin?: string,
  bin = SOURCE_BIN,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      command(bin, args),
      { cwd: ROOT, env: childEnv(env) },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

/** A long-running `authn` child (the dev server): its output so far, and how to wait for a line or its end. */
export interface AuthnProcess {
  readonly child: ChildProcess;
  /** stdout so far. */
  readonly stdout: () => string;
  /** stderr so far. */
  readonly stderr: () => string;
  /** Resolves with stdout once `pattern` matches it; rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/** Starts `authn ARGS` as a child process and leaves it running. Stop it (`child.kill()`) in an `after` hook. */
export function spawnAuthn(args: string[], env: Record<string, string> = {}, bin = SOURCE_BIN): AuthnProcess {
  return watch(spawn(process.execPath, command(bin, args), { cwd: ROOT, env: childEnv(env), stdio: 'pipe' }));
}

/** Follows a child's output and end. */
function watch(child: ChildProcess): AuthnProcess {
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const listener of listeners) listener();
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match !== null) {
            listeners.delete(check);
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            listeners.delete(check);
            reject(new Error(`the command ended before printing ${pattern}: ${stderr}`));
          }
        };
        listeners.add(check);
        check();
      }),
  };
}

/** The `authn token` command line the dev server prints, split as a shell would run it. */
export interface PrintedTokenCommand {
  /** The whole line, as printed. */
  line: string;
  /** `AUTHN_CLIENT_SECRET`, unquoted. */
  env: { AUTHN_CLIENT_SECRET: string };
  /** The arguments after `npx authn`, from `token` on (none of them quoted). */
  args: string[];
}

/** Reads the `AUTHN_CLIENT_SECRET=… npx authn token …` line of a dev server's banner. */
export function printedTokenCommand(banner: string): PrintedTokenCommand {
  const match =
    /get an access token:\n\s+(AUTHN_CLIENT_SECRET=('(?:[^']|'\\'')*'|\S+) npx authn (token [^\n]+))\n/.exec(banner);
  if (match === null) throw new Error(`no authn token line in:\n${banner}`);
  const [, line = '', quoted = '', command = ''] = match;
  const secret = quoted.startsWith("'") ? quoted.slice(1, -1).replaceAll(`'\\''`, "'") : quoted;
  return { line, env: { AUTHN_CLIENT_SECRET: secret }, args: command.split(' ') };
}

/**
 * A project folder where `npx authn` runs this repository's build, as after `npm install authn-client`: the
 * package linked into node_modules and its executable in node_modules/.bin, made executable as npm does. Only
 * PATH is passed to the commands run there. Remove it with `rmSync(folder, { recursive: true })`.
 */
export function localInstall(): string {
  const folder = mkdtempSync(join(tmpdir(), 'authn-local-install-'));
  mkdirSync(join(folder, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  symlinkSync(ROOT, join(folder, 'node_modules', 'authn-client'));
  symlinkSync(`../authn-client/${BUILT_BIN}`, join(folder, 'node_modules', '.bin', 'authn'));
  chmodSync(join(ROOT, BUILT_BIN), 0o755);
  return folder;
}

/** Starts `command` through `sh -c` in `cwd`, with PATH only (as {@link spawnAuthn} does for `authn`). */
export function spawnShell(command: string, cwd: string): AuthnProcess {
  return watch(spawn('sh', ['-c', command], { cwd, env: childEnv({}), stdio: 'pipe' }));
}
