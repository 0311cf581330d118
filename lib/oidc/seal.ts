import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../errors.js';

/** Shortest secret accepted, in characters: 32 random characters of any alphabet carry well over 128 bits. */
export const MIN_SECRET_LENGTH = 32;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Why a sealed value could not be opened. */
export type UnsealFailure =
  /** Not a value this library sealed: wrong shape, version or encoding. */
  | 'malformed'
  /** Tampered with, sealed for another purpose, or sealed with a secret that is no longer configured. */
  | 'unopenable'
  /** Opened, but its lifetime has passed. */
  | 'expired';

/** What {@link Sealer.open} returns: the payload, or why there is none. */
export type UnsealResult<T> = { ok: true; payload: T; expiresAt: number } | { ok: false; reason: UnsealFailure };

/**
 * Checks the `secret` option of anything that seals: one secret, or a non-empty list of them (the first seals,
 * every one opens, so a secret is rotated by putting the new one first and dropping the old one once every value
 * it sealed has expired). Each must be a string of at least {@link MIN_SECRET_LENGTH} characters.
 *
 * @throws {ConfigurationError} naming `option`, and never quoting a secret.
 * @example
 * const secrets = checkSecrets([process.env.NEW_SECRET!, process.env.OLD_SECRET!]);
 */
export function checkSecrets(secret: unknown, option = 'secret'): readonly string[] {
  const list = Array.isArray(secret) ? (secret as unknown[]) : [secret];
  if (list.length === 0) throw new ConfigurationError(`${option} must name at least one secret`, option);
  list.forEach((value, index) => {
    const which = Array.isArray(secret) ? `${option}[${index}]` : option;
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) {
      throw new ConfigurationError(
        `${which} must be a string of at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 48)`,
        option,
      );
    }
  });
  return Object.freeze([...(list as string[])]);
}

/**
 * Seals small JSON payloads (login transactions, sessions) into opaque, tamper-proof, cookie-safe strings:
 * AES-256-GCM with a random 96-bit IV, under a key derived by HKDF-SHA-256 from each configured secret and the
 * sealer's `purpose` — so a value sealed as a transaction never opens as a session, and the secret itself never
 * touches a cipher. The expiry travels inside the ciphertext. Nothing of the payload is readable without a secret.
 *
 * Keys live in private fields: `util.inspect(sealer)` shows none.
 *
 * @throws {ConfigurationError} for a missing or short secret, or an empty purpose.
 * @example
 * const sealer = new Sealer(process.env.AUTHN_SESSION_SECRET!, 'transaction');
 * const value = sealer.seal({ state, nonce }, Math.floor(Date.now() / 1000) + 600);
 * const opened = sealer.open<{ state: string; nonce: string }>(value);
 * if (opened.ok) console.log(opened.payload.state);
 */
export class Sealer {
  /** What this sealer's values are for; part of the key derivation and of the authenticated data. */
  readonly purpose: string;
  readonly #keys: readonly Buffer[];
  readonly #aad: Buffer;

  constructor(secret: string | readonly string[], purpose: string) {
    if (typeof purpose !== 'string' || purpose === '') {
      throw new ConfigurationError('a sealer needs a purpose', 'purpose');
    }
    this.purpose = purpose;
    const info = `authn-client ${VERSION} ${purpose}`;
    this.#keys = checkSecrets(secret).map((value) =>
      Buffer.from(hkdfSync('sha256', Buffer.from(value, 'utf8'), Buffer.alloc(0), info, 32)),
    );
    this.#aad = Buffer.from(info, 'utf8');
  }

  /**
   * Seals `payload` (any JSON value) until `expiresAt` (epoch seconds) with the first secret.
   *
   * @example
   * const cookieValue = sealer.seal({ sub: 'user-1' }, now + 86_400);
   */
  seal(payload: unknown, expiresAt: number): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0] as Buffer, iv);
    cipher.setAAD(this.#aad);
    const plain = Buffer.from(JSON.stringify({ exp: expiresAt, p: payload }), 'utf8');
    const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64url')}`;
  }

  /**
   * Opens a value sealed by this sealer's purpose and any of its secrets, and checks its lifetime against `now`
   * (epoch seconds). Never throws: a value it cannot open is reported with the reason.
   *
   * @example
   * const opened = sealer.open<Session>(cookieValue);
   * if (!opened.ok) console.warn('session cookie refused:', opened.reason);
   */
  open<T = unknown>(sealed: unknown, now: number = Date.now() / 1000): UnsealResult<T> {
    if (typeof sealed !== 'string' || !sealed.startsWith(`${VERSION}.`)) return { ok: false, reason: 'malformed' };
    const body = sealed.slice(VERSION.length + 1);
    if (!/^[A-Za-z0-9_-]+$/.test(body)) return { ok: false, reason: 'malformed' };
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'malformed' };
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const encrypted = bytes.subarray(IV_BYTES + TAG_BYTES);
    for (const key of this.#keys) {
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(this.#aad);
        decipher.setAuthTag(tag);
        plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
      } catch {
        continue;
      }
      const { exp, p } = JSON.parse(plain.toString('utf8')) as { exp: number; p: T };
      if (!(typeof exp === 'number' && now < exp)) return { ok: false, reason: 'expired' };
      return { ok: true, payload: p, expiresAt: exp };
    }
    return { ok: false, reason: 'unopenable' };
  }
}
