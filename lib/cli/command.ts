import { readFileSync } from 'node:fs';
import { AuthnError, Auth0Error, ConfigurationError, TokenValidationError } from '../errors.js';

/** What a command reads from and writes to: the process's streams and environment, or a test's. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: AsyncIterable<string | Buffer>;
  env: Record<string, string | undefined>;
}

/** One `--flag` of a command. Every flag also reads `AUTHN_<FLAG>` from the environment, unless `env` is false. */
export interface Flag {
  /** The long name, without dashes: `client-id`. */
  name: string;
  type: 'string' | 'boolean';
  /** What the value is called in the help, e.g. `URL`. */
  value?: string;
  /** One line of help. */
  description: string;
  /** Read `AUTHN_<NAME>` when the flag is absent. @defaultValue true */
  env?: boolean;
}

/** `--protocol`, for the commands that take a `--domain` (read it with {@link protocolFlag}). */
export const PROTOCOL_FLAG: Flag = {
  name: 'protocol',
  type: 'string',
  value: 'http|https',
  description: 'Scheme with --domain (default https; http only for a loopback host)',
};

/** `--timeout MS` (read it with {@link timeoutFlag}), saying what it bounds and its default. */
export function timeoutFlagOf(what: string, defaultMs: number): Flag {
  return { name: 'timeout', type: 'string', value: 'MS', description: `${what} timeout in ms (default ${defaultMs})` };
}

/** Flag values after the environment fallback. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** What a command is run with. */
export interface CommandInput {
  /** Flag values, from the command line or else the environment. */
  values: FlagValues;
  /** The flags given on the command line (not from the environment). */
  given: ReadonlySet<string>;
  /** Positional arguments. */
  positionals: string[];
}

/** A subcommand of `authn`. Adding one is a file exporting a `Command` plus a line in `commands.ts`. */
export interface Command {
  name: string;
  /** One line, for `authn --help`. */
  summary: string;
  /** The usage line after `authn `. */
  usage: string;
  /** A paragraph on what the command does. */
  description: string;
  flags: Flag[];
  /** Whether the command takes positional arguments (e.g. the token of `verify`). */
  positionals?: boolean;
  /** Flags of other commands that this one refuses, each with the message that says why (and what to use). */
  refusedFlags?: Readonly<Record<string, string>>;
  /** Shell examples for the help. */
  examples: string[];
  /** What exit code 1 means, for the help. @defaultValue 'the request failed' */
  failure?: string;
  /** Runs the command; resolves to the exit code. Throws `ConfigurationError` for usage errors. */
  run(input: CommandInput, io: CliIo): Promise<number>;
}

/** Exit codes of every command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The environment variable of a flag: `client-id` → `AUTHN_CLIENT_ID`. */
export function envName(flag: string): string {
  return `AUTHN_${flag.toUpperCase().replace(/-/g, '_')}`;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off', '']);

/** The words of a boolean variable, quoted for a message: `"true", "1", "yes" or "on"` (the empty one as `empty`). */
function quoted(words: ReadonlySet<string>): string {
  const list = [...words].map((word) => (word === '' ? 'empty' : `"${word}"`));
  return `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

/** Fills the flags not given on the command line from `AUTHN_*` variables. */
export function withEnvironment(command: Command, values: FlagValues, env: CliIo['env']): FlagValues {
  const result: FlagValues = { ...values };
  for (const flag of command.flags) {
    if (result[flag.name] !== undefined || flag.env === false) continue;
    const raw = env[envName(flag.name)];
    if (raw === undefined) continue;
    if (flag.type === 'string') {
      if (raw !== '') result[flag.name] = raw;
    } else if (TRUE.has(raw.toLowerCase())) {
      result[flag.name] = true;
    } else if (!FALSE.has(raw.toLowerCase())) {
      throw new ConfigurationError(
        `${envName(flag.name)} must be ${quoted(TRUE)} for true, ${quoted(FALSE)} for false (in any case); ` +
          `found ${JSON.stringify(raw)}`,
        flag.name,
      );
    }
  }
  return result;
}

/** The help text of a command. */
export function commandHelp(command: Command): string {
  const rows = command.flags.map((flag) => {
    const left = `  --${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
    const env = flag.env === false ? '' : `  [${envName(flag.name)}]`;
    return `${left.padEnd(30)} ${flag.description}${env}`;
  });
  rows.push(`${'  -h, --help'.padEnd(30)} Show this help`);
  return [
    `Usage: authn ${command.usage}`,
    '',
    command.description,
    '',
    'Options:',
    ...rows,
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    `Exit codes: 0 success, 1 ${command.failure ?? 'the request failed'}, 2 usage or configuration error.`,
    '',
  ].join('\n');
}

/** One line for stderr: what failed, without stack trace and without secrets (errors never hold any). */
export function describeFailure(error: unknown): string {
  if (error instanceof Auth0Error) {
    return `${error.errorCode}: ${error.message} (HTTP ${error.statusCode})`;
  }
  if (error instanceof TokenValidationError) return `${error.code}: ${error.message}`;
  if (error instanceof AuthnError) return error.message;
  return `unexpected failure: ${error instanceof Error ? String(error.message.split('\n')[0]) : String(error)}`;
}

/**
 * The content of the file a flag names (UTF-8), or `undefined` without the flag.
 *
 * @throws {ConfigurationError} when the file cannot be read; the message names the path and the system's code.
 */
export function fileFlag(values: FlagValues, name: string): string | undefined {
  const path = stringFlag(values, name);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (failure) {
    const code = String((failure as { code?: unknown }).code);
    throw new ConfigurationError(`--${name} ${path} could not be read (${code})`, name);
  }
}

/** The value of a string flag, or `undefined` when it is absent (or a boolean). */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The value of `--timeout` (milliseconds), or `undefined` when absent.
 *
 * @throws {ConfigurationError} when it is not a positive whole number.
 */
export function timeoutFlag(values: FlagValues): number | undefined {
  const text = stringFlag(values, 'timeout');
  const timeout = text === undefined ? undefined : Number(text);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new ConfigurationError('--timeout must be a positive number of milliseconds', 'timeout');
  }
  return timeout;
}

/**
 * The value of `--protocol`: `https`, `http` (the library allows it for loopback hosts only), or `undefined`.
 *
 * @throws {ConfigurationError} for any other value.
 */
export function protocolFlag(values: FlagValues): 'http' | 'https' | undefined {
  const protocol = stringFlag(values, 'protocol');
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'https') {
    throw new ConfigurationError('--protocol must be "http" or "https"', 'protocol');
  }
  return protocol;
}

/**
 * The token argument of `verify`, `decode` and `userinfo`: the one positional argument, or stdin when it is
 * `-` (so that the token lands neither in the shell history nor in the process list). Surrounding white space
 * is dropped. The token is never quoted in a message.
 *
 * @throws {ConfigurationError} when there is no token, more than one argument, or `-` reads nothing.
 */
export async function tokenArgument(input: CommandInput, io: CliIo): Promise<string> {
  const { positionals } = input;
  if (positionals.length !== 1) {
    throw new ConfigurationError(
      positionals.length === 0
        ? 'give the token as the argument, or - to read it from stdin'
        : 'give one token only (the other arguments are not shown, as they may be secrets)',
      'token',
    );
  }
  const token = positionals[0] === '-' ? (await readStdin(io)).trim() : String(positionals[0]).trim();
  if (token === '') throw new ConfigurationError('the token is empty', 'token');
  return token;
}

/** Reads all of stdin as text, without its final line break. */
export async function readStdin(io: CliIo): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text.replace(/\r?\n$/, '');
}
