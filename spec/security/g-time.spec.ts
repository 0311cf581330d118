// Catalogue §2.7 G: time claims (N63–N73), T fixed and L = 60, against both verifiers. Raw JSON text is used
// where JSON.stringify cannot express the value (1e400).
import { expect } from 'chai';
import { catalogue, KINDS, L, rejects, sign, T } from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

describeEachOffload('security catalogue G: time claims', (offload) => {
  const c = catalogue(offload);

  for (const kind of KINDS) {
    describe(kind, () => {
      const s = () => c.of(kind);
      /** good() claims as JSON text with one member's raw JSON replaced. */
      const raw = (member: string, json: string): string => {
        const text = JSON.stringify(s().claims({ [member]: 0 }));
        return text.replace(`"${member}":0`, `"${member}":${json}`);
      };

      it('N63: rejects a token without exp', async () => {
        await rejects(s().verify(s().good({ exp: undefined })), 'ERR_TOKEN_EXP_MISSING');
      });

      for (const exp of ['9999999999', true, null, {}, [T + 60], '']) {
        it(`N64: rejects exp ${JSON.stringify(exp)} (not a NumericDate)`, async () => {
          await rejects(s().verify(s().good({ exp })), 'ERR_TOKEN_EXP_MISSING');
        });
      }

      it('N65: rejects exp 1e400 (Infinity after parsing) and -1e400', async () => {
        for (const json of ['1e400', '-1e400'])
          await rejects(s().verify(sign(raw('exp', json))), 'ERR_TOKEN_EXP_MISSING');
      });

      it('N65: rejects a negative exp', async () => {
        for (const exp of [-1, -T]) await rejects(s().verify(s().good({ exp, iat: undefined })), 'ERR_TOKEN_EXPIRED');
      });

      it('N66: rejects exp = T − L, the boundary (valid iff T < exp + L)', async () => {
        await rejects(s().verify(s().good({ exp: T - L, iat: T - 3600 })), 'ERR_TOKEN_EXPIRED');
        await rejects(s().verify(s().good({ exp: T - L - 0.001, iat: T - 3600 })), 'ERR_TOKEN_EXPIRED');
      });

      it('N66: rejects exp = T with a leeway of 0', async () => {
        await rejects(s().verify(s().good({ exp: T, iat: T - 3600 }), { leeway: 0 }), 'ERR_TOKEN_EXPIRED');
      });

      it('N67: rejects exp = T − 3600', async () => {
        await rejects(s().verify(s().good({ exp: T - 3600, iat: T - 7200 })), 'ERR_TOKEN_EXPIRED');
      });

      for (const iat of ['1700000000', null, true, {}, [T]]) {
        it(`N69: rejects iat ${JSON.stringify(iat)} (not a NumericDate)`, async () => {
          await rejects(s().verify(s().good({ iat })), 'ERR_TOKEN_IAT_MISSING');
        });
      }

      it('N69: rejects a non-finite iat (1e400, -1e400)', async () => {
        for (const json of ['1e400', '-1e400'])
          await rejects(s().verify(sign(raw('iat', json))), 'ERR_TOKEN_IAT_MISSING');
      });

      it('N70: rejects iat = T + L + 1 (issued in the future beyond the leeway)', async () => {
        await rejects(s().verify(s().good({ iat: T + L + 1 })), 'ERR_TOKEN_IAT_FUTURE');
        await rejects(s().verify(s().good({ iat: T + L + 0.001 })), 'ERR_TOKEN_IAT_FUTURE');
      });

      it('N71: with maxTokenAge, rejects an iat older than maxTokenAge + L and accepts one at the boundary', async () => {
        const options = { maxTokenAge: 3600 };
        await rejects(s().verify(s().good({ iat: T - 3600 - L - 1 }), options), 'ERR_TOKEN_TOO_OLD');
        await rejects(s().verify(s().good({ iat: T - 3600 - L - 0.001 }), options), 'ERR_TOKEN_TOO_OLD');
        await rejects(s().verify(s().good({ iat: T - 365 * 86_400 }), options), 'ERR_TOKEN_TOO_OLD');
        expect(await s().verify(s().good({ iat: T - 3600 - L }), options)).to.include({ iat: T - 3600 - L });
      });

      it('N71: with maxTokenAge, rejects a token without iat', async () => {
        await rejects(s().verify(s().good({ iat: undefined }), { maxTokenAge: 3600 }), 'ERR_TOKEN_IAT_MISSING');
      });

      it('N71: without maxTokenAge (the default), an old iat is bounded only by exp', async () => {
        const claims = await s().verify(s().good({ iat: T - 365 * 86_400, exp: T + 60 }));
        expect(claims.iat).to.equal(T - 365 * 86_400);
      });

      it('N72: rejects nbf = T + L + 1', async () => {
        await rejects(s().verify(s().good({ nbf: T + L + 1 })), 'ERR_TOKEN_NOT_YET_VALID');
      });

      it('N72: rejects a nbf that is not a NumericDate ("x", null, true, [T], 1e400)', async () => {
        for (const nbf of ['x', null, true, [T], String(T)]) {
          await rejects(s().verify(s().good({ nbf })), 'ERR_TOKEN_NBF_INVALID');
        }
        await rejects(s().verify(sign(raw('nbf', '1e400'))), 'ERR_TOKEN_NBF_INVALID');
      });

      it('N73: rejects exp < iat', async () => {
        await rejects(s().verify(s().good({ iat: T, exp: T - 1 })), 'ERR_TOKEN_EXP_BEFORE_IAT');
        await rejects(s().verify(s().good({ iat: T + 10, exp: T + 9 })), 'ERR_TOKEN_EXP_BEFORE_IAT');
      });
    });
  }

  describe('ID token', () => {
    it('N68: rejects an ID token without iat', async () => {
      await rejects(c.id.verify(c.id.good({ iat: undefined })), 'ERR_TOKEN_IAT_MISSING');
    });
  });

  describe('access token', () => {
    it('N68: accepts an access token without iat (optional there), but not one with a bad iat', async () => {
      expect(await c.at.verify(c.at.good({ iat: undefined }))).not.to.have.property('iat');
      await rejects(c.at.verify(c.at.good({ iat: 'now' })), 'ERR_TOKEN_IAT_MISSING');
    });
  });
});
