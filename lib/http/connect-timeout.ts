import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';

/** The code of the error a connection that took too long is destroyed with; mapped to a `TimeoutError`. */
export const CONNECT_TIMEOUT_CODE = 'ERR_CONNECT_TIMEOUT';

/** Destroys `socket` unless it emits `ready` (connected, and for TLS the handshake done) within `ms`. */
function bound<S extends Duplex | null | undefined>(socket: S, ready: string, ms: number): S {
  if (socket === null || socket === undefined) return socket;
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error(`no connection within ${ms} ms`), { code: CONNECT_TIMEOUT_CODE }));
  }, ms);
  const clear = () => clearTimeout(timer);
  socket.once(ready, clear);
  socket.once('close', clear);
  return socket;
}

/**
 * The agents of a client with a `connectTimeout`: keep-alive agents (as Node's global ones) whose new
 * connections fail with {@link CONNECT_TIMEOUT_CODE} when the TCP connection — and, for `https:`, the TLS
 * handshake — is not done within `ms` milliseconds. A reused connection has nothing to wait for.
 *
 * @example
 * const { httpAgent, httpsAgent } = connectTimeoutAgents(2000);
 */
export function connectTimeoutAgents(ms: number): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  class TimedHttpAgent extends HttpAgent {
    override createConnection(
      ...args: Parameters<HttpAgent['createConnection']>
    ): ReturnType<HttpAgent['createConnection']> {
      return bound(super.createConnection(...args), 'connect', ms);
    }
  }
  class TimedHttpsAgent extends HttpsAgent {
    override createConnection(
      ...args: Parameters<HttpsAgent['createConnection']>
    ): ReturnType<HttpsAgent['createConnection']> {
      return bound(super.createConnection(...args), 'secureConnect', ms);
    }
  }
  return { httpAgent: new TimedHttpAgent({ keepAlive: true }), httpsAgent: new TimedHttpsAgent({ keepAlive: true }) };
}
