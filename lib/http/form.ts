import { ConfigurationError } from '../errors.js';

/**
 * Several values of one form field, sent as the field repeated once per value (`resource=a&resource=b`), as
 * RFC 8707 §2 (`resource`) and RFC 8693 §2.1 (`audience`, `resource`) ask; a plain array goes as JSON instead.
 *
 * @example
 * encodeForm({ resource: new RepeatedField(['https://a.example/', 'https://b.example/']) }).toString();
 * // 'resource=https%3A%2F%2Fa.example%2F&resource=https%3A%2F%2Fb.example%2F'
 */
export class RepeatedField {
  /** The values, in the order they are sent. */
  readonly values: readonly string[];

  /**
   * @param values The values: at least one, each a string (copied, so later changes to the array do not count).
   * @throws {ConfigurationError} for an empty list or a value that is not a string.
   */
  constructor(values: readonly string[]) {
    if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === 'string')) {
      throw new ConfigurationError('a RepeatedField needs a non-empty list of strings', 'values');
    }
    this.values = Object.freeze([...values]);
  }
}

/**
 * A value that can be put in a request body: absent values are omitted, a {@link RepeatedField} goes as the
 * field repeated, other objects and arrays go as JSON.
 */
export type BodyValue = string | number | boolean | object | null | undefined;

/** A request body as built by the endpoint classes: wire (snake_case) names to values. */
export type Body = Record<string, BodyValue>;

/**
 * Drops the members whose value is `undefined` or `null`, so that absent optional fields are omitted from the
 * wire instead of being sent as `null` (the original sent `"organization": null`).
 */
export function compact(body: Body): Body {
  const result: Body = {};
  for (const [name, value] of Object.entries(body)) {
    if (value !== undefined && value !== null) result[name] = value;
  }
  return result;
}

/**
 * Encodes a body as `application/x-www-form-urlencoded`: strings as they are, numbers and booleans in their
 * decimal / `true` form, a {@link RepeatedField} as the field once per value, other objects and arrays (e.g.
 * `authorization_details`) as JSON — never as `[object Object]`.
 */
export function encodeForm(body: Body): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(compact(body))) {
    if (value instanceof RepeatedField) {
      for (const item of value.values) form.append(name, item);
    } else {
      form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
  }
  return form;
}
