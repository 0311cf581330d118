import { createHash } from 'node:crypto';
import { markOnce, type RedisClientLike, redisStoreBase } from '../stores/redis-client.js';
import type { ReplayStore } from './replay-store.js';

/** Options of a {@link RedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** Prefix of every key the store writes. @defaultValue 'authn:replay:' */
  prefix?: string;
  /**
   * Milliseconds one Redis command may take before the store gives up on it (and the middleware answers 503),
   * whatever the client's own retry settings. @defaultValue 1000
   */
  storeTimeout?: number;
}

/**
 * A {@link ReplayStore} on Redis, shared by every replica that uses the same Redis and prefix: a DPoP proof
 * accepted by one replica is refused as a replay by all. One command per proof, `SET key 1 PX ttl NX`, which is
 * atomic: of two replicas that receive the same proof at the same time, exactly one accepts it. Keys are the
 * prefix and a SHA-256 of the proof's key thumbprint and `jti`, and expire with the proof.
 *
 * Pass a client you created (and will close); the store never closes it. A command that fails or does not
 * answer within `storeTimeout` rejects with a `StoreUnavailableError`, and the middleware answers 503: a proof
 * that could not be checked for replay is not accepted (fail closed).
 *
 * @throws {ConfigurationError} when the client lacks the commands, or an option is invalid.
 * @example
 * import { Redis } from 'ioredis';
 * const replayStore = new RedisReplayStore(new Redis(process.env.REDIS_URL!), { prefix: 'orders:dpop:' });
 * app.use(auth({ issuer, audience, dpop: { replayStore } }));
 */
export class RedisReplayStore implements ReplayStore {
  /** The prefix of every key this store writes. */
  readonly prefix: string;
  /** Milliseconds one command may take. */
  readonly storeTimeout: number;
  readonly #redis: RedisClientLike;

  constructor(client: RedisClientLike, options: RedisReplayStoreOptions = {}) {
    ({
      redis: this.#redis,
      prefix: this.prefix,
      storeTimeout: this.storeTimeout,
    } = redisStoreBase('RedisReplayStore', client, options, 'authn:replay:'));
  }

  async remember(id: string, ttl: number): Promise<boolean> {
    const key = this.prefix + createHash('sha256').update(id).digest('base64url');
    return markOnce(this.#redis, 'Redis replay store', this.storeTimeout, key, ttl);
  }
}
