import type { StoredToken, TokenStore } from './token-store.js';

interface Entry {
  token: StoredToken;
  /** Epoch ms after which the entry is gone. */
  until: number;
}

/** Options of a {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /** The clock, in epoch ms, that decides when entries expire (for tests). @defaultValue `Date.now` */
  clock?: () => number;
}

/**
 * The default {@link TokenStore}: a `Map` in this process. Entries expire lazily (no timer keeps the process
 * alive). Share one instance between several providers to let them share tokens; providers of the same
 * process that share a store also share one in-flight grant per key.
 *
 * @example
 * const store = new MemoryTokenStore();
 * const orders = new ClientCredentialsProvider({ domain, clientId, clientSecret, audience: ORDERS, store });
 * const billing = new ClientCredentialsProvider({ domain, clientId, clientSecret, audience: BILLING, store });
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: () => number;

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  /** The number of entries held, expired or not (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Promise<StoredToken | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return Promise.resolve(undefined);
    if (this.#clock() >= entry.until) {
      this.#entries.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve({ ...entry.token });
  }

  set(key: string, token: StoredToken, ttl: number): Promise<void> {
    const now = this.#clock();
    // Drop what has expired so that a long-lived process with changing keys does not grow without bound.
    for (const [name, entry] of this.#entries) if (now >= entry.until) this.#entries.delete(name);
    this.#entries.set(key, { token: { ...token }, until: now + Math.max(0, ttl) });
    return Promise.resolve();
  }

  delete(key: string, accessToken?: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && (accessToken === undefined || entry.token.accessToken === accessToken)) {
      this.#entries.delete(key);
    }
    return Promise.resolve();
  }
}
