// Login benchmark (npx tsx bench/login.ts; about 30 s): what the relying party costs the application.
//   1. the requests of two whole logins against the embedded OpenID Provider (both profiles), by endpoint and by
//      sender (the browser, driven by headlessLogin; the application, OidcClient), seen on diagnostics channels;
//   2. µs per call of startLogin() (state, nonce, PKCE, the sealed transaction and the URL; no I/O), of sealing a
//      transaction, of opening one (TransactionSealer.find) alone and among 5 open tabs, and of the callback's
//      checks (acceptCallback), each beside the floor measured in the same slices: AES-256-GCM of the same
//      payload with a key at hand (node:crypto alone, no HKDF, no JSON).
// BENCH_ROUNDS (default 7) rounds of BENCH_MS (default 300) ms per case; the table gives each round and the median.
import { createCipheriv, randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { startDevServer } from '../lib/dev-server/dev-server.js';
import { headlessLogin } from '../lib/dev-server/headless-login.js';
import type { DevServerOptions } from '../lib/dev-server/options.js';
import { acceptCallback } from '../lib/oidc/callback.js';
import { OidcClient } from '../lib/oidc/oidc-client.js';
import { type TransactionPayload, TransactionSealer } from '../lib/oidc/transaction.js';
import { formatRatio, median, type Operation, opsBeside, printTable, settle } from './lib/timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const MS = Number(process.env.BENCH_MS ?? 300);
const SECRET = 'a-benchmark-secret-that-is-long-enough-0123456789';
const ISSUER = 'https://op.example.com';
const CALLBACK = 'https://app.example.com/callback';
const NOW = Math.floor(Date.now() / 1000);

const sealer = new TransactionSealer(SECRET);
const client = new OidcClient(
  { issuer: ISSUER, clientId: 'web', clientSecret: 'a-client-secret', redirectUri: CALLBACK, secret: SECRET },
  {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/authorize`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/jwks`,
  },
);

/** A transaction as startLogin makes it: 32-byte state, nonce and verifier, a returnTo. */
function payload(i: number): TransactionPayload {
  return {
    clientId: 'web',
    state: randomBytes(32).toString('base64url'),
    responseType: 'code',
    nonce: randomBytes(32).toString('base64url'),
    codeVerifier: randomBytes(32).toString('base64url'),
    returnTo: `/orders/${i}`,
    createdAt: NOW,
  };
}

const POOL = 256;
const payloads = Array.from({ length: POOL }, (_, i) => payload(i));
const sealed = payloads.map((p) => sealer.seal(p, 600, 'lax').value);
const plain = payloads.map((p) => Buffer.from(JSON.stringify({ exp: NOW + 600, p }), 'utf8'));
const key = randomBytes(32);
/** Five open tabs: the transaction of the callback comes last. */
const tabs = payloads.map((p, i) => [
  ...[1, 2, 3, 4].map((k) => sealed[(i + k) % POOL] as string),
  sealed[i] as string,
]);

const floor: Operation = {
  async: false,
  run: (i) => {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
    cipher.update(plain[i % POOL] as Buffer);
    cipher.final();
    return cipher.getAuthTag();
  },
};

const cases: [string, Operation][] = [
  [
    'seal a transaction',
    { async: false, run: (i) => sealer.seal(payloads[i % POOL] as TransactionPayload, 600, 'lax') },
  ],
  [
    'open a transaction (find, 1 value)',
    {
      async: false,
      run: (i) => sealer.find((payloads[i % POOL] as TransactionPayload).state, [sealed[i % POOL]], 'web', NOW),
    },
  ],
  [
    'open among 5 tabs (the last matches)',
    {
      async: false,
      run: (i) => sealer.find((payloads[i % POOL] as TransactionPayload).state, tabs[i % POOL] as string[], 'web', NOW),
    },
  ],
  [
    'callback checks (acceptCallback)',
    {
      async: false,
      run: (i) =>
        acceptCallback(
          `${CALLBACK}?code=c&state=${(payloads[i % POOL] as TransactionPayload).state}&iss=${encodeURIComponent(ISSUER)}`,
          sealed[i % POOL] as string,
          {
            sealer,
            clientId: 'web',
            issuer: ISSUER,
            issuerMatches: (iss) => iss === ISSUER,
            issRequired: true,
            now: NOW,
          },
        ),
    },
  ],
  ['startLogin()', { async: true, run: () => client.startLogin({ returnTo: '/orders' }) }],
];

/** A request's method and path, with the provider's random ids (interaction uids) shown as `:uid`. */
function endpointOf(method: string, path: string): string {
  const segments = (path.split('?')[0] ?? '').split('/').map((segment) => (segment.length >= 20 ? ':uid' : segment));
  return `${method} ${segments.join('/')}`;
}

/** A request seen on the wire: who sent it (the browser or the application) and where it went. */
interface Trip {
  from: 'browser' | 'application';
  endpoint: string;
}

/**
 * The requests of whole logins against the dev server, in order: the browser's (headlessLogin, which uses
 * fetch, seen on undici's channel) and the application's (OidcClient, through node:http, seen on its channel).
 * A first login, on a new client, includes discovery and the key set; a second one shows the steady state.
 */
async function roundTrips(options: DevServerOptions): Promise<Trip[][]> {
  const server = await startDevServer(options);
  const trips: Trip[] = [];
  const fromApplication = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    trips.push({ from: 'application', endpoint: endpointOf(request.method, request.path) });
  };
  const fromBrowser = (message: unknown) => {
    const request = (message as { request: { method: string; path: string } }).request;
    trips.push({ from: 'browser', endpoint: endpointOf(request.method, request.path) });
  };
  subscribe('http.client.request.start', fromApplication);
  subscribe('undici:request:create', fromBrowser);
  try {
    const web = server.client('web-app');
    const client = await OidcClient.discover({
      issuer: server.issuer,
      clientId: 'web-app',
      clientSecret: web.clientSecret,
      redirectUri: web.redirectUris[0] as string,
      secret: SECRET,
    });
    const logins: Trip[][] = [];
    for (let i = 0; i < 2; i++) {
      const login = await client.startLogin();
      const response = await headlessLogin(login.url);
      await client.finishLogin(response.url, login.transaction.value);
      logins.push(trips.splice(0));
    }
    return logins; // discovery happened before the first login started, and counts with it
  } finally {
    unsubscribe('http.client.request.start', fromApplication);
    unsubscribe('undici:request:create', fromBrowser);
    await server.stop();
  }
}

