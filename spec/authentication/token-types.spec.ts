import { expect } from 'chai';
import * as lib from '../../lib/index.js';
import { TOKEN_TYPE } from '../../lib/authentication/token-types.js';

describe('TOKEN_TYPE', () => {
  it('holds the RFC 8693 §3 token-type URIs and is exported from the package', () => {
    expect(TOKEN_TYPE).to.deep.equal({
      accessToken: 'urn:ietf:params:oauth:token-type:access_token',
      refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
      idToken: 'urn:ietf:params:oauth:token-type:id_token',
      jwt: 'urn:ietf:params:oauth:token-type:jwt',
    });
    expect(lib.TOKEN_TYPE).to.equal(TOKEN_TYPE);
  });
});
