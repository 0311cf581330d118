import { ConfigurationError } from '../errors.js';
import type { ParsedJwt } from './jwt.js';
import type { KeyHandle } from './signature-verifier.js';

/** Options of the opt-in verified-token cache of {@link TokenVerifier} and {@link AccessTokenVerifier}. */
export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most; beyond that, one not used since it was last passed over is forgotten. @defaultValue 1000 */
  maxEntries?: number;
}

/** Default of {@link VerifiedTokenCacheOptions.maxEntries}. */
export const DEFAULT_CACHE_ENTRIES = 1000;

/**
 * Characters of the token's end (its signature) that index an entry. Hashing a fresh 1 KB token string for a
 * `Map` lookup costs more than a microsecond, hashing 32 characters almost nothing; a hit still requires the
 * whole token to be equal, so two tokens that share an ending never share an entry.
 */
const INDEX_LENGTH = 32;

function indexOf(token: string): string {
  return token.length > INDEX_LENGTH ? token.slice(-INDEX_LENGTH) : token;
}

interface Entry {
  readonly jwt: ParsedJwt;
  readonly key: KeyHandle;
  /** The token's `exp`: the entry is dropped from then on. */
  readonly expiresAt: number;
  /** Set by a hit, cleared when eviction passes over the entry (second chance). */
  used: boolean;
}

/**
 * Remembers tokens whose signature was verified and whose claims were accepted, so that a token seen again
 * skips decoding and the signature check. A hit requires the whole token to be equal. It remembers nothing
 * else: verifiers run every claim check again on a hit (time claims, and the per-call options of ID tokens),
 * so a hit can never accept what a miss would reject. An entry is dropped at the token's `exp`, as soon as the
 * key that verified it leaves its key set or that set is past its TTL (the miss that follows refetches it), and, beyond `maxEntries`, when it was not used since eviction last
 * passed over it (second chance: an approximate least-recently-used that costs a hit nothing). The header and
 * claims of a remembered token are deep-frozen, since every request presenting it gets the same objects.
 *
 * @throws {ConfigurationError} for a `maxEntries` that is not a positive integer.
 * @example
 * const verifier = new AccessTokenVerifier({ issuer, audience, cache: { maxEntries: 10_000 } });
 */
export class VerifiedTokenCache {
  /** Tokens remembered at most. */
  readonly maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: VerifiedTokenCacheOptions = {}) {
    const { maxEntries = DEFAULT_CACHE_ENTRIES } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new ConfigurationError('cache.maxEntries must be a positive integer', 'cache');
    }
    this.maxEntries = maxEntries;
  }

  /** Tokens remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The remembered token, if it is there, not past its `exp` at `now` (seconds), and its key is still active. */
  get(token: string, now: number): ParsedJwt | undefined {
    const index = indexOf(token);
    const entry = this.#entries.get(index);
    if (entry === undefined || entry.jwt.token !== token) return undefined;
    if (now >= entry.expiresAt || !entry.key.active) {
      this.#entries.delete(index);
      return undefined;
    }
    // A flag rather than a delete-and-reinsert, which costs V8 over a microsecond per hit.
    entry.used = true;
    return entry.jwt;
  }

  /**
   * Remembers a token verified by `key`, until its `exp`. Its header and claims are deep-frozen first: every
   * caller that presents the token gets the same objects, so none may change what the next one sees.
   */
  set(jwt: ParsedJwt, key: KeyHandle, exp: number): void {
    deepFreeze(jwt.header);
    deepFreeze(jwt.payload);
    const entries = this.#entries;
    const index = indexOf(jwt.token);
    entries.delete(index);
    if (entries.size >= this.maxEntries) this.#evictOne();
    entries.set(index, { jwt, key, expiresAt: exp, used: false });
  }

  /**
   * Second chance: from the oldest entry on, one used since it was last passed over moves to the newest end
   * with its flag cleared, and the first unused one is forgotten. At most one pass over the entries.
   */
  #evictOne(): void {
    const entries = this.#entries;
    for (const [index, entry] of entries) {
      entries.delete(index);
      if (!entry.used) return;
      entry.used = false;
      entries.set(index, entry);
    }
  }

  /** Forgets every token. */
  clear(): void {
    this.#entries.clear();
  }
}

/**
 * Freezes a decoded JSON value and everything in it. Iterative: claims nested tens of thousands of levels deep
 * (a token under a raised `maxTokenLength`) must not overflow the stack.
 */
function deepFreeze(value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    // No shortcut for an already frozen object: parseJwt freezes headers shallowly, their members are not.
    if (typeof node !== 'object' || node === null) continue;
    Object.freeze(node);
    for (const member of Object.values(node)) pending.push(member);
  }
}

/** Builds the cache a verifier's `cache` option asks for: none by default, `true` for the defaults. */
export function verifiedTokenCache(
  option: boolean | VerifiedTokenCacheOptions | undefined,
): VerifiedTokenCache | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return new VerifiedTokenCache();
  if (typeof option !== 'object' || option === null) {
    throw new ConfigurationError('cache must be a boolean or { maxEntries }', 'cache');
  }
  return new VerifiedTokenCache(option);
}
