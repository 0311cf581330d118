// The checks the dev server's options share: each throws a ConfigurationError naming the option at fault.
import { ConfigurationError } from '../errors.js';

/** Loopback host names and addresses: the only hosts the dev server listens on or sends http to. */
const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/** Whether `host` (a URL's `hostname`, or a bare address) is a loopback host. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host);
}

/** Throws a ConfigurationError about `option`. */
export function fail(message: string, option: string): never {
  throw new ConfigurationError(message, option);
}

/** A non-empty string. */
export function text(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${option} must be a non-empty string`, option);
  return value;
}

/** An absolute URL. */
export function absoluteUrl(value: unknown, option: string): string {
  if (!URL.canParse(text(value, option))) fail(`${option} must be an absolute URL`, option);
  return value as string;
}

/** An absolute `http:` or `https:` URL without a fragment, as a redirect or logout URI must be. */
export function webUrl(value: unknown, option: string): string {
  const url = new URL(absoluteUrl(value, option));
  if (!/^https?:$/.test(url.protocol) || url.hash !== '' || String(value).includes('#')) {
    fail(`${option} must be an http(s) URL without a fragment`, option);
  }
  return value as string;
}

/** An array. */
export function list(value: unknown, option: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(`${option} must be an array`, option);
  return value;
}

/** A positive safe integer. */
export function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    fail(`${option} must be a positive integer`, option);
  }
  return value;
}

/** One of `choices`, or `fallback` when absent. */
export function oneOf<T extends string>(value: unknown, choices: readonly T[], fallback: T, option: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    fail(`${option} must be ${choices.map((choice) => `"${choice}"`).join(' or ')}`, option);
  }
  return value as T;
}

/** A boolean, or `fallback` when absent. */
export function flag(value: unknown, fallback: boolean, option: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${option} must be a boolean`, option);
  return value;
}
