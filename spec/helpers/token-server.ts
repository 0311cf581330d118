// A token endpoint on 127.0.0.1 that counts its grants: for the CLI, the Redis fleet tests and the benchmarks.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received. */
export interface ReceivedGrant {
  path: string;
  headers: IncomingMessage['headers'];
  form: Record<string, string>;
  /** The form as sent, for fields that repeat. */
  raw: URLSearchParams;
}

/** What the server answers: a status and a JSON body (or text), after an optional delay. */
export interface TokenAnswer {
  status?: number;
  body?: unknown;
  delay?: number;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `http://127.0.0.1:PORT/oauth/token` */
  tokenEndpoint: string;
  /** Every request received, in order. */
  grants: ReceivedGrant[];
  /** Replaces the answer of the following requests. */
  answer(next: (grant: ReceivedGrant, index: number) => TokenAnswer): void;
  close(): Promise<void>;
}

/** By default: `{ access_token: 'token-N', token_type: 'Bearer', expires_in }` for the N-th grant (1-based). */
export async function startTokenServer(expiresIn = 3600): Promise<TokenServer> {
  const grants: ReceivedGrant[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let respond = (_grant: ReceivedGrant, index: number): TokenAnswer => ({
    body: { access_token: `token-${index + 1}`, token_type: 'Bearer', expires_in: expiresIn },
  });
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const raw = new URLSearchParams(text);
      const grant = { path: req.url ?? '', headers: req.headers, form: Object.fromEntries(raw), raw };
      const index = grants.push(grant) - 1;
      const { status = 200, body, delay = 0 } = respond(grant, index);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      }, delay);
      timers.add(timer);
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    tokenEndpoint: `${origin}/oauth/token`,
    grants,
    answer(next) {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
