// Catalogue §2.7 F: subject and cross-JWT confusion (N59, N62). N60 (refresh-response consistency) and N61
// (userinfo sub) need features the library does not have; docs/security.md lists them as out of scope.
import { expect } from 'chai';
import { AccessTokenVerifier } from '../../lib/token-verifier/access-token-verifier.js';
import { catalogue, CLIENT, rejects, T } from './fixtures.js';

const BACKCHANNEL_LOGOUT = 'http://schemas.openid.net/event/backchannel-logout';

describe('security catalogue F: subject and token kinds', () => {
  const c = catalogue();

  /** The changes that turn good() ID-token claims into an OIDC back-channel logout token (no nonce). */
  const logoutClaims = (changes: Record<string, unknown> = {}) => ({
    nonce: undefined,
    jti: 'logout-1',
    sid: 'session-1',
    events: { [BACKCHANNEL_LOGOUT]: {} },
    ...changes,
  });

  describe('ID token', () => {
    for (const [label, sub] of [
      ['missing', undefined],
      ['the empty string', ''],
      ['numeric', 123],
      ['an object', { id: 'auth0|user-1' }],
      ['null', null],
      ['an array', ['auth0|user-1']],
    ] as const) {
      it(`N59: rejects a sub that is ${label}`, async () => {
        await rejects(c.id.verify(c.id.good({ sub })), 'ERR_TOKEN_SUB_MISSING');
      });
    }

    it('N62: rejects a back-channel logout token on typ logout+jwt', async () => {
      for (const typ of ['logout+jwt', 'application/logout+jwt']) {
        await rejects(c.id.verify(c.id.good(logoutClaims(), { typ }), {}, {}), 'ERR_TOKEN_TYP_INVALID');
      }
    });

    it('N62: rejects an untyped (or typ JWT) logout token on its events claim', async () => {
      for (const typ of [null, 'JWT']) {
        await rejects(c.id.verify(c.id.good(logoutClaims(), { typ }), {}, {}), 'ERR_TOKEN_EVENTS_UNEXPECTED');
      }
      for (const events of [{}, null, 'x']) {
        await rejects(c.id.verify(c.id.good(logoutClaims({ events })), {}, {}), 'ERR_TOKEN_EVENTS_UNEXPECTED');
      }
    });
  });

  describe('access token', () => {
    for (const [label, sub] of [
      ['numeric', 123],
      ['an object', { id: 'auth0|user-1' }],
      ['null', null],
      ['an array', ['auth0|user-1']],
    ] as const) {
      it(`N59: rejects a sub that is ${label} (sub itself is optional in access tokens)`, async () => {
        await rejects(c.at.verify(c.at.good({ sub })), 'ERR_TOKEN_SUB_INVALID');
      });
    }

    it('N62: rejects a logout token at an API: on typ logout+jwt, else on its events claim', async () => {
      await rejects(c.at.verify(c.id.good(logoutClaims(), { typ: 'logout+jwt' })), 'ERR_TOKEN_TYP_INVALID');
      await rejects(c.at.verify(c.id.good(logoutClaims(), { typ: null })), 'ERR_TOKEN_EVENTS_UNEXPECTED');
    });

    it('N62: rejects an untyped logout token even at an API whose audience is the client id (Azure AD style)', async () => {
      const verifier = new AccessTokenVerifier({
        issuer: c.server.issuer,
        jwksUri: c.server.jwksUri,
        audience: CLIENT,
        clock: () => T,
      });
      for (const typ of [null, 'JWT']) {
        await rejects(verifier.verify(c.id.good(logoutClaims(), { typ })), 'ERR_TOKEN_EVENTS_UNEXPECTED');
      }
      // The control: a token of the same shape without events is an access token for that API.
      expect(await verifier.verify(c.id.good({ nonce: undefined }))).to.have.property('sub');
    });
  });
});
