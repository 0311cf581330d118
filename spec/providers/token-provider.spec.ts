import { expect } from 'chai';
import { DIAGNOSTICS_CHANNELS, type TokenGrantMessage } from '../../lib/diagnostics.js';
import { AuthnError, ConfigurationError, NetworkError, TokenResponseError } from '../../lib/errors.js';
import { MemoryTokenStore } from '../../lib/providers/stores/memory.js';
import type { StoredToken, TokenStore, TokenStoreLock } from '../../lib/providers/stores/token-store.js';
import { CachedTokenProvider, tokenCacheKey, type TokenSource } from '../../lib/providers/token-provider.js';
import { listen, stopListening } from '../helpers/diagnostics.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';
import { settle, until } from '../helpers/wait.js';

const HOUR = 3_600_000;

/** A source whose N-th grant answers `token-N`, living `lifetime` ms from the clock's now. */
class FakeSource implements TokenSource {
  readonly cacheKey: string;
  readonly endpoint = 'https://idp.example.com/oauth/token';
  calls = 0;
  lifetime = HOUR;
  failWith: Error | undefined;
  pending: Array<() => void> = [];
  hold = false;

  constructor(
    private readonly clock: () => number,
    key = 'k',
  ) {
    this.cacheKey = tokenCacheKey(['fake', key]);
  }

  async fetchToken(): Promise<StoredToken> {
    this.calls += 1;
    const n = this.calls;
    if (this.hold) await new Promise<void>((resolve) => this.pending.push(resolve));
    if (this.failWith) throw this.failWith;
    const now = this.clock();
    return { accessToken: `token-${n}`, issuedAt: now, expiresAt: now + this.lifetime };
  }
}

