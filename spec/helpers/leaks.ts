// Drives a method that sends secrets through every failure path of the transport (HTTP error, rate limit, HTML
// page, refused connection, timeout) against a real server on 127.0.0.1, and asserts that no secret shows in any
// rendering of the error or of the client object.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { Auth0Error, NetworkError, RateLimitError, TimeoutError } from '../../lib/errors.js';
import { decode } from './capture.js';
import { expectNoSecrets, rejectionOf } from './secrets.js';

/** The options a leak case builds its client with. */
export interface LeakClientOptions {
  domain: string;
  protocol: 'http';
  timeout: number;
  retry: { maxRetries: number };
}

/** A client, the call that sends the secrets, and the secrets known in advance. */
export interface LeakCase<C> {
  make: (options: LeakClientOptions) => C;
  call: (client: C) => Promise<unknown>;
  secrets: readonly string[];
}

type Mode = 'error' | 'rate-limit' | 'html' | 'hang';

/** Values the client generated and sent (assertions, Basic credentials) that count as secrets too. */
function sentSecrets(body: Record<string, unknown>, authorization: string | undefined): string[] {
  const found: string[] = [];
  if (typeof body.client_assertion === 'string') found.push(body.client_assertion);
  if (typeof body.client_secret === 'string') found.push(body.client_secret);
  if (authorization !== undefined) found.push(authorization, authorization.replace(/^\w+ /, ''));
  return found;
}

/** Declares one `it` per failure path for `label`. */
export function itKeepsSecretsOutOfErrors<C>(label: string, leakCase: LeakCase<C>): void {
  describe(`${label} keeps secrets out of errors`, () => {
    let server: Server;
    let domain: string;
    let mode: Mode = 'error';
    const generated: string[] = [];

    before(async () => {
      server = createServer((req, res) => {
        let raw = '';
        req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        req.on('end', () => {
          const { body } = decode(raw, req.headers['content-type'] ?? '');
          generated.push(...sentSecrets(body, req.headers.authorization));
          if (mode === 'hang') return;
          if (mode === 'rate-limit') {
            res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '60' });
            res.end(JSON.stringify({ error: 'too_many_requests', error_description: 'Global limit exceeded' }));
          } else if (mode === 'html') {
            res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
          } else {
            res.writeHead(401, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: 'invalid_client', error_description: 'Unauthorized' }));
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      domain = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(() => {
      server.closeAllConnections();
      server.close();
    });

    const options = (target: string, timeout = 2000): LeakClientOptions => ({
      domain: target,
      protocol: 'http',
      timeout,
      retry: { maxRetries: 0 },
    });

    async function failure(target: string, timeout?: number): Promise<Error> {
      generated.length = 0;
      const client = leakCase.make(options(target, timeout));
      const err = await rejectionOf(leakCase.call(client));
      const secrets = [...leakCase.secrets, ...generated];
      expectNoSecrets(err, secrets);
      expectNoSecrets(inspect(client, { showHidden: true, depth: Infinity }), secrets);
      return err;
    }

    it('on an HTTP error answer (Auth0Error)', async () => {
      mode = 'error';
      const err = await failure(domain);
      expect(err).to.be.instanceOf(Auth0Error);
      expect((err as Auth0Error).statusCode).to.equal(401);
    });

    it('on a rate limit (RateLimitError)', async () => {
      mode = 'rate-limit';
      const err = await failure(domain);
      expect(err).to.be.instanceOf(RateLimitError);
      expect((err as RateLimitError).retryAfter).to.equal(60);
    });

    it('on an HTML error page (Auth0Error)', async () => {
      mode = 'html';
      const err = await failure(domain);
      expect([(err as Auth0Error).statusCode, err.message]).to.deep.equal([
        502,
        '<html><body>Bad gateway</body></html>',
      ]);
    });

    it('on a refused connection (NetworkError)', async () => {
      const err = await failure('127.0.0.1:1');
      expect(err).to.be.instanceOf(NetworkError);
    });

    it('on a timeout (TimeoutError)', async () => {
      mode = 'hang';
      const err = await failure(domain, 100);
      expect(err).to.be.instanceOf(TimeoutError);
    });
  });
}
