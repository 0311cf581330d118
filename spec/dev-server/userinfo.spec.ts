import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { type DevServer, startDevServer } from '../../lib/dev-server/dev-server.js';
import { fastOptions } from '../helpers/dev-server.js';
import { rsaKeys } from '../helpers/keys.js';

describe('the JWT userinfo endpoint', function () {
  this.timeout(20_000);
  let server: DevServer;
  const signing = rsaKeys('dev-server-signing');

  before(async () => {
    server = await startDevServer(fastOptions());
  });

  after(() => server?.stop());

  /** A token as the server would sign it, with `changes` applied. */
  function token(
    changes: Record<string, unknown> = {},
    key = signing.privateKey,
    kid = String(server.jwks.keys[0]!.kid),
  ) {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: server.issuer,
      sub: 'user-123',
      aud: [server.audience, server.endpoints.userinfo],
      scope: 'openid profile',
      iat: now,
      exp: now + 60,
      ...changes,
    };
    return jwt.sign(claims, key, { algorithm: 'RS256', keyid: kid });
  }

  async function userinfo(bearer: string) {
    const response = await fetch(server.endpoints.userinfo, { headers: { authorization: `Bearer ${bearer}` } });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  }

  it('releases the claims of the scopes in the token', async () => {
    const { status, body } = await userinfo(token());
    expect(status).to.equal(200);
    expect(body).to.deep.equal({
      sub: 'user-123',
      name: 'Test User',
      given_name: 'Test',
      family_name: 'User',
      nickname: 'test.user',
    });
    expect((await userinfo(token({ scope: 'openid', sub: 'bob@example.com' }))).body).to.deep.equal({
      sub: 'bob@example.com',
    });
  });

  for (const [label, changes, reason] of [
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 10 }, 'the token is expired'],
    ['a token of another issuer', { iss: 'https://tenant.auth0.com/' }, 'the token has another issuer'],
    ['a token for the API only', { aud: 'https://api.example.com/' }, 'does not include the userinfo endpoint'],
    ['a token without subject', { sub: undefined }, 'the token has no subject'],
  ] as const) {
    it(`refuses ${label} with 401 invalid_token`, async () => {
      const { status, body, headers } = await userinfo(token(changes));
      expect(status).to.equal(401);
      expect(body.error).to.equal('invalid_token');
      expect(String(body.error_description)).to.include(reason);
      expect(headers.get('www-authenticate')).to.include(`error="invalid_token"`);
    });
  }

  it('refuses a token signed by a key the server does not hold', async () => {
    const { status, body } = await userinfo(token({}, rsaKeys('dev-server-intruder').privateKey));
    expect(status).to.equal(401);
    expect(body.error_description).to.equal('invalid signature');
    const unknownKid = await userinfo(token({}, signing.privateKey, 'other-kid'));
    expect(unknownKid.body.error_description).to.equal('the token was not signed by this server');
  });
});
