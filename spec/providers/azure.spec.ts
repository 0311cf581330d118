import { expect } from 'chai';
import nock from 'nock';
import { ConfigurationError } from '../../lib/errors.js';
import { AzureAuthenticationProvider, azureTokenEndpoint } from '../../lib/providers/azure.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

const TENANT = '6f1e0000-0000-0000-0000-000000000001';

describe('AzureAuthenticationProvider', () => {
  it('asks the v2.0 token endpoint of the authority with the scope, and reuses the token', async () => {
    let form = new URLSearchParams();
    let grants = 0;
    nock('https://login.microsoftonline.com')
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .times(2)
      .reply((_uri, body) => {
        grants += 1;
        form = new URLSearchParams(String(body));
        return [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'entra' }];
      });
    const provider = new AzureAuthenticationProvider({
      authority: `https://login.microsoftonline.com/${TENANT}`,
      clientId: 'app',
      clientSecret: 's~cr3t',
      scopes: ['api://app/.default'],
    });
    expect(await provider.authToken()).to.equal('entra');
    expect(await provider.authToken()).to.equal('entra');
    expect(grants).to.equal(1);
    expect(Object.fromEntries(form)).to.deep.equal({
      grant_type: 'client_credentials',
      scope: 'api://app/.default',
      client_id: 'app',
      client_secret: 's~cr3t',
    });
  });

  it('builds the endpoint from an authority with a trailing slash or the v2.0 issuer path', () => {
    const endpoint = `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`;
    expect(azureTokenEndpoint(`https://login.microsoftonline.com/${TENANT}/`)).to.equal(endpoint);
    expect(azureTokenEndpoint(`https://login.microsoftonline.com/${TENANT}/v2.0`)).to.equal(endpoint);
    expect(azureTokenEndpoint('https://login.microsoftonline.us/organizations')).to.equal(
      'https://login.microsoftonline.us/organizations/oauth2/v2.0/token',
    );
  });

  it('refuses a missing or malformed authority, secret or scopes', () => {
    const base = {
      authority: `https://login.microsoftonline.com/${TENANT}`,
      clientId: 'app',
      clientSecret: 'shh-secret',
      scopes: 'x',
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, authority: undefined }, 'authority'],
      [{ ...base, authority: 'login.microsoftonline.com' }, 'authority'],
      [{ ...base, authority: `https://login.microsoftonline.com/${TENANT}?x=1` }, 'authority'],
      [{ ...base, authority: `http://login.microsoftonline.com/${TENANT}` }, 'tokenEndpoint'],
      [{ ...base, clientSecret: '' }, 'clientSecret'],
      [{ ...base, scopes: [] }, 'scopes'],
    ];
    for (const [options, option] of cases) {
      const err = thrownBy(() => new AzureAuthenticationProvider(options as never));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', option);
      expectNoSecrets(err, ['shh-secret']);
    }
    expect(thrownBy(() => new AzureAuthenticationProvider(null as never))).to.be.instanceOf(ConfigurationError);
  });
});
