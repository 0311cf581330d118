/**
 * A token as the cache keeps it: the bearer string and the two instants (epoch ms) that decide when it is
 * refreshed. Every store keeps exactly these members.
 *
 * @example
 * const token: StoredToken = { accessToken: 'eyJ…', issuedAt: Date.now(), expiresAt: Date.now() + 86_400_000 };
 */
export interface StoredToken {
  /** The token to send as `Authorization: Bearer …`. */
  accessToken: string;
  /** When the token stops being valid, in epoch ms (`Infinity` for a token that does not expire). */
  expiresAt: number;
  /** When the grant that produced it was sent, in epoch ms (the start of its lifetime, as far as we know). */
  issuedAt: number;
}

/**
 * A distributed lock held on one cache key while its holder asks the token endpoint for a new token.
 *
 * @example
 * const lock = await store.lock?.(key);
 * if (lock) {
 *   try {
 *     await store.set(key, await grant(), ttl);
 *   } finally {
 *     await lock.release();
 *   }
 * }
 */
export interface TokenStoreLock {
  /** Gives the lock up, if this holder still has it (a lock taken over after it expired is left alone). */
  release(): Promise<void>;
}

/**
 * Where the token providers keep their tokens between calls, keyed by the identity of the token (token
 * endpoint, client id, audience, scope, organization). {@link MemoryTokenStore} keeps them in the process;
 * {@link RedisTokenStore} shares them between the processes and replicas of a fleet, and its `lock` makes the
 * fleet spend one grant per token lifetime. Implement this interface to use another shared store.
 *
 * A store never throws a secret: it receives only tokens and keys. It may reject (the provider then falls
 * back to asking the token endpoint itself).
 *
 * @example
 * class MapStore implements TokenStore {
 *   readonly #map = new Map<string, StoredToken>();
 *   async get(key: string) { return this.#map.get(key); }
 *   async set(key: string, token: StoredToken) { this.#map.set(key, token); }
 *   async delete(key: string) { this.#map.delete(key); }
 * }
 */
export interface TokenStore {
  /** The token stored under `key`, or `undefined` when there is none (or its time to live has passed). */
  get(key: string): Promise<StoredToken | undefined>;
  /** Stores `token` under `key` for `ttl` milliseconds (always less than the time to its expiry). */
  set(key: string, token: StoredToken, ttl: number): Promise<void>;
  /**
   * Deletes the token under `key`; when `accessToken` is given, only if the stored token is that one, so that a
   * token another replica has just renewed survives the invalidation of the old one.
   */
  delete(key: string, accessToken?: string): Promise<void>;
  /**
   * Tries to take the lock of `key` without waiting; resolves to `undefined` when another holder has it.
   * Stores shared between processes implement it so that only one of them asks the token endpoint; the others
   * poll {@link TokenStore.get} until the new token appears. A store without `lock` is process-local.
   */
  lock?(key: string): Promise<TokenStoreLock | undefined>;
}
