import { createHash } from 'node:crypto';

/** Milliseconds a finished refresh answers the requests that still hold the refresh token it redeemed. */
const REUSE_MS = 30_000;

/** Most refreshes remembered at once; past it, finished ones are forgotten first, then the oldest. */
const MAX_FLIGHTS = 1000;

interface Flight<T> {
  readonly result: Promise<T>;
  /** Until when (epoch ms) the result is handed out; `Infinity` while the refresh runs. */
  until: number;
}

/**
 * One refresh per refresh token in this process: requests of one session that find the access token expired at
 * the same time (two tabs, parallel XHRs) share the refresh the first started, and a request that still holds the
 * redeemed refresh token a few seconds later (it loaded the session before the new one was stored) gets the same
 * result, instead of redeeming a rotated refresh token again — which providers refuse, or take for a stolen
 * token's reuse and revoke the whole token family (Auth0's reuse detection). A failed refresh is not remembered.
 * Keyed by the SHA-256 of the token: no refresh token is kept as a key.
 *
 * @example
 * const flights = new RefreshFlights<LoginTokens>();
 * const tokens = await flights.run(session.tokens.refreshToken, () => client.refresh(refreshToken));
 */
export class RefreshFlights<T> {
  readonly #flights = new Map<string, Flight<T>>();
  readonly #clock: () => number;

  /** @param clock - the clock, in epoch ms (for tests). */
  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  /**
   * The result of the refresh of `refreshToken`: the one under way or just finished, else `redeem()`'s.
   *
   * @example
   * await flights.run(refreshToken, () => client.refresh(refreshToken));
   */
  run(refreshToken: string, redeem: () => Promise<T>): Promise<T> {
    const key = createHash('sha256').update(refreshToken, 'utf8').digest('base64url');
    const known = this.#flights.get(key);
    if (known !== undefined && this.#clock() < known.until) return known.result;
    this.#makeRoom();
    const flight: Flight<T> = { result: redeem(), until: Infinity };
    this.#flights.set(key, flight);
    flight.result.then(
      () => {
        flight.until = this.#clock() + REUSE_MS;
      },
      () => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      },
    );
    return flight.result;
  }

  #makeRoom(): void {
    if (this.#flights.size < MAX_FLIGHTS) return;
    const now = this.#clock();
    for (const [key, flight] of this.#flights) if (flight.until <= now) this.#flights.delete(key);
    // Then the oldest finished ones, and only then refreshes under way.
    for (const running of [false, true]) {
      for (const [key, flight] of this.#flights) {
        if (this.#flights.size < MAX_FLIGHTS) return;
        if ((flight.until === Infinity) === running) this.#flights.delete(key);
      }
    }
  }
}
