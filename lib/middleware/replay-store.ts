import { ConfigurationError } from '../errors.js';

/**
 * Where the API middleware remembers the DPoP proofs (RFC 9449 §11.1) it has accepted, so that a proof is used
 * once: {@link MemoryReplayStore} in the process (the default), {@link RedisReplayStore} shared by every replica
 * behind a load balancer. Implement it to use another shared store; a store that cannot answer must reject (the
 * middleware then answers 503 rather than accept a proof it could not check).
 *
 * @example
 * class SetStore implements ReplayStore {
 *   readonly #seen = new Set<string>(); // never forgets: for a short-lived test only
 *   async remember(id: string) {
 *     if (this.#seen.has(id)) return false;
 *     this.#seen.add(id);
 *     return true;
 *   }
 * }
 */
export interface ReplayStore {
  /**
   * Records `id` for `ttl` milliseconds, atomically: resolves to `true` when it was not recorded (the first use),
   * `false` when it still was (a replay).
   */
  remember(id: string, ttl: number): Promise<boolean>;
}

/** Options of a {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Entries kept at most; when full, the expired ones and then the oldest go first. @defaultValue 10000 */
  maxEntries?: number;
  /** The clock, in epoch ms, that decides when entries expire (for tests). @defaultValue `Date.now` */
  clock?: () => number;
}

/**
 * The default {@link ReplayStore}: a `Map` in this process, bounded by `maxEntries`. A proof replayed to another
 * process (another replica behind the same load balancer) is not seen here: use a {@link RedisReplayStore} there.
 *
 * @throws {ConfigurationError} when `maxEntries` is not a whole number above 0.
 * @example
 * app.use(auth({ issuer, audience, dpop: { replayStore: new MemoryReplayStore({ maxEntries: 50_000 }) } }));
 */
export class MemoryReplayStore implements ReplayStore {
  /** Entries kept at most. */
  readonly maxEntries: number;
  readonly #clock: () => number;
  /** The ids seen, with the epoch ms until which each is remembered, oldest first. */
  readonly #seen = new Map<string, number>();

  constructor(options: MemoryReplayStoreOptions = {}) {
    const { maxEntries = 10_000 } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new ConfigurationError('maxEntries must be a whole number above 0', 'maxEntries');
    }
    this.maxEntries = maxEntries;
    this.#clock = options.clock ?? Date.now;
  }

  /** The number of entries held, expired or not (for tests and metrics). */
  get size(): number {
    return this.#seen.size;
  }

  remember(id: string, ttl: number): Promise<boolean> {
    const seen = this.#seen;
    const now = this.#clock();
    const known = seen.get(id);
    if (known !== undefined && now < known) return Promise.resolve(false);
    seen.delete(id);
    if (seen.size >= this.maxEntries) {
      for (const [entry, until] of seen) {
        if (until <= now || seen.size >= this.maxEntries) seen.delete(entry);
        else break;
      }
    }
    seen.set(id, now + ttl);
    return Promise.resolve(true);
  }
}
