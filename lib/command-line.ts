import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from './did-you-mean.js';

/** The flags of a command line, as `parseArgs` takes them. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * Why `parseArgs` refused a command line, in the library's words and without a value that may be a secret: an
 * unknown flag with the closest one the command takes (`unknown flag "--cliend-id"; did you mean --client-id?`), or
 * the reason `refused` gives for a flag that other commands take; a flag without its value (and how to give one
 * that starts with a dash); a value given to an on/off flag (never quoted); an argument where only flags go. The arguments are read again as `parseArgs` read
 * them with `options`, so a flag's value is never taken for a flag. Any other failure: `parseArgs`' first line.
 *
 * @example
 * try {
 *   parseArgs({ args, options, strict: true });
 * } catch (failure) {
 *   stderr.write(`authn token: ${flagProblem(failure, args, options)}\n`);
 * }
 */
export function flagProblem(
  failure: unknown,
  args: readonly string[],
  options: FlagOptions,
  refused: Readonly<Record<string, string>> = {},
): string {
  const { code, message } = failure as { code?: unknown; message?: unknown };
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'unexpected argument (this command takes only --flags)';
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const flag = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag === undefined) {
      if (Object.hasOwn(refused, token.name)) return refused[token.name] as string;
      const closest = token.name.length > 1 ? closestName(token.name, Object.keys(options)) : undefined;
      return `unknown flag ${JSON.stringify(token.rawName)}${closest === undefined ? '' : `; did you mean --${closest}?`}`;
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag?.type === 'boolean' && token.inlineValue === true) {
      return `${token.rawName} takes no value: give it alone to turn it on, or leave it out`;
    }
    // Read without `strict`, a string flag takes the next argument even when it starts with a dash.
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag?.type === 'string' && token.inlineValue !== true) {
      if (token.value === undefined) return `${token.rawName} needs a value`;
      if (token.value.startsWith('-')) {
        return `${token.rawName} needs a value; one that starts with a dash is given as ${token.rawName}=-VALUE`;
      }
    }
  }
  return String(message).split('\n')[0] as string;
}
