// Mutual-TLS client authentication (RFC 8705 §2) over a real TLS connection: a token endpoint on 127.0.0.1 that
// demands a client certificate (spec/helpers/mtls.ts), and the grant of GetToken and of ClientCredentialsProvider
// presenting one through `httpsAgent`.
import { expect } from 'chai';
import { GetToken } from '../../lib/authentication/get-token.js';
import { NetworkError } from '../../lib/errors.js';
import { ClientCredentialsProvider } from '../../lib/providers/client-credentials.js';
import { agentOf, identity, type MutualTlsEndpoint, startMutualTlsEndpoint } from '../helpers/mtls.js';
import { rejectionOf } from '../helpers/secrets.js';

const AUDIENCE = 'https://api.example.com/';

describe('mutual-TLS client authentication (RFC 8705)', () => {
  let endpoint: MutualTlsEndpoint;

  beforeEach(async () => {
    endpoint = await startMutualTlsEndpoint();
  });

  afterEach(() => endpoint.close());

  const getToken = (who: 'client' | 'stranger') =>
    new GetToken({
      domain: endpoint.domain,
      clientId: 'm2m',
      clientAuthMethod: 'tls_client_auth',
      httpsAgent: agentOf(identity(who)),
    });

  it('GetToken sends only client_id and proves the client with its certificate', async () => {
    const token = await getToken('client').clientCredentials({ audience: AUDIENCE });
    expect(token.access_token).to.equal('at-mtls');
    expect(endpoint.grants).to.deep.equal([
      { form: { grant_type: 'client_credentials', client_id: 'm2m', audience: AUDIENCE }, subject: 'm2m-client' },
    ]);
  });

  it('ClientCredentialsProvider gets and caches a token the same way', async () => {
    const provider = new ClientCredentialsProvider({
      domain: endpoint.domain,
      clientId: 'm2m',
      audience: AUDIENCE,
      clientAuthMethod: 'self_signed_tls_client_auth',
      httpsAgent: agentOf(identity('client')),
    });
    expect(await provider.authToken()).to.equal('at-mtls');
    expect(await provider.authToken()).to.equal('at-mtls');
    expect(endpoint.grants).to.have.length(1);
    expect(endpoint.grants[0]?.subject).to.equal('m2m-client');
    expect(endpoint.grants[0]?.form).to.not.have.any.keys('client_secret', 'client_assertion');
  });

  it('fails with a NetworkError when the endpoint refuses the certificate', async () => {
    const failure = await rejectionOf(getToken('stranger').clientCredentials({ audience: AUDIENCE }));
    expect(failure).to.be.instanceOf(NetworkError);
    expect(endpoint.grants).to.deep.equal([]);
  });
});
