import { expect } from 'chai';
import nock from 'nock';
import { commandRunner } from '../helpers/cli.js';

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
});
