// Catalogue §2.7 E: audience and azp (N50–N58). The audience rows run against both verifiers (the ID token's
// audience is the client id, the access token's the API); azp is an ID-token rule.
import { expect } from 'chai';
import { API, catalogue, CLIENT, KINDS, NONCE, rejects, type Subject } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

describeEachOffload('security catalogue E: audience and azp', (offload) => {
  const c = catalogue(offload);

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);
      const mine = kind === 'ID token' ? CLIENT : API;

      it('N50: rejects a token without aud', async () => {
        await rejects(s().verify(s().good({ aud: undefined })), 'ERR_TOKEN_AUD_MISSING');
      });

      it('N51: rejects aud = ours + "1", and another client or API', async () => {
        for (const aud of [`${mine}1`, kind === 'ID token' ? 'client-other' : 'https://other-api.example.com/']) {
          await rejects(s().verify(s().good({ aud })), 'ERR_TOKEN_AUD_MISMATCH');
        }
      });

      it('N52: rejects aud ["other-client"] and ["other-client", "another"]', async () => {
        for (const aud of [['other-client'], ['other-client', 'another']]) {
          await rejects(s().verify(s().good({ aud, azp: CLIENT })), 'ERR_TOKEN_AUD_MISMATCH');
        }
      });

      it('N53: rejects near-miss audiences (case, suffix, prefix, trailing space, regex and substring bait)', async () => {
        const nearMisses = [
          mine.toUpperCase(),
          `${mine}-evil`,
          `x${mine}`,
          `${mine} `,
          ` ${mine}`,
          mine.slice(0, -1),
          '.*',
          `${mine}|evil`,
          '',
        ];
        for (const aud of nearMisses) {
          await rejects(s().verify(s().good({ aud })), 'ERR_TOKEN_AUD_MISMATCH');
          await rejects(s().verify(s().good({ aud: [aud], azp: CLIENT })), 'ERR_TOKEN_AUD_MISMATCH');
        }
      });

      it('N54: rejects aud of the wrong type: number, object, null, true, arrays holding non-strings', async () => {
        for (const aud of [42, { aud: mine }, null, true, [mine, 2], [mine, null], [[mine]], [{ aud: mine }]]) {
          await rejects(s().verify(s().good({ aud, azp: CLIENT })), 'ERR_TOKEN_AUD_MISSING');
        }
      });

      it('N54: rejects aud "" and []', async () => {
        for (const aud of ['', []]) await rejects(s().verify(s().good({ aud, azp: CLIENT })), 'ERR_TOKEN_AUD_MISMATCH');
      });
    });
  }

  describe('ID token', () => {
    const id = (): Subject => c.id;

    it('N55: rejects aud [client_id, "https://api.example"] without azp', async () => {
      await rejects(id().verify(id().good({ aud: [CLIENT, 'https://api.example'] })), 'ERR_TOKEN_AZP_MISSING');
      await rejects(id().verify(id().good({ aud: [CLIENT, CLIENT] })), 'ERR_TOKEN_AZP_MISSING');
    });

    it('N55: rejects a non-string azp with several audiences (null, number, array)', async () => {
      for (const azp of [null, 42, [CLIENT]]) {
        await rejects(id().verify(id().good({ aud: [CLIENT, API], azp })), 'ERR_TOKEN_AZP_MISSING');
      }
    });

    it('N56: rejects an azp other than the client id, with one audience or several', async () => {
      for (const aud of [CLIENT, [CLIENT], [CLIENT, API]]) {
        for (const azp of ['other-client', `${CLIENT}1`, CLIENT.toUpperCase(), '']) {
          await rejects(id().verify(id().good({ aud, azp })), 'ERR_TOKEN_AZP_MISMATCH');
        }
      }
    });

    it('N57: with trustedAudiences excluding "untrusted", rejects aud [client_id, "untrusted"] with azp = client_id', async () => {
      const call = { nonce: NONCE };
      for (const trustedAudiences of [[], [API], [API, 'untrusted-2', 'Untrusted']]) {
        await rejects(
          id().verify(id().good({ aud: [CLIENT, 'untrusted'], azp: CLIENT }), { trustedAudiences }, call),
          'ERR_TOKEN_AUD_UNTRUSTED',
        );
      }
      await rejects(
        id().verify(id().good({ aud: ['untrusted', CLIENT], azp: CLIENT }), { trustedAudiences: [API] }, call),
        'ERR_TOKEN_AUD_UNTRUSTED',
      );
      const trusted = await id().verify(
        id().good({ aud: [CLIENT, 'untrusted'], azp: CLIENT }),
        { trustedAudiences: ['untrusted'] },
        call,
      );
      expect(trusted.aud).to.deep.equal([CLIENT, 'untrusted']);
    });

    it('N57: without trustedAudiences (the default), an extra audience passes only with azp equal to the client id', async () => {
      // Without the allowlist, what guards extra audiences is the azp rule of N55/N56.
      await rejects(id().verify(id().good({ aud: [CLIENT, 'untrusted'] })), 'ERR_TOKEN_AZP_MISSING');
      await rejects(id().verify(id().good({ aud: [CLIENT, 'untrusted'], azp: 'untrusted' })), 'ERR_TOKEN_AZP_MISMATCH');
      const claims = await id().verify(id().good({ aud: [CLIENT, 'untrusted'], azp: CLIENT }));
      expect(claims.aud).to.deep.equal([CLIENT, 'untrusted']);
    });

    it('N58: rejects an access token presented as an ID token, on typ (at+jwt) and on aud (typ JWT)', async () => {
      const accessClaims = c.at.claims({ azp: CLIENT });
      for (const typ of ['at+jwt', 'application/at+jwt']) {
        const token = c.at.good({ azp: CLIENT, nonce: NONCE }, { typ });
        await rejects(id().verify(token), 'ERR_TOKEN_TYP_INVALID');
      }
      // Auth0's own access tokens say typ JWT; their aud is the API (and /userinfo), never the client id.
      await rejects(id().verify(c.at.good({ azp: CLIENT, nonce: NONCE })), 'ERR_TOKEN_AUD_MISMATCH');
      await rejects(
        id().verify(c.at.good({ aud: [API, `${c.server.issuer}userinfo`], azp: CLIENT, nonce: NONCE })),
        'ERR_TOKEN_AUD_MISMATCH',
      );
      // Without a nonce, the expected nonce is missing too; aud comes first.
      await rejects(id().verify(c.at.good({ ...accessClaims })), 'ERR_TOKEN_AUD_MISMATCH');
    });

    it('N58: rejects an ID token presented as an access token, on aud', async () => {
      await rejects(c.at.verify(id().good()), 'ERR_TOKEN_AUD_MISMATCH');
      await rejects(c.at.verify(id().good({ aud: [CLIENT, 'other'], azp: CLIENT })), 'ERR_TOKEN_AUD_MISMATCH');
    });
  });
});
