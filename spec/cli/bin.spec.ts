// The `authn` executable as users run it: a child process, its exit code, its stdout and stderr.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { BUILT_BIN, ROOT, runAuthn as authn, SOURCE_BIN } from '../helpers/cli.js';
import { startTokenServer, type TokenServer } from '../helpers/token-server.js';

describe('the authn executable', function () {
  this.timeout(30_000);
  let server: TokenServer;
  beforeEach(async () => {
    server = await startTokenServer();
  });
  afterEach(() => server.close());

  it('prints only the token on stdout, so that TOKEN=$(authn token …) works, and exits 0', async () => {
    const run = await authn(['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid'], {
      AUTHN_CLIENT_SECRET: 'from-env',
    });
    expect(run).to.deep.equal({ code: 0, stdout: 'token-1\n', stderr: '' });
  });

  it('reads the secret piped on stdin', async () => {
    const run = await authn(
      ['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid', '--client-secret-stdin'],
      {},
      'piped-secret\n',
    );
    expect(run.code).to.equal(0);
    expect(server.grants[0]!.form.client_secret).to.equal('piped-secret');
  });

  it('exits 1 with one line on stderr when the grant is refused, and 2 on a usage error', async () => {
    server.answer(() => ({
      status: 403,
      body: { error: 'unauthorized_client', error_description: 'Grant type not allowed' },
    }));
    const refused = await authn(['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid'], {
      AUTHN_CLIENT_SECRET: 'hunter2',
    });
    expect(refused).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: 'authn token: unauthorized_client: Grant type not allowed (HTTP 403)\n',
    });
    const usage = await authn(['token', '--client-id', 'cid']);
    expect(usage.code).to.equal(2);
    expect(usage.stdout).to.equal('');
  });

  it('is built with its shebang, and runs from the build', async function () {
    if (!existsSync(`${ROOT}${BUILT_BIN}`)) {
      console.warn('    SKIPPED: no build yet (npm test builds before it runs the specs)');
      this.skip();
    }
    expect(readFileSync(`${ROOT}${BUILT_BIN}`, 'utf8').split('\n')[0]).to.equal('#!/usr/bin/env node');
    const run = await authn(
      ['token', '--token-endpoint', server.tokenEndpoint, '--client-id', 'cid'],
      { AUTHN_CLIENT_SECRET: 's' },
      '',
      BUILT_BIN,
    );
    expect(run).to.deep.equal({ code: 0, stdout: 'token-1\n', stderr: '' });
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).to.deep.equal({ authn: `./${BUILT_BIN}` });
  });

  it('ends with its own exit code and no stack trace when the reader of its output went away (EPIPE)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SOURCE_BIN, 'dev-server', '--help'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_V8_COVERAGE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
  });
});
