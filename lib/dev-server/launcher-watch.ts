import { readFileSync } from 'node:fs';

/** Options of {@link watchLauncher}; the functions are replaced by tests. */
export interface LauncherWatchOptions {
  /** The environment: npm sets `npm_lifecycle_event` (`npx`, or the script's name) in what it runs. */
  env: Record<string, string | undefined>;
  /** Called once, when the launcher is gone. */
  onGone: () => void;
  /** Milliseconds between two checks. @defaultValue 500 */
  interval?: number;
  /** This process's parent id, read anew at each call. @defaultValue () => process.ppid */
  ownParent?: () => number;
  /** The parent id of a process, or `undefined` when it cannot be read. @defaultValue from /proc (Linux) */
  parentOf?: (pid: number) => number | undefined;
}

/** The parent id of `pid`, from `/proc/PID/stat` (field 4, after the command name in parentheses). */
function procParentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(parent) ? parent : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` when the npm process that started this one (`npx authn dev-server`, or an npm script) has ended,
 * however it ended. npm runs a command through a shell: on SIGTERM it ends that shell, and this process's parent
 * changes; killed outright, it leaves the shell behind, whose own parent then changes (seen on Linux, through
 * /proc). Without npm (no `npm_lifecycle_event`) nothing is watched: a process started otherwise, e.g. with
 * `nohup`, keeps running. The timer does not keep the process alive.
 *
 * @returns a function that stops watching.
 */
export function watchLauncher(options: LauncherWatchOptions): () => void {
  if (options.env.npm_lifecycle_event === undefined) return () => undefined;
  const ownParent = options.ownParent ?? (() => process.ppid);
  const parentOf = options.parentOf ?? procParentOf;
  const parent = ownParent();
  const launcher = parentOf(parent);
  const timer = setInterval(() => {
    if (ownParent() === parent && (launcher === undefined || parentOf(parent) === launcher)) return;
    clearInterval(timer);
    options.onGone();
  }, options.interval ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Resolves `requested` on SIGINT, SIGTERM, SIGHUP (the terminal closed), `signal`, or when the npm process that
 * started this one ended ({@link watchLauncher}); `cancel()` removes the listeners. What `authn dev-server` and
 * `npm run demo:login` stop on.
 *
 * @example
 * const stop = stopRequest(undefined, process.env);
 * await stop.requested;
 * await server.stop();
 */
export function stopRequest(
  signal: AbortSignal | undefined,
  env: Record<string, string | undefined>,
): { requested: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const requested = new Promise<void>((resolve) => {
    const stop = () => {
      cancel();
      resolve();
    };
    const unwatch = watchLauncher({ env, onGone: stop });
    cancel = () => {
      for (const name of STOP_SIGNALS) process.off(name, stop);
      signal?.removeEventListener('abort', stop);
      unwatch();
    };
    for (const name of STOP_SIGNALS) process.on(name, stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
  return { requested, cancel };
}
