import { expect } from 'chai';
import {
  DEFAULT_CLIENTS,
  DEFAULT_POST_LOGOUT_REDIRECT_URI,
  DEVICE_CODE,
  mergeClients,
  resolveClient,
} from '../../lib/dev-server/clients.js';

describe('resolveClient', () => {
  it('derives the response types from the grants: code, implicit, and hybrid with both', async () => {
    const cases = [
      [['authorization_code'], ['code']],
      [['implicit'], ['id_token', 'id_token token']],
      [
        ['authorization_code', 'implicit'],
        ['code', 'id_token', 'id_token token', 'code id_token'],
      ],
      [[DEVICE_CODE, 'refresh_token'], []],
    ] as const;
    for (const [grantTypes, responseTypes] of cases) {
      const client = await resolveClient({ clientId: 'c', authMethod: 'none', grantTypes });
      expect(client.responseTypes, grantTypes.join()).to.deep.equal(responseTypes);
    }
  });

  it('gives clients of the authorization endpoint redirect and post-logout URIs, and others none', async () => {
    const web = await resolveClient({ clientId: 'web', grantTypes: ['authorization_code'] });
    expect(web).to.deep.include({
      redirectUris: ['http://127.0.0.1/callback'],
      postLogoutRedirectUris: [DEFAULT_POST_LOGOUT_REDIRECT_URI],
    });
    const m2m = await resolveClient({
      clientId: 'm2m',
      redirectUris: ['http://127.0.0.1/cb'],
      postLogoutRedirectUris: ['http://127.0.0.1/'],
      backchannelLogoutUri: 'http://127.0.0.1/bcl',
    });
    expect(m2m).to.deep.include({ redirectUris: [], postLogoutRedirectUris: [] });
    expect(m2m).to.not.have.property('backchannelLogoutUri');
  });

  it('lets an implicit client use http on loopback hosts and https anywhere', async () => {
    const redirectUris = [
      'http://localhost:3000/cb',
      'http://127.0.0.1:8080/cb',
      'http://[::1]/cb',
      'https://app.example.com/cb',
    ];
    const client = await resolveClient({ clientId: 'spa', authMethod: 'none', grantTypes: ['implicit'], redirectUris });
    expect(client.redirectUris).to.deep.equal(redirectUris);
  });

  it('rotates refresh tokens of public clients by default, and as configured', async () => {
    expect(
      (await resolveClient({ clientId: 'a', authMethod: 'none', grantTypes: ['authorization_code'] }))
        .rotateRefreshTokens,
    ).to.equal(true);
    expect((await resolveClient({ clientId: 'b', grantTypes: ['authorization_code'] })).rotateRefreshTokens).to.equal(
      false,
    );
    expect(
      (await resolveClient({ clientId: 'c', grantTypes: ['authorization_code'], rotateRefreshTokens: true }))
        .rotateRefreshTokens,
    ).to.equal(true);
  });

  it('keeps a back-channel logout URI of a client of the authorization endpoint', async () => {
    const client = await resolveClient({
      clientId: 'web',
      grantTypes: ['authorization_code'],
      backchannelLogoutUri: 'http://127.0.0.1:3000/backchannel-logout',
    });
    expect(client.backchannelLogoutUri).to.equal('http://127.0.0.1:3000/backchannel-logout');
  });
});

describe('mergeClients', () => {
  it('has a confidential web app, a public SPA with the implicit flow, and a public device client', () => {
    expect(DEFAULT_CLIENTS.map((client) => [client.clientId, client.authMethod, client.grantTypes])).to.deep.equal([
      ['m2m-secret', 'client_secret_post', undefined],
      ['m2m-jwt', 'private_key_jwt', undefined],
      ['web-app', 'client_secret_post', ['authorization_code', 'refresh_token', 'urn:openid:params:grant-type:ciba']],
      ['spa', 'none', ['authorization_code', 'implicit', 'refresh_token']],
      ['device', 'none', [DEVICE_CODE, 'refresh_token']],
    ]);
    expect(mergeClients(undefined)).to.deep.equal(DEFAULT_CLIENTS);
  });
});
