// Checks of the arguments of endpoint methods. Internal: not exported from the package.
import { ConfigurationError } from '../errors.js';
import { RepeatedField } from '../http/form.js';

/** The parameters object of a method, or a `ConfigurationError` when the caller passed none. */
export function paramsOf<T extends object>(params: T | undefined, method: string): T {
  if (params === null || typeof params !== 'object') {
    throw new ConfigurationError(`${method} needs a parameters object`);
  }
  return params;
}

/** A required string argument: present and not blank. */
export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${name} is required and must be a non-empty string`, name);
  }
  return value;
}

/** An optional string argument: absent, or a string. */
export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConfigurationError(`${name} must be a string`, name);
  return value;
}

/**
 * An optional argument that may take several values (RFC 8707 `resource`, RFC 8693 `audience`): absent, a string,
 * or a non-empty list of non-empty strings, which is sent as the form field repeated once per value.
 */
export function optionalStrings(value: unknown, name: string): string | RepeatedField | undefined {
  if (!Array.isArray(value)) return optionalString(value, name);
  if (value.length === 0 || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
    throw new ConfigurationError(`${name} must be a string or a non-empty list of non-empty strings`, name);
  }
  return value.length === 1 ? (value[0] as string) : new RepeatedField(value as string[]);
}

/** An optional positive number (seconds, intervals…); `integer` also refuses fractions. */
export function optionalPositive(value: unknown, name: string, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) throw new ConfigurationError(`${name} must be a positive ${integer ? 'integer' : 'number'}`, name);
  return value;
}

/** Body members that carry client authentication: set by the configured method only, never by a caller. */
const CLIENT_AUTH_MEMBERS = new Set(['client_id', 'client_secret', 'client_assertion', 'client_assertion_type']);

/**
 * The extra parameters of a request (PAR, CIBA), under their wire names, without the camelCase ones the method
 * names itself; a client-authentication member is refused, so that exactly one method authenticates.
 */
export function extraParams(params: Record<string, unknown>, named: readonly string[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (named.includes(name)) continue;
    if (CLIENT_AUTH_MEMBERS.has(name)) {
      throw new ConfigurationError(
        `${name} cannot be passed as a parameter: configure the client authentication on the client`,
        name,
      );
    }
    extra[name] = value;
  }
  return extra;
}
