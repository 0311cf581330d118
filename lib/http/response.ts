/** A response as the transport hands it over: status, lower-cased headers, and the body parsed once. */
export interface HttpResponse<T = unknown> {
  /** HTTP status code. */
  status: number;
  /** Response headers with lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The JSON value when the body parses as JSON, else the text (`''` for an empty body). */
  body: T;
}

/** Parses a body the way the Authentication API needs: JSON when it is JSON, whatever the content type, else text. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Flattens axios' header object into plain lower-cased string pairs. */
export function plainHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return result;
}
