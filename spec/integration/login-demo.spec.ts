// `npm run demo:login` (dev/login-demo.ts): the app logs a user in through the embedded provider, shows the
// profile, refreshes and logs out at the provider, back to the app; the script prints the URL to open and stops on
// SIGTERM, SIGHUP, or the end of the npm that started it.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type LoginDemo, startLoginDemo } from '../../dev/login-demo/demo.js';
import { ROOT } from '../helpers/cli.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { fastOptions } from '../helpers/dev-server.js';
import { stopsAnswering } from '../helpers/wait.js';

const SCRIPT = fileURLToPath(new URL('../../dev/login-demo.ts', import.meta.url));

describe('npm run demo:login', function () {
  this.timeout(30_000);
  let demo: LoginDemo;

  before(async () => {
    // Automatic interactions: this client does not type passwords (the browser specs fill the form).
    demo = await startLoginDemo({ devServer: { ...fastOptions(), interactions: 'auto' } });
  });
  after(() => demo?.stop());

  it('logs the user in from the home page, shows the profile, refreshes and logs out', async () => {
    const client = new CookieClient();
    expect((await client.request(`${demo.url}/`)).text).to.include('Not logged in.');
    const hops = await client.follow(`${demo.url}/login?returnTo=/profile`);
    const profile = hops.at(-1)!;
    expect(profile.url).to.equal(`${demo.url}/profile`);
    expect(profile.text).to.include(`&#34;sub&#34;: &#34;${demo.provider.user.sub}&#34;`);
    const refreshed = await client.follow(`${demo.url}/refresh`);
    expect(refreshed.map((hop) => hop.status)).to.deep.equal([302, 200]);
    expect((await client.request(`${demo.url}/`)).text).to.include('Logged in as <b>Test User</b>');
    // The provider's logout returns to the app's home page, registered for the demo's client.
    const logout = await client.follow(`${demo.url}/logout`);
    expect(logout[1]!.url).to.match(new RegExp(`^${demo.provider.issuer}`));
    expect(logout.at(-1)!.url).to.equal(`${demo.url}/`);
    expect(logout.at(-1)!.text).to.include('Not logged in.');
  });

  it('puts the provider on another site than the app (localhost and 127.0.0.1), as docs/login.md advises', () => {
    expect(new URL(demo.provider.issuer).hostname).to.equal('localhost');
    expect(new URL(demo.url).hostname).to.equal('127.0.0.1');
  });

  describe('as a script', () => {
    const pids: number[] = [];
    after(() => {
      // A demo left running by a failed test is stopped by the id it printed.
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });

    /** Starts `command` in a shell of the checkout; resolves once it printed the URL to open and its pid. */
    async function started(command: string): Promise<{ child: ChildProcess; url: string; pid: number }> {
      const child = spawn('sh', ['-c', command], {
        cwd: ROOT,
        env: { ...process.env, NODE_V8_COVERAGE: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      return new Promise((resolve, reject) => {
        let output = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /open (http:\/\/127\.0\.0\.1:\d+)\/.*\n.*pid (\d+)/.exec(output);
          if (found) {
            pids.push(Number(found[2]));
            resolve({ child, url: found[1]!, pid: Number(found[2]) });
          }
        });
        child.once('exit', (code) => reject(new Error(`the demo exited with ${String(code)}: ${output}`)));
      });
    }

    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      it(`prints the URL to open and stops on ${signal}`, async () => {
        const { child, url, pid } = await started(`exec node --import tsx ${SCRIPT}`);
        expect(pid).to.equal(child.pid);
        expect((await fetch(`${url}/`)).status).to.equal(200);
        const code = await new Promise<number | null>((resolve) => {
          child.once('exit', resolve);
          child.kill(signal);
        });
        expect(code).to.equal(0);
      });
    }

    // A trial killed `npm run demo:login`: npm and its shell ended, and the demo (under tsx) kept running.
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      it(`stops when the npm that ran it is killed with ${signal}`, async () => {
        const { child, url, pid } = await started('exec npm run --silent demo:login');
        expect(pid).to.not.equal(child.pid); // the demo runs below npm's shell
        child.kill(signal);
        await stopsAnswering(`${url}/`);
      });
    }
  });
});
