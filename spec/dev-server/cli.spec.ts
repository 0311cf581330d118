import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { errorLine, runDevServer } from '../../lib/dev-server/cli.js';
import { NetworkError } from '../../lib/errors.js';
import type { DevServer } from '../../lib/dev-server/dev-server.js';
import { runCli } from '../../lib/cli/main.js';
import { memoryIo, printedTokenCommand } from '../helpers/cli.js';
import { rsaKeys } from '../helpers/keys.js';
import { VERSION } from '../../lib/version.js';

/** Collects what a command writes. */
function sink() {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

describe('runDevServer', function () {
  this.timeout(20_000);
  let folder: string;

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'authn-dev-server-cli-'));
    writeFileSync(join(folder, 'signing.pem'), rsaKeys('dev-server-signing').privatePem);
    writeFileSync(join(folder, 'm2m.pem'), rsaKeys('dev-server-m2m-jwt').privatePem);
    writeFileSync(
      join(folder, 'dev.json'),
      JSON.stringify({
        audience: 'https://orders.example.com/',
        scopes: ['orders:read'],
        signingKeysFile: 'signing.pem',
        clients: [
          { clientId: 'm2m-secret', clientSecret: "it's-pinned" },
          { clientId: 'm2m-jwt', privateKeyFile: 'm2m.pem' },
        ],
      }),
    );
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  /** Runs the command until it has started, lets `check` look at the server, then stops it. */
  async function run(
    argv: string[],
    env: Record<string, string> = {},
    check?: (server: DevServer, printed: string) => Promise<void>,
  ) {
    const stdout = sink();
    const stderr = sink();
    const controller = new AbortController();
    let started: DevServer | undefined;
    let checked: Promise<void> = Promise.resolve();
    const code = await runDevServer(argv, {
      stdout,
      stderr,
      env,
      signal: controller.signal,
      onStarted: (server) => {
        started = server;
        checked = (check?.(server, stdout.text()) ?? Promise.resolve()).finally(() => controller.abort());
      },
    });
    await checked;
    return { code, stdout: stdout.text(), stderr: stderr.text(), server: started };
  }

  it('starts with the config file, prints the issuer, the clients and a ready authn token line, and stops', async () => {
    const { code, stdout, stderr, server } = await run(['--config', join(folder, 'dev.json')], {}, async (running) => {
      const response = await fetch(running.endpoints.discovery);
      expect(response.status).to.equal(200);
    });
    expect(code).to.equal(0);
    expect(stderr).to.equal('');
    expect(server!.audience).to.equal('https://orders.example.com/');
    expect(server!.jwks.keys[0]!.n).to.equal(rsaKeys('dev-server-signing').publicKey.export({ format: 'jwk' }).n);
    expect(stdout).to.include(`issuer     ${server!.issuer}`);
    expect(stdout).to.include('m2m-secret  client_credentials (client_secret_post)');
    expect(stdout).to.include("secret: it's-pinned");
    expect(stdout).to.include(`secret: ${server!.client('web-app').clientSecret}`);
    expect(stdout).to.include(
      `    AUTHN_CLIENT_SECRET='it'\\''s-pinned' npx authn token --domain 127.0.0.1:${server!.port} --protocol http ` +
        '--client-id m2m-secret --audience https://orders.example.com/\n',
    );
    expect(printedTokenCommand(stdout).env.AUTHN_CLIENT_SECRET).to.equal("it's-pinned");
    expect(stdout).to.include(`  pid        ${process.pid}  (stop with Ctrl+C or kill ${process.pid})\n`);
    expect(stdout).to.include('  logins     answered at once, without a page\n');
    expect(stdout).to.match(/stopped\n$/);
    await fetch(server!.endpoints.discovery).then(
      () => expect.fail('the server still answers'),
      (error: Error) => expect(error).to.be.instanceOf(TypeError),
    );
  });

  it('prints an authn token line that gives the secret in AUTHN_CLIENT_SECRET, which works even when it starts with a dash', async () => {
    writeFileSync(
      join(folder, 'dash.json'),
      JSON.stringify({ clients: [{ clientId: 'm2m-secret', clientSecret: '-starts-with-a-dash' }] }),
    );
    let exit: number | undefined;
    const io = memoryIo();
    const { code } = await run(['--config', join(folder, 'dash.json')], {}, async (_server, printed) => {
      const { env, args, line } = printedTokenCommand(printed);
      expect(line).to.match(/^AUTHN_CLIENT_SECRET=-starts-with-a-dash npx authn token /);
      expect(args).to.not.include('--client-secret');
      Object.assign(io.env, env);
      exit = await runCli(args, io);
    });
    expect(code).to.equal(0);
    expect(exit, io.err).to.equal(0);
    expect(io.out).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(io.err, 'no warning about a secret on the command line').to.equal('');
  });

  it('starts the standard profile under an issuer path, whose printed authn token line works by discovery', async () => {
    let token = '';
    const { code, stdout, server } = await run(
      ['--profile', 'standard', '--issuer-path', '/realms/demo'],
      {},
      async (_server, printed) => {
        const { env, args } = printedTokenCommand(printed);
        const io = memoryIo(env);
        expect(await runCli(args, io), io.err).to.equal(0);
        token = io.out.trim();
      },
    );
    expect(code).to.equal(0);
    expect(server!.profile).to.equal('standard');
    expect(server!.issuer).to.equal(`http://127.0.0.1:${server!.port}/realms/demo`);
    expect(stdout).to.include('authn dev-server: an OpenID Provider (standard profile) for local development.');
    expect(printedTokenCommand(stdout).args.join(' ')).to.equal(
      `token --discovery-uri ${server!.issuer} --client-id m2m-secret --resource https://api.example.com/`,
    );
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).to.include({ iss: server!.issuer, aud: 'https://api.example.com/' });
  });

  it('takes the profile, issuer path and interactions from AUTHN_*, and prints the login form credentials', async () => {
    const { code, stdout, server } = await run([], {
      AUTHN_PROFILE: 'standard',
      AUTHN_ISSUER_PATH: '/oauth2/default',
      AUTHN_INTERACTIONS: 'form',
    });
    expect(code).to.equal(0);
    expect(server).to.deep.include({ profile: 'standard', interactions: 'form' });
    expect(server!.issuer).to.match(/\/oauth2\/default$/);
    expect(stdout).to.include('  logins     a login form: username user-123, password password\n');
  });

  it('takes the port from the flag over AUTHN_PORT, and the config from AUTHN_CONFIG', async () => {
    const probe = await run([], {});
    const port = probe.server!.port;
    const { code, server } = await run(['--port', String(port)], {
      AUTHN_PORT: '1',
      AUTHN_CONFIG: join(folder, 'dev.json'),
    });
    expect(code).to.equal(0);
    expect(server!.port).to.equal(port);
    expect(server!.audience).to.equal('https://orders.example.com/');
  });

  it('prints the usage for --help, with the address of the guide of this version', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^Usage: authn dev-server \[--port P\]/);
    expect(stdout).to.include(`docs/dev-server.md:\nhttps://unpkg.com/authn-client@${VERSION}/docs/dev-server.md\n`);
  });

  for (const [label, argv, message] of [
    ['an unknown flag', ['--prot', '80'], 'unknown flag "--prot"; did you mean --port?'],
    ['a port that is not a number', ['--port', 'eighty'], '--port must be a number; found "eighty"'],
    ['a stray argument', ['start'], 'unexpected argument (this command takes only --flags)'],
    ['an unknown profile', ['--profile', 'okta'], '--profile must be "auth0" or "standard"; found "okta"'],
    [
      'an unknown interactions mode',
      ['--interactions', 'browser'],
      '--interactions must be "auto" or "form"; found "browser"',
    ],
  ] as const) {
    it(`exits 2 with the usage for ${label}`, async () => {
      const { code, stderr, server } = await run([...argv]);
      expect(code).to.equal(2);
      expect(server).to.equal(undefined);
      expect(stderr).to.include(message).and.include('Usage: authn dev-server');
    });
  }

  // A trial ran an app without a session store (so without a back-channel route, as documented): every logout
  // printed "server error: …", which alarms for what is no fault of the server.
  it('prints a back-channel logout the app did not take as a plain line, and other errors as server errors', () => {
    const undelivered = new NetworkError(
      'back-channel logout to http://127.0.0.1:3000/bcl not delivered: ECONNREFUSED',
    );
    expect(errorLine(undelivered)).to.equal(
      'authn dev-server: back-channel logout to http://127.0.0.1:3000/bcl not delivered: ECONNREFUSED',
    );
    expect(errorLine(new TypeError('a bug'))).to.equal('authn dev-server: server error: a bug');
  });

  it('exits 1 with the reason when the server cannot start', async () => {
    const missing = await run(['--config', join(folder, 'missing.json')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.equal(`authn dev-server: cannot read ${join(folder, 'missing.json')}: ENOENT\n`);
    const public_ = await run(['--host', '0.0.0.0']);
    expect(public_.code).to.equal(1);
    expect(public_.stderr).to.include('host must be a loopback address');
  });

  it('stops cleanly on SIGINT, SIGTERM and SIGHUP when run as a process', async function () {
    this.timeout(30_000);
    const script = join(import.meta.dirname, 'fixtures', 'run-dev-server.ts');
    // Under c8, the child's coverage would be merged with this process's from another compilation of the same files,
    // garbling both: send it elsewhere (Node puts NODE_V8_COVERAGE back into a child's environment when removed).
    const env = { ...process.env, NODE_V8_COVERAGE: join(folder, 'child-coverage') };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      });
      let output = '';
      let sent = false;
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (!sent && output.includes('Press Ctrl+C to stop.')) sent = child.kill(signal);
      });
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, `${signal}: ${errors}`).to.equal(0);
      expect(output).to.match(/stopped\n$/);
      expect(errors).to.equal('');
    }
  });
});
