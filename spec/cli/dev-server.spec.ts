import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { devServerCommand } from '../../lib/cli/dev-server.js';
import { runCli } from '../../lib/cli/main.js';
import { runDevServer } from '../../lib/dev-server/cli.js';
import { type AuthnProcess, memoryIo, ROOT, runAuthn, spawnAuthn } from '../helpers/cli.js';

const BUILT_MAIN = 'dist/cjs/cli/main.js';

describe('authn dev-server', function () {
  this.timeout(60_000);
  // In this process the dev server is loaded statically, as the specs load lib/: a real import() here would load
  // a second, ES-module copy of lib/dev-server, which c8 cannot merge with the first. The real loader runs in
  // the child processes below.
  const commands = [devServerCommand(() => Promise.resolve({ runDevServer }))];

  it('hands its flags, from the command line or AUTHN_*, to the dev server, which refuses a bad port with exit 2', async () => {
    for (const [args, env] of [
      [['--port', 'eighty'], {}],
      [[], { AUTHN_PORT: 'eighty' }],
    ] as const) {
      const io = memoryIo(env);
      expect(await runCli(['dev-server', ...args], io, commands)).to.equal(2);
      expect(io.err).to.match(/^authn dev-server: --port must be a number \(got "eighty"\)/);
      expect(io.out).to.equal('');
    }
  });

  it('exits 1 when the server cannot start', async () => {
    const io = memoryIo();
    expect(await runCli(['dev-server', '--config', `${ROOT}spec/no-such-file.json`], io, commands)).to.equal(1);
    expect(io.err).to.match(/^authn dev-server: .*no-such-file\.json/);
  });

  it('loads the dev server (and oidc-provider) only when that command runs', function () {
    if (!existsSync(`${ROOT}${BUILT_MAIN}`)) {
      console.warn('    SKIPPED: no build yet (npm test builds before it runs the specs)');
      this.skip();
    }
    const script = `
      const { runCli } = require('./${BUILT_MAIN}');
      const io = { stdout: { write() {} }, stderr: { write() {} }, stdin: [], env: {} };
      // lib/dev-server/* and oidc-provider (not lib/cli/dev-server.js, the command itself).
      // (Matched below the build folder: the checkout's own folder may be called dev-server.)
      const loaded = () => Object.keys(require.cache).filter((file) => /[\\/]cjs[\\/]dev-server[\\/]|[\\/]oidc-provider[\\/]/.test(file)).length;
      (async () => {
        const before = [];
        for (const argv of [['--help'], ['decode', 'a.b.c'], ['verify', '--help'], ['token', '--client-id', 'c']]) {
          await runCli(argv, io);
          before.push(loaded());
        }
        await runCli(['dev-server', '--port', 'x'], io);
        console.log(JSON.stringify({ before, after: loaded() > 0 }));
      })();`;
    const env = { PATH: process.env.PATH ?? '', NODE_V8_COVERAGE: '' };
    const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', env });
    expect(JSON.parse(out)).to.deep.equal({ before: [0, 0, 0, 0], after: true });
  });

  describe('as users run it', () => {
    let server: AuthnProcess | undefined;
    after(() => {
      if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    });

    it('prints an authn token line that gets a JWT access token, which authn verify accepts; SIGTERM stops it', async () => {
      server = spawnAuthn(['dev-server', '--port', '0']);
      const [, line = ''] = await server.waitFor(/get an access token:\n\s+(authn token [^\n]+)\n/);
      const [, issuer = ''] = /issuer\s+(\S+)/.exec(server.stdout())!;
      const [, audience = ''] = /audience\s+(\S+)/.exec(server.stdout())!;
      expect(line).to.not.match(/['"\\]/); // a plain line: split at spaces as a shell would
      const args = line.split(' ').slice(1);
      expect(args.slice(0, 3)).to.deep.equal(['token', '--domain', new URL(issuer).host]);
      expect(args).to.include('--protocol');

      const token = await runAuthn(args);
      expect(token.code, token.stderr).to.equal(0);
      expect(token.stdout).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      expect(token.stderr).to.match(/^authn: warning: a secret given with --client-secret/);

      const verified = await runAuthn(['verify', '-', '--issuer', issuer, '--audience', audience], {}, token.stdout);
      expect(verified.code, verified.stderr).to.equal(0);
      expect(JSON.parse(verified.stdout)).to.include({ iss: issuer, aud: audience, client_id: 'm2m-secret' });

      server.child.kill('SIGTERM');
      expect(await server.exited).to.equal(0);
      expect(server.stdout()).to.match(/authn dev-server: stopped\n$/);
    });
  });
});
