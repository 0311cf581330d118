import { TokenValidationError } from '../errors.js';

/** Deepest nesting of arrays and objects printed; claims rarely nest past five. */
export const MAX_JSON_DEPTH = 64;
/** Most characters of JSON printed for one token: 1 MiB. */
export const MAX_JSON_CHARS = 1_048_576;

/**
 * The white space `JSON.stringify(value, null, 2)` adds to the compact text, or `undefined` when `value` nests
 * arrays and objects deeper than {@link MAX_JSON_DEPTH}. Iterative, so any depth is measured without recursion:
 * each member of a non-empty container at level `d` starts a line indented `2(d + 1)`, its closing bracket a
 * line indented `2d`, and each object member gets a space after its colon.
 */
function indentation(value: unknown): number | undefined {
  let added = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, level] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (level >= MAX_JSON_DEPTH) return undefined;
    const members = Array.isArray(node) ? (node as unknown[]) : Object.values(node);
    if (members.length === 0) continue;
    added += members.length * (1 + 2 * (level + 1)) + 1 + 2 * level;
    if (!Array.isArray(node)) added += members.length;
    for (const member of members) pending.push([member, level + 1]);
  }
  return added;
}

/**
 * Formats what a token holds (decoded JSON) as indented JSON text for stdout, within bounds: at most
 * {@link MAX_JSON_DEPTH} levels of nesting (a token nested thousands deep would overflow `JSON.stringify`'s
 * recursion) and {@link MAX_JSON_CHARS} characters, counted before the text is built (indentation grows with
 * depth times lines: a 700 KB token can take tens of megabytes).
 *
 * @throws {TokenValidationError} `ERR_TOKEN_TOO_DEEP` or `ERR_TOKEN_TOO_LARGE`; the message quotes nothing of
 *   the token.
 * @example
 * io.stdout.write(`${tokenJson({ header, payload })}\n`);
 */
export function tokenJson(value: unknown): string {
  const added = indentation(value);
  if (added === undefined) {
    throw new TokenValidationError(
      `the token nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; it is not printed`,
      'ERR_TOKEN_TOO_DEEP',
    );
  }
  const length = JSON.stringify(value).length + added;
  if (length > MAX_JSON_CHARS) {
    throw new TokenValidationError(
      `the token as JSON would be ${length} characters; at most ${MAX_JSON_CHARS} are printed`,
      'ERR_TOKEN_TOO_LARGE',
    );
  }
  return JSON.stringify(value, null, 2);
}
