import { TokenValidationError } from '../errors.js';

/**
 * The kind of token a message talks about: `ID token` (OIDC), `access token` (RFC 9068), `logout token` (OIDC
 * Back-Channel Logout), or any `token`.
 */
export type TokenKind = 'ID token' | 'access token' | 'logout token' | 'token';

/** Longest value quoted in a message; anything longer is cut and marked with `…`. */
const MAX_QUOTED = 200;

/**
 * Quotes a value taken from a token for an error message, in JSON string syntax so that quotes, CR, LF, NUL and
 * other control characters are escaped and cannot forge log lines; cut at 200 characters. Non-strings are
 * rendered as JSON first (`"42"`, `"null"`, `"[\"a\"]"`), `undefined` as `"undefined"`.
 */
export function quote(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);
}

/** Builds the `TokenValidationError` of one failed check. */
export function invalid(message: string, code: string, claim?: string): TokenValidationError {
  return new TokenValidationError(message, code, claim);
}
