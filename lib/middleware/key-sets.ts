import { JwksFetcher, type JwksFetcherOptions } from '../token-verifier/jwks-fetcher.js';

/** Most key sets (and, in `issuers.ts`, most issuers' verifiers) kept; beyond, the oldest goes. */
export const MAX_ISSUERS = 1000;

/**
 * Keeps one {@link JwksFetcher} per JWKS URL, so that the issuers (and a resolver's verifiers) that name the same
 * URL share one key set and its cache. At most {@link MAX_ISSUERS} are kept; beyond, the oldest is dropped (its
 * verifiers keep using it).
 *
 * @example
 * const keySets = new KeySets({ cacheTtl: 600 });
 * keySets.get('https://tenant.auth0.com/.well-known/jwks.json') === keySets.get('https://tenant.auth0.com/.well-known/jwks.json'); // true
 */
export class KeySets {
  readonly #sets = new Map<string, JwksFetcher>();
  readonly #options: JwksFetcherOptions;

  constructor(options: JwksFetcherOptions) {
    this.#options = options;
  }

  /** The key set of `url`, created on first use. */
  get(url: string): JwksFetcher {
    let set = this.#sets.get(url);
    if (set === undefined) {
      set = new JwksFetcher(url, this.#options);
      if (this.#sets.size >= MAX_ISSUERS) this.#sets.delete(this.#sets.keys().next().value as string);
      this.#sets.set(url, set);
    }
    return set;
  }
}
