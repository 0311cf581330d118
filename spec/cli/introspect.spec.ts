import { expect } from 'chai';
import nock from 'nock';
import { commandRunner } from '../helpers/cli.js';

const ORIGIN = 'https://sso.example.com';
const ISSUER = `${ORIGIN}/realms/ops`;
const TOKEN = 'opaque-access-token-value';
const SECRET = 'api-client-SECRET';

/** Intercepts the introspection endpoint once, recording the form it received. */
function introspection(answer: nock.Body, status = 200): { form?: Record<string, string> } {
  const seen: { form?: Record<string, string> } = {};
  nock(ORIGIN)
    .post('/realms/ops/protocol/openid-connect/token/introspect')
    .reply((_uri, body) => {
      seen.form = Object.fromEntries(new URLSearchParams(String(body)));
      return [status, answer];
    });
  return seen;
}

describe('authn introspect', () => {
  const introspect = commandRunner('introspect');
  const env = { AUTHN_CLIENT_ID: 'api', AUTHN_CLIENT_SECRET: SECRET };

  it('prints the answer of an active token, the endpoint found by discovery', async () => {
    nock(ORIGIN)
      .get('/realms/ops/.well-known/openid-configuration')
      .reply(200, { issuer: ISSUER, introspection_endpoint: `${ISSUER}/protocol/openid-connect/token/introspect` });
    const seen = introspection({ active: true, sub: 'u1', scope: 'read' });
    const run = await introspect(['-', '--issuer', ISSUER, '--token-type-hint', 'access_token'], env, `${TOKEN}\n`);
    expect(run.code, run.err).to.equal(0);
    expect(JSON.parse(run.out)).to.deep.equal({ active: true, sub: 'u1', scope: 'read' });
    expect(seen.form).to.deep.equal({
      token: TOKEN,
      token_type_hint: 'access_token',
      client_id: 'api',
      client_secret: SECRET,
    });
  });

  it('exits 1 for an inactive token, printing the answer and saying so on stderr', async () => {
    introspection({ active: false });
    const endpoint = `${ISSUER}/protocol/openid-connect/token/introspect`;
    const run = await introspect([TOKEN, '--introspection-endpoint', endpoint], env);
    expect(run.code).to.equal(1);
    expect(JSON.parse(run.out)).to.deep.equal({ active: false });
    expect(run.err).to.equal('authn introspect: the token is not active\n');
  });

  it('exits 1 with the server error when the credentials are refused, without echoing secrets', async () => {
    introspection({ error: 'invalid_client', error_description: 'bad client' }, 401);
    const endpoint = `${ISSUER}/protocol/openid-connect/token/introspect`;
    const run = await introspect([TOKEN, '--introspection-endpoint', endpoint], env);
    expect(run.code).to.equal(1);
    expect(run.err).to.equal('authn introspect: invalid_client: bad client (HTTP 401)\n');
    expect(run.err + run.out)
      .to.not.include(TOKEN)
      .and.not.include(SECRET);
  });

  it('exits 2 for --domain, saying that Auth0 has no introspection endpoint and what to give instead', async () => {
    const run = await introspect([TOKEN, '--domain', 'tenant.auth0.com'], env);
    expect(run.code).to.equal(2);
    expect(run.err).to.equal(
      'authn introspect: Auth0 has no introspection endpoint, hence no --domain: use --issuer, --discovery-uri or ' +
        "--introspection-endpoint\nRun 'authn introspect --help' for usage.\n",
    );
  });

  it('introspects as a public client with --auth-method none: the client id, and no credential', async () => {
    const seen = introspection({ active: true, sub: 'u1' });
    const endpoint = `${ISSUER}/protocol/openid-connect/token/introspect`;
    const run = await introspect([TOKEN, '--introspection-endpoint', endpoint, '--auth-method', 'none'], {
      AUTHN_CLIENT_ID: 'device',
    });
    expect(run.code, run.err).to.equal(0);
    expect(seen.form).to.deep.equal({ token: TOKEN, client_id: 'device' });
  });

  it('exits 2 for a public client given a credential, and names --auth-method none when a credential is missing', async () => {
    const endpoint = `${ISSUER}/protocol/openid-connect/token/introspect`;
    const args = [TOKEN, '--introspection-endpoint', endpoint, '--auth-method', 'none'];
    const withVariable = await introspect(args, env);
    expect(withVariable.code).to.equal(2);
    expect(withVariable.err).to.match(
      /^authn introspect: --auth-method "none" is a public client, which sends no credential; found AUTHN_CLIENT_SECRET\n/,
    );
    const withFlag = await introspect([...args, '--client-secret-stdin'], { AUTHN_CLIENT_ID: 'device' }, SECRET);
    expect(withFlag.err).to.match(/which sends no credential; found --client-secret-stdin\n/);
    expect(withVariable.err + withFlag.err).to.not.include(SECRET);
    const missing = await introspect([TOKEN, '--introspection-endpoint', endpoint], { AUTHN_CLIENT_ID: 'device' });
    expect(missing.code).to.equal(2);
    expect(missing.err).to.match(/a client secret is required: .*, or --auth-method none for a public client\)\n/);
  });

  it('exits 2 without a location, a client id or a credential, or with two locations', async () => {
    for (const [args, vars] of [
      [[TOKEN], env],
      [[TOKEN, '--issuer', ISSUER], { AUTHN_CLIENT_SECRET: SECRET }],
      [[TOKEN, '--issuer', ISSUER], { AUTHN_CLIENT_ID: 'api' }],
      [[TOKEN, '--issuer', ISSUER, '--discovery-uri', ISSUER], env],
      [['--issuer', ISSUER], env],
    ] as const) {
      const run = await introspect([...args], { ...vars });
      expect(run.code, run.err).to.equal(2);
      expect(run.err).to.not.include(TOKEN);
    }
  });
});
