import { Agent as HttpsAgent } from 'node:https';
import { inspect } from 'node:util';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import {
  Auth0Error,
  ConfigurationError,
  KeySourceUnavailableError,
  NetworkError,
  TimeoutError,
  TokenResponseError,
} from '../../lib/errors.js';
import { DiscoveryCache } from '../../lib/oidc/discovery.js';
import {
  ClientCredentialsProvider,
  ClientCredentialsSource,
  scopeString,
} from '../../lib/providers/client-credentials.js';
import { MemoryTokenStore } from '../../lib/providers/stores/memory.js';
import { DEFAULT_EXPIRES_IN } from '../../lib/providers/token-endpoint.js';
import { decodeJwt, expectSignedByServer, useDevServer } from '../helpers/dev-server.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';
import { startTokenServer } from '../helpers/token-server.js';

const DOMAIN = 'tenant.example.com';
const ORIGIN = `https://${DOMAIN}`;
const SECRET = 'p&ss=w+rd/%20secret';

type Form = Record<string, string>;

/** Intercepts one POST to the token endpoint, recording its form body and headers. */
function tokenEndpoint(
  path = '/oauth/token',
  reply: unknown = { access_token: 'at-1', token_type: 'Bearer', expires_in: 86400 },
  status = 200,
  origin = ORIGIN,
) {
  const seen: { form?: Form; raw?: string; headers?: Record<string, string | string[] | undefined> } = {};
  const scope = nock(origin)
    .post(path)
    .reply(function (_uri, body) {
      seen.raw = String(body);
      seen.form = Object.fromEntries(new URLSearchParams(seen.raw));
      seen.headers = this.req.headers;
      return [status, reply as nock.Body];
    });
  return { scope, seen };
}

