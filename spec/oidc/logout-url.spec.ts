import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import type { ProviderMetadata } from '../../lib/oidc/discovery.js';
import { buildLogoutUrl } from '../../lib/oidc/logout-url.js';
import { thrownBy } from '../helpers/secrets.js';

const STANDARD: ProviderMetadata = {
  issuer: 'https://op.example.com/realms/demo',
  token_endpoint: 'https://op.example.com/realms/demo/token',
  end_session_endpoint: 'https://op.example.com/realms/demo/session/end?ui=1',
};
const AUTH0: ProviderMetadata = {
  issuer: 'https://tenant.auth0.com/',
  token_endpoint: 'https://tenant.auth0.com/oauth/token',
};

function paramsOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

describe('buildLogoutUrl', () => {
  it('builds an RP-Initiated Logout request at the end_session_endpoint', () => {
    const url = buildLogoutUrl(STANDARD, 'web', 'https://app.example.com/', {
      idTokenHint: 'id.token.hint',
      state: 'st',
    });
    expect(url.startsWith('https://op.example.com/realms/demo/session/end?')).to.equal(true);
    expect(paramsOf(url)).to.deep.equal({
      ui: '1',
      id_token_hint: 'id.token.hint',
      client_id: 'web',
      post_logout_redirect_uri: 'https://app.example.com/',
      state: 'st',
    });
  });

  it('prefers the post-logout redirect URI of the call, and sends none when there is none', () => {
    const url = buildLogoutUrl(STANDARD, 'web', 'https://app.example.com/', {
      postLogoutRedirectUri: 'https://app.example.com/bye',
    });
    expect(paramsOf(url).post_logout_redirect_uri).to.equal('https://app.example.com/bye');
    expect(paramsOf(buildLogoutUrl(STANDARD, 'web', undefined, {}))).to.deep.equal({ ui: '1', client_id: 'web' });
  });

  it("uses Auth0's /v2/logout for a tenant that advertises no end_session_endpoint", () => {
    const url = buildLogoutUrl(AUTH0, 'web', 'https://app.example.com/', { idTokenHint: 'ignored' });
    expect(url).to.equal('https://tenant.auth0.com/v2/logout?client_id=web&returnTo=https%3A%2F%2Fapp.example.com%2F');
  });

  it('refuses a provider without a logout endpoint, naming the metadata member', () => {
    const err = thrownBy(() =>
      buildLogoutUrl(
        { issuer: 'https://op.example.com', token_endpoint: 'https://op.example.com/token' },
        'web',
        undefined,
        {},
      ),
    );
    expect(err).to.be.instanceOf(ConfigurationError);
    expect((err as ConfigurationError).option).to.equal('end_session_endpoint');
  });

  it('refuses options that are not non-empty strings', () => {
    for (const options of [{ idTokenHint: '' }, { state: 5 }, { postLogoutRedirectUri: '' }, null]) {
      expect(thrownBy(() => buildLogoutUrl(STANDARD, 'web', undefined, options as never))).to.be.instanceOf(
        ConfigurationError,
      );
    }
  });
});
