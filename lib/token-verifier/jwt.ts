import { isUtf8 } from 'node:buffer';
import type { JwsAlgorithm } from './algorithms.js';
import { invalid, quote, type TokenKind } from './failure.js';
import { scratchBuffer } from './scratch.js';

/**
 * The protected header of a compact JWS, as the verifier accepted it: `alg` is one of the configured
 * algorithms, `kid` (when present) a non-empty string, and `crit`, `b64`, `zip` and `cty` are absent. Other
 * members (`x5t`, `jku`, …) are passed through but never used: keys come from configuration only.
 */
export interface JwtHeader {
  /** The signature algorithm, one of the verifier's allowlist. */
  alg: JwsAlgorithm;
  /** The key id, matched against the `kid` of the JWKS keys. */
  kid?: string;
  /** The media type of the token: absent, `JWT`, or `at+jwt` for access tokens. */
  typ?: string;
  /** Unknown header members, passed through unused. */
  [member: string]: unknown;
}

/** A decoded JWT claims set: a plain JSON object. */
export type JwtPayload = Record<string, unknown>;

/** A token that passed the strict parser (`parseJwt`): decoded, checked for shape, signature not yet verified. */
export interface ParsedJwt {
  /** The token as received. */
  readonly token: string;
  /** The decoded header. */
  readonly header: JwtHeader;
  /** The decoded claims set. */
  readonly payload: JwtPayload;
  /** The ASCII signing input: `header.payload`. */
  readonly signingInput: string;
  /** The decoded signature (empty for an unsigned token, which no configured algorithm accepts). */
  readonly signature: Buffer;
}

/** What {@link parseJwt} accepts besides well-formedness. */
export interface ParseOptions {
  /** The algorithms `alg` must be one of. */
  readonly algorithms: readonly JwsAlgorithm[];
  /** The longest token accepted, in characters; checked before anything else is looked at. */
  readonly maxLength: number;
  /** The kind of token, for messages. */
  readonly kind: TokenKind;
  /** The `typ` values accepted, lower case and without an `application/` prefix; `null` accepts any string. */
  readonly types: ReadonlySet<string> | null;
  /** Whether a token without `typ` is accepted. */
  readonly untyped: boolean;
  /**
   * Headers already accepted under these options: a token whose header segment is there skips decoding and
   * checking it again. Give a new {@link HeaderCache} per verifier.
   */
  readonly headers?: HeaderCache;
}

/** Most header segments remembered by one {@link HeaderCache}; it is emptied when full. */
const MAX_CACHED_HEADERS = 100;

/**
 * The headers {@link parseJwt} accepted under one set of {@link ParseOptions}, by their base64url segment (at
 * most 100; emptied when full), so that a token whose header segment is there skips decoding and checking it
 * again. The last one found is compared first: an issuer signs every token with the same header, and comparing
 * one string costs less than hashing it for a `Map`.
 *
 * @example
 * const options: ParseOptions = { ...policy, headers: new HeaderCache() };
 * parseJwt(token, options); // a second token with the same header segment reuses the checked header
 */
export class HeaderCache {
  readonly #headers = new Map<string, JwtHeader>();
  #lastSegment = '';
  #lastHeader: JwtHeader | undefined;

  /** Header segments remembered now. */
  get size(): number {
    return this.#headers.size;
  }

  /** The accepted header of this header segment, if it is remembered. */
  get(segment: string): JwtHeader | undefined {
    if (segment === this.#lastSegment) return this.#lastHeader;
    const header = this.#headers.get(segment);
    if (header !== undefined) {
      this.#lastSegment = segment;
      this.#lastHeader = header;
    }
    return header;
  }

  /** Remembers an accepted header (frozen: it is shared by every token that carries it). */
  set(segment: string, header: JwtHeader): void {
    if (this.#headers.size >= MAX_CACHED_HEADERS) this.#headers.clear();
    this.#headers.set(segment, header);
    this.#lastSegment = segment;
    this.#lastHeader = header;
  }
}

/** Default of the `maxTokenLength` options: 16 KiB. */
export const DEFAULT_MAX_TOKEN_LENGTH = 16_384;

/** Longest `kid` accepted; a longer one is malformed (a JWKS never has one that long). */
export const MAX_KID_LENGTH = 256;

/** The message of every structural failure, as in auth0-python. */
const UNDECODABLE = 'token could not be decoded.';

/** Header members this verifier understands no extension of; a token carrying any of them is rejected. */
const UNSUPPORTED_HEADERS = ['b64', 'zip', 'cty'] as const;

function malformed(): never {
  throw invalid(UNDECODABLE, 'ERR_TOKEN_MALFORMED');
}

/** The 6-bit value of each base64url character, by character code (ASCII); -1 for any other character. */
const BASE64URL_VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
})();

