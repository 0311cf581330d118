import { ConfigurationError, StoreUnavailableError } from '../errors.js';

/** Milliseconds between two sweeps of a full set for expired ids: a flood never makes each call scan the set. */
const SWEEP_INTERVAL = 1000;

/**
 * Ids remembered until their time to live has passed, at most `maxEntries` at once: the memory of the in-process
 * single-use stores (login transactions, DPoP proofs). When it is full of live ids it refuses a new one rather
 * than forget an old one, since a forgotten id would be accepted again — a replay let through exactly when
 * someone floods the store. A full set is loud and passes as ids expire; a forgotten one is silent.
 *
 * @throws {ConfigurationError} when `maxEntries` is not a whole number above 0.
 * @example
 * const ids = new SingleUseIds(10_000, 'MemoryReplayStore', 'proofs');
 * ids.use('jkt:jti', 60_000, Date.now()); // true; false while remembered
 */
export class SingleUseIds {
  /** Ids remembered at most. */
  readonly maxEntries: number;
  readonly #store: string;
  readonly #what: string;
  /** Id → epoch ms until which it is remembered, in the order they came. */
  readonly #until = new Map<string, number>();
  #sweptAt = -Infinity;

  /**
   * @param maxEntries - ids remembered at most.
   * @param store - the store's name, for the message of a full set.
   * @param what - what the ids are, in the plural, for that message.
   */
  constructor(maxEntries: unknown, store: string, what: string) {
    if (!Number.isSafeInteger(maxEntries) || (maxEntries as number) < 1) {
      throw new ConfigurationError('maxEntries must be a whole number above 0', 'maxEntries');
    }
    this.maxEntries = maxEntries as number;
    this.#store = store;
    this.#what = what;
  }

  /** The ids held, expired ones included until they are swept. */
  get size(): number {
    return this.#until.size;
  }

  /**
   * Uses `id` for `ttl` milliseconds from `now` (epoch ms): `true` the first time, `false` while it is remembered.
   *
   * @throws {StoreUnavailableError} when the set is full of live ids.
   */
  use(id: string, ttl: number, now: number): boolean {
    const until = this.#until;
    const known = until.get(id);
    if (known !== undefined && now < known) return false;
    until.delete(id);
    if (until.size >= this.maxEntries && now - this.#sweptAt >= SWEEP_INTERVAL) {
      this.#sweptAt = now;
      for (const [key, expiry] of until) if (expiry <= now) until.delete(key);
    }
    if (until.size >= this.maxEntries) {
      throw new StoreUnavailableError(
        `${this.#store} is full: ${this.maxEntries} ${this.#what} are remembered (maxEntries) and none has expired`,
      );
    }
    until.set(id, now + Math.max(1, ttl));
    return true;
  }
}
