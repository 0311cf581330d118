import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { ALGORITHMS, algorithmList, isAlgorithm } from '../../lib/token-verifier/algorithms.js';
import { thrownBy } from '../helpers/secrets.js';

describe('algorithms', () => {
  it('supports exactly the thirteen JWS algorithms of the allowlist', () => {
    expect(Object.keys(ALGORITHMS)).to.have.members([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'ES512',
      'EdDSA',
      'HS256',
      'HS384',
      'HS512',
    ]);
    expect(isAlgorithm('none')).to.equal(false);
    expect(isAlgorithm('rs256')).to.equal(false);
    expect(isAlgorithm('toString')).to.equal(false);
  });

  it('binds each EC algorithm to its curve and signature length, and Ed25519 claim hashes to SHA-512', () => {
    expect([ALGORITHMS.ES256.curve, ALGORITHMS.ES384.curve, ALGORITHMS.ES512.curve]).to.deep.equal([
      'P-256',
      'P-384',
      'P-521',
    ]);
    expect([
      ALGORITHMS.ES256.signatureLength,
      ALGORITHMS.ES384.signatureLength,
      ALGORITHMS.ES512.signatureLength,
    ]).to.deep.equal([64, 96, 132]);
    expect(ALGORITHMS.EdDSA.claimHash).to.equal('sha512');
    expect(ALGORITHMS.PS384.pss && ALGORITHMS.PS384.hashLength === 48).to.equal(true);
  });

  describe('algorithmList', () => {
    it('accepts one algorithm or a list, and drops duplicates', () => {
      expect(algorithmList('RS256', false)).to.deep.equal(['RS256']);
      expect(algorithmList(['RS256', 'ES256', 'RS256'], false)).to.deep.equal(['RS256', 'ES256']);
      expect(algorithmList(['HS512'], true)).to.deep.equal(['HS512']);
    });

    for (const value of [42, null, '', [], [42]]) {
      it(`refuses ${JSON.stringify(value)} with the original message`, () => {
        const err = thrownBy(() => algorithmList(value, false));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect(err.message).to.equal('algorithm must be specified.');
      });
    }

    it('refuses unknown names and the wrong family for the verifier', () => {
      expect(thrownBy(() => algorithmList('none', false)).message).to.equal('algorithm "none" is not supported');
      expect(thrownBy(() => algorithmList('HS256', false))).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => algorithmList(['HS256', 'RS256'], true))).to.be.instanceOf(ConfigurationError);
    });
  });
});