/**
 * Refuses, once per token, the characters that Node's base64url decoder would take for base64url ones: `+` and
 * `/` (it accepts the base64 alphabet too) and every non-ASCII character (it reads a character above U+00FF by
 * its low byte: `Ł`, U+0141, decodes as `A`). With these gone, {@link checkCanonical} needs no re-encoding.
 */
function checkAlphabet(token: string): void {
  if (Buffer.byteLength(token, 'utf8') !== token.length || token.includes('+') || token.includes('/')) malformed();
}

/**
 * Checks that `written` bytes decoded from the `length` characters of a segment ending at `end` make canonical
 * unpadded base64url (no padding, no stray bits or characters), in a token that passed {@link checkAlphabet}.
 * Node's decoder skips any other ASCII character (whitespace included) and stops at `=`, so such a character
 * makes the output shorter than three quarters of the input; a length of 1 modulo 4 cannot be base64url; and
 * the unused low bits of the last character must be zero (RFC 4648 §3.5), else two spellings would decode alike.
 */
function checkCanonical(token: string, end: number, length: number, written: number): void {
  const rest = length & 3;
  if (written !== (length * 3) >>> 2 || rest === 1) malformed();
  if (rest !== 0 && (BASE64URL_VALUES[token.charCodeAt(end - 1)] as number) & (rest === 2 ? 0x0f : 0x03)) malformed();
}

/** Decodes one segment into bytes of its own (the signature), accepting only canonical unpadded base64url. */
function segment(token: string, start: number, end: number): Buffer {
  const bytes = Buffer.from(token.slice(start, end), 'base64url');
  checkCanonical(token, end, end - start, bytes.length);
  return bytes;
}

/** Decodes a segment holding text: canonical unpadded base64url of valid UTF-8. */
function segmentText(token: string, start: number, end: number): string {
  const length = end - start;
  const encoded = token.slice(start, end);
  // Decoded in the shared scratch buffer: only the string is kept, so the bytes need no buffer of their own.
  const buffer = scratchBuffer((length * 3) >>> 2);
  if (buffer === undefined) {
    const bytes = segment(token, start, end);
    if (!isUtf8(bytes)) malformed();
    return bytes.toString('utf8');
  }
  const written = buffer.write(encoded, 0, 'base64url');
  checkCanonical(token, end, length, written);
  const text = buffer.toString('utf8', 0, written);
  // Invalid UTF-8 always decodes to U+FFFD somewhere; only then is the validation pass needed to tell it from a
  // U+FFFD the bytes really hold.
  if (text.includes('\uFFFD') && !isUtf8(buffer.subarray(0, written))) malformed();
  return text;
}

/** Parses the decoded text of a segment: valid JSON, an object, no `__proto__` member. */
function jsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    malformed();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed();
  // JSON.parse makes `__proto__` an own data property, but a later Object.assign() would turn it into the
  // prototype of the copy: such a token is refused rather than handed to application code (CWE-1321).
  if (Object.hasOwn(value, '__proto__')) malformed();
  return value as Record<string, unknown>;
}

/** Counts the members of the top-level object of a valid JSON text, duplicates included. */
function topLevelMembers(text: string): number {
  let depth = 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      for (let d = text.charCodeAt(j); d !== 0x22; d = text.charCodeAt(j)) j += d === 0x5c ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (text.charCodeAt(k) <= 0x20) k++;
        if (text.charCodeAt(k) === 0x3a) count++;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return count;
}

/** Normalises a media type for comparison: lower case, without the optional `application/` prefix. */
export function mediaType(value: string): string {
  const lower = value.toLowerCase();
  return lower.startsWith('application/') ? lower.slice(12) : lower;
}

/** The message of an algorithm outside the allowlist, worded as auth0-python words it. */
function algorithmMessage(alg: unknown, algorithms: readonly JwsAlgorithm[]): string {
  const expected =
    algorithms.length === 1 ? `"${algorithms[0]}"` : `one of ${algorithms.map((a) => `"${a}"`).join(', ')}`;
  const shown = typeof alg === 'string' ? JSON.stringify(alg) : quote(alg);
  return `Signature algorithm of ${shown} is not supported. Expected the token to be signed with ${expected}`;
}

/**
 * Parses a compact JWS strictly, before any key is looked up, in this order: size cap; three segments;
 * canonical unpadded base64url in each; UTF-8 and JSON objects for header and payload, no duplicate header
 * member, no `__proto__` member; `alg` in the allowlist; no `crit`, `b64`, `zip` or `cty`; `typ` per policy;
 * `kid` absent or a non-empty string of at most 256 characters. Duplicate claims in the payload are resolved
 * by `JSON.parse` (the last wins) and that one parsed object is what every check reads and the caller gets.
 *
 * @throws {TokenValidationError} with the code of the first failed check.
 * @example
 * const jwt = parseJwt(token, {
 *   algorithms: ['RS256'],
 *   maxLength: DEFAULT_MAX_TOKEN_LENGTH,
 *   kind: 'ID token',
 *   types: new Set(['jwt']),
 *   untyped: true,
 * });
 */
