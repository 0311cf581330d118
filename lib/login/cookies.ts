/** The `SameSite` attribute of a cookie. */
export type SameSite = 'Lax' | 'Strict' | 'None';

/** The attributes of a cookie the web login sets. */
export interface CookieAttributes {
  /** Seconds the browser keeps it (`Max-Age`); 0 deletes it. Absent: a browser-session cookie. */
  maxAge?: number;
  /** `Path`. @defaultValue '/' */
  path?: string;
  /** `Domain`; absent: the host that set it, only. */
  domain?: string;
  /** `SameSite`. `None` always comes with `Secure` (browsers refuse it otherwise). */
  sameSite: SameSite;
  /** `Secure`: sent over https only (and over http to a loopback host, by browsers that trust loopback). */
  secure: boolean;
}

/** The most a browser keeps of one cookie: its name, value and attributes together (RFC 6265 §6.1). */
export const COOKIE_MAX_BYTES = 4096;

// RFC 6265 §4.1.1 cookie-name (a token) and cookie-octets: what may be written without quoting or encoding.
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[!#-+\--:<-[\]-~]*$/;

/**
 * The attributes part of a `Set-Cookie` line, from its first `;` on: `; Path=/; HttpOnly; SameSite=Lax`…
 * Every cookie of the login is `HttpOnly`.
 *
 * @example
 * cookieAttributes({ sameSite: 'Lax', secure: true, maxAge: 60 }); // '; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax'
 */
export function cookieAttributes(attributes: CookieAttributes): string {
  let text = '';
  if (attributes.maxAge !== undefined) {
    const maxAge = Math.max(0, Math.floor(attributes.maxAge));
    // Expires as well, for the few clients that ignore Max-Age; a deleted cookie expires at the epoch.
    const expires = maxAge === 0 ? new Date(0) : new Date(Date.now() + maxAge * 1000);
    text += `; Max-Age=${maxAge}; Expires=${expires.toUTCString()}`;
  }
  text += `; Path=${attributes.path ?? '/'}`;
  if (attributes.domain !== undefined) text += `; Domain=${attributes.domain}`;
  text += '; HttpOnly';
  if (attributes.secure || attributes.sameSite === 'None') text += '; Secure';
  return `${text}; SameSite=${attributes.sameSite}`;
}

/**
 * A `Set-Cookie` header value. The name must be an RFC 6265 token and the value plain cookie octets (the sealed
 * values of the login are base64url), so nothing is encoded.
 *
 * @throws {TypeError} for a name or value a browser would not store as given (a bug of the caller).
 * @example
 * res.setHeader('Set-Cookie', serializeCookie('appSession', sealed, { sameSite: 'Lax', secure: true }));
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!NAME.test(name)) throw new TypeError(`invalid cookie name ${JSON.stringify(name)}`);
  if (!VALUE.test(value)) throw new TypeError(`the value of cookie ${name} holds characters a cookie cannot`);
  return `${name}=${value}${cookieAttributes(attributes)}`;
}

/**
 * A `Set-Cookie` header value that deletes cookie `name` (empty, `Max-Age=0`), with the `Path` and `Domain` it
 * was set with.
 *
 * @example
 * res.appendHeader('Set-Cookie', deleteCookie('appSession.1', { sameSite: 'Lax', secure: false }));
 */
export function deleteCookie(name: string, attributes: CookieAttributes): string {
  return serializeCookie(name, '', { ...attributes, maxAge: 0 });
}
