import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { isJwtShaped, signJwt, unverifiedPayload, unverifiedTime } from '../../lib/providers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';

describe('provider JWT helpers', () => {
  const token = jwt.sign({ exp: 2_000_000_000, iat: 1_900_000_000, sub: 'x' }, 'k'.repeat(32));

  it('recognises the compact JWS shape only', () => {
    expect(isJwtShaped(token)).to.equal(true);
    expect(isJwtShaped('a.b')).to.equal(false);
    expect(isJwtShaped('a.b.c.d')).to.equal(false);
    expect(isJwtShaped('a.b.')).to.equal(false);
    expect(isJwtShaped('a b.c.d')).to.equal(false);
  });

  it('reads exp and iat in epoch ms without verifying', () => {
    expect(unverifiedTime(token, 'exp')).to.equal(2_000_000_000_000);
    expect(unverifiedTime(token, 'iat')).to.equal(1_900_000_000_000);
  });

  it('gives undefined for payloads that are not JSON objects or claims that are not numbers', () => {
    const encode = (value: string) => Buffer.from(value).toString('base64url');
    expect(unverifiedPayload(`${encode('{}')}.${encode('[1]')}.sig`)).to.equal(undefined);
    expect(unverifiedPayload(`${encode('{}')}.${encode('not json')}.sig`)).to.equal(undefined);
    expect(unverifiedPayload('opaque')).to.equal(undefined);
    expect(unverifiedTime(`${encode('{}')}.${encode('{"exp":"soon"}')}.sig`, 'exp')).to.equal(undefined);
    expect(unverifiedTime(`${encode('{}')}.${encode('{"exp":-1}')}.sig`, 'exp')).to.equal(undefined);
  });

  it('signs with a kid in the header when given', () => {
    const keys = rsaKeys();
    const signed = signJwt({ a: 1 }, keys.privateKey, 'RS256', 'kid-1');
    const decoded = jwt.decode(signed, { complete: true })!;
    expect(decoded.header).to.deep.equal({ alg: 'RS256', typ: 'JWT', kid: 'kid-1' });
    expect(jwt.verify(signed, keys.publicKey)).to.include({ a: 1 });
    expect(jwt.decode(signJwt({}, keys.privateKey, 'RS256'), { complete: true })!.header).to.not.have.property('kid');
  });
});
