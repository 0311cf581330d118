/**
 * Reads a `Cookie` request header into a map of name → value (RFC 6265 §5.4). When a name comes more than once
 * (cookies of several paths or domains), the first is kept, as browsers send the most specific first; quoted
 * values lose their quotes; nothing is URI-decoded (the login's cookies never need it; the API middleware decodes the
 * cookie it reads). The one parser of the `Cookie` header for the login and the API middleware.
 *
 * @example
 * parseCookies('appSession=v1.abc; theme=dark').get('appSession'); // 'v1.abc'
 */
export function parseCookies(header: string | readonly string[] | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  const lines = header === undefined ? [] : typeof header === 'string' ? [header] : header;
  for (const line of lines) {
    for (const pair of line.split(';')) {
      const equals = pair.indexOf('=');
      if (equals === -1) continue;
      const name = pair.slice(0, equals).trim();
      if (name === '' || cookies.has(name)) continue;
      let value = pair.slice(equals + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      cookies.set(name, value);
    }
  }
  return cookies;
}
