/**
 * Largest scratch buffer kept for the process: a default `maxTokenLength` (16 KiB) token always fits; a
 * longer one (a raised cap, `decodeJwt`, which has none) gets buffers of its own instead of growing this one.
 */
export const MAX_SCRATCH_BYTES = 16_384;

let scratch: Buffer | undefined;

/**
 * A buffer of at least `size` bytes shared by the synchronous steps of verification (decoding a segment
 * before turning it into a string; the signing input handed to `crypto.verify`), so that a token costs no
 * buffer allocation but its signature's. Its content is valid only until the next call: use it and let go
 * of it without awaiting anything. `undefined` above {@link MAX_SCRATCH_BYTES}.
 *
 * @example
 * const buffer = scratchBuffer(input.length);
 * const bytes = buffer === undefined ? Buffer.from(input, 'latin1') : buffer.subarray(0, buffer.write(input, 0, 'latin1'));
 */
export function scratchBuffer(size: number): Buffer | undefined {
  if (size > MAX_SCRATCH_BYTES) return undefined;
  scratch ??= Buffer.allocUnsafeSlow(MAX_SCRATCH_BYTES);
  return scratch;
}

/**
 * The latin1 bytes of `text`: for a JWS signing input, which `parseJwt` keeps ASCII, exactly its bytes, and one
 * byte per character whatever the text, so that every signature check reads the same bytes. In the shared
 * scratch buffer when it fits (valid until the next call: use it synchronously), else in a buffer of their own.
 *
 * @example
 * crypto.verify('sha256', latin1Bytes(signingInput), key, signature);
 */
export function latin1Bytes(text: string): Buffer {
  const scratch = scratchBuffer(text.length);
  return scratch === undefined ? Buffer.from(text, 'latin1') : scratch.subarray(0, scratch.write(text, 0, 'latin1'));
}
