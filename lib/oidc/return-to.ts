/**
 * Longest `returnTo` kept, in characters: room for any path of an app, and small enough that the login's
 * transaction cookie (which carries it, sealed) stays near 1 KB.
 */
export const MAX_RETURN_TO = 512;

/**
 * Where a login or a logout may send the user back to: a path of the app at `origin` (starting with one `/`), or
 * an absolute URL on that origin, of at most {@link MAX_RETURN_TO} characters — normalised through `URL` into its
 * path, query and fragment. `undefined` for anything else: `//host`, `/\host` and their variants with tabs or
 * newlines resolve to another origin, and another origin would make the login an open redirect.
 *
 * @example
 * safeReturnTo('/orders?page=2', 'https://app.example.com'); // '/orders?page=2'
 * safeReturnTo('https://app.example.com/orders', 'https://app.example.com'); // '/orders'
 * safeReturnTo('//evil.example', 'https://app.example.com'); // undefined
 */
export function safeReturnTo(value: unknown, origin: string): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_RETURN_TO) return undefined;
  if (!(value.startsWith('/') || URL.canParse(value))) return undefined;
  const url = URL.parse(value, origin);
  return url !== null && url.origin === origin ? url.pathname + url.search + url.hash : undefined;
}
