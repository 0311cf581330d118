import { expect } from 'chai';
import nock from 'nock';
import { runCli } from '../../lib/cli/main.js';
import { headlessDeviceApproval } from '../../lib/dev-server/headless-login.js';
import { commandRunner, memoryIo } from '../helpers/cli.js';
import { decodeJwt } from '../helpers/dev-server.js';
import { locationOf, PROFILES, profileOptions, useProvider } from '../helpers/integration.js';

const DOMAIN = 'tenant.example.com';
const ORIGIN = `https://${DOMAIN}`;
const STARTED = {
  device_code: 'dc-1',
  user_code: 'WDJB-MJHT',
  verification_uri: `${ORIGIN}/activate`,
  verification_uri_complete: `${ORIGIN}/activate?user_code=WDJB-MJHT`,
  expires_in: 60,
  interval: 0.02, // a real server says 5 s; the poll loop waits what it is told
};
const TOKENS = { access_token: 'at', id_token: 'it', refresh_token: 'rt', token_type: 'Bearer', expires_in: 86400 };

describe('authn login --device', () => {
  const login = commandRunner('login');

  it('prints where to go and the code on stderr, polls until approved, and prints the tokens on stdout', async () => {
    let started: Record<string, string> = {};
    const polls: Record<string, string>[] = [];
    nock(ORIGIN)
      .post('/oauth/device/code')
      .reply((_uri, body) => {
        started = Object.fromEntries(new URLSearchParams(String(body)));
        return [200, STARTED];
      })
      .post('/oauth/token')
      .times(3)
      .reply((_uri, body) => {
        polls.push(Object.fromEntries(new URLSearchParams(String(body))));
        return polls.length < 3 ? [400, { error: 'authorization_pending' }] : [200, TOKENS];
      });
    const run = await login(['--device', '--domain', DOMAIN, '--client-id', 'cli', '--scope', 'openid offline_access']);
    expect(run.code, run.err).to.equal(0);
    expect(JSON.parse(run.out)).to.deep.equal(TOKENS);
    expect(run.err).to.equal(
      `To sign in, open ${ORIGIN}/activate and enter the code WDJB-MJHT\n` +
        `or open ${ORIGIN}/activate?user_code=WDJB-MJHT\n` +
        'Waiting for the approval…\n',
    );
    expect(started).to.deep.equal({ client_id: 'cli', scope: 'openid offline_access' });
    expect(polls).to.have.length(3);
    for (const poll of polls) {
      expect(poll).to.deep.equal({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: 'cli',
        device_code: 'dc-1',
      });
    }
  });

  it('exits 1 with the server error when the user denies the request', async () => {
    nock(ORIGIN)
      .post('/oauth/device/code')
      .reply(200, { ...STARTED, verification_uri_complete: undefined })
      .post('/oauth/token')
      .reply(400, { error: 'access_denied', error_description: 'The user refused' });
    const run = await login(['--device', '--domain', DOMAIN], { AUTHN_CLIENT_ID: 'cli' });
    expect(run.code).to.equal(1);
    expect(run.out).to.equal('');
    expect(run.err).to.match(
      /enter the code WDJB-MJHT\nWaiting for the approval…\nauthn login: access_denied: The user refused \(HTTP 400\)\n$/,
    );
  });

  it("shows Google's verification_url, the name of RFC 8628's drafts, when there is no verification_uri", async () => {
    const uri = STARTED.verification_uri;
    const google = {
      ...STARTED,
      verification_uri: undefined,
      verification_uri_complete: undefined,
      verification_url: uri,
    };
    nock(ORIGIN).post('/oauth/device/code').reply(200, google).post('/oauth/token').reply(200, TOKENS);
    const run = await login(['--device', '--domain', DOMAIN, '--client-id', 'cli']);
    expect(run.code, run.err).to.equal(0);
    expect(run.err).to.equal(`To sign in, open ${uri} and enter the code WDJB-MJHT\nWaiting for the approval…\n`);
  });

  it('exits 2 without --device, a location or a client id', async () => {
    for (const args of [
      ['--domain', DOMAIN, '--client-id', 'cli'],
      ['--device', '--client-id', 'cli'],
      ['--device', '--domain', DOMAIN],
    ]) {
      const run = await login(args);
      expect(run.code, args.join(' ')).to.equal(2);
    }
  });

  for (const profile of PROFILES) {
    describe(`against the dev server (${profile} profile)`, function () {
      this.timeout(20_000);
      const server = useProvider(profileOptions(profile));

      it('logs the test user in once the device is approved in a (headless) browser', async () => {
        const where = locationOf(server());
        const flags =
          where.domain === undefined
            ? ['--issuer', server().issuer]
            : ['--domain', server().domain, '--protocol', 'http'];
        const io = memoryIo({ AUTHN_CLIENT_ID: 'device' });
        const running = runCli(['login', '--device', ...flags, '--scope', 'openid offline_access'], io);
        // Approve as the user would, from what the command printed.
        for (let waited = 0; !io.err.includes('Waiting') && waited < 5000; waited += 20) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const complete = /or open (\S+)/.exec(io.err)?.[1];
        expect(complete, io.err).to.be.a('string');
        await headlessDeviceApproval(complete!);
        expect(await running, io.err).to.equal(0);
        const tokens = JSON.parse(io.out) as Record<string, string>;
        expect(decodeJwt(tokens.id_token!).payload).to.include({ aud: 'device', sub: server().user.sub });
        expect(tokens.refresh_token).to.be.a('string');
      });
    });
  }
});
