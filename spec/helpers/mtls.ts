// A token endpoint on 127.0.0.1 that demands a TLS client certificate (RFC 8705 mutual TLS), and the test
// certificates in spec/fixtures/mtls: self-signed material made for the specs only (openssl req -x509, 100
// years; the server's for IP 127.0.0.1); no key there protects anything.
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';

/** The path of a fixture file: `server.crt`, `client.key`, `stranger.crt`, … */
export function mtlsFixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/mtls/${name}.pem`, import.meta.url));
}

/** A certificate and its key, as PEM text. */
export interface TlsIdentity {
  readonly cert: string;
  readonly key: string;
}

/** The identity of a fixture pair (`server`, `client` — trusted by the endpoint — or `stranger`). */
export function identity(name: 'server' | 'client' | 'stranger'): TlsIdentity {
  return {
    cert: readFileSync(mtlsFixture(`${name}.crt`), 'utf8'),
    key: readFileSync(mtlsFixture(`${name}.key`), 'utf8'),
  };
}

/** An agent presenting `who`'s certificate and trusting the endpoint's. */
export function agentOf(who: TlsIdentity): HttpsAgent {
  return new HttpsAgent({ ...who, ca: identity('server').cert });
}

/** What the endpoint saw of one grant: the form, and the CN of the client certificate. */
export interface MutualTlsGrant {
  form: Record<string, string>;
  subject: string | undefined;
}

/** A running endpoint. */
export interface MutualTlsEndpoint {
  /** `127.0.0.1:PORT`, for the `domain` option (the token endpoint is https://DOMAIN/oauth/token). */
  readonly domain: string;
  /** Every grant that completed the handshake, in order. */
  readonly grants: MutualTlsGrant[];
  close(): Promise<void>;
}

/** Starts a token endpoint that completes the TLS handshake only with the `client` certificate. */
export async function startMutualTlsEndpoint(): Promise<MutualTlsEndpoint> {
  const grants: MutualTlsGrant[] = [];
  const options = { ...identity('server'), requestCert: true, rejectUnauthorized: true, ca: [identity('client').cert] };
  const server = createServer(options, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const subject = peer.subject === undefined ? undefined : String(peer.subject.CN);
      grants.push({ form: Object.fromEntries(new URLSearchParams(body)), subject });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: 'at-mtls', token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    domain: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    grants,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