export function parseJwt(token: string, options: ParseOptions): ParsedJwt {
  if (token.length > options.maxLength) {
    throw invalid(
      `${options.kind} is too large: ${token.length} characters, the maximum is ${options.maxLength}`,
      'ERR_TOKEN_TOO_LARGE',
    );
  }
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) malformed();
  checkAlphabet(token);
  const cache = options.headers;
  const encodedHeader = token.slice(0, first);
  let header = cache?.get(encodedHeader);
  const headerText = header === undefined ? segmentText(token, 0, first) : undefined;
  const headerFields = headerText === undefined ? undefined : jsonObject(headerText);
  const payload = jsonObject(segmentText(token, first + 1, second));
  const signature = segment(token, second + 1, token.length);
  if (headerFields !== undefined) {
    header = checkHeader(headerFields, headerText as string, options);
    cache?.set(encodedHeader, header);
  }
  return { token, header: header as JwtHeader, payload, signingInput: token.slice(0, second), signature };
}

/** A compact JWS as {@link decodeJwt} gives it: header and claims decoded, nothing checked or verified. */
export interface DecodedJwt {
  /** The decoded protected header, whatever its `alg`, `typ` or `crit`. */
  readonly header: Record<string, unknown>;
  /** The decoded claims set. */
  readonly payload: JwtPayload;
}

/**
 * Decodes a compact JWS **without verifying it** and without any header policy: the structural guards of
 * {@link parseJwt} only (three segments; canonical unpadded base64url in each; UTF-8 JSON objects for header
 * and payload; no duplicate header member; no `__proto__` member), no size cap, any `alg` (`none` included).
 * For reading a token we were handed by a trusted party (the `exp` of our own token endpoint's answer) and for
 * `authn decode`; never for deciding whether to trust a token.
 *
 * @throws {TokenValidationError} `ERR_TOKEN_MALFORMED` for anything that is not a well-formed compact JWS.
 * @example
 * const { header, payload } = decodeJwt(accessToken);
 * console.log(header.kid, payload.exp);
 */
export function decodeJwt(token: string): DecodedJwt {
  if (typeof token !== 'string') malformed();
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) malformed();
  checkAlphabet(token);
  const headerText = segmentText(token, 0, first);
  const header = jsonObject(headerText);
  if (topLevelMembers(headerText) !== Object.keys(header).length) malformed();
  const payload = jsonObject(segmentText(token, first + 1, second));
  segment(token, second + 1, token.length);
  return { header, payload };
}

/** Checks a decoded header against the policy; returns it frozen, as it may be shared by many tokens. */
function checkHeader(fields: Record<string, unknown>, text: string, options: ParseOptions): JwtHeader {
  if (topLevelMembers(text) !== Object.keys(fields).length) malformed();
  const { alg } = fields;
  if (typeof alg !== 'string' || !options.algorithms.includes(alg as JwsAlgorithm)) {
    throw invalid(algorithmMessage(alg, options.algorithms), 'ERR_TOKEN_ALG_NOT_ALLOWED', 'alg');
  }
  if (Object.hasOwn(fields, 'crit')) {
    throw invalid(
      `Critical header parameter (crit) ${quote(fields.crit)} is not supported; no extension is understood`,
      'ERR_TOKEN_CRIT_UNSUPPORTED',
      'crit',
    );
  }
  for (const name of UNSUPPORTED_HEADERS) {
    if (Object.hasOwn(fields, name)) {
      throw invalid(
        `Header parameter (${name}) is not supported in the ${options.kind}`,
        'ERR_TOKEN_HEADER_UNSUPPORTED',
        name,
      );
    }
  }
  const { typ, kid } = fields;
  const { types } = options;
  if (
    typ === undefined ? !options.untyped : typeof typ !== 'string' || (types !== null && !types.has(mediaType(typ)))
  ) {
    throw invalid(
      `Type (typ) header ${quote(typ)} is not accepted for an ${options.kind}`,
      'ERR_TOKEN_TYP_INVALID',
      'typ',
    );
  }
  if (kid !== undefined && (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH)) {
    throw invalid(
      `Key ID (kid) header must be a non-empty string of at most ${MAX_KID_LENGTH} characters`,
      'ERR_TOKEN_KID_INVALID',
      'kid',
    );
  }
  return Object.freeze(fields) as JwtHeader;
}
