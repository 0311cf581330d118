import { SingleUseIds } from '../stores/single-use-ids.js';

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
  /**
   * Entries kept at most. When full, the expired ones are dropped; when none has, a new proof is refused (503)
   * rather than a used one forgotten. @defaultValue 10000
   */
  maxEntries?: number;
  /** The clock, in epoch ms, that decides when entries expire (for tests). @defaultValue `Date.now` */
  clock?: () => number;
}

/**
 * The default {@link ReplayStore}: a `Map` in this process, bounded by `maxEntries`. A proof replayed to another
 * process (another replica behind the same load balancer) is not seen here: use a {@link RedisReplayStore} there.
 * It fails closed: full of proofs that have not expired, it refuses new ones with a `StoreUnavailableError` (the
 * middleware answers 503) rather than forget a used one, which would then be accepted again.
 *
 * @throws {ConfigurationError} when `maxEntries` is not a whole number above 0.
 * @example
 * app.use(auth({ issuer, audience, dpop: { replayStore: new MemoryReplayStore({ maxEntries: 50_000 }) } }));
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #clock: () => number;
  /** The proofs seen, until they expire. */
  readonly #seen: SingleUseIds;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#seen = new SingleUseIds(options.maxEntries ?? 10_000, 'MemoryReplayStore', 'proofs');
    this.#clock = options.clock ?? Date.now;
  }

  /** Entries kept at most. */
  get maxEntries(): number {
    return this.#seen.maxEntries;
  }

  /** The number of entries held, expired or not (for tests and metrics). */
  get size(): number {
    return this.#seen.size;
  }

  async remember(id: string, ttl: number): Promise<boolean> {
    return this.#seen.use(id, ttl, this.#clock());
  }
}
