import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { parseAuthorizationResponse } from '../../lib/oidc/authorization-response.js';
import { thrownBy } from '../helpers/secrets.js';

describe('parseAuthorizationResponse', () => {
  it('reads code, state and iss from the query of the redirect URI', () => {
    const response = parseAuthorizationResponse(
      'https://app.example.com/callback?code=abc&state=s%2B1&iss=https%3A%2F%2Ftenant.auth0.com%2F',
    );
    expect(response).to.deep.equal({
      code: 'abc',
      state: 's+1',
      iss: 'https://tenant.auth0.com/',
      params: { code: 'abc', state: 's+1', iss: 'https://tenant.auth0.com/' },
    });
  });

  it('reads an error and its description', () => {
    const response = parseAuthorizationResponse(
      new URL('https://app.example.com/cb?error=access_denied&error_description=User+said+no&state=x'),
    );
    expect(response.error).to.equal('access_denied');
    expect(response.errorDescription).to.equal('User said no');
    expect(response.state).to.equal('x');
    expect(response.code).to.equal(undefined);
  });

  it('reads the fragment of an implicit or hybrid response', () => {
    const response = parseAuthorizationResponse('https://app.example.com/cb#code=c1&id_token=h.p.s&state=st');
    expect(response.code).to.equal('c1');
    expect(response.state).to.equal('st');
    expect(response.params.id_token).to.equal('h.p.s');
  });

  it('prefers the query when both the query and the fragment hold a response', () => {
    const response = parseAuthorizationResponse('https://app.example.com/cb?code=fromquery#code=fromfragment');
    expect(response.code).to.equal('fromquery');
  });

  it('returns only params when the URL holds no response at all', () => {
    expect(parseAuthorizationResponse('https://app.example.com/cb')).to.deep.equal({ params: {} });
  });

  it('rejects a relative URL', () => {
    expect(thrownBy(() => parseAuthorizationResponse('/cb?code=x'))).to.be.instanceOf(ConfigurationError);
  });
});
