// Child processes of the HTTP benchmarks: a bench script spawns itself (or another script) in a mode given by
// the MODE variable (a server, a load generator), optionally pinned to one core with taskset, and reads the
// first line the child prints (a port, a result).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

/** Tells whether `taskset` can pin a process to a core here. */
export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Spawns `script` (through tsx) with MODE=`mode` and `vars` in its environment; pinned to `core` with taskset
 * when `core` is a number, free to run on any core when it is `undefined`.
 */
export function child(
  script: string,
  mode: string,
  core: number | undefined,
  vars: Record<string, string>,
): ChildProcess {
  const args = [process.execPath, '--import', 'tsx', script];
  const [command, ...rest] = core === undefined ? args : ['taskset', '-c', String(core), ...args];
  return spawn(command as string, rest, {
    env: { ...process.env, NODE_V8_COVERAGE: '', MODE: mode, ...vars },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The first line the child prints. */
export function firstLine(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdout?.setEncoding('utf8');
    process.stdout?.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end !== -1) resolve(text.slice(0, end));
    });
    process.once('exit', (code) => reject(new Error(`child exited with ${code} before answering`)));
  });
}
