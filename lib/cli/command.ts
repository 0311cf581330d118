import { AuthnError, Auth0Error, ConfigurationError } from '../errors.js';

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
  /** Shell examples for the help. */
  examples: string[];
  /** Runs the command; resolves to the exit code. Throws `ConfigurationError` for usage errors. */
  run(input: CommandInput, io: CliIo): Promise<number>;
}

/** Exit codes of every command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The environment variable of a flag: `client-id` → `AUTHN_CLIENT_ID`. */
export function envName(flag: string): string {
  return `AUTHN_${flag.toUpperCase().replace(/-/g, '_')}`;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['', '0', 'false', 'no', 'off']);

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
      throw new ConfigurationError(`${envName(flag.name)} must be true or false`, flag.name);
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
    'Exit codes: 0 success, 1 the request failed, 2 usage or configuration error.',
    '',
  ].join('\n');
}

/** One line for stderr: what failed, without stack trace and without secrets (errors never hold any). */
export function describeFailure(error: unknown): string {
  if (error instanceof Auth0Error) {
    return `${error.errorCode}: ${error.message} (HTTP ${error.statusCode})`;
  }
  if (error instanceof AuthnError) return error.message;
  return `unexpected failure: ${error instanceof Error ? String(error.message.split('\n')[0]) : String(error)}`;
}

/** Reads all of stdin as text, without its final line break. */
export async function readStdin(io: CliIo): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text.replace(/\r?\n$/, '');
}
