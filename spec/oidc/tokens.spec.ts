import { expect } from 'chai';
import { TokenResponseError } from '../../lib/errors.js';
import { tokensOf } from '../../lib/oidc/tokens.js';
import { rejectionOf } from '../helpers/secrets.js';

const NOW = 1_800_000_000_000;

describe('tokensOf', () => {
  it('turns a token response into camelCase tokens with an epoch-ms expiry', () => {
    const tokens = tokensOf(
      { id_token: 'i', access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 3600, scope: 'openid' },
      NOW,
    );
    expect(tokens).to.deep.equal({
      idToken: 'i',
      accessToken: 'a',
      refreshToken: 'r',
      tokenType: 'Bearer',
      expiresAt: NOW + 3_600_000,
      scope: 'openid',
    });
  });

  it('reads an implicit response, whose values are all text', () => {
    expect(tokensOf({ id_token: 'i', access_token: 'a', token_type: 'Bearer', expires_in: '60' }, NOW)).to.deep.equal({
      idToken: 'i',
      accessToken: 'a',
      tokenType: 'Bearer',
      expiresAt: NOW + 60_000,
    });
  });

  it('leaves out what is absent, empty or meaningless', () => {
    expect(tokensOf({ id_token: '', access_token: 'a', expires_in: -5, scope: '' }, NOW)).to.deep.equal({
      accessToken: 'a',
      tokenType: 'Bearer',
    });
    expect(tokensOf({ id_token: 'i', expires_in: 60 }, NOW)).to.deep.equal({ idToken: 'i' });
  });

  it('refuses an access token of another type than Bearer', async () => {
    const err = await rejectionOf(
      Promise.resolve().then(() => tokensOf({ access_token: 'a', token_type: 'mac' }, NOW)),
    );
    expect(err).to.be.instanceOf(TokenResponseError);
    expect(err.message).to.equal('the access token\'s token_type must be Bearer; found "mac"');
  });
});
