import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { expect } from 'chai';
import { devServerCommand } from '../../lib/cli/dev-server.js';
import { runCli } from '../../lib/cli/main.js';
import { runDevServer } from '../../lib/dev-server/cli.js';
import {
  type AuthnProcess,
  BUILT_BIN,
  localInstall,
  memoryIo,
  printedTokenCommand,
  ROOT,
  runAuthn,
  spawnAuthn,
  spawnShell,
} from '../helpers/cli.js';
import { guideUrl, VERSION } from '../../lib/version.js';
import { stopsAnswering } from '../helpers/wait.js';

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
      expect(io.err).to.match(/^authn dev-server: --port must be a number; found "eighty"/);
      expect(io.out).to.equal('');
    }
  });

  it('points its --help at the guide of this version, which ships in the package', async () => {
    const io = memoryIo();
    expect(await runCli(['dev-server', '--help'], io, commands)).to.equal(0);
    expect(io.out).to.include(`docs/dev-server.md:\n${guideUrl('dev-server.md')}\n`);
    expect(guideUrl('dev-server.md')).to.equal(`https://unpkg.com/authn-client@${VERSION}/docs/dev-server.md`);
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
    const started: AuthnProcess[] = [];
    const printedPids: number[] = [];
    after(() => {
      for (const process_ of started) if (process_.child.exitCode === null) process_.child.kill('SIGKILL');
      // A provider left running by a failed test (its launcher gone) is stopped by the id it printed.
      for (const pid of printedPids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });

    /** Waits for the banner; returns the issuer, audience and process id it printed. */
    async function banner(running: AuthnProcess) {
      await running.waitFor(/Press Ctrl\+C to stop\.\n/);
      const text = running.stdout();
      const pid = Number(/pid\s+(\d+)/.exec(text)![1]);
      printedPids.push(pid);
      return { issuer: /issuer\s+(\S+)/.exec(text)![1]!, audience: /audience\s+(\S+)/.exec(text)![1]!, pid };
    }

    it('prints its process id and an authn token line whose JWT authn verify accepts, and stops at once on SIGTERM', async () => {
      const server = spawnAuthn(['dev-server', '--port', '0']);
      started.push(server);
      const { issuer, audience, pid } = await banner(server);
      expect(pid).to.equal(server.child.pid);
      const { env, args, line } = printedTokenCommand(server.stdout());
      expect(line).to.not.match(/['"\\]/); // a plain line: split at spaces as a shell would
      expect(args.slice(0, 3)).to.deep.equal(['token', '--domain', new URL(issuer).host]);
      expect(args).to.include('--protocol').and.not.include('--client-secret');

      const token = await runAuthn(args, env);
      expect(token).to.deep.include({ code: 0, stderr: '' });
      expect(token.stdout).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);

      const verified = await runAuthn(['verify', '-', '--issuer', issuer, '--audience', audience], {}, token.stdout);
      expect(verified.code, verified.stderr).to.equal(0);
      expect(JSON.parse(verified.stdout)).to.include({ iss: issuer, aud: audience, client_id: 'm2m-secret' });

      const sent = Date.now();
      server.child.kill('SIGTERM');
      expect(await server.exited).to.equal(0);
      expect(Date.now() - sent, 'milliseconds from SIGTERM to exit').to.be.below(1000);
      expect(server.stdout()).to.match(/authn dev-server: stopped\n$/);
    });

    describe('through npx in a local install', () => {
      let folder: string | undefined;

      before(function () {
        if (!existsSync(`${ROOT}${BUILT_BIN}`)) {
          console.warn('    SKIPPED: no build yet (npm test builds before it runs the specs)');
          this.skip();
        }
        folder = localInstall();
      });

      after(() => {
        if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
      });

      it('prints an authn token line that works as printed', async () => {
        const server = spawnShell('npx authn dev-server --port 0', folder!);
        started.push(server);
        await banner(server);
        const { line } = printedTokenCommand(server.stdout());
        const token = spawnShell(line, folder!);
        expect(await token.exited, token.stderr()).to.equal(0);
        expect(token.stdout()).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
        expect(token.stderr()).to.equal('');
      });

      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        it(`stops when the npx that started it is killed with ${signal}`, async () => {
          const server = spawnShell('exec npx authn dev-server --port 0', folder!);
          started.push(server);
          const { issuer, pid } = await banner(server);
          expect(pid).to.not.equal(server.child.pid); // the provider runs below npx's shell
          server.child.kill(signal);
          await stopsAnswering(`${issuer}.well-known/openid-configuration`);
        });
      }
    });
  });
});
