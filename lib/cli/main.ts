import { parseArgs } from 'node:util';
import { type FlagOptions, flagProblem } from '../command-line.js';
import { ConfigurationError } from '../errors.js';
import { VERSION } from '../version.js';
import {
  type CliIo,
  type Command,
  commandHelp,
  describeFailure,
  EXIT,
  type FlagValues,
  withEnvironment,
} from './command.js';
import { COMMANDS } from './commands.js';

function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 4;
  return [
    'Usage: authn <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    "Run 'authn <command> --help' for a command's options. Every --flag can also be set as AUTHN_<FLAG>",
    '(e.g. AUTHN_CLIENT_SECRET); a flag wins over its variable.',
    '',
  ].join('\n');
}

async function runCommand(command: Command, args: string[], io: CliIo): Promise<number> {
  const options: FlagOptions = { help: { type: 'boolean', short: 'h' } };
  for (const flag of command.flags) options[flag.name] = { type: flag.type };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: command.positionals === true, strict: true });
  } catch (failure) {
    const message = flagProblem(failure, args, options, command.refusedFlags);
    io.stderr.write(`authn ${command.name}: ${message}\nRun 'authn ${command.name} --help' for usage.\n`);
    return EXIT.usage;
  }
  if (parsed.values.help === true) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  try {
    const given: FlagValues = {};
    for (const [flag, value] of Object.entries(parsed.values)) if (!Array.isArray(value)) given[flag] = value;
    const values = withEnvironment(command, given, io.env);
    return await command.run({ values, given: new Set(Object.keys(given)), positionals: parsed.positionals }, io);
  } catch (failure) {
    io.stderr.write(`authn ${command.name}: ${describeFailure(failure)}\n`);
    return failure instanceof ConfigurationError ? EXIT.usage : EXIT.failure;
  }
}

/**
 * The `authn` command line: dispatches `argv` (without `node` and the script) to a command and resolves to the
 * exit code — 0 success, 1 the request failed, 2 usage or configuration error. Output goes to `io.stdout`,
 * one-line errors to `io.stderr`; nothing is printed with a stack trace, and nothing secret is printed at all.
 *
 * @example
 * const code = await runCli(['token', '--help'], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(mainHelp(commands));
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : commands.find((command) => command.name === rest[0]);
    io.stdout.write(topic === undefined ? mainHelp(commands) : commandHelp(topic));
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr.write(`authn: unknown command "${name}"\n\n${mainHelp(commands)}`);
    return EXIT.usage;
  }
  return runCommand(command, rest, io);
}
