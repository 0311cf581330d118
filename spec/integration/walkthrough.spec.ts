// `npm start` (dev/walkthrough.ts): every step passes against a fresh provider and says what it checked; a failing
// or hanging step stops the walkthrough with a one-line reason; nothing is left running; and the script itself
// runs from source and exits 0 well within 30 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runWalkthrough, type WalkthroughResult } from '../../dev/walkthrough/run.js';
import type { Step } from '../../dev/walkthrough/step.js';
import { STEPS } from '../../dev/walkthrough/steps.js';
import { Auth0Error } from '../../lib/errors.js';
import { fastOptions } from '../helpers/dev-server.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs the walkthrough in this process, collecting what it prints. */
async function walk(options: { steps?: readonly Step[]; stepTimeout?: number } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const result: WalkthroughResult = await runWalkthrough({
    ...options,
    devServer: fastOptions(),
    write: (line) => out.push(line),
    writeError: (line) => err.push(line),
  });
  const issuer = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.join('\n'))?.[1];
  return { result, out, err, issuer };
}

/** Asserts that nothing listens at the provider's address any more. */
async function expectStopped(issuer: string | undefined): Promise<void> {
  expect(issuer, 'the provider line names the issuer').to.be.a('string');
  const error = await fetch(issuer!).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error, 'the provider still answers').to.be.instanceOf(TypeError);
}

describe('the npm start walkthrough', function () {
  this.timeout(30_000);

  it('passes every step against a fresh provider, says what each checked, and stops the provider', async () => {
    const { result, out, err, issuer } = await walk();
    expect(err).to.deep.equal([]);
    expect(result.ok).to.equal(true);
    expect(result.steps.map((step) => step.name)).to.deep.equal(['provider', ...STEPS.map((step) => step.name)]);
    expect(result.steps.every((step) => step.ok && step.ms >= 0)).to.equal(true);
    const text = out.join('\n');
    for (const expected of [
      /✓ discovery +\d+ ms {2}issuer http:\/\/127\.0\.0\.1:\d+\/ matches exactly; token_endpoint=\/oauth\/token/,
      /access token verified: sub=m2m-secret, aud=https:\/\/api\.example\.com\/, scope=read:messages write:messages/,
      /token verified: sub=m2m-jwt, scope=read:messages/,
      /11 calls \(10 concurrent\) -> 1 grant/,
      /headless login of user-123: state and iss checked/,
      /ID token verified: sub=user-123, aud=web-app, nonce matches, at_hash matches the access token/,
      /GET \/userinfo with the access token: sub=user-123/,
      /refreshing with it now fails: 400 invalid_grant/,
      /pushed urn:ietf:params:oauth:request_uri:/,
      /back-channel login of user-123 approved/,
      /200 with the user's token \(sub=user-123\) and the M2M token; 401 without a token .*; 401 with the ID token; 403 without delete:messages .*error="insufficient_scope"/,
    ]) {
      expect(text).to.match(expected);
    }
    expect(out.at(-1)).to.match(/^all 14 steps passed in \d+\.\d s; the provider is stopped$/);
    expect(result.totalMs).to.be.below(30_000);
    await expectStopped(issuer);
  });

  it('stops at the first failing step with a one-line reason, and still stops the provider', async () => {
    let ranAfter = false;
    const failing: Step = {
      name: 'failing step',
      run: () =>
        Promise.reject(new Auth0Error('grant request is invalid', { statusCode: 400, errorCode: 'invalid_grant' })),
    };
    const after: Step = {
      name: 'after',
      run: async () => {
        ranAfter = true;
        return 'ran';
      },
    };
    const { result, out, err, issuer } = await walk({ steps: [STEPS[0]!, failing, after] });
    expect(result.ok).to.equal(false);
    expect(ranAfter).to.equal(false);
    expect(result.steps.map((step) => [step.name, step.ok])).to.deep.equal([
      ['provider', true],
      ['discovery', true],
      ['failing step', false],
    ]);
    expect(out.some((line) => line.startsWith('  ✗ failing step'))).to.equal(true);
    expect(err).to.deep.equal([
      'walkthrough failed at "failing step": Auth0Error ERR_AUTH_API: grant request is invalid',
    ]);
    await expectStopped(issuer);
  });

  it('fails a step that takes longer than its time limit', async () => {
    const hanging: Step = { name: 'hanging', run: () => new Promise<string>(() => undefined) };
    const { result, err } = await walk({ steps: [hanging], stepTimeout: 50 });
    expect(result.ok).to.equal(false);
    expect(err).to.deep.equal(['walkthrough failed at "hanging": "hanging" took longer than 50 ms']);
  });

  it('runs as `npm start` from source and exits 0 well within 30 s, with proxies set in the environment', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).to.equal('tsx dev/walkthrough.ts');
    // Under c8 the child's coverage would be merged with this process's and garble it: send it elsewhere.
    const folder = mkdtempSync(join(tmpdir(), 'authn-walkthrough-'));
    try {
      const started = performance.now();
      const child = spawn(process.execPath, ['--import', 'tsx', 'dev/walkthrough.ts'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NODE_V8_COVERAGE: join(folder, 'coverage'),
          // A proxy that refuses everything: the walkthrough must not send its loopback requests there.
          HTTP_PROXY: 'http://127.0.0.1:9',
          HTTPS_PROXY: 'http://127.0.0.1:9',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      const seconds = (performance.now() - started) / 1000;
      expect(code, stderr).to.equal(0);
      expect(stderr).to.equal('');
      expect(stdout).to.match(/all 14 steps passed in \d+\.\d s; the provider is stopped\n$/);
      expect(seconds).to.be.below(30);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
