// Mutual-TLS client authentication (RFC 8705 §2) over a real TLS connection: a token endpoint on 127.0.0.1 that
// demands a client certificate, and the grant of GetToken and of ClientCredentialsProvider presenting one
// through `httpsAgent`. The certificates in spec/fixtures/mtls are self-signed test material made for these
// specs only (openssl req -x509, 100 years); no key there protects anything.
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { expect } from 'chai';
import { GetToken } from '../../lib/authentication/get-token.js';
import { NetworkError } from '../../lib/errors.js';
import { ClientCredentialsProvider } from '../../lib/providers/client-credentials.js';
import { rejectionOf } from '../helpers/secrets.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/mtls/${name}.pem`, import.meta.url), 'utf8');
const server = { key: fixture('server.key'), cert: fixture('server.crt') };
const client = { key: fixture('client.key'), cert: fixture('client.crt') };
const stranger = { key: fixture('stranger.key'), cert: fixture('stranger.crt') };

/** What the token endpoint saw of each grant: the form, and the subject of the client certificate. */
interface Grant {
  form: Record<string, string>;
  subject: string | undefined;
}

describe('mutual-TLS client authentication (RFC 8705)', () => {
  let endpoint: Server;
  let domain: string;
  const grants: Grant[] = [];

  before(async () => {
    // Only a client presenting the client certificate completes the handshake.
    endpoint = createServer(
      { ...server, requestCert: true, rejectUnauthorized: true, ca: [client.cert] },
      (req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => {
          const peer = (req.socket as TLSSocket).getPeerCertificate();
          grants.push({
            form: Object.fromEntries(new URLSearchParams(body)),
            subject: peer.subject === undefined ? undefined : String(peer.subject.CN),
          });
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ access_token: 'at-mtls', token_type: 'Bearer', expires_in: 3600 }));
        });
      },
    );
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    domain = `127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => endpoint.close(() => resolve())));

  beforeEach(() => {
    grants.length = 0;
  });

  const agentOf = (identity: { key: string; cert: string }) => new HttpsAgent({ ...identity, ca: server.cert });

  it('GetToken sends only client_id and proves the client with its certificate', async () => {
    const getToken = new GetToken({
      domain,
      clientId: 'm2m',
      clientAuthMethod: 'tls_client_auth',
      httpsAgent: agentOf(client),
    });
    const token = await getToken.clientCredentials({ audience: 'https://api.example.com/' });
    expect(token.access_token).to.equal('at-mtls');
    expect(grants).to.deep.equal([
      {
        form: { grant_type: 'client_credentials', client_id: 'm2m', audience: 'https://api.example.com/' },
        subject: 'm2m-client',
      },
    ]);
  });

  it('ClientCredentialsProvider gets and caches a token the same way', async () => {
    const provider = new ClientCredentialsProvider({
      domain,
      clientId: 'm2m',
      audience: 'https://api.example.com/',
      clientAuthMethod: 'self_signed_tls_client_auth',
      httpsAgent: agentOf(client),
    });
    expect(await provider.authToken()).to.equal('at-mtls');
    expect(await provider.authToken()).to.equal('at-mtls');
    expect(grants).to.have.length(1);
    expect(grants[0]?.subject).to.equal('m2m-client');
    expect(grants[0]?.form).to.not.have.any.keys('client_secret', 'client_assertion');
  });

  it('fails with a NetworkError when the endpoint refuses the certificate', async () => {
    const getToken = new GetToken({
      domain,
      clientId: 'm2m',
      clientAuthMethod: 'tls_client_auth',
      httpsAgent: agentOf(stranger),
    });
    expect(await rejectionOf(getToken.clientCredentials({ audience: 'https://api.example.com/' }))).to.be.instanceOf(
      NetworkError,
    );
    expect(grants).to.deep.equal([]);
  });
});
