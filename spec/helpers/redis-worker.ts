// One replica of a fleet, run as a child process by the Redis tests and the benchmark: it asks its provider for a
// token in a loop, sharing tokens with its siblings through Redis, and reports what it saw to its parent.
//   mode "loop":   on {go: durationMs}, call authToken() every 10 ms for that long, then report and exit.
//   mode "single": call authToken() once at start (the test kills it while its grant hangs).
import { Redis } from 'ioredis';
import { ClientCredentialsProvider } from '../../lib/providers/client-credentials.js';
import { RedisTokenStore } from '../../lib/providers/stores/redis.js';

const { REDIS_PORT, TOKEN_ENDPOINT, REFRESH_SKEW, LOCK_TTL, PREFIX, MODE } = process.env;

const redis = new Redis(Number(REDIS_PORT), '127.0.0.1', { maxRetriesPerRequest: 1 });
const store = new RedisTokenStore(redis, { prefix: PREFIX ?? 'authn:test:', lockTtl: Number(LOCK_TTL ?? 5000) });
const provider = new ClientCredentialsProvider({
  tokenEndpoint: String(TOKEN_ENDPOINT),
  clientId: 'fleet-client',
  clientSecret: 'fleet-secret',
  audience: 'https://api.example.com/',
  refreshSkew: Number(REFRESH_SKEW ?? 120),
  store,
});

async function loop(duration: number): Promise<void> {
  const tokens = new Set<string>();
  let errors = 0;
  let calls = 0;
  const end = Date.now() + duration;
  while (Date.now() < end) {
    try {
      tokens.add(await provider.authToken());
    } catch {
      errors += 1;
    }
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  process.send?.({ tokens: [...tokens], errors, calls }, () => {
    void redis.quit().finally(() => process.exit(0));
  });
}

if (MODE === 'single') {
  void provider.authToken();
} else {
  process.on('message', (message: { go?: number }) => {
    if (typeof message.go === 'number') void loop(message.go);
  });
  process.send?.({ ready: true });
}
