import { createPublicKey, verify } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { addAtHash } from '../../lib/dev-server/at-hash.js';
import { atHash, decodeJwt } from '../helpers/dev-server.js';
import { rsaKeys } from '../helpers/keys.js';

describe('addAtHash', () => {
  const { privateKey } = rsaKeys('dev-server-signing');
  const keys = new Map([['k1', privateKey]]);
  const idToken = jwt.sign({ sub: 'u', nonce: 'n' }, privateKey, { algorithm: 'RS256', keyid: 'k1' });

  function signatureValid(token: string): boolean {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    return verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(privateKey),
      Buffer.from(signature, 'base64url'),
    );
  }

  it('adds the at_hash of the access token and signs again with the same key and header', () => {
    const result = addAtHash(idToken, 'access-token-value', keys);
    expect(decodeJwt(result).payload).to.include({ sub: 'u', nonce: 'n', at_hash: atHash('access-token-value') });
    expect(result.split('.')[0]).to.equal(idToken.split('.')[0]);
    expect(signatureValid(result)).to.equal(true);
  });

  it('computes at_hash as the left half of SHA-256, base64url (checked with openssl)', () => {
    expect(decodeJwt(addAtHash(idToken, 'x', keys)).payload.at_hash).to.equal('LXEWQrcmsEQBYnyp-6wy9Q');
  });

  it('leaves a token alone when it has at_hash, another algorithm, an unknown kid, or is not a JWS', () => {
    const withHash = jwt.sign({ at_hash: 'kept' }, privateKey, { algorithm: 'RS256', keyid: 'k1' });
    const ps256 = jwt.sign({ sub: 'u' }, privateKey, { algorithm: 'PS256', keyid: 'k1' });
    const otherKid = jwt.sign({ sub: 'u' }, privateKey, { algorithm: 'RS256', keyid: 'k2' });
    for (const token of [withHash, ps256, otherKid, 'not-a-jwt']) {
      expect(addAtHash(token, 'access', keys)).to.equal(token);
    }
  });
});
