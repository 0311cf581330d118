import { inspect } from 'node:util';
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { SessionAccessToken, OidcContext, type TokenRefresher } from '../../lib/login/context.js';
import type { LoginTokens } from '../../lib/oidc/tokens.js';
import type { ActiveSession } from '../../lib/login/session-manager.js';
import { rejectionOf } from '../helpers/secrets.js';

const claims = {
  iss: 'https://op.example/',
  aud: 'client',
  sub: 'user-1',
  exp: 2e9,
  iat: 1e9,
  nonce: 'n',
  at_hash: 'h',
  auth_time: 1e9,
  sid: 'sid-1',
  name: 'Ada',
  email: 'ada@example.com',
};

function active(tokens: Partial<LoginTokens> = {}, userinfo?: Record<string, unknown>): ActiveSession {
  return {
    session: {
      tokens: {
        idToken: 'id-1',
        accessToken: 'at-1',
        tokenType: 'Bearer',
        expiresAt: Date.now() + 60_000,
        refreshToken: 'rt-1',
        ...tokens,
      },
      createdAt: 1e9,
      ...(userinfo && { userinfo }),
    },
    claims,
    expiresAt: 2e9,
    reissue: false,
  };
}

/** A refresher that rotates the tokens (and records them) and counts its calls. */
function refresher(): TokenRefresher & { calls: number; saved: number } {
  const counts = { calls: 0, saved: 0 };
  return Object.assign(counts, {
    refresh: async (session: ActiveSession) => {
      counts.calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      session.session.tokens = {
        ...session.session.tokens,
        accessToken: `at-${counts.calls + 1}`,
        refreshToken: `rt-${counts.calls + 1}`,
        expiresAt: Date.now() + 3_600_000,
      };
      counts.saved++;
    },
  });
}

describe('OidcContext (req.oidc)', () => {
  it('tells a logged-in request from an anonymous one', () => {
    expect(new OidcContext(active(), refresher()).isAuthenticated()).to.equal(true);
    const anonymous = new OidcContext(undefined, refresher());
    expect(anonymous.isAuthenticated()).to.equal(false);
    expect([anonymous.user, anonymous.idToken, anonymous.idTokenClaims, anonymous.accessToken]).to.deep.equal([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('gives the user as the ID token claims without the protocol ones, keeping sub and sid', () => {
    // The eleven of docs/login.md, each given a value: none of them reaches req.oidc.user.
    const protocol = { nbf: 1e9, azp: 'client', c_hash: 'c', s_hash: 's' };
    const withEvery = { ...active(), claims: { ...claims, ...protocol } };
    expect(new OidcContext(withEvery, refresher()).user).to.deep.equal({
      sub: 'user-1',
      sid: 'sid-1',
      name: 'Ada',
      email: 'ada@example.com',
    });
  });

  it('adds the userinfo of the login to the user', () => {
    const user = new OidcContext(active({}, { sub: 'user-1', picture: 'https://p/' }), refresher()).user;
    expect(user).to.include({ name: 'Ada', picture: 'https://p/' });
  });

  it('gives the ID token and all its claims', () => {
    const context = new OidcContext(active(), refresher());
    expect(context.idToken).to.equal('id-1');
    expect(context.idTokenClaims).to.equal(claims);
  });

  it('gives the access token with its type and expiry', () => {
    const token = new OidcContext(active({ expiresAt: 1234 }), refresher()).accessToken;
    expect(token).to.be.instanceOf(SessionAccessToken);
    expect([token?.token, token?.tokenType, token?.expiresAt, token?.isExpired()]).to.deep.equal([
      'at-1',
      'Bearer',
      1234,
      true,
    ]);
    expect(new OidcContext(active({ tokenType: undefined }), refresher()).accessToken?.tokenType).to.equal('Bearer');
  });

  it('has no access token when the provider issued none, and never expires one of unknown lifetime', () => {
    expect(new OidcContext(active({ accessToken: undefined }), refresher()).accessToken).to.equal(undefined);
    expect(new OidcContext(active({ expiresAt: undefined }), refresher()).accessToken?.isExpired()).to.equal(false);
  });

  it('refreshes the tokens, keeps the rotated refresh token in the session and saves it', async () => {
    const session = active();
    const tokens = refresher();
    const context = new OidcContext(session, tokens);
    const fresh = await context.accessToken!.refresh();
    expect(fresh.token).to.equal('at-2');
    expect(context.accessToken?.token).to.equal('at-2');
    expect(session.session.tokens.refreshToken).to.equal('rt-2');
    expect(tokens.saved).to.equal(1);
  });

  it('shares one refresh between the calls made while it is under way', async () => {
    const tokens = refresher();
    const context = new OidcContext(active(), tokens);
    const [a, b] = await Promise.all([context.accessToken!.refresh(), context.accessToken!.refresh()]);
    expect([a.token, b.token, tokens.calls]).to.deep.equal(['at-2', 'at-2', 1]);
    expect((await context.accessToken!.refresh()).token).to.equal('at-3');
  });

  it('refuses to refresh a session without a refresh token', async () => {
    const error = await rejectionOf(
      new OidcContext(active({ refreshToken: undefined }), refresher()).accessToken!.refresh(),
    );
    expect(error).to.be.instanceOf(ConfigurationError);
    expect(error.message).to.equal('the session has no refresh token: ask for the offline_access scope');
  });

  it('shows no token in logs', () => {
    const context = new OidcContext(active(), refresher());
    for (const text of [
      inspect(context, { depth: 5 }),
      JSON.stringify(context),
      inspect(context.accessToken),
      JSON.stringify(context.accessToken),
    ]) {
      expect(text).not.to.match(/at-1|rt-1|id-1/);
    }
    expect(JSON.stringify(context)).to.equal('{"authenticated":true,"sub":"user-1"}');
  });
});
