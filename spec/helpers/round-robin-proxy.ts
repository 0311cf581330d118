// A load balancer without stickiness for the replica specs: every request (not every connection) goes to the next
// backend in turn, and the proxy records which backend served which request.
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The backends' `host:port`, in turn order; set once they are up. */
  backends: string[];
  /** Which backend (its index) served each request, in order, with its path. */
  readonly served: Array<{ backend: number; method: string; path: string }>;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port, with no backend yet (a request then gets 502). */
export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let turn = 0;
  const proxy: Omit<RoundRobinProxy, 'url' | 'close'> = { backends: [], served: [] };
  const server = createServer((req, res) => {
    if (proxy.backends.length === 0) {
      res.writeHead(502).end('no backend');
      return;
    }
    const backend = turn++ % proxy.backends.length;
    const [hostname, port] = proxy.backends[backend]!.split(':');
    proxy.served.push({ backend, method: req.method ?? 'GET', path: req.url ?? '/' });
    const upstream = forward(
      { hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end('backend failed'));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
