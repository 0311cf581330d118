// `npm run demo:login` (dev/login-demo.ts): the app logs a user in through the embedded provider, shows the
// profile, refreshes and logs out; the script prints the URL to open and stops on SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type LoginDemo, startLoginDemo } from '../../dev/login-demo/demo.js';
import { CookieClient } from '../helpers/cookie-client.js';
import { fastOptions } from '../helpers/dev-server.js';

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
    const logout = await client.request(`${demo.url}/logout`);
    expect(logout.headers.get('location')).to.match(new RegExp(`^${demo.provider.issuer}`));
    expect((await client.request(`${demo.url}/`)).text).to.include('Not logged in.');
  });

  it('runs as a script that prints the URL to open and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      env: { ...process.env, NODE_V8_COVERAGE: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
        if (found) resolve(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the demo exited with ${String(code)}: ${output}`)));
    });
    expect((await fetch(`${url}/`)).status).to.equal(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).to.equal(0);
  });
});