function printTrips(label: string, logins: Trip[][]): void {
  for (const [index, trips] of logins.entries()) {
    const browser = trips.filter((trip) => trip.from === 'browser');
    const application = trips.filter((trip) => trip.from === 'application');
    console.log(
      `${label}, login ${index + 1}: ${trips.length} requests to the provider — browser ${browser.length}` +
        ` (${browser.map((trip) => trip.endpoint).join(', ')}), application ${application.length}` +
        ` (${application.map((trip) => trip.endpoint).join(', ')})`,
    );
  }
}

async function main(): Promise<void> {
  printTrips('auth0 profile', await roundTrips({ profile: 'auth0' }));
  printTrips('standard profile', await roundTrips({ profile: 'standard', issuerPath: '/realms/demo' }));
  console.log();
  console.log(`login benchmark: ${ROUNDS} rounds of ${MS} ms per case, beside the AES-256-GCM floor`);
  const results = new Map<string, { us: number[]; floorUs: number[]; ratio: number[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, operation] of cases) {
      await settle();
      const { ops, reference } = await opsBeside(operation, floor, MS);
      const entry = results.get(name) ?? { us: [], floorUs: [], ratio: [] };
      entry.us.push(1e6 / ops);
      entry.floorUs.push(1e6 / reference);
      entry.ratio.push(reference / ops);
      results.set(name, entry);
    }
  }
  const rows: string[][] = [['case', 'µs/op (median)', 'floor µs', 'cost / floor', 'µs/op, each round']];
  for (const [name, { us, floorUs, ratio }] of results) {
    rows.push([
      name,
      median(us).toFixed(2),
      median(floorUs).toFixed(2),
      formatRatio(median(ratio)),
      us.map((value) => value.toFixed(1)).join(' / '),
    ]);
  }
  printTable(rows);
}

await main();
