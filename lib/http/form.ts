/** A value that can be put in a request body: absent values are omitted, objects and arrays go as JSON. */
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
 * decimal / `true` form, objects and arrays (e.g. `authorization_details`) as JSON — never as `[object Object]`.
 */
export function encodeForm(body: Body): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(compact(body))) {
    form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form;
}
