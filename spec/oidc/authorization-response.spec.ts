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
      from: 'query',
      repeated: [],
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
    expect(response.from).to.equal('fragment');
  });

  it('prefers the query when both the query and the fragment hold a response', () => {
    const response = parseAuthorizationResponse('https://app.example.com/cb?code=fromquery#code=fromfragment');
    expect(response.code).to.equal('fromquery');
  });

  it('returns only params when the URL holds no response at all', () => {
    expect(parseAuthorizationResponse('https://app.example.com/cb')).to.deep.equal({
      params: {},
      from: 'query',
      repeated: [],
    });
  });

  it('reads a form_post body given as an object, and the parameters a page posted from its fragment', () => {
    const body = parseAuthorizationResponse({ id_token: 'h.p.s', state: 'st', iss: 'https://op.example.com' });
    expect(body).to.deep.include({ state: 'st', iss: 'https://op.example.com', from: 'body', repeated: [] });
    expect(body.params).to.deep.equal({ id_token: 'h.p.s', state: 'st', iss: 'https://op.example.com' });
    const posted = parseAuthorizationResponse(new URLSearchParams('code=c1&state=st'));
    expect(posted).to.deep.include({ code: 'c1', state: 'st', from: 'body' });
  });

  it('names the parameters that came more than once or not as text, and keeps the first value', () => {
    const query = parseAuthorizationResponse('https://app.example.com/cb?state=a&code=c&state=b');
    expect(query.state).to.equal('a');
    expect(query.repeated).to.deep.equal(['state']);
    const body = parseAuthorizationResponse({ state: ['a', 'b'], code: { nested: 'x' }, iss: undefined });
    expect(body.state).to.equal('a');
    expect(body.code).to.equal(undefined);
    expect(body.repeated).to.deep.equal(['state', 'code']);
    expect(parseAuthorizationResponse(new URLSearchParams('id_token=x&id_token=y')).repeated).to.deep.equal([
      'id_token',
    ]);
  });

  it('rejects a relative URL', () => {
    expect(thrownBy(() => parseAuthorizationResponse('/cb?code=x'))).to.be.instanceOf(ConfigurationError);
  });
});
