import { expect } from 'chai';
import type { TokenResponse } from '../../lib/authentication/types.js';
import { TokenResponseError } from '../../lib/errors.js';
import {
  DEFAULT_EXPIRES_IN,
  readTokenResponse,
  storedToken,
  unverifiedTime,
} from '../../lib/providers/token-endpoint.js';
import { b64url } from '../helpers/jwt.js';
import { thrownBy } from '../helpers/secrets.js';

describe('token endpoint helpers', () => {
  it('keeps every member of a response and normalises a numeric-string expires_in', () => {
    const response = readTokenResponse({ access_token: 'a', expires_in: ' 60 ', token_type: 'Bearer', extra: 1 });
    expect(response).to.deep.equal({ access_token: 'a', expires_in: 60, token_type: 'Bearer', extra: 1 });
    expect(readTokenResponse({ access_token: 'a', expires_in: null })).to.deep.equal({ access_token: 'a' });
  });

  it('reads another token member when asked (Google answers with an id_token)', () => {
    expect(readTokenResponse({ id_token: 'i' }, 'id_token')).to.deep.equal({ id_token: 'i' });
    expect(thrownBy(() => readTokenResponse({ access_token: 'a' }, 'id_token')).message).to.equal(
      'the token response has no id_token',
    );
  });

  it('refuses bodies that are not objects', () => {
    for (const body of [null, '', 'text', [1], 5]) {
      expect(thrownBy(() => readTokenResponse(body))).to.be.instanceOf(TokenResponseError);
    }
  });

  it('counts the lifetime from when the request was sent', () => {
    expect(storedToken({ access_token: 'a', expires_in: 10, token_type: 'Bearer' }, 1000)).to.deep.equal({
      accessToken: 'a',
      issuedAt: 1000,
      expiresAt: 11_000,
    });
  });

  it('reads exp and iat of a JWT in epoch ms without verifying it, and nothing of an opaque token', () => {
    const jwt = (payload: string) => `${b64url({ alg: 'RS256' })}.${b64url(payload)}.${b64url('sig')}`;
    const token = jwt('{"exp":2000000000,"iat":1900000000,"sub":"x"}');
    expect(unverifiedTime(token, 'exp')).to.equal(2_000_000_000_000);
    expect(unverifiedTime(token, 'iat')).to.equal(1_900_000_000_000);
    for (const other of ['opaque', 'a.b.c.d', jwt('[1]'), jwt('not json'), jwt('{"exp":"soon"}'), jwt('{"exp":-1}')]) {
      expect(unverifiedTime(other, 'exp')).to.equal(undefined);
    }
  });

  it("takes the expiry from the JWT's exp without expires_in, else assumes DEFAULT_EXPIRES_IN", () => {
    const token = `${b64url({ alg: 'RS256' })}.${b64url({ exp: 2_000_000_000 })}.${b64url('sig')}`;
    expect(storedToken({ access_token: token, token_type: 'Bearer' } as TokenResponse, 1000).expiresAt).to.equal(
      2_000_000_000_000,
    );
    expect(storedToken({ access_token: 'opaque', token_type: 'Bearer' } as TokenResponse, 1000).expiresAt).to.equal(
      1000 + DEFAULT_EXPIRES_IN * 1000,
    );
  });
});
