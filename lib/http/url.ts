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
    throw new ConfigurationError(`${option} must be an absolute URL; found ${shown}`, option);
  }
  if (typeof value !== 'string' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigurationError(`${option} must be an https: URL; found ${shown}`, option);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(`${option} may use http: only for a loopback host; found ${shown}`, option);
  }
  return url;
}

/**
 * Checks the URL of an endpoint the library sends requests to (a token endpoint, a discovery document, any
 * endpoint of `endpoints`): as {@link checkRemoteUrl}, and without credentials or a fragment. Returns it
 * normalised.
 *
 * @throws {ConfigurationError} naming `option`.
 * @example
 * checkEndpointUrl('https://idp.example.com/oauth2/default/v1/token', 'tokenEndpoint'); // the same URL
 * checkEndpointUrl('https://user:pw@idp.example.com/token', 'tokenEndpoint'); // throws
 */
export function checkEndpointUrl(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${option} is required and must be a non-empty URL`, option);
  }
  // Before anything quotes the URL: its password must not reach a message.
  if (URL.canParse(value) && (new URL(value).username !== '' || new URL(value).password !== '')) {
    throw new ConfigurationError(`${option} must not hold credentials`, option);
  }
  const url = checkRemoteUrl(value, option);
  if (url.hash !== '') throw new ConfigurationError(`${option} must not have a fragment`, option);
  return url.href;
}
