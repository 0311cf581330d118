// Checks of the arguments of endpoint methods. Internal: not exported from the package.
import { ConfigurationError } from '../errors.js';
import { type Body, type BodyValue, RepeatedField } from '../http/form.js';

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

/**
 * Body members the library sets itself: the grant type, the client authentication (set by the configured method
 * only, so that exactly one method authenticates) and the PKCE verifier.
 */
const RESERVED = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'code_verifier',
]);

/** The extra parameters of a request: a name to a string, or to a list sent as the field repeated. */
export type ExtraParams = Record<string, string | readonly string[]>;

function checkName(name: string, taken: readonly string[]): string {
  if (RESERVED.has(name)) {
    throw new ConfigurationError(
      `${name} cannot be passed as an extra parameter: the library sets it (configure the client authentication on the client)`,
      name,
    );
  }
  if (taken.includes(name)) {
    throw new ConfigurationError(`${name} cannot be passed as an extra parameter: use the named option`, name);
  }
  return name;
}

/**
 * The extra parameters of a request, under their wire names, checked: those of the `extraParams` option
 * (strings, or lists sent as the field repeated) and, for a request whose parameters object carries other
 * members under their wire names (PAR, CIBA), every member but the `named` camelCase ones (sent as they are:
 * objects as JSON). A name the library sets itself (`grant_type`, the client authentication, `code_verifier`) or
 * one in `taken` — the wire name of a named option — is refused, so that nothing the library sends is replaced.
 *
 * @throws {ConfigurationError} naming the parameter, before any request.
 */
export function extraParams(
  params: { extraParams?: unknown },
  taken: readonly string[],
  named?: readonly string[],
): Body {
  const extra: Body = {};
  if (named !== undefined) {
    for (const [name, value] of Object.entries(params)) {
      if (name !== 'extraParams' && !named.includes(name)) extra[checkName(name, taken)] = value as BodyValue;
    }
  }
  const option = params.extraParams;
  if (option === undefined || option === null) return extra;
  if (typeof option !== 'object' || Array.isArray(option)) {
    throw new ConfigurationError('extraParams must be an object of strings or lists of strings', 'extraParams');
  }
  for (const [name, value] of Object.entries(option)) {
    const field = typeof value === 'string' ? value : optionalStrings(value, `extraParams.${name}`);
    if (field === undefined) {
      throw new ConfigurationError(`extraParams.${name} must be a string or a list of strings`, 'extraParams');
    }
    extra[checkName(name, taken)] = field;
  }
  return extra;
}
