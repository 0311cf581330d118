import { expect } from 'chai';
import { DeviceAuthorization } from '../../lib/authentication/device-authorization.js';
import { Auth0Error, ConfigurationError } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf } from '../helpers/secrets.js';

const STARTED = {
  device_code: 'dc-1',
  user_code: 'WDJB-MJHT',
  verification_uri: 'https://tenant.example.com/activate',
  verification_uri_complete: 'https://tenant.example.com/activate?user_code=WDJB-MJHT',
  expires_in: 900,
  interval: 5,
};

describe('DeviceAuthorization', () => {
  it("posts a form to Auth0's /oauth/device/code and resolves to the server JSON unchanged", async () => {
    const server = record('POST', '/oauth/device/code', { body: STARTED });
    const started = await new DeviceAuthorization({ domain: DOMAIN, clientId: 'cli' }).start({
      scope: 'openid offline_access',
      audience: 'https://api.example.com/',
    });
    expect(started).to.deep.equal(STARTED);
    expect(server.request.encoding).to.equal('form');
    expect(server.request.body).to.deep.equal({
      client_id: 'cli',
      scope: 'openid offline_access',
      audience: 'https://api.example.com/',
    });
  });

  it('sends only the client id when nothing else is given, and the secret of a confidential client', async () => {
    const public_ = record('POST', '/oauth/device/code', { body: STARTED });
    await new DeviceAuthorization({ domain: DOMAIN, clientId: 'cli' }).start();
    expect(public_.request.body).to.deep.equal({ client_id: 'cli' });
    const confidential = record('POST', '/oauth/device/code', { body: STARTED });
    await new DeviceAuthorization({ domain: DOMAIN, clientId: 'tv', clientSecret: 'sec' }).start({ scope: 'openid' });
    expect(confidential.request.body).to.include({ client_id: 'tv', client_secret: 'sec' });
  });

  it('sends extraParams, and refuses the wire name of a named option before any request', async () => {
    const server = record('POST', '/oauth/device/code', { body: STARTED });
    const device = new DeviceAuthorization({ domain: DOMAIN, clientId: 'cli' });
    await device.start({ extraParams: { resource: ['https://a/', 'https://b/'] } });
    expect(new URLSearchParams(server.request.raw).getAll('resource')).to.deep.equal(['https://a/', 'https://b/']);
    const err = await rejectionOf(device.start({ scope: 'openid', extraParams: { scope: 'email' } }));
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'scope');
    expect(server.requests).to.have.length(1);
  });

  it("rejects with the server's error", async () => {
    record('POST', '/oauth/device/code', {
      status: 403,
      body: { error: 'unauthorized_client', error_description: 'Grant type not allowed' },
    });
    const err = (await rejectionOf(new DeviceAuthorization({ domain: DOMAIN, clientId: 'cli' }).start())) as Auth0Error;
    expect([err.statusCode, err.errorCode, err.message]).to.deep.equal([
      403,
      'unauthorized_client',
      'Grant type not allowed',
    ]);
  });

  itKeepsSecretsOutOfErrors('DeviceAuthorization.start', {
    make: (options) => new DeviceAuthorization({ ...options, clientId: 'cid', clientSecret: 'LEAK-device-secret' }),
    call: (client) => client.start({ scope: 'openid' }),
    secrets: ['LEAK-device-secret'],
  });
});
