import { COOKIE_MAX_BYTES, type CookieAttributes, deleteCookie, serializeCookie } from './cookies.js';

const CHUNK = /^(.+)\.(\d+)$/;

/**
 * Reads a value written by {@link writeChunkedCookie}: cookie `name` itself, or the chunks `name.0`, `name.1`, …
 * joined in order (a missing chunk ends the value, which then fails to open, as any damaged value does).
 *
 * @example
 * const sealed = readChunkedCookie('appSession', parseCookies(req.headers.cookie));
 */
export function readChunkedCookie(name: string, cookies: ReadonlyMap<string, string>): string | undefined {
  const whole = cookies.get(name);
  if (whole !== undefined) return whole;
  let value: string | undefined;
  for (let index = 0; ; index++) {
    const chunk = cookies.get(`${name}.${index}`);
    if (chunk === undefined) return value;
    value = (value ?? '') + chunk;
  }
}

/** The names of every cookie of the request that belongs to `name`: itself and its chunks. */
function namesOf(name: string, cookies: ReadonlyMap<string, string>): string[] {
  return [...cookies.keys()].filter((cookie) => cookie === name || CHUNK.exec(cookie)?.[1] === name);
}

/**
 * The `Set-Cookie` lines that store `value` under `name`: one cookie when the whole line fits in
 * {@link COOKIE_MAX_BYTES} (name, value and attributes, as browsers count), else chunks `name.0`, `name.1`, … each
 * of which fits. The request's other cookies of `name` (a whole value or chunks of another size) are deleted in
 * the same answer, so that no stale chunk is ever joined to the new ones.
 *
 * @example
 * res.appendHeader('Set-Cookie', writeChunkedCookie('appSession', sealed, attributes, parseCookies(req.headers.cookie)));
 */
export function writeChunkedCookie(
  name: string,
  value: string,
  attributes: CookieAttributes,
  present: ReadonlyMap<string, string>,
): string[] {
  const whole = serializeCookie(name, value, attributes);
  const written = new Map<string, string>();
  if (whole.length <= COOKIE_MAX_BYTES) {
    written.set(name, whole);
  } else {
    // Room for the value in a chunk: the line without a value, with the widest index the chunks may take.
    const width = String(Math.ceil(value.length / 1000)).length;
    const room = COOKIE_MAX_BYTES - serializeCookie(`${name}.${'9'.repeat(width)}`, '', attributes).length;
    for (let start = 0, index = 0; start < value.length; start += room, index++) {
      written.set(
        `${name}.${index}`,
        serializeCookie(`${name}.${index}`, value.slice(start, start + room), attributes),
      );
    }
  }
  const stale = namesOf(name, present).filter((cookie) => !written.has(cookie));
  return [...written.values(), ...stale.map((cookie) => deleteCookie(cookie, attributes))];
}

/**
 * The `Set-Cookie` lines that delete every cookie of the request that belongs to `name` (itself and its chunks).
 *
 * @example
 * res.appendHeader('Set-Cookie', deleteChunkedCookie('appSession', attributes, parseCookies(req.headers.cookie)));
 */
export function deleteChunkedCookie(
  name: string,
  attributes: CookieAttributes,
  present: ReadonlyMap<string, string>,
): string[] {
  return namesOf(name, present).map((cookie) => deleteCookie(cookie, attributes));
}
