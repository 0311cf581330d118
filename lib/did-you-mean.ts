import { ConfigurationError } from './errors.js';

/**
 * The name a mistyped one most likely meant, among `known`: the one it spells otherwise (case, `_` or `-`:
 * `clientID` and `client_id` → `clientId`), the one `aliases` maps it to (another library's name for the same
 * option: `issuerBaseURL` → `issuer`), the one it begins (`rolling` → `rollingDuration`, from four letters on), or
 * else the nearest by the letters inserted, deleted, changed or swapped, if that is at most a third of the name's
 * length (`authRequred` → `authRequired`); `undefined` when none is close.
 *
 * @example
 * closestName('clientID', ['clientId', 'clientSecret']); // 'clientId'
 * closestName('issuerBaseURL', ['issuer'], { issuerBaseURL: 'issuer' }); // 'issuer'
 * closestName('colour', ['clientId']); // undefined
 */
export function closestName(
  name: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const alias = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
  if (alias !== undefined && known.includes(alias)) return alias;
  const plain = (text: string) => text.toLowerCase().replace(/[-_]/g, '');
  const wanted = plain(name);
  const same = known.find((candidate) => plain(candidate) === wanted);
  if (same !== undefined) return same;
  const longer = wanted.length < 4 ? undefined : known.find((candidate) => plain(candidate).startsWith(wanted));
  if (longer !== undefined) return longer;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(wanted, plain(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Letters inserted, deleted, changed or swapped with a neighbour to turn `a` into `b` (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const table = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number) => table[i * width + j] as number;
  for (let i = 0; i <= a.length; i++) table[i * width] = i;
  for (let j = 0; j <= b.length; j++) table[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        distance = Math.min(distance, at(i - 2, j - 2) + 1);
      table[i * width + j] = distance;
    }
  }
  return at(a.length, b.length);
}

/**
 * Every key of an options type, each set to `true`: the compiler refuses such a record when a key is added to the
 * type and not to the record, or the other way round. A union (one of `issuer` or `domain`…) gives the keys of
 * every member.
 *
 * @example
 * const TRANSPORT: OptionKeys<{ timeout?: number; proxy?: false }> = { timeout: true, proxy: true };
 */
export type OptionKeys<T> = Record<T extends unknown ? keyof T & string : never, true>;

/**
 * The keys of an options type as a list, from a record of them all (see {@link OptionKeys}), so that the list
 * cannot miss a key the type has.
 *
 * @example
 * const KEYS = optionKeys<{ issuer?: string; audience: string }>({ issuer: true, audience: true });
 */
export function optionKeys<T>(keys: OptionKeys<T>): readonly string[] {
  return Object.keys(keys);
}

/** How {@link checkOptionKeys} names the options it checks. */
export interface OptionKeysContext {
  /** The path of a nested options object, e.g. `session`: an unknown key is then named `session.rolling`. */
  path?: string;
  /** Another library's names for the same options, e.g. `{ issuerBaseURL: 'issuer' }`. */
  aliases?: Readonly<Record<string, string>>;
}

/**
 * Refuses an options object holding a key its interface does not have: a mistyped option (which JavaScript, and
 * TypeScript outside object literals, would let pass unnoticed) is named, with the closest known one.
 *
 * @throws {ConfigurationError} for the first unknown key, e.g. `unknown option "clientID"; did you mean clientId?`,
 *   its `option` the key.
 * @example
 * checkOptionKeys({ clientID: 'abc' }, ['clientId', 'clientSecret']); // throws, naming clientId
 */
export function checkOptionKeys(options: object, known: readonly string[], context: OptionKeysContext = {}): void {
  const prefix = context.path === undefined ? '' : `${context.path}.`;
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const closest = closestName(key, known, context.aliases);
    throw new ConfigurationError(
      `unknown option ${JSON.stringify(prefix + key)}${closest === undefined ? '' : `; did you mean ${prefix}${closest}?`}`,
      prefix + key,
    );
  }
}

/**
 * The options Fastify's `register()` takes for itself (`prefix`, `logLevel`, `logSerializers`): its types allow
 * them beside a plugin's own, and it hands them to the plugin with the rest. They change nothing for a plugin that
 * runs in the context that registers it, as this library's do, so its plugins drop them before checking the keys.
 *
 * @example
 * withoutRegisterOptions({ prefix: '/api', issuer: 'https://idp/' }); // { issuer: 'https://idp/' }
 */
export function withoutRegisterOptions<T extends object>(options: T): T {
  if (options === null || typeof options !== 'object') return options;
  const own = Object.entries(options).filter(([key]) => !['prefix', 'logLevel', 'logSerializers'].includes(key));
  return Object.fromEntries(own) as T;
}
