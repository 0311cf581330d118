// Opaque access tokens at a real OpenID Provider (the dev server's standard profile, whose API tokens are opaque
// here): the API middleware introspects them, and the CLI asks about them.
import { expect } from 'chai';
import { GetToken, RevokeToken } from '../../lib/authentication/index.js';
import { InvalidTokenError } from '../../lib/errors.js';
import { BearerAuthenticator } from '../../lib/middleware/bearer.js';
import { commandRunner } from '../helpers/cli.js';
import { clientOptions, login, profileOptions, useProvider } from '../helpers/integration.js';
import { bearer } from '../helpers/issuer.js';
import { rejectionOf } from '../helpers/secrets.js';

describe('opaque access tokens at a real OpenID Provider (standard profile)', function () {
  this.timeout(20_000);
  const server = useProvider({ ...profileOptions('standard'), accessTokenFormat: 'opaque' });
  const introspect = commandRunner('introspect');

  /** An opaque access token for the server's API, issued to m2m-secret. */
  async function apiToken(): Promise<string> {
    const tokens = await new GetToken(clientOptions(server(), 'm2m-secret')).clientCredentials({
      resource: server().audience,
      scope: 'read:messages',
    });
    expect(tokens.access_token.split('.')).to.have.length(1);
    return tokens.access_token;
  }

  it('lets the middleware introspect an opaque API token: the answer on req.auth, its aud and scope checked', async () => {
    const m2m = server().client('m2m-secret');
    const authenticator = new BearerAuthenticator({
      issuer: server().issuer,
      audience: server().audience,
      introspection: { clientId: 'm2m-secret', clientSecret: m2m.clientSecret },
    });
    const token = await apiToken();
    const auth = await authenticator.authenticate(bearer(token));
    expect(auth?.payload).to.include({ active: true, client_id: 'm2m-secret', aud: server().audience });
    expect(auth?.scopes).to.deep.equal(['read:messages']);
    expect(auth?.header).to.equal(undefined);

    const other = new BearerAuthenticator({
      issuer: server().issuer,
      audience: 'https://other.example.com/',
      introspection: { clientId: 'm2m-secret', clientSecret: m2m.clientSecret },
    });
    const refused = (await rejectionOf(other.authenticate(bearer(token)))) as InvalidTokenError;
    expect(refused).to.be.instanceOf(InvalidTokenError);
  });

  it('lets a public client introspect its own token with authn introspect --auth-method none', async () => {
    const { code, codeVerifier, redirectUri } = await login(server(), 'spa', { scope: 'openid' });
    const tokens = await new GetToken(clientOptions(server(), 'spa')).authorizationCodePkce({
      code,
      codeVerifier,
      redirectUri,
    });
    const args = ['-', '--issuer', server().issuer, '--auth-method', 'none'];
    const run = await introspect(args, { AUTHN_CLIENT_ID: 'spa' }, tokens.access_token);
    expect(run.code, run.err).to.equal(0);
    expect(JSON.parse(run.out)).to.include({ active: true, client_id: 'spa' });
  });

  it('refuses a revoked token (introspected as inactive), and the CLI says it is not active', async () => {
    const m2m = server().client('m2m-secret');
    const token = await apiToken();
    const env = { AUTHN_CLIENT_ID: 'm2m-secret', AUTHN_CLIENT_SECRET: m2m.clientSecret! };
    const before = await introspect(['-', '--issuer', server().issuer], env, token);
    expect(before.code, before.err).to.equal(0);
    expect(JSON.parse(before.out)).to.include({ active: true, aud: server().audience });

    await new RevokeToken(clientOptions(server(), 'm2m-secret')).revokeRefreshToken({ token });
    const authenticator = new BearerAuthenticator({
      issuer: server().issuer,
      audience: server().audience,
      introspection: { clientId: 'm2m-secret', clientSecret: m2m.clientSecret },
    });
    const refused = (await rejectionOf(authenticator.authenticate(bearer(token)))) as InvalidTokenError;
    expect(refused).to.be.instanceOf(InvalidTokenError);
    const after = await introspect(['-', '--issuer', server().issuer], env, token);
    expect([after.code, JSON.parse(after.out)]).to.deep.equal([1, { active: false }]);
  });
});
