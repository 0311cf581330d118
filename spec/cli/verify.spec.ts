import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { commandRunner } from '../helpers/cli.js';
import { loginAtDevServer, useDevServer } from '../helpers/dev-server.js';
import { DISCOVERY_PATH, JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { b64url, publicJwk, signJwt } from '../helpers/jwt.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';

const API = 'https://api.example.com/';
const CLIENT = 'client-1';

describe('authn verify', () => {
  let tenant: JwksServer;
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    tenant = await startJwksServer();
  });
  after(() => tenant.close());
  beforeEach(() => {
    tenant.setKeys([
      publicJwk(rsaKeys('cli-verify').publicKey, { kid: 'rs', alg: 'RS256' }),
      publicJwk(ecKeys('P-256', 'cli-verify').publicKey, { kid: 'es', alg: 'ES256' }),
    ]);
    tenant.setDiscovery();
    tenant.resetCounts();
  });

  /** An access token of the tenant, signed RS256 unless `alg` says ES256. */
  function accessToken(changes: Record<string, unknown> = {}, alg: 'RS256' | 'ES256' = 'RS256'): string {
    const claims = { iss: tenant.issuer, sub: 'user-1', aud: API, iat: now(), exp: now() + 3600, ...changes };
    const key = alg === 'RS256' ? rsaKeys('cli-verify').privateKey : ecKeys('P-256', 'cli-verify').privateKey;
    return signJwt(claims, { alg, kid: alg === 'RS256' ? 'rs' : 'es', key, typ: 'at+jwt' });
  }

  /** An ID token of the tenant for CLIENT. */
  function idToken(changes: Record<string, unknown> = {}): string {
    const claims = { iss: tenant.issuer, sub: 'user-1', aud: CLIENT, iat: now(), exp: now() + 3600, ...changes };
    return signJwt(claims, { kid: 'rs', key: rsaKeys('cli-verify').privateKey });
  }

  const verify = commandRunner('verify');

  const base = () => ['--issuer', tenant.issuer, '--audience', API, '--jwks-uri', tenant.jwksUri];

  it('prints the verified claims as JSON on stdout and exits 0', async () => {
    const token = accessToken({ scope: 'read:a' });
    const run = await verify([token, ...base()]);
    expect(run.code).to.equal(0);
    expect(run.err).to.equal('');
    expect(JSON.parse(run.out)).to.include({ iss: tenant.issuer, sub: 'user-1', aud: API, scope: 'read:a' });
    expect(tenant.count(JWKS_PATH)).to.equal(1);
  });

  it('exits 1 with ERR_TOKEN_TOO_DEEP for a genuine token whose claims nest too deep to print', async () => {
    const claims = JSON.stringify({ iss: tenant.issuer, sub: 'user-1', aud: API, iat: now(), exp: now() + 3600 });
    const deep = `${claims.slice(0, -1)},"deep":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const token = signJwt(deep, { kid: 'rs', key: rsaKeys('cli-verify').privateKey, typ: 'at+jwt' });
    const run = await verify(['-', ...base()], {}, token);
    expect([run.code, run.out]).to.deep.equal([1, '']);
    expect(run.err).to.match(/^authn verify: ERR_TOKEN_TOO_DEEP: /);
  });

  it('reads the token from stdin when it is -', async () => {
    const run = await verify(['-', ...base()], {}, `  ${accessToken()}\n`);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.out).sub).to.equal('user-1');
  });

  it('finds the keys through the discovery document without --jwks-uri', async () => {
    const run = await verify([accessToken(), '--issuer', tenant.issuer, '--audience', API]);
    expect(run.code).to.equal(0);
    expect(tenant.requests).to.deep.equal([DISCOVERY_PATH, JWKS_PATH]);
  });

  it('takes every flag from AUTHN_* variables', async () => {
    const run = await verify([accessToken({}, 'ES256')], {
      AUTHN_ISSUER: tenant.issuer,
      AUTHN_AUDIENCE: API,
      AUTHN_JWKS_URI: tenant.jwksUri,
      AUTHN_ALGORITHMS: 'ES256',
      AUTHN_LEEWAY: '0',
      AUTHN_TIMEOUT: '2000',
    });
    expect(run.code).to.equal(0);
  });

  describe('exits 1 with the failed check, code and message, on one line of stderr', () => {
    const cases: [string, () => string, string[], RegExp][] = [
      ['an expired token', () => accessToken({ exp: now() - 3600 }), [], /^ERR_TOKEN_EXPIRED: Expiration Time \(exp\)/],
      ['another audience', () => accessToken({ aud: 'https://other/' }), [], /^ERR_TOKEN_AUD_MISMATCH: /],
      ['another issuer', () => accessToken({ iss: 'https://evil.example/' }), [], /^ERR_TOKEN_ISS_MISMATCH: /],
      ['an algorithm not allowed', () => accessToken(), ['--algorithms', 'ES256'], /^ERR_TOKEN_ALG_NOT_ALLOWED: /],
      [
        'an unknown key',
        () => signJwt({ iss: tenant.issuer, aud: API }, { kid: 'zz', key: rsaKeys('cli-verify').privateKey }),
        [],
        /^ERR_JWKS_KEY_NOT_FOUND: /,
      ],
      [
        'a bad signature',
        () => `${accessToken().slice(0, accessToken().lastIndexOf('.'))}.${accessToken({ sub: 'x' }).split('.')[2]}`,
        [],
        /^ERR_TOKEN_SIGNATURE_INVALID: /,
      ],
      ['a malformed token', () => 'not.a.jwt', [], /^ERR_TOKEN_MALFORMED: token could not be decoded\.$/],
      [
        'a logout token',
        () => idToken({ aud: API }).replace(/^[^.]+/, b64url({ alg: 'RS256', typ: 'logout+jwt' })),
        [],
        /^ERR_TOKEN_TYP_INVALID: /,
      ],
    ];
    for (const [name, token, extra, reason] of cases) {
      it(name, async () => {
        const run = await verify([token(), ...base(), ...extra]);
        expect(run.code).to.equal(1);
        expect(run.out).to.equal('');
        const lines = run.err.split('\n').filter((line) => line !== '');
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(/^authn verify: /);
        expect(lines[0]!.slice('authn verify: '.length)).to.match(reason);
      });
    }
  });

  it('honours --leeway: a token expired 30 s ago passes the default 60 s and fails with --leeway 0', async () => {
    const token = accessToken({ iat: now() - 600, exp: now() - 30 });
    expect((await verify([token, ...base()])).code).to.equal(0);
    const strict = await verify([token, ...base(), '--leeway', '0']);
    expect(strict.code).to.equal(1);
    expect(strict.err).to.match(/ERR_TOKEN_EXPIRED/);
  });

  it('accepts the algorithms listed in --algorithms', async () => {
    const args = [...base(), '--algorithms', 'RS256, ES256'];
    expect((await verify([accessToken({}, 'ES256'), ...args])).code).to.equal(0);
    expect((await verify([accessToken({}, 'RS256'), ...args])).code).to.equal(0);
  });

  describe('when the key source is down', () => {
    for (const [name, setup] of [
      ['the JWKS answers 503', () => tenant.set(JWKS_PATH, { status: 503, body: 'down' })],
      [
        'the JWKS serves HTML',
        () => tenant.set(JWKS_PATH, { body: '<html>', headers: { 'content-type': 'text/html' } }),
      ],
      ['the discovery document answers 500', () => tenant.set(DISCOVERY_PATH, { status: 500, body: '' })],
    ] as const) {
      it(`exits 1 with "could not fetch keys", not an invalid token, when ${name}`, async () => {
        setup();
        const run = await verify([accessToken(), '--issuer', tenant.issuer, '--audience', API]);
        expect(run.code).to.equal(1);
        expect(run.out).to.equal('');
        expect(run.err).to.match(/^authn verify: could not fetch keys \(ERR_[A-Z_]+\): .+\n$/);
        expect(run.err).to.not.match(/ERR_TOKEN/);
      });
    }

    it('says so too when nothing listens', async () => {
      const run = await verify([accessToken(), ...base().slice(0, 4), '--jwks-uri', 'http://127.0.0.1:1/jwks.json']);
      expect(run.code).to.equal(1);
      expect(run.err).to.match(/^authn verify: could not fetch keys \(ERR_NETWORK\): GET http:\/\/127\.0\.0\.1:1\//);
    });
  });

  describe('--id-token', () => {
    it('verifies an ID token with TokenVerifier, the client given as --client-id or --audience', async () => {
      const token = idToken({ nonce: 'n-1' });
      for (const client of [
        ['--client-id', CLIENT],
        ['--audience', CLIENT],
      ]) {
        const run = await verify([token, '--id-token', '--issuer', tenant.issuer, ...client, '--nonce', 'n-1']);
        expect(run.code, run.err).to.equal(0);
        expect(JSON.parse(run.out)).to.include({ aud: CLIENT, nonce: 'n-1' });
      }
    });

    it('checks the nonce: required when given, refused when not expected', async () => {
      const args = ['--id-token', '--issuer', tenant.issuer, '--client-id', CLIENT, '--jwks-uri', tenant.jwksUri];
      const missing = await verify([idToken(), ...args, '--nonce', 'n-1']);
      expect(missing.code).to.equal(1);
      expect(missing.err).to.match(/^authn verify: ERR_TOKEN_NONCE_/);
      const unexpected = await verify([idToken({ nonce: 'n-1' }), ...args]);
      expect(unexpected.code).to.equal(1);
      expect(unexpected.err).to.match(/^authn verify: ERR_TOKEN_NONCE_/);
    });

    it('refuses an access token (aud is not the client)', async () => {
      const run = await verify([accessToken(), '--id-token', '--issuer', tenant.issuer, '--client-id', CLIENT]);
      expect(run.code).to.equal(1);
      expect(run.err).to.match(/^authn verify: ERR_TOKEN_/);
    });

    it('exits 2 when the discovery document has no jwks_uri, and 1 when the keys cannot be had', async () => {
      tenant.setDiscovery({ issuer: tenant.issuer });
      const args = ['--id-token', '--issuer', tenant.issuer, '--client-id', CLIENT];
      const none = await verify([idToken(), ...args]);
      expect(none.code).to.equal(2);
      expect(none.err).to.match(/has no jwks_uri: give --jwks-uri/);
      tenant.set(DISCOVERY_PATH, { status: 503, body: '' });
      const down = await verify([idToken(), ...args]);
      expect(down.code).to.equal(1);
      expect(down.err).to.match(/^authn verify: could not fetch keys/);
    });
  });

  it('ignores AUTHN_CLIENT_ID and AUTHN_NONCE, which authn token may have set, for an access token', async () => {
    const run = await verify([accessToken(), ...base()], { AUTHN_CLIENT_ID: 'm2m', AUTHN_NONCE: 'n' });
    expect(run.code, run.err).to.equal(0);
  });

  it('with --id-token, lets a flag win over the variables, and refuses variables that disagree', async () => {
    const token = idToken();
    const args = [token, '--id-token', '--issuer', tenant.issuer, '--jwks-uri', tenant.jwksUri];
    const env = { AUTHN_AUDIENCE: API, AUTHN_CLIENT_ID: 'm2m' };
    expect((await verify([...args, '--client-id', CLIENT], env)).code).to.equal(0);
    expect((await verify(args, { AUTHN_CLIENT_ID: CLIENT })).code).to.equal(0);
    const disagree = await verify(args, env);
    expect(disagree.code).to.equal(2);
    expect(disagree.err).to.match(/both name the client and differ/);
  });

  describe('--jwks-file', () => {
    let folder: string;
    const file = (name: string, content: unknown) => {
      const path = join(folder, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    };
    const claims = ['--issuer', () => tenant.issuer, '--audience', API] as const;
    const args = (...more: string[]) => [...claims.map((part) => (typeof part === 'string' ? part : part())), ...more];

    before(() => {
      folder = mkdtempSync(join(tmpdir(), 'authn-verify-jwks-file-'));
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    it('verifies with the keys of a JWKS file, or of a one-JWK file, and fetches nothing', async () => {
      const set = file('jwks.json', {
        keys: [publicJwk(rsaKeys('cli-verify').publicKey, { kid: 'rs', alg: 'RS256' })],
      });
      const one = file('jwk.json', publicJwk(rsaKeys('cli-verify').publicKey, { kid: 'rs' }));
      for (const path of [set, one]) {
        const run = await verify([accessToken(), ...args('--jwks-file', path)]);
        expect(run.code, run.err).to.equal(0);
        expect(JSON.parse(run.out).sub).to.equal('user-1');
      }
      const id = await verify([
        idToken(),
        '--id-token',
        '--issuer',
        tenant.issuer,
        '--client-id',
        CLIENT,
        '--jwks-file',
        set,
      ]);
      expect(id.code, id.err).to.equal(0);
      const unknown = await verify([
        accessToken({}, 'ES256'),
        ...args('--jwks-file', set, '--algorithms', 'RS256,ES256'),
      ]);
      expect(unknown.code).to.equal(1);
      expect(unknown.err).to.match(/ERR_JWKS_KEY_NOT_FOUND/);
      expect(tenant.requests).to.deep.equal([]);
    });

    it('exits 2 for a file that is missing, not JSON, without a usable key, or given with --jwks-uri', async () => {
      const cases: [string, RegExp][] = [
        [join(folder, 'missing.json'), /--jwks-file .*missing\.json could not be read \(ENOENT\)/],
        [file('text.json', 'not json'), /--jwks-file must hold JSON/],
        [
          file('oct.json', { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }),
          /--jwks-file: the local key set has no usable key/,
        ],
      ];
      for (const [path, reason] of cases) {
        const run = await verify([accessToken(), ...args('--jwks-file', path)]);
        expect([run.code, run.out], path).to.deep.equal([2, '']);
        expect(run.err).to.match(reason);
      }
      const both = await verify([
        accessToken(),
        ...args('--jwks-file', file('j.json', { keys: [] }), '--jwks-uri', tenant.jwksUri),
      ]);
      expect(both.err).to.match(/give --jwks-file or --jwks-uri, not both/);
      expect(tenant.requests).to.deep.equal([]);
    });
  });

  describe('exits 2 with a one-line reason on a usage error', () => {
    const SECRET_LOOKING = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln';
    const cases: [string, string[], string, RegExp][] = [
      ['no issuer', ['T', '--audience', API], '', /--issuer \(or AUTHN_ISSUER\) is required/],
      ['no audience', ['T', '--issuer', 'https://t/'], '', /--audience .* is required/],
      [
        'an ID token without its client',
        ['T', '--id-token', '--issuer', 'https://t/'],
        '',
        /--audience \(or --client-id: the client/,
      ],
      ['no token', ['--issuer', 'https://t/', '--audience', API], '', /give the token as the argument, or -/],
      ['an empty stdin', ['-', '--issuer', 'https://t/', '--audience', API], '\n', /the token is empty/],
      [
        'two tokens',
        [SECRET_LOOKING, SECRET_LOOKING, '--issuer', 'https://t/', '--audience', API],
        '',
        /one token only/,
      ],
      [
        '--nonce without --id-token',
        ['T', '--issuer', 'https://t/', '--audience', API, '--nonce', 'n'],
        '',
        /--nonce goes with --id-token/,
      ],
      [
        '--client-id without --id-token',
        ['T', '--issuer', 'https://t/', '--audience', API, '--client-id', 'c'],
        '',
        /--client-id goes with --id-token/,
      ],
      [
        'two different clients',
        ['T', '--id-token', '--issuer', 'https://t/', '--audience', 'a', '--client-id', 'b'],
        '',
        /give one/,
      ],
      [
        'a leeway that is not a number',
        ['T', '--issuer', 'https://t/', '--audience', API, '--leeway', 'soon'],
        '',
        /--leeway must be a number/,
      ],
      ['a leeway out of range', ['T', '--issuer', 'https://t/', '--audience', API, '--leeway', '3600'], '', /leeway/],
      [
        'an unknown algorithm',
        ['T', '--issuer', 'https://t/', '--audience', API, '--algorithms', 'RS257'],
        '',
        /algorithm/,
      ],
      [
        'an HS algorithm without a secret',
        ['T', '--issuer', 'https://t/', '--audience', API, '--algorithms', 'HS256'],
        '',
        /HS/,
      ],
      ['a bad timeout', ['T', '--issuer', 'https://t/', '--audience', API, '--timeout', '0'], '', /--timeout must be/],
      [
        'a remote http JWKS',
        ['T', '--issuer', 'https://t/', '--audience', API, '--jwks-uri', 'http://t.example/jwks'],
        '',
        /http/,
      ],
      ['a remote http issuer to discover', ['T', '--issuer', 'http://t.example/', '--audience', API], '', /http/],
      [
        'the same for an ID token',
        ['T', '--id-token', '--issuer', 'http://t.example/', '--client-id', 'c'],
        '',
        /http/,
      ],
    ];
    for (const [name, args, stdin, message] of cases) {
      it(name, async () => {
        const run = await verify(args, {}, stdin);
        expect(run.code).to.equal(2);
        expect(run.out).to.equal('');
        const lines = run.err.split('\n').filter((line) => line !== '');
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(/^authn verify: /);
        expect(lines[0]).to.match(message);
        expect(run.err).to.not.include(SECRET_LOOKING);
      });
    }
  });

  describe('against the dev server', function () {
    this.timeout(20_000);
    const devServer = useDevServer();

    it("verifies its ID tokens and the API's access tokens, finding the keys by discovery", async () => {
      const server = devServer();
      const { idToken: id, accessToken: at, nonce } = await loginAtDevServer(server);
      const idRun = await verify([
        id,
        '--id-token',
        '--issuer',
        server.issuer,
        '--client-id',
        'web-app',
        // =: a random nonce starts with '-' once in 64, which parseArgs would take for a flag.
        `--nonce=${nonce}`,
      ]);
      expect(idRun.code, idRun.err).to.equal(0);
      expect(JSON.parse(idRun.out)).to.include({ iss: server.issuer, aud: 'web-app', sub: server.user.sub, nonce });
      const atRun = await verify(['-', '--issuer', server.issuer, '--audience', server.audience], {}, at);
      expect(atRun.code, atRun.err).to.equal(0);
      expect(JSON.parse(atRun.out)).to.include({ iss: server.issuer, sub: server.user.sub });
    });
  });
});
