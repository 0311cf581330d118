// A local HTTP server (127.0.0.1, random port) that serves JWKS and discovery documents for the verifier
// specs: documents are swappable per path, every request is counted per path, and a path can answer with any
// status, body, delay or a custom handler (hang, redirect, HTML…). Close it in an `after` hook.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a path answers. */
export interface Reply {
  /** HTTP status. @defaultValue 200 */
  status?: number;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (wins over `json`). */
  body?: string;
  /** Response headers. */
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering. */
  delay?: number;
}

/** A custom handler for a path. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A running server. */
export interface JwksServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** `{origin}/` — an Auth0-style issuer with its trailing slash. */
  readonly issuer: string;
  /** `{origin}/.well-known/jwks.json`. */
  readonly jwksUri: string;
  /** Sets what `path` answers from now on. */
  set(path: string, reply: Reply | Handler): void;
  /** Serves `{ keys }` at `/.well-known/jwks.json`. */
  setKeys(keys: readonly unknown[]): void;
  /** Serves a discovery document at `/.well-known/openid-configuration` (default: this issuer and jwksUri). */
  setDiscovery(document?: Record<string, unknown>): void;
  /** Requests received on `path` (query ignored) since start or the last `resetCounts()`. */
  count(path: string): number;
  /** Paths of every request received since start or the last `resetCounts()`, in order. */
  readonly requests: string[];
  /** Sets every count to zero and empties `requests`. */
  resetCounts(): void;
  /** Stops the server (closing idle keep-alive sockets). */
  close(): Promise<void>;
}

/** The JWKS path of {@link JwksServer}. */
export const JWKS_PATH = '/.well-known/jwks.json';
/** The discovery path of {@link JwksServer}. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** Starts a server on 127.0.0.1 with a free port; unknown paths answer 404. */
export async function startJwksServer(): Promise<JwksServer> {
  const routes = new Map<string, Reply | Handler>();
  const counts = new Map<string, number>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(path);
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (route === undefined) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    if (typeof route === 'function') {
      route(req, res);
      return;
    }
    const send = () => {
      if (res.destroyed) return;
      res.statusCode = route.status ?? 200;
      for (const [name, value] of Object.entries(route.headers ?? {})) res.setHeader(name, value);
      if (route.body !== undefined) {
        res.end(route.body);
      } else {
        if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(route.json ?? {}));
      }
    };
    if (route.delay !== undefined) setTimeout(send, route.delay);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/`;
  const jwksUri = `${origin}${JWKS_PATH}`;
  return {
    origin,
    issuer,
    jwksUri,
    requests,
    set: (path, reply) => routes.set(path, reply),
    setKeys: (keys) => routes.set(JWKS_PATH, { json: { keys } }),
    setDiscovery: (document = { issuer, jwks_uri: jwksUri }) => routes.set(DISCOVERY_PATH, { json: document }),
    count: (path) => counts.get(path) ?? 0,
    resetCounts: () => {
      counts.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
