import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { CONNECT_TIMEOUT_CODE, connectTimeoutAgents } from '../../lib/http/connect-timeout.js';

describe('connectTimeoutAgents', () => {
  let silent: TcpServer;
  let port: number;
  const sockets: Socket[] = [];

  before(async () => {
    // Accepts TCP connections and never says a word: a TLS handshake with it never ends.
    silent = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as AddressInfo).port;
  });

  after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });

  it('destroys a TLS connection whose handshake is not done in time, with its own code', async () => {
    const { httpsAgent } = connectTimeoutAgents(50);
    const started = Date.now();
    const socket = httpsAgent.createConnection({ host: '127.0.0.1', port, servername: 'localhost' } as never);
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => socket?.once('error', resolve));
    expect(error.code).to.equal(CONNECT_TIMEOUT_CODE);
    expect(Date.now() - started).to.be.within(40, 1000);
  });

  it('leaves a connection alone once it is made', async () => {
    const { httpAgent } = connectTimeoutAgents(50);
    const socket = httpAgent.createConnection({ host: '127.0.0.1', port } as never);
    await new Promise((resolve) => socket?.once('connect', resolve));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(socket?.destroyed).to.equal(false);
    socket?.destroy();
  });
});