describe('ClientCredentialsProvider', () => {
  it('posts a form-encoded client-credentials grant to https://{domain}/oauth/token and returns the token', async () => {
    const { scope, seen } = tokenEndpoint();
    const provider = new ClientCredentialsProvider({
      domain: DOMAIN,
      clientId: 'cid',
      clientSecret: SECRET,
      audience: 'https://api.example.com/',
      scope: ['read:orders', 'write:orders'],
      organization: 'org_123',
    });
    expect(await provider.authToken()).to.equal('at-1');
    expect(scope.isDone()).to.equal(true);
    expect(seen.headers!['content-type']).to.match(/^application\/x-www-form-urlencoded/);
    expect(seen.form).to.deep.equal({
      grant_type: 'client_credentials',
      client_id: 'cid',
      client_secret: SECRET,
      audience: 'https://api.example.com/',
      scope: 'read:orders write:orders',
      organization: 'org_123',
    });
  });

  it('omits absent optional parameters and sends a resource indicator when given', async () => {
    const { seen } = tokenEndpoint('/token', undefined, 200, 'https://op.example.com');
    const provider = new ClientCredentialsProvider({
      tokenEndpoint: 'https://op.example.com/token',
      clientId: 'cid',
      clientSecret: 's',
      resource: 'urn:api',
    });
    await provider.authToken();
    expect(seen.form).to.deep.equal({
      grant_type: 'client_credentials',
      client_id: 'cid',
      client_secret: 's',
      resource: 'urn:api',
    });
  });

  it('sends a list of resource indicators as the resource field repeated', async () => {
    const { seen } = tokenEndpoint('/token', undefined, 200, 'https://op.example.com');
    const resource = ['urn:orders', 'urn:billing'];
    await new ClientCredentialsProvider({
      tokenEndpoint: 'https://op.example.com/token',
      clientId: 'cid',
      clientSecret: 's',
      resource,
    }).authToken();
    expect(new URLSearchParams(seen.raw).getAll('resource')).to.deep.equal(['urn:orders', 'urn:billing']);
  });

  it('refuses an empty resource list, or one with a blank item, at construction', () => {
    for (const resource of [[], [''], ['urn:a', ' '], ['urn:a', 1]]) {
      expect(
        () => new ClientCredentialsProvider({ domain: DOMAIN, clientId: 'c', clientSecret: 's', resource } as never),
        JSON.stringify(resource),
      )
        .to.throw(ConfigurationError)
        .with.property('option', 'resource');
    }
  });

  it('sends client_secret_basic as an Authorization header and never the secret in the body', async () => {
    const { seen } = tokenEndpoint();
    const provider = new ClientCredentialsProvider({
      domain: DOMAIN,
      clientId: 'cid',
      clientSecret: SECRET,
      clientAuthMethod: 'client_secret_basic',
    });
    await provider.authToken();
    expect(seen.form).to.not.have.property('client_secret');
    const basic = Buffer.from(String(seen.headers!.authorization).replace('Basic ', ''), 'base64').toString();
    expect(basic).to.equal(`cid:${encodeURIComponent(SECRET).replace(/%20/g, '+')}`);
  });

  it('authenticates with private_key_jwt, the assertion audience being https://{domain}/ for a domain', async () => {
    const keys = rsaKeys();
    const { seen } = tokenEndpoint();
    const provider = new ClientCredentialsProvider({ domain: DOMAIN, clientId: 'cid', privateKey: keys.privatePem });
    await provider.authToken();
    expect(seen.form!.client_assertion_type).to.equal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const claims = jwt.verify(seen.form!.client_assertion!, keys.publicKey, {
      algorithms: ['RS256'],
    }) as jwt.JwtPayload;
    expect(claims).to.include({ iss: 'cid', sub: 'cid', aud: `${ORIGIN}/` });
    expect(claims.exp! - claims.iat!).to.be.at.most(300);
  });

  it('uses the token endpoint as assertion audience, and a JWK key with its kid and alg', async () => {
    const keys = ecKeys('P-256');
    const jwk = { ...keys.privateKey.export({ format: 'jwk' }), kid: 'key-7', alg: 'ES256' };
    const { seen } = tokenEndpoint('/oauth2/default/v1/token', undefined, 200, 'https://org.okta.example');
    const endpoint = 'https://org.okta.example/oauth2/default/v1/token';
    await new ClientCredentialsProvider({
      tokenEndpoint: endpoint,
      clientId: 'cid',
      privateKey: JSON.stringify(jwk),
    }).authToken();
    const decoded = jwt.decode(seen.form!.client_assertion!, { complete: true })!;
    expect(decoded.header).to.include({ alg: 'ES256', kid: 'key-7' });
    expect(jwt.verify(seen.form!.client_assertion!, keys.publicKey)).to.include({ aud: endpoint });
  });

  it('spends one grant for 1000 concurrent callers', async () => {
    let grants = 0;
    nock(ORIGIN)
      .post('/oauth/token')
      .times(1000)
      .delay(20)
      .reply(() => {
        grants += 1;
        return [200, { access_token: `at-${grants}`, token_type: 'Bearer', expires_in: 86400 }];
      });
    const provider = new ClientCredentialsProvider({ domain: DOMAIN, clientId: 'cid', clientSecret: 's' });
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => provider.authToken()));
    expect(grants).to.equal(1);
    expect(new Set(tokens)).to.deep.equal(new Set(['at-1']));
  });

  it('keeps one token per audience in a shared store, and shares it between providers of the same audience', async () => {
    let grants = 0;
    nock(ORIGIN)
      .post('/oauth/token')
      .times(3)
      .reply(() => [200, { access_token: `at-${++grants}`, expires_in: 600 }]);
    const store = new MemoryTokenStore();
    const options = { domain: DOMAIN, clientId: 'cid', clientSecret: 's', store };
    const orders = new ClientCredentialsProvider({ ...options, audience: 'https://orders/' });
    const billing = new ClientCredentialsProvider({ ...options, audience: 'https://billing/' });
    const ordersAgain = new ClientCredentialsProvider({ ...options, audience: 'https://orders/' });
    expect(await orders.authToken()).to.equal('at-1');
    expect(await billing.authToken()).to.equal('at-2');
    expect(await ordersAgain.authToken()).to.equal('at-1');
    expect(grants).to.equal(2);
  });

  it('names its token endpoint, for diagnostics: from the domain, as given, or once discovered', async () => {
    expect(new ClientCredentialsSource({ domain: DOMAIN, clientId: 'c', clientSecret: 's' }).endpoint).to.equal(
      `${ORIGIN}/oauth/token`,
    );
    const tokenUrl = 'https://idp.example.com/oauth2/v1/token';
    expect(
      new ClientCredentialsSource({ tokenEndpoint: tokenUrl, clientId: 'c', clientSecret: 's' }).endpoint,
    ).to.equal(tokenUrl);
    const discoveryUri = 'https://op.example.com/.well-known/openid-configuration';
    nock('https://op.example.com')
      .get('/.well-known/openid-configuration')
      .reply(200, { issuer: 'https://op.example.com/', token_endpoint: 'https://op.example.com/oauth2/token' });
    tokenEndpoint('/oauth2/token', undefined, 200, 'https://op.example.com');
    const source = new ClientCredentialsSource({
      discoveryUri,
      clientId: 'c',
      clientSecret: 's',
      discovery: new DiscoveryCache(),
    });
    expect(source.endpoint).to.equal(discoveryUri);
    await source.fetchToken();
    expect(source.endpoint).to.equal('https://op.example.com/oauth2/token');
  });

  it('treats scopes in another order as the same token', () => {
    const a = new ClientCredentialsSource({ domain: DOMAIN, clientId: 'c', clientSecret: 's', scope: 'b a' });
    const b = new ClientCredentialsSource({ domain: DOMAIN, clientId: 'c', clientSecret: 's', scope: ['a', 'b'] });
    const c = new ClientCredentialsSource({ domain: DOMAIN, clientId: 'c', clientSecret: 's', scope: 'a' });
    expect(a.cacheKey).to.equal(b.cacheKey);
    expect(a.cacheKey).to.not.equal(c.cacheKey);
  });

  it('treats resources in another order as the same token, and a one-item list as that one resource', () => {
    const key = (resource: string | string[]) =>
      new ClientCredentialsSource({ domain: DOMAIN, clientId: 'c', clientSecret: 's', resource }).cacheKey;
    expect(key(['urn:a', 'urn:b'])).to.equal(key(['urn:b', 'urn:a']));
    expect(key(['urn:a', 'urn:b'])).to.not.equal(key(['urn:a', 'urn:c']));
    expect(key(['urn:a', 'urn:b'])).to.not.equal(key('urn:a'));
    expect(key(['urn:a'])).to.equal(key('urn:a'));
    expect(key(['urn:a', 'urn:b'])).to.not.equal(key('["urn:a","urn:b"]')); // a list never keys like a string
  });

  it('computes expiresAt from expires_in counted from when the grant was sent', async () => {
    const now = Date.UTC(2030, 0, 1);
    tokenEndpoint(undefined, { access_token: 'at', expires_in: '3600' });
    const provider = new ClientCredentialsProvider({
      domain: DOMAIN,
      clientId: 'c',
      clientSecret: 's',
      clock: () => now,
    });
    expect(await provider.getAccessToken()).to.deep.equal({ accessToken: 'at', expiresAt: now + 3_600_000 });
  });

  it('reads the expiry from the JWT exp when expires_in is absent, else assumes DEFAULT_EXPIRES_IN', async () => {
    const now = Date.UTC(2030, 0, 1);
    const exp = now / 1000 + 7200;
    const accessToken = jwt.sign({ exp }, 'k'.repeat(32));
    tokenEndpoint(undefined, { access_token: accessToken });
    const clock = () => now;
    const withJwt = new ClientCredentialsProvider({ domain: DOMAIN, clientId: 'c', clientSecret: 's', clock });
    expect((await withJwt.getAccessToken()).expiresAt).to.equal(exp * 1000);
    tokenEndpoint(undefined, { access_token: 'opaque' });
    const opaque = new ClientCredentialsProvider({ domain: DOMAIN, clientId: 'c', clientSecret: 's', clock });
    expect((await opaque.getAccessToken()).expiresAt).to.equal(now + DEFAULT_EXPIRES_IN * 1000);
  });

  for (const [name, body] of [
    ['no access_token', { token_type: 'Bearer', expires_in: 60 }],
    ['an empty access_token', { access_token: '', expires_in: 60 }],
    ['a negative expires_in', { access_token: 'at', expires_in: -5 }],
    ['a non-numeric expires_in', { access_token: 'at', expires_in: 'soon' }],
    ['an HTML page', '<html>maintenance</html>'],
  ] as const) {
    it(`rejects a 2xx answer with ${name} as a TokenResponseError`, async () => {
      tokenEndpoint(undefined, body);
      const provider = new ClientCredentialsProvider({ domain: DOMAIN, clientId: 'c', clientSecret: SECRET });
      const err = await rejectionOf(provider.authToken());
      expect(err).to.be.instanceOf(TokenResponseError);
      expectNoSecrets(err, [SECRET]);
    });
  }

  it('rejects with the Auth0Error of the answer and leaks no secret', async () => {
    tokenEndpoint(undefined, { error: 'access_denied', error_description: 'Unauthorized' }, 401);
    const provider = new ClientCredentialsProvider({ domain: DOMAIN, clientId: 'cid', clientSecret: SECRET });
    const err = (await rejectionOf(provider.authToken())) as Auth0Error;
    expect(err).to.be.instanceOf(Auth0Error);
    expect(err).to.include({ statusCode: 401, errorCode: 'access_denied', message: 'Unauthorized' });
    expectNoSecrets(err, [SECRET]);
    expectNoSecrets(provider, [SECRET]);
  });

  it('never shows the private key in util.inspect of the provider', () => {
    const keys = rsaKeys();
    const provider = new ClientCredentialsProvider({ domain: DOMAIN, clientId: 'cid', privateKey: keys.privatePem });
    const text = inspect(provider, { depth: Infinity, showHidden: true });
    expect(text).to.not.include('PRIVATE KEY');
  });

  it('rejects with a NetworkError when the endpoint cannot be reached, and a TimeoutError when it is too slow', async () => {
    const provider = new ClientCredentialsProvider({
      tokenEndpoint: 'http://127.0.0.1:1/oauth/token',
      clientId: 'c',
      clientSecret: SECRET,
    });
    const err = await rejectionOf(provider.authToken());
    expect(err).to.be.instanceOf(NetworkError);
    expectNoSecrets(err, [SECRET]);
    const server = await startTokenServer();
    try {
      server.answer(() => ({ body: { access_token: 'late' }, delay: 300 }));
      const slow = new ClientCredentialsProvider({
        tokenEndpoint: server.tokenEndpoint,
        clientId: 'c',
        clientSecret: SECRET,
        timeout: 50,
      });
      const timeout = await rejectionOf(slow.authToken());
      expect(timeout).to.be.instanceOf(TimeoutError);
      expectNoSecrets(timeout, [SECRET]);
    } finally {
      await server.close();
    }
  });

  it('talks http to a loopback host only', async () => {
    nock('http://127.0.0.1:8080').post('/oauth/token').reply(200, { access_token: 'local', expires_in: 60 });
    const provider = new ClientCredentialsProvider({
      domain: '127.0.0.1:8080',
      protocol: 'http',
      clientId: 'c',
      clientSecret: 's',
    });
    expect(await provider.authToken()).to.equal('local');
    for (const options of [
      { domain: 'tenant.example.com', protocol: 'http' as const },
      { tokenEndpoint: 'http://idp.example.com/token' },
    ]) {
      const err = thrownBy(() => new ClientCredentialsProvider({ ...options, clientId: 'c', clientSecret: 's' }));
      expect(err).to.be.instanceOf(ConfigurationError);
    }
  });

  describe('configuration', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['no endpoint', { clientId: 'c', clientSecret: 's' }, 'tokenEndpoint'],
      [
        'two endpoints',
        { domain: DOMAIN, tokenEndpoint: `${ORIGIN}/oauth/token`, clientId: 'c', clientSecret: 's' },
        'tokenEndpoint',
      ],
      ['no client id', { domain: DOMAIN, clientSecret: 's' }, 'clientId'],
      ['no credential', { domain: DOMAIN, clientId: 'c' }, 'clientSecret'],
      [
        'method none',
        { domain: DOMAIN, clientId: 'c', clientSecret: 's', clientAuthMethod: 'none' },
        'clientAuthMethod',
      ],
      ['a relative endpoint', { tokenEndpoint: '/oauth/token', clientId: 'c', clientSecret: 's' }, 'tokenEndpoint'],
      [
        'an endpoint with credentials',
        { tokenEndpoint: 'https://u:p@idp.example.com/t', clientId: 'c', clientSecret: 's' },
        'tokenEndpoint',
      ],
      [
        'an endpoint with a fragment',
        { tokenEndpoint: 'https://idp.example.com/t#x', clientId: 'c', clientSecret: 's' },
        'tokenEndpoint',
      ],
      ['a domain with a scheme', { domain: ORIGIN, clientId: 'c', clientSecret: 's' }, 'domain'],
      ['an empty audience', { domain: DOMAIN, clientId: 'c', clientSecret: 's', audience: '' }, 'audience'],
      ['a numeric scope', { domain: DOMAIN, clientId: 'c', clientSecret: 's', scope: 5 }, 'scope'],
      ['a bad timeout', { domain: DOMAIN, clientId: 'c', clientSecret: 's', timeout: -1 }, 'timeout'],
      [
        'a bad timeout with an endpoint',
        { tokenEndpoint: `${ORIGIN}/t`, clientId: 'c', clientSecret: 's', timeout: 0 },
        'timeout',
      ],
      [
        'an issuer with a domain',
        { domain: DOMAIN, issuer: 'https://op.example.com/', clientId: 'c', clientSecret: 's' },
        'tokenEndpoint',
      ],
      [
        'endpoints without token',
        { endpoints: { userinfo: `${ORIGIN}/u` }, clientId: 'c', clientSecret: 's' },
        'endpoints',
      ],
      ['an http issuer', { issuer: 'http://op.example.com/', clientId: 'c', clientSecret: 's' }, 'issuer'],
      [
        'a client_secret_jwt secret too short for HS256',
        { domain: DOMAIN, clientId: 'c', clientSecret: 's', clientAuthMethod: 'client_secret_jwt' },
        'clientSecret',
      ],
      [
        'an unreadable key',
        { domain: DOMAIN, clientId: 'c', privateKey: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' },
        'privateKey',
      ],
    ];
    for (const [name, options, option] of cases) {
      it(`refuses ${name} with a ConfigurationError about ${option}`, () => {
        const err = thrownBy(() => new ClientCredentialsProvider(options as never));
        expect(err).to.be.instanceOf(ConfigurationError).with.property('option', option);
      });
    }

    it('takes a mutual-TLS method with a certificate-carrying httpsAgent instead of a secret or key', async () => {
      const httpsAgent = new HttpsAgent({ cert: 'c', key: 'k' });
      const base = { domain: DOMAIN, clientId: 'c', audience: 'https://api/' };
      const refused = thrownBy(() => new ClientCredentialsProvider({ ...base, clientAuthMethod: 'tls_client_auth' }));
      expect(refused).to.be.instanceOf(ConfigurationError).with.property('option', 'httpsAgent');
      const { scope, seen } = tokenEndpoint();
      const provider = new ClientCredentialsProvider({ ...base, clientAuthMethod: 'tls_client_auth', httpsAgent });
      await provider.authToken();
      expect(seen.form).to.deep.include({ grant_type: 'client_credentials', client_id: 'c' });
      expect(seen.form).to.not.have.property('client_secret');
      expect(seen.form).to.not.have.property('client_assertion');
      scope.done();
    });

    it("refuses an unknown option, naming the closest known one or ours for OpenMetadata's name", () => {
      const base = { domain: DOMAIN, clientId: 'c', clientSecret: 's' };
      const cases: [Record<string, unknown>, string][] = [
        [{ ...base, scopes: ['read'] }, 'unknown option "scopes"; did you mean scope?'],
        [{ ...base, refresh_skew: 60 }, 'unknown option "refresh_skew"; did you mean refreshSkew?'],
        [{ domain: DOMAIN, clientId: 'c', secretKey: 's' }, 'unknown option "secretKey"; did you mean clientSecret?'],
        [
          { ...base, clientAssertionSigningKey: 'pem' },
          'unknown option "clientAssertionSigningKey"; did you mean privateKey?',
        ],
      ];
      for (const [options, message] of cases) {
        const err = thrownBy(() => new ClientCredentialsProvider(options as never));
        expect(err)
          .to.be.instanceOf(ConfigurationError)
          .with.property('option', /"(.*)"/.exec(message)?.[1]);
        expect(err.message).to.equal(message);
      }
    });

    it('refuses missing options', () => {
      expect(thrownBy(() => new ClientCredentialsProvider(null as never))).to.be.instanceOf(ConfigurationError);
    });
  });

  describe('with an issuer or endpoints', () => {
    const document = {
      issuer: 'https://op.example.com/oauth2/default',
      token_endpoint: 'https://op.example.com/oauth2/default/v1/token',
    };

    it('posts the grant to the token endpoint discovered from the issuer', async () => {
      nock('https://op.example.com').get('/oauth2/default/.well-known/openid-configuration').reply(200, document);
      const { seen } = tokenEndpoint('/oauth2/default/v1/token', undefined, 200, 'https://op.example.com');
      const provider = new ClientCredentialsProvider({
        issuer: document.issuer,
        clientId: 'c',
        clientSecret: SECRET,
        scope: 'read',
        discovery: new DiscoveryCache(),
      });
      expect(await provider.authToken()).to.equal('at-1');
      expect(seen.form).to.include({ grant_type: 'client_credentials', scope: 'read', client_secret: SECRET });
    });

    it('posts the grant to endpoints.token, as the relying party hands its discovered endpoints over', async () => {
      const { seen } = tokenEndpoint('/v1/token', undefined, 200, 'https://op.example.com');
      const provider = new ClientCredentialsProvider({
        endpoints: { token: 'https://op.example.com/v1/token', userinfo: 'https://op.example.com/v1/userinfo' },
        clientId: 'c',
        clientSecret: SECRET,
      });
      expect(await provider.authToken()).to.equal('at-1');
      expect(seen.form).to.include({ client_id: 'c' });
    });

    it('authenticates with client_secret_jwt: an HS256 assertion for the token endpoint, no secret sent', async () => {
      const secret = 'k'.repeat(32);
      const { seen } = tokenEndpoint('/v1/token', undefined, 200, 'https://op.example.com');
      const provider = new ClientCredentialsProvider({
        tokenEndpoint: 'https://op.example.com/v1/token',
        clientId: 'c',
        clientSecret: secret,
        clientAuthMethod: 'client_secret_jwt',
      });
      await provider.authToken();
      expect(seen.form).to.not.have.property('client_secret');
      expect(jwt.verify(seen.form!.client_assertion!, secret, { algorithms: ['HS256'] })).to.include({
        iss: 'c',
        aud: 'https://op.example.com/v1/token',
      });
    });
  });

  describe('with a discoveryUri', () => {
    const discoveryUri = 'https://op.example.com/.well-known/openid-configuration';
    const document = { issuer: 'https://op.example.com/', token_endpoint: 'https://op.example.com/oauth2/token' };

    const providerWith = (cache: DiscoveryCache) =>
      new ClientCredentialsProvider({ discoveryUri, clientId: 'c', clientSecret: 's', discovery: cache });

    /** Serves a discovery document on `origin` (`times` times), and counts the requests. */
    function discovery(origin = 'https://op.example.com', body: unknown = document, status = 200, times = 1) {
      const seen = { requests: 0 };
      nock(origin)
        .get('/.well-known/openid-configuration')
        .times(times)
        .reply(() => {
          seen.requests += 1;
          return [status, body as nock.Body];
        });
      return seen;
    }

    it('posts the grant to the token_endpoint of the discovery document', async () => {
      const served = discovery();
      const { seen } = tokenEndpoint('/oauth2/token', undefined, 200, 'https://op.example.com');
      const provider = new ClientCredentialsProvider({
        discoveryUri,
        clientId: 'c',
        clientSecret: SECRET,
        audience: 'https://api/',
        discovery: new DiscoveryCache(),
      });
      expect(await provider.authToken()).to.equal('at-1');
      expect(served.requests).to.equal(1);
      expect(seen.form).to.deep.equal({
        grant_type: 'client_credentials',
        audience: 'https://api/',
        client_id: 'c',
        client_secret: SECRET,
      });
    });

    it('takes the issuer too, and then requires the document to name it exactly', async () => {
      discovery();
      tokenEndpoint('/oauth2/token', undefined, 200, 'https://op.example.com');
      const cache = new DiscoveryCache({ retryAfter: 0 });
      const source = (uri: string) =>
        new ClientCredentialsSource({ discoveryUri: uri, clientId: 'c', clientSecret: 's', discovery: cache });
      expect((await source('https://op.example.com/').fetchToken()).accessToken).to.equal('at-1');
      discovery();
      const err = await rejectionOf(source('https://op.example.com').fetchToken());
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'issuer');
    });

    it('refuses a document whose issuer belongs elsewhere, or that has no token_endpoint', async () => {
      const cache = new DiscoveryCache({ retryAfter: 0 });
      const source = new ClientCredentialsSource({ discoveryUri, clientId: 'c', clientSecret: 's', discovery: cache });
      discovery(undefined, { ...document, issuer: 'https://evil.example.com/' });
      const elsewhere = await rejectionOf(source.fetchToken());
      expect(elsewhere).to.be.instanceOf(ConfigurationError).with.property('option', 'discoveryUri');
      discovery(undefined, { issuer: document.issuer });
      const none = await rejectionOf(source.fetchToken());
      expect(none).to.be.instanceOf(ConfigurationError).with.property('option', 'discoveryUri');
      expect(none.message).to.include('has no token_endpoint');
    });

    it('refuses a discovered endpoint that is not https', async () => {
      discovery(undefined, { ...document, token_endpoint: 'http://op.example.com/token' });
      const source = new ClientCredentialsSource({
        discoveryUri,
        clientId: 'c',
        clientSecret: 's',
        discovery: new DiscoveryCache(),
      });
      const err = await rejectionOf(source.fetchToken());
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'token_endpoint');
    });

    it('retries a failed discovery on a later call, once the cache has let the failure go', async () => {
      const provider = providerWith(new DiscoveryCache({ retryAfter: 0 }));
      discovery(undefined, 'unavailable', 503);
      expect(await rejectionOf(provider.authToken())).to.be.instanceOf(KeySourceUnavailableError);
      const served = discovery();
      tokenEndpoint('/oauth2/token', undefined, 200, 'https://op.example.com');
      expect(await provider.authToken()).to.equal('at-1');
      expect(served.requests).to.equal(1);
    });

    it('does not ask again within the failure period of the cache', async () => {
      const provider = providerWith(new DiscoveryCache({ retryAfter: 60 }));
      const served = discovery(undefined, 'unavailable', 503, 2);
      const first = await rejectionOf(provider.authToken());
      expect(await rejectionOf(provider.authToken())).to.equal(first);
      expect(served.requests).to.equal(1);
    });

    it('uses the discovered endpoint as the audience of a private_key_jwt assertion', async () => {
      const keys = rsaKeys();
      discovery();
      const { seen } = tokenEndpoint('/oauth2/token', undefined, 200, 'https://op.example.com');
      const source = new ClientCredentialsSource({
        discoveryUri,
        clientId: 'c',
        privateKey: keys.privatePem,
        discovery: new DiscoveryCache(),
      });
      await source.fetchToken();
      expect(jwt.verify(seen.form!.client_assertion!, keys.publicKey)).to.include({
        aud: 'https://op.example.com/oauth2/token',
      });
    });

    it('shares one discovery between providers by default; a provider with its own agent or proxy keeps its own', async () => {
      // A host of its own: the default cache outlives this test.
      const origin = 'https://shared-discovery.example.com';
      const served = discovery(origin, { issuer: `${origin}/`, token_endpoint: `${origin}/token` }, 200, 2);
      nock(origin).post('/token').times(3).reply(200, { access_token: 'at', expires_in: 60 });
      const options = { discoveryUri: `${origin}/`, clientSecret: 's' };
      await new ClientCredentialsProvider({ ...options, clientId: 'a' }).authToken();
      await new ClientCredentialsProvider({ ...options, clientId: 'b' }).authToken();
      expect(served.requests).to.equal(1);
      await new ClientCredentialsProvider({ ...options, clientId: 'c', proxy: false }).authToken();
      expect(served.requests).to.equal(2);
    });

    it('refuses a discovery option that is not a DiscoveryCache', () => {
      const err = thrownBy(
        () => new ClientCredentialsProvider({ discoveryUri, clientId: 'c', clientSecret: 's', discovery: {} as never }),
      );
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'discovery');
    });
  });

  describe('against the dev server, by discovery', function () {
    this.timeout(20_000);
    const devServer = useDevServer();

    it('gets an access token for the API from the discovery URL or the issuer', async () => {
      const server = devServer();
      for (const discoveryUri of [server.endpoints.discovery, server.issuer]) {
        const provider = new ClientCredentialsProvider({
          discoveryUri,
          clientId: 'm2m-secret',
          clientSecret: server.client('m2m-secret').clientSecret,
          audience: server.audience,
          discovery: new DiscoveryCache(),
        });
        const token = await provider.authToken();
        await expectSignedByServer(server, token);
        expect(decodeJwt(token).payload).to.include({
          iss: server.issuer,
          aud: server.audience,
          client_id: 'm2m-secret',
        });
      }
    });
  });
});

describe('scopeString', () => {
  it('joins arrays and normalises whitespace, and gives undefined for no scope', () => {
    expect(scopeString(['a', ' b '])).to.equal('a b');
    expect(scopeString('a   b\tc')).to.equal('a b c');
    expect(scopeString([])).to.equal(undefined);
    expect(scopeString('  ')).to.equal(undefined);
    expect(scopeString(undefined)).to.equal(undefined);
    expect(thrownBy(() => scopeString([1]))).to.be.instanceOf(ConfigurationError);
  });
});