describe('CachedTokenProvider', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
  });

  it('hands out the cached token without another grant while it is fresh', async () => {
    const source = new FakeSource(clock);
    const provider = new CachedTokenProvider(source, { clock });
    expect(await provider.authToken()).to.equal('token-1');
    now += 30 * 60_000;
    expect(await provider.authToken()).to.equal('token-1');
    expect(source.calls).to.equal(1);
  });

  it('spends one grant for 1000 concurrent callers', async () => {
    const source = new FakeSource(clock);
    source.hold = true;
    const provider = new CachedTokenProvider(source, { clock });
    const calls = Array.from({ length: 1000 }, () => provider.authToken());
    await settle();
    source.pending.forEach((release) => release());
    const tokens = await Promise.all(calls);
    expect(new Set(tokens)).to.deep.equal(new Set(['token-1']));
    expect(source.calls).to.equal(1);
  });

  it('resolves getAccessToken to the real expiry in epoch ms, not the refresh time', async () => {
    const provider = new CachedTokenProvider(new FakeSource(clock), { clock });
    const token = await provider.getAccessToken();
    expect(token).to.deep.equal({ accessToken: 'token-1', expiresAt: now + HOUR });
    expect(await provider.getAccessToken()).to.deep.equal(token);
  });

  it('renews in the background within refreshSkew of expiry and keeps serving the valid token meanwhile', async () => {
    const source = new FakeSource(clock);
    const provider = new CachedTokenProvider(source, { clock, refreshSkew: 120 });
    await provider.authToken();
    now += HOUR - 121_000;
    expect(await provider.authToken()).to.equal('token-1');
    expect(source.calls).to.equal(1);
    now += 2000; // 119 s before expiry: due
    source.hold = true;
    expect(await provider.authToken()).to.equal('token-1'); // not waiting on the grant
    expect(await provider.authToken()).to.equal('token-1');
    await until(() => source.pending.length === 1);
    expect(source.calls).to.equal(2);
    source.pending[0]!();
    await settle();
    expect(await provider.authToken()).to.equal('token-2');
    expect(source.calls).to.equal(2);
  });

  it('caps the skew at half the lifetime so that short-lived tokens are not renewed on every call', async () => {
    const source = new FakeSource(clock);
    source.lifetime = 60_000;
    const provider = new CachedTokenProvider(source, { clock, refreshSkew: 120 });
    await provider.authToken();
    now += 29_000;
    await provider.authToken();
    await settle();
    expect(source.calls).to.equal(1);
    now += 2000;
    await provider.authToken();
    await until(() => source.calls === 2);
  });

  it('waits for a new token once the cached one has expired', async () => {
    const source = new FakeSource(clock);
    const provider = new CachedTokenProvider(source, { clock, refreshSkew: 0 });
    await provider.authToken();
    now += HOUR;
    expect(await provider.authToken()).to.equal('token-2');
  });

  it('keeps serving the valid token when a background refresh fails, reports it, and retries with backoff', async () => {
    const source = new FakeSource(clock);
    const reported: AuthnError[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const provider = new CachedTokenProvider(source, { clock, onError: (err) => reported.push(err) });
      await provider.authToken();
      now += HOUR - 60_000;
      source.failWith = new NetworkError('POST https://idp.example.com/oauth/token failed: ECONNREFUSED');
      expect(await provider.authToken()).to.equal('token-1');
      await until(() => reported.length === 1);
      expect(reported[0]).to.equal(source.failWith);
      // Within the backoff, callers get the cached token and no grant is attempted.
      now += 500;
      expect(await provider.authToken()).to.equal('token-1');
      await settle();
      expect(source.calls).to.equal(2);
      // After it, the next call retries.
      now += 2000;
      source.failWith = undefined;
      expect(await provider.authToken()).to.equal('token-1');
      await until(() => source.calls === 3);
      await settle();
      expect(await provider.authToken()).to.equal('token-3');
      await settle();
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('doubles the backoff after each failed background refresh', async () => {
    const source = new FakeSource(clock);
    const provider = new CachedTokenProvider(source, { clock, onError: () => undefined });
    await provider.authToken();
    now += HOUR - 100_000;
    source.failWith = new NetworkError('down');
    const attemptsAfter = async (ms: number) => {
      now += ms;
      await provider.authToken();
      await settle();
      return source.calls;
    };
    expect(await attemptsAfter(0)).to.equal(2); // fails, backoff ~1 s
    expect(await attemptsAfter(1300)).to.equal(3); // fails, backoff ~2 s
    expect(await attemptsAfter(1300)).to.equal(3); // still backing off
    expect(await attemptsAfter(1300)).to.equal(4);
  });

  it('rejects with the grant error when no valid token is left', async () => {
    const source = new FakeSource(clock);
    source.failWith = new NetworkError('POST https://idp.example.com/oauth/token failed: ECONNREFUSED');
    const provider = new CachedTokenProvider(source, { clock });
    const err = await rejectionOf(provider.authToken());
    expect(err).to.equal(source.failWith);
    expect(await rejectionOf(provider.getAccessToken())).to.be.instanceOf(NetworkError);
  });

  it('gets a new token after invalidate()', async () => {
    const source = new FakeSource(clock);
    const store = new MemoryTokenStore({ clock });
    const provider = new CachedTokenProvider(source, { clock, store });
    expect(await provider.authToken()).to.equal('token-1');
    await provider.invalidate();
    expect(await store.get(source.cacheKey)).to.equal(undefined);
    expect(await provider.authToken()).to.equal('token-2');
  });

  it('leaves a newer token alone when asked to invalidate an older one', async () => {
    const source = new FakeSource(clock);
    const provider = new CachedTokenProvider(source, { clock });
    await provider.authToken();
    await provider.invalidate('token-0');
    expect(await provider.authToken()).to.equal('token-1');
    await provider.invalidate('token-1');
    expect(await provider.authToken()).to.equal('token-2');
    expect(source.calls).to.equal(2);
  });

  it('does not adopt an invalidated token that a store still holds', async () => {
    const source = new FakeSource(clock);
    const store = new MemoryTokenStore({ clock });
    const stubborn: TokenStore = {
      get: (key) => store.get(key),
      set: (key, token, ttl) => store.set(key, token, ttl),
      delete: () => Promise.resolve(), // never deletes
    };
    const provider = new CachedTokenProvider(source, { clock, store: stubborn });
    await provider.authToken();
    await provider.invalidate();
    expect(await provider.authToken()).to.equal('token-2');
  });

  it('shares tokens and one in-flight grant between providers of the same store and key', async () => {
    const store = new MemoryTokenStore({ clock });
    const a = new FakeSource(clock);
    const b = new FakeSource(clock);
    a.hold = true;
    const one = new CachedTokenProvider(a, { clock, store });
    const two = new CachedTokenProvider(b, { clock, store });
    const calls = [one.authToken(), two.authToken(), one.authToken()];
    await until(() => a.pending.length === 1);
    a.pending[0]!();
    expect(await Promise.all(calls)).to.deep.equal(['token-1', 'token-1', 'token-1']);
    expect(await new CachedTokenProvider(b, { clock, store }).authToken()).to.equal('token-1');
    expect(a.calls + b.calls).to.equal(1);
  });

  it('keeps the tokens of different keys apart in one store', async () => {
    const store = new MemoryTokenStore({ clock });
    const orders = new CachedTokenProvider(new FakeSource(clock, 'orders'), { clock, store });
    const billing = new CachedTokenProvider(new FakeSource(clock, 'billing'), { clock, store });
    expect(await orders.authToken()).to.equal('token-1');
    expect(await billing.authToken()).to.equal('token-1');
    expect(store.size).to.equal(2);
  });

  it('adopts a valid token from the store at once and renews it in the background when it is due', async () => {
    const store = new MemoryTokenStore({ clock });
    const source = new FakeSource(clock);
    await store.set(
      source.cacheKey,
      { accessToken: 'shared', issuedAt: now - HOUR + 60_000, expiresAt: now + 60_000 },
      55_000,
    );
    const provider = new CachedTokenProvider(source, { clock, store });
    expect(await provider.authToken()).to.equal('shared');
    await until(() => source.calls === 1);
    await settle();
    expect(await provider.authToken()).to.equal('token-1');
  });

  it('falls back to the token endpoint when the store fails, and reports the failure', async () => {
    const reported: AuthnError[] = [];
    const calls: string[] = [];
    const broken: TokenStore = {
      get: () => Promise.reject(new Error("READONLY You can't write against a read only replica.")),
      set: () => Promise.reject(new Error('connection lost')),
      delete: () => Promise.reject(new Error('connection lost')),
      lock: () => {
        calls.push('lock');
        return Promise.resolve(undefined);
      },
    };
    const source = new FakeSource(clock);
    const provider = new CachedTokenProvider(source, { clock, store: broken, onError: (err) => reported.push(err) });
    expect(await provider.authToken()).to.equal('token-1');
    await provider.invalidate();
    expect(reported.map((err) => err.constructor)).to.deep.equal([NetworkError, NetworkError]);
    expect(reported.map((err) => err.message)).to.deep.equal([
      "token store get failed: READONLY You can't write against a read only replica.",
      'token store delete failed: connection lost',
    ]);
    expect(calls).to.deep.equal([]);
  });

  it('does without the store for the rest of a renewal once a store call failed: no lock, no write, no wait', async () => {
    for (const failing of ['get', 'lock'] as const) {
      const calls: string[] = [];
      const store: TokenStore = {
        get: () => {
          calls.push('get');
          return failing === 'get' ? Promise.reject(new Error('stalled')) : Promise.resolve(undefined);
        },
        set: () => {
          calls.push('set');
          return Promise.resolve();
        },
        delete: () => Promise.resolve(),
        lock: () => {
          calls.push('lock');
          return Promise.reject(new Error('stalled'));
        },
      };
      const source = new FakeSource(clock);
      const provider = new CachedTokenProvider(source, { clock, store });
      expect(await provider.authToken()).to.equal('token-1');
      expect(calls, failing).to.deep.equal(failing === 'get' ? ['get'] : ['get', 'lock']);
      now += HOUR - 1000; // due: the background renewal looks again, and does without the store again
      expect(await provider.authToken()).to.equal('token-1');
      await until(() => source.calls === 2);
      await settle();
      expect(calls, failing).to.deep.equal(failing === 'get' ? ['get', 'get'] : ['get', 'lock', 'get', 'lock']);
      expect(await provider.authToken()).to.equal('token-2');
    }
  });

  it('survives an onError listener that throws', async () => {
    const source = new FakeSource(clock);
    const provider = new CachedTokenProvider(source, {
      clock,
      onError: () => {
        throw new Error('listener bug');
      },
    });
    await provider.authToken();
    now += HOUR - 1000;
    source.failWith = new NetworkError('down');
    expect(await provider.authToken()).to.equal('token-1');
    await settle();
  });

  it('wraps a failure of a custom source that is not one of the library errors', async () => {
    const source = new FakeSource(clock);
    source.failWith = new RangeError('bad thing\n    at stack');
    const err = await rejectionOf(new CachedTokenProvider(source, { clock }).authToken());
    expect(err).to.be.instanceOf(AuthnError);
    expect(err.message).to.equal('token grant failed: bad thing');
  });

  it('refuses a token that has already expired', async () => {
    const source = new FakeSource(clock);
    source.lifetime = 0;
    const err = await rejectionOf(new CachedTokenProvider(source, { clock }).authToken());
    expect(err).to.be.instanceOf(TokenResponseError);
  });

  it('asks a source that keeps giving the same due token again only after a backoff', async () => {
    let reads = 0;
    const fixed: StoredToken = { accessToken: 'static', issuedAt: now, expiresAt: now + HOUR };
    const source: TokenSource = {
      cacheKey: 'static',
      fetchToken: () => {
        reads += 1;
        return Promise.resolve(fixed);
      },
    };
    const provider = new CachedTokenProvider(source, { clock });
    await provider.authToken();
    now += HOUR - 60_000;
    for (let i = 0; i < 20; i++) {
      expect(await provider.authToken()).to.equal('static');
      await settle();
    }
    expect(reads).to.equal(2);
  });

  describe('diagnostics', () => {
    afterEach(stopListening);

    /** The messages without their durations, which vary. */
    const shape = (messages: TokenGrantMessage[]) =>
      messages.map(({ duration, ...rest }) => {
        expect(duration).to.be.a('number').and.to.be.at.least(0);
        return rest;
      });

    it('publishes each token handed out on authn-client:token:grant: a miss that waited, then hits', async () => {
      const grants = listen<TokenGrantMessage>(DIAGNOSTICS_CHANNELS.tokenGrant);
      const provider = new CachedTokenProvider(new FakeSource(clock), { clock });
      await provider.authToken();
      await provider.authToken();
      await provider.getAccessToken();
      const endpoint = 'https://idp.example.com/oauth/token';
      expect(shape(grants.messages)).to.deep.equal([
        { endpoint, cache: 'miss', background: false },
        { endpoint, cache: 'hit', background: false },
        { endpoint, cache: 'hit', background: false },
      ]);
      expect(grants.messages[1]?.duration).to.equal(0);
      for (const message of grants.messages) expectNoSecrets(message, ['token-1']);
    });

    it('publishes a renewal in the background, and a call that failed with its error', async () => {
      const grants = listen<TokenGrantMessage>(DIAGNOSTICS_CHANNELS.tokenGrant);
      const source = new FakeSource(clock);
      const provider = new CachedTokenProvider(source, { clock, refreshSkew: 120, onError: () => undefined });
      await provider.getAccessToken();
      now += HOUR - 60_000;
      await provider.authToken(); // due: renewed in the background
      await until(() => grants.messages.length === 3);
      now += HOUR;
      source.failWith = new NetworkError('token endpoint down');
      await rejectionOf(provider.getAccessToken());
      const endpoint = source.endpoint;
      expect(shape(grants.messages)).to.deep.equal([
        { endpoint, cache: 'miss', background: false },
        { endpoint, cache: 'hit', background: false },
        { endpoint, cache: 'miss', background: true },
        { endpoint, cache: 'miss', background: false, error: source.failWith },
      ]);
    });

    it('publishes nothing while nobody listens, and an endpoint-less source as undefined', async () => {
      const grants = listen<TokenGrantMessage>(DIAGNOSTICS_CHANNELS.tokenGrant);
      grants.stop();
      const provider = new CachedTokenProvider(new FakeSource(clock), { clock });
      await provider.authToken();
      expect(grants.messages).to.deep.equal([]);
      const bare = listen<TokenGrantMessage>(DIAGNOSTICS_CHANNELS.tokenGrant);
      const source: TokenSource = { cacheKey: 'bare', fetchToken: () => new FakeSource(clock).fetchToken() };
      await new CachedTokenProvider(source, { clock }).authToken();
      expect(bare.messages[0]?.endpoint).to.equal(undefined);
    });
  });

  it('checks refreshSkew and store', () => {
    const source = new FakeSource(clock);
    for (const refreshSkew of [-1, Number.NaN, Infinity, '120' as unknown as number]) {
      const err = thrownBy(() => new CachedTokenProvider(source, { refreshSkew }));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'refreshSkew');
    }
    const err = thrownBy(() => new CachedTokenProvider(source, { store: {} as TokenStore }));
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'store');
  });

  describe('with a store that locks', () => {
    /** A memory store with a lock that a test can hold "from another process". */
    class LockingStore extends MemoryTokenStore {
      held = false;
      locks = 0;
      async lock(): Promise<TokenStoreLock | undefined> {
        if (this.held) return undefined;
        this.held = true;
        this.locks += 1;
        return { release: async () => void (this.held = false) };
      }
    }

    it('waits for the holder of the lock and adopts the token it stores, without a grant', async () => {
      const store = new LockingStore({ clock });
      const source = new FakeSource(clock);
      store.held = true; // another process is granting
      const provider = new CachedTokenProvider(source, { clock, store });
      const call = provider.authToken();
      await new Promise((resolve) => setTimeout(resolve, 120));
      await store.set(source.cacheKey, { accessToken: 'from-elsewhere', issuedAt: now, expiresAt: now + HOUR }, HOUR);
      expect(await call).to.equal('from-elsewhere');
      expect(source.calls).to.equal(0);
    });

    it('takes over when the holder lets its lock go without storing a token', async () => {
      const store = new LockingStore({ clock });
      const source = new FakeSource(clock);
      store.held = true;
      const provider = new CachedTokenProvider(source, { clock, store });
      const call = provider.authToken();
      await new Promise((resolve) => setTimeout(resolve, 120));
      store.held = false; // the holder's lock expired
      expect(await call).to.equal('token-1');
      expect(source.calls).to.equal(1);
      expect(store.held).to.equal(false);
    });

    it('grants under the lock, stores the token, and releases the lock', async () => {
      const store = new LockingStore({ clock });
      const source = new FakeSource(clock);
      const provider = new CachedTokenProvider(source, { clock, store });
      expect(await provider.authToken()).to.equal('token-1');
      expect(store.locks).to.equal(1);
      expect(store.held).to.equal(false);
      expect((await store.get(source.cacheKey))?.accessToken).to.equal('token-1');
    });

    it('releases the lock when the grant fails', async () => {
      const store = new LockingStore({ clock });
      const source = new FakeSource(clock);
      source.failWith = new NetworkError('down');
      const err = await rejectionOf(new CachedTokenProvider(source, { clock, store }).authToken());
      expect(err).to.equal(source.failWith);
      expect(store.held).to.equal(false);
    });

    it('grants without the lock when the store cannot lock', async () => {
      const store = new LockingStore({ clock });
      store.lock = () => Promise.reject(new Error('NOSCRIPT'));
      const reported: AuthnError[] = [];
      const source = new FakeSource(clock);
      const provider = new CachedTokenProvider(source, { clock, store, onError: (err) => reported.push(err) });
      expect(await provider.authToken()).to.equal('token-1');
      expect(reported).to.have.length(1);
    });
  });
});

describe('tokenCacheKey', () => {
  it('gives the same key for the same parts and different keys when any part differs', () => {
    const key = tokenCacheKey(['client_credentials', 'https://a/token', 'cid', 'aud', undefined]);
    expect(key).to.equal(tokenCacheKey(['client_credentials', 'https://a/token', 'cid', 'aud', undefined]));
    expect(key).to.not.equal(tokenCacheKey(['client_credentials', 'https://a/token', 'cid', 'aud', 'org']));
    expect(tokenCacheKey(['ab', 'c'])).to.not.equal(tokenCacheKey(['a', 'bc']));
    expect(key).to.match(/^[A-Za-z0-9_-]{43}$/);
  });
});
