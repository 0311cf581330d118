import { expect } from 'chai';
import nock from 'nock';
import { commandRunner } from '../helpers/cli.js';
import { loginAtDevServer, useDevServer } from '../helpers/dev-server.js';

const TOKEN = 'opaque-access-token-value';

describe('authn userinfo', () => {
  const userinfo = commandRunner('userinfo');

  it("prints the user's profile as JSON, the token sent as a bearer token", async () => {
    let authorization: string | undefined;
    nock('https://tenant.example.com')
      .get('/userinfo')
      .reply(function () {
        authorization = this.req.headers.authorization;
        return [200, { sub: 'user-1', email: 'u@example.com' }];
      });
    const run = await userinfo(['-'], { AUTHN_DOMAIN: 'tenant.example.com' }, `${TOKEN}\n`);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.out)).to.deep.equal({ sub: 'user-1', email: 'u@example.com' });
    expect(authorization).to.equal(`Bearer ${TOKEN}`);
  });

  it("calls the userinfo endpoint of the --issuer's discovery document", async () => {
    // A host of its own: the discovery cache the command uses is shared by the process.
    const issuer = 'https://userinfo-sso.example.com/realms/ops';
    nock('https://userinfo-sso.example.com')
      .get('/realms/ops/.well-known/openid-configuration')
      .reply(200, { issuer, userinfo_endpoint: 'https://userinfo-sso.example.com/me' })
      .get('/me')
      .reply(200, { sub: 'user-2' });
    const run = await userinfo([TOKEN, '--issuer', issuer]);
    expect([run.code, JSON.parse(run.out)]).to.deep.equal([0, { sub: 'user-2' }]);
  });

  it('exits 1 with the server error when the token is refused, without echoing it', async () => {
    nock('https://tenant.example.com')
      .get('/userinfo')
      .reply(401, { error: 'invalid_token', error_description: 'expired' });
    const run = await userinfo([TOKEN, '--domain', 'tenant.example.com']);
    expect(run.code).to.equal(1);
    expect(run.out).to.equal('');
    expect(run.err).to.equal('authn userinfo: invalid_token: expired (HTTP 401)\n');
  });

  it('exits 2 without a domain, with http to a remote host, or with a bad protocol', async () => {
    for (const args of [
      [TOKEN],
      [TOKEN, '--domain', 'tenant.example.com', '--protocol', 'http'],
      [TOKEN, '--domain', 'tenant.example.com', '--protocol', 'ftp'],
    ]) {
      const run = await userinfo(args);
      expect(run.code).to.equal(2);
      expect(run.err).to.not.include(TOKEN);
    }
  });

  describe('against the dev server', function () {
    this.timeout(20_000);
    const devServer = useDevServer();

    it("prints the logged-in user's claims", async () => {
      const server = devServer();
      const { accessToken } = await loginAtDevServer(server);
      const run = await userinfo(['-', '--domain', server.domain, '--protocol', 'http'], {}, accessToken);
      expect(run.code, run.err).to.equal(0);
      expect(JSON.parse(run.out)).to.include({ sub: server.user.sub, email: server.user.email });
    });
  });
});
