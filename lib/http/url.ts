import { ConfigurationError } from '../errors.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Tells whether a URL host name (as `URL.hostname` gives it) is a loopback host. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * Checks a URL the library will fetch from configuration (a JWKS or discovery URL, an issuer): absolute,
 * `https:`, or `http:` to a loopback host only (tests, development servers).
 *
 * @throws {ConfigurationError} naming `option` for anything else.
 * @example
 * checkRemoteUrl('https://tenant.auth0.com/.well-known/jwks.json', 'jwksUri'); // a URL
 * checkRemoteUrl('http://tenant.auth0.com/', 'issuer'); // throws
 */
export function checkRemoteUrl(value: unknown, option: string): URL {
  const shown = JSON.stringify(String(value));
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigurationError(`${option} must be an absolute URL (got ${shown})`, option);
  }
  if (typeof value !== 'string' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigurationError(`${option} must be an https: URL (got ${shown})`, option);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(`${option} may use http: only for a loopback host (got ${shown})`, option);
  }
  return url;
}
