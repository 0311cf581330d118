// Catalogue §2.7 F: subject and cross-JWT confusion (N59, N60, N62). N61 (userinfo sub) is tested with
// Users.userinfo in spec/authentication/users.spec.ts.
import { expect } from 'chai';
import type { TokenValidationError } from '../../lib/errors.js';
import { AccessTokenVerifier } from '../../lib/token-verifier/access-token-verifier.js';
import { catalogue, CLIENT, rejects, T } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

const BACKCHANNEL_LOGOUT = 'http://schemas.openid.net/event/backchannel-logout';

describeEachOffload('security catalogue F: subject and token kinds', (offload) => {
  const c = catalogue(offload);

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

    describe('N60: the ID token of a refresh response, checked against the original', () => {
      const original = () => c.id.claims({ azp: CLIENT, auth_time: T - 100 });
      const refreshed = (changes: Record<string, unknown> = {}) =>
        c.id.good({ ...original(), iat: T + 10, exp: T + 3610, ...changes });

      it('N60: accepts a refreshed ID token that keeps iss, sub, aud, azp, auth_time and the original nonce', async () => {
        const claims = await c.id.verify(refreshed(), {}, { original: original() as never });
        expect(claims.sub).to.equal('auth0|user-1');
        expect(
          await c.id.verify(refreshed({ nonce: undefined }), {}, { original: original() as never }),
        ).to.have.property('iat', T + 10);
      });

      for (const [claim, value] of [
        ['sub', 'auth0|someone-else'],
        ['aud', [CLIENT, 'https://other.example/']],
        ['azp', undefined],
        ['auth_time', T - 5],
        ['nonce', 'a-different-nonce'],
      ] as const) {
        it(`N60: rejects a refreshed ID token whose ${claim} changed`, async () => {
          const err = await rejects(
            c.id.verify(
              refreshed({ [claim]: value, ...(claim === 'aud' ? { azp: CLIENT } : {}) }),
              {},
              { original: original() as never },
            ),
            'ERR_TOKEN_REFRESH_MISMATCH',
          );
          expect((err as TokenValidationError).claim).to.equal(claim);
        });
      }

      it('N60: rejects a refreshed ID token that adds an azp the original lacked', async () => {
        const plain = c.id.claims();
        await rejects(
          c.id.verify(c.id.good({ ...plain, azp: CLIENT }), {}, { original: plain as never }),
          'ERR_TOKEN_REFRESH_MISMATCH',
        );
      });

      it('N60: rejects a refreshed ID token of another issuer even when its key is trusted', async () => {
        await rejects(
          c.id.verify(refreshed(), {}, { original: { ...original(), iss: 'https://elsewhere.example/' } as never }),
          'ERR_TOKEN_REFRESH_MISMATCH',
        );
      });
    });

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
        offload,
      });
      for (const typ of [null, 'JWT']) {
        await rejects(verifier.verify(c.id.good(logoutClaims(), { typ })), 'ERR_TOKEN_EVENTS_UNEXPECTED');
      }
      // The control: a token of the same shape without events is an access token for that API.
      expect(await verifier.verify(c.id.good({ nonce: undefined }))).to.have.property('sub');
    });
  });
});
