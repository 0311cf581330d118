import { expect } from 'chai';
import { ConfigurationError, TokenResponseError } from '../../lib/errors.js';
import { checkEndpointUrl, readTokenResponse, storedToken } from '../../lib/providers/token-endpoint.js';
import { thrownBy } from '../helpers/secrets.js';

describe('token endpoint helpers', () => {
  it('accepts https endpoints and http ones on loopback only', () => {
    expect(checkEndpointUrl('https://idp.example.com/oauth2/v1/token?p=b2c', 'tokenEndpoint')).to.equal(
      'https://idp.example.com/oauth2/v1/token?p=b2c',
    );
    expect(checkEndpointUrl('http://localhost:3000/token', 'x')).to.equal('http://localhost:3000/token');
    expect(checkEndpointUrl('http://[::1]:3000/token', 'x')).to.equal('http://[::1]:3000/token');
    for (const bad of ['', 42, 'ftp://idp/token', 'http://10.0.0.1/token', 'idp.example.com/token']) {
      expect(thrownBy(() => checkEndpointUrl(bad, 'tokenEndpoint')))
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', 'tokenEndpoint');
    }
  });

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
});
