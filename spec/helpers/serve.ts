// Runs a request listener (a node:http handler or an Express app) on 127.0.0.1 with a free port, for specs that
// talk to real servers over real HTTP; and sends raw requests that fetch cannot (a repeated header).
import { createServer, type RequestListener } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/** A running server. */
export interface Served {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Stops it, closing every connection. */
  close(): Promise<void>;
}

/** Serves `listener` until `close()`. */
export async function serve(listener: RequestListener): Promise<Served> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `GET path` with the raw header lines given; resolves to the status line and the raw response. */
export function rawGet(
  port: number,
  path: string,
  headerLines: readonly string[],
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(text.slice(9, 12)), text }));
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headerLines.map((line) => `${line}\r\n`).join('')}\r\n`,
    );
  });
}
