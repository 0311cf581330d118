import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { runCli } from '../../lib/cli/main.js';
import { rsaKeys } from '../helpers/keys.js';
import { startTokenServer, type TokenServer } from '../helpers/token-server.js';
import { memoryIo } from '../helpers/cli.js';
import { type MutualTlsEndpoint, mtlsFixture, startMutualTlsEndpoint } from '../helpers/mtls.js';
import { DISCOVERY_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';

const SECRET = 's3cr3t&value=+/';

describe('authn token', () => {
  let server: TokenServer;
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'authn-cli-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));
  beforeEach(async () => {
    server = await startTokenServer();
  });
  afterEach(() => server.close());

  it('prints the bare access token, the secret taken from AUTHN_CLIENT_SECRET', async () => {
    const io = memoryIo({ AUTHN_CLIENT_SECRET: SECRET });
    const code = await runCli(
      [
        'token',
        '--token-endpoint',
        server.tokenEndpoint,
        '--client-id',
        'cid',
        '--audience',
        'https://api/',
        '--scope',
        'a b',
      ],
      io,
    );
    expect(code).to.equal(0);
    expect(io.out).to.equal('token-1\n');
    expect(io.err).to.equal('');
    expect(server.grants[0]!.form).to.deep.equal({
      grant_type: 'client_credentials',
      audience: 'https://api/',
      scope: 'a b',
      client_id: 'cid',
      client_secret: SECRET,
    });
  });

  it('prints the JSON response with --json', async () => {
    const io = memoryIo({ AUTHN_CLIENT_SECRET: SECRET });
    await runCli(['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid', '--json'], io);
    expect(JSON.parse(io.out)).to.deep.equal({ access_token: 'token-1', token_type: 'Bearer', expires_in: 3600 });
  });

  it('takes every flag from AUTHN_* variables', async () => {
    const io = memoryIo({
      AUTHN_TOKEN_ENDPOINT: server.tokenEndpoint,
      AUTHN_CLIENT_ID: 'env-client',
      AUTHN_CLIENT_SECRET: SECRET,
      AUTHN_ORGANIZATION: 'org_1',
      AUTHN_RESOURCE: 'urn:api',
      AUTHN_AUTH_METHOD: 'client_secret_basic',
      AUTHN_TIMEOUT: '5000',
      AUTHN_JSON: '1',
    });
    expect(await runCli(['token'], io)).to.equal(0);
    expect(JSON.parse(io.out).access_token).to.equal('token-1');
    const grant = server.grants[0]!;
    expect(grant.form).to.deep.equal({
      grant_type: 'client_credentials',
      organization: 'org_1',
      resource: 'urn:api',
      client_id: 'env-client',
    });
    expect(grant.headers.authorization).to.match(/^Basic /);
  });

  it('sends each of several space-separated --resource URIs as its own resource field', async () => {
    const io = memoryIo({}, SECRET);
    const args = ['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid', '--client-secret-stdin'];
    expect(await runCli([...args, '--resource', ' urn:orders  urn:billing '], memoryIo({}, SECRET))).to.equal(0);
    expect(server.grants[0]!.raw.getAll('resource')).to.deep.equal(['urn:orders', 'urn:billing']);
    expect(await runCli([...args, '--resource', ' '], io)).to.not.equal(0);
    expect(io.err).to.match(/resource/);
    expect(server.grants).to.have.length(1);
  });

  it('takes a secret starting with a dash as --client-secret=VALUE, and says so, without the value, otherwise', async () => {
    const args = ['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid'];
    const io = memoryIo();
    expect(await runCli([...args, '--client-secret=-dash-first'], io)).to.equal(0);
    expect(server.grants[0]!.form.client_secret).to.equal('-dash-first');
    const refused = memoryIo();
    expect(await runCli([...args, '--client-secret', '-dash-first'], refused)).to.equal(2);
    expect(refused.err).to.include(
      'authn token: --client-secret needs a value; one that starts with a dash is given as --client-secret=-VALUE\n',
    );
    expect(refused.err).to.not.include('dash-first');
  });

  it('reads the secret from stdin with --client-secret-stdin', async () => {
    const io = memoryIo({}, `${SECRET}\n`);
    expect(
      await runCli(
        ['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid', '--client-secret-stdin'],
        io,
      ),
    ).to.equal(0);
    expect(server.grants[0]!.form.client_secret).to.equal(SECRET);
  });

  it('warns on stderr, without echoing it, when the secret is given as a flag', async () => {
    const io = memoryIo();
    await runCli(
      ['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid', '--client-secret', SECRET],
      io,
    );
    expect(io.out).to.equal('token-1\n');
    expect(io.err).to.match(/^authn: warning: a secret given with --client-secret can be seen/);
    expect(io.err).to.not.include(SECRET);
  });

  it('signs a private_key_jwt assertion with --private-key-file, or the key in AUTHN_PRIVATE_KEY', async () => {
    const keys = rsaKeys();
    const path = join(folder, 'key.pem');
    writeFileSync(path, keys.privatePem);
    expect(
      await runCli(
        ['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid', '--private-key-file', path],
        memoryIo(),
      ),
    ).to.equal(0);
    const assertion = server.grants[0]!.form.client_assertion!;
    expect(jwt.verify(assertion, keys.publicKey)).to.include({ aud: server.tokenEndpoint, iss: 'cid' });
    const io = memoryIo({ AUTHN_PRIVATE_KEY: keys.privatePem });
    expect(await runCli(['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid'], io)).to.equal(0);
    expect(server.grants[1]!.form.client_assertion).to.be.a('string');
  });

  it('exits 1 with the server error on one line, and no secret, when the grant is refused', async () => {
    server.answer(() => ({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } }));
    const io = memoryIo({ AUTHN_CLIENT_SECRET: SECRET });
    expect(await runCli(['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid'], io)).to.equal(1);
    expect(io.out).to.equal('');
    expect(io.err).to.equal('authn token: access_denied: Unauthorized (HTTP 401)\n');
  });

  it('exits 1 when the token endpoint cannot be reached', async () => {
    const io = memoryIo({ AUTHN_CLIENT_SECRET: SECRET });
    expect(await runCli(['token', '--token-endpoint', 'http://127.0.0.1:1/token', '--client-id', 'cid'], io)).to.equal(
      1,
    );
    expect(io.err).to.match(/^authn token: POST http:\/\/127\.0\.0\.1:1\/token failed: .*ECONNREFUSED/);
    expect(io.err.trim().split('\n')).to.have.length(1);
  });

  it('talks to a loopback --domain over http with --protocol http, as the dev server prints it', async () => {
    const domain = new URL(server.origin).host;
    const io = memoryIo({ AUTHN_CLIENT_SECRET: SECRET });
    expect(await runCli(['token', '--domain', domain, '--protocol', 'http', '--client-id', 'cid'], io)).to.equal(0);
    expect(io.out).to.equal('token-1\n');
    expect(server.grants[0]!.path).to.equal('/oauth/token');
  });

  describe('mutual TLS (--auth-method tls_client_auth)', () => {
    let endpoint: MutualTlsEndpoint;
    beforeEach(async () => {
      endpoint = await startMutualTlsEndpoint();
    });
    afterEach(() => endpoint.close());

    const mtlsArgs = () => [
      'token',
      '--domain',
      endpoint.domain,
      '--client-id',
      'm2m',
      '--auth-method',
      'tls_client_auth',
    ];

    it('presents --cert-file and --key-file, trusts --ca-file, and needs no secret', async () => {
      const io = memoryIo();
      const files = ['--cert-file', mtlsFixture('client.crt'), '--key-file', mtlsFixture('client.key')];
      const code = await runCli([...mtlsArgs(), ...files, '--ca-file', mtlsFixture('server.crt')], io);
      expect([code, io.out, io.err]).to.deep.equal([0, 'at-mtls\n', '']);
      expect(endpoint.grants).to.deep.equal([
        { form: { grant_type: 'client_credentials', client_id: 'm2m' }, subject: 'm2m-client' },
      ]);
    });

    it('exits 2 without a certificate, and names an unreadable file', async () => {
      const io = memoryIo();
      expect(await runCli(mtlsArgs(), io)).to.equal(2);
      expect(io.err).to.match(/--cert-file/);
      const unreadable = memoryIo();
      const files = ['--cert-file', join(folder, 'missing.pem'), '--key-file', mtlsFixture('client.key')];
      expect(await runCli([...mtlsArgs(), ...files], unreadable)).to.equal(2);
      expect(unreadable.err).to.match(/--cert-file .*missing\.pem could not be read \(ENOENT\)/);
      expect(endpoint.grants).to.deep.equal([]);
    });
  });

  describe('--discovery-uri', () => {
    let op: JwksServer;
    beforeEach(async () => {
      op = await startJwksServer();
      op.setDiscovery({ issuer: op.issuer, token_endpoint: server.tokenEndpoint });
    });
    afterEach(() => op.close());

    it('reads the token endpoint from the discovery document, given its URL or the issuer', async () => {
      for (const uri of [`${op.origin}${DISCOVERY_PATH}`, op.issuer]) {
        const io = memoryIo({ AUTHN_CLIENT_SECRET: SECRET, AUTHN_DISCOVERY_URI: uri });
        expect(await runCli(['token', '--client-id', 'cid'], io)).to.equal(0);
        expect(io.err).to.equal('');
      }
      expect(server.grants.map((grant) => grant.form.grant_type)).to.deep.equal([
        'client_credentials',
        'client_credentials',
      ]);
      expect(op.count(DISCOVERY_PATH)).to.equal(2);
    });

    it('reads the token endpoint from the discovery document of --issuer', async () => {
      const io = memoryIo({ AUTHN_CLIENT_SECRET: SECRET });
      expect(await runCli(['token', '--client-id', 'cid', '--issuer', op.issuer], io)).to.equal(0);
      expect([io.out, io.err]).to.deep.equal(['token-1\n', '']);
      expect(op.count(DISCOVERY_PATH)).to.equal(1);
    });

    it('exits 1 when the discovery document cannot be had, and 2 when it names another issuer', async () => {
      op.set(DISCOVERY_PATH, { status: 503, body: 'down' });
      const down = memoryIo({ AUTHN_CLIENT_SECRET: SECRET });
      expect(await runCli(['token', '--client-id', 'cid', '--discovery-uri', op.issuer], down)).to.equal(1);
      expect(down.err).to.match(/^authn token: OpenID Provider discovery .* answered HTTP 503\n$/);
      op.setDiscovery({ issuer: 'https://evil.example/', token_endpoint: server.tokenEndpoint });
      const elsewhere = memoryIo({ AUTHN_CLIENT_SECRET: SECRET });
      const uri = `${op.origin}${DISCOVERY_PATH}`;
      expect(await runCli(['token', '--client-id', 'cid', '--discovery-uri', uri], elsewhere)).to.equal(2);
      expect(elsewhere.err).to.match(/names the issuer "https:\/\/evil\.example\/"/);
      expect(server.grants).to.have.length(0);
    });
  });

  describe('exits 2 with a one-line reason on a usage error', () => {
    const cases: [string, string[], Record<string, string>, string, RegExp][] = [
      [
        'no client id',
        ['--token-endpoint', 'https://idp/token'],
        { AUTHN_CLIENT_SECRET: 'x' },
        '',
        /--client-id \(or AUTHN_CLIENT_ID\) is required/,
      ],
      [
        'no endpoint',
        ['--client-id', 'c'],
        { AUTHN_CLIENT_SECRET: 'x' },
        '',
        /one of --domain, --token-endpoint, --issuer or --discovery-uri is required/,
      ],
      [
        'two endpoints',
        ['--client-id', 'c', '--domain', 'd', '--token-endpoint', 'https://x/t'],
        {},
        '',
        /give only one of --domain, --token-endpoint/,
      ],
      [
        'no secret',
        ['--client-id', 'c', '--domain', 'tenant.auth0.com'],
        {},
        '',
        /a client secret is required: set AUTHN_CLIENT_SECRET/,
      ],
      [
        'a bad method',
        ['--client-id', 'c', '--domain', 'd', '--auth-method', 'magic'],
        {},
        '',
        /--auth-method must be one of/,
      ],
      [
        'a public client',
        ['--client-id', 'c', '--domain', 'd', '--auth-method', 'none'],
        {},
        '',
        /^authn token: --auth-method "none" is a public client, which a client-credentials grant cannot be: give its credential\n/,
      ],
      [
        'a bad timeout',
        ['--client-id', 'c', '--domain', 'd', '--timeout', 'soon'],
        {},
        '',
        /--timeout must be a positive number/,
      ],
      [
        'both secret sources',
        ['--client-id', 'c', '--domain', 'd', '--client-secret', 'x', '--client-secret-stdin'],
        {},
        'y',
        /not both/,
      ],
      [
        'an empty stdin secret',
        ['--client-id', 'c', '--domain', 'd', '--client-secret-stdin'],
        {},
        '',
        /read an empty secret/,
      ],
      [
        'a missing key file',
        ['--client-id', 'c', '--domain', 'd', '--private-key-file', '/nonexistent/key.pem'],
        {},
        '',
        /could not be read \(ENOENT\)/,
      ],
      [
        'an http endpoint elsewhere',
        ['--client-id', 'c', '--token-endpoint', 'http://idp.example.com/t'],
        { AUTHN_CLIENT_SECRET: 'x' },
        '',
        /may use http: only for a loopback host/,
      ],
      [
        'an unknown protocol',
        ['--client-id', 'c', '--domain', 'tenant.auth0.com', '--protocol', 'ftp'],
        { AUTHN_CLIENT_SECRET: 'x' },
        '',
        /--protocol must be "http" or "https"/,
      ],
      [
        'http to a remote domain',
        ['--client-id', 'c', '--domain', 'tenant.auth0.com', '--protocol', 'http'],
        { AUTHN_CLIENT_SECRET: 'x' },
        '',
        /protocol "http" is only allowed for loopback hosts/,
      ],
      [
        'a protocol without a domain',
        ['--client-id', 'c', '--token-endpoint', 'https://idp/t', '--protocol', 'https'],
        { AUTHN_CLIENT_SECRET: 'x' },
        '',
        /--protocol goes with --domain/,
      ],
      [
        'discovery over http to a remote host',
        ['--client-id', 'c', '--discovery-uri', 'http://idp.example.com/.well-known/openid-configuration'],
        { AUTHN_CLIENT_SECRET: 'x' },
        '',
        /may use http: only for a loopback host/,
      ],
    ];
    for (const [name, args, env, stdin, message] of cases) {
      it(name, async () => {
        const io = memoryIo(env, stdin);
        expect(await runCli(['token', ...args], io)).to.equal(2);
        expect(io.err).to.match(message);
        expect(io.err.split('\n').filter((line) => line.startsWith('authn token:'))).to.have.length(1);
        expect(io.out).to.equal('');
      });
    }
  });
});
