import { expect } from 'chai';
import { Mfa } from '../../lib/authentication/mfa.js';
import { Auth0Error, ConfigurationError } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { rejectionOf } from '../helpers/secrets.js';

const mfa = () => new Mfa({ domain: DOMAIN, clientId: 'cid', clientSecret: 'sec' });

describe('Mfa', () => {
  describe('challenge', () => {
    it('posts JSON with the mfa_token, the challenge type and the client authentication', async () => {
      const server = record('POST', '/mfa/challenge', {
        body: { challenge_type: 'oob', oob_code: 'oob-1', binding_method: 'prompt' },
      });
      const result = await mfa().challenge({ mfaToken: 'mt', challengeType: 'otp oob', authenticatorId: 'sms|dev_1' });
      expect(result).to.deep.equal({ challenge_type: 'oob', oob_code: 'oob-1', binding_method: 'prompt' });
      expect(server.request.encoding).to.equal('json');
      expect(server.request.body).to.deep.equal({
        client_id: 'cid',
        client_secret: 'sec',
        mfa_token: 'mt',
        challenge_type: 'otp oob',
        authenticator_id: 'sms|dev_1',
      });
    });

    it('omits the optional fields when absent', async () => {
      const server = record('POST', '/mfa/challenge', { body: { challenge_type: 'otp' } });
      await mfa().challenge({ mfaToken: 'mt' });
      expect(server.request.body).to.deep.equal({ client_id: 'cid', client_secret: 'sec', mfa_token: 'mt' });
    });
  });

  describe('associate', () => {
    it('posts JSON with the mfa_token as a bearer token, never in the body', async () => {
      const server = record('POST', '/mfa/associate', {
        body: { authenticator_type: 'oob', oob_channel: 'sms', oob_code: 'o', recovery_codes: ['R1'] },
      });
      const result = await mfa().associate({
        mfaToken: 'mt',
        authenticatorTypes: ['oob'],
        oobChannels: ['sms'],
        phoneNumber: '+14155550100',
      });
      expect(result.recovery_codes).to.deep.equal(['R1']);
      expect(server.request.headers.authorization).to.equal('Bearer mt');
      expect(server.request.body).to.deep.equal({
        client_id: 'cid',
        authenticator_types: ['oob'],
        oob_channels: ['sms'],
        phone_number: '+14155550100',
      });
    });

    it('refuses an empty or missing list of authenticator types', async () => {
      const server = record('POST', '/mfa/associate');
      for (const authenticatorTypes of [[], undefined, [''], 'otp']) {
        const err = await rejectionOf(mfa().associate({ mfaToken: 'mt', authenticatorTypes } as never));
        expect(err, String(authenticatorTypes)).to.be.instanceOf(ConfigurationError);
      }
      expect(await rejectionOf(mfa().associate({ authenticatorTypes: ['otp'] } as never))).to.be.instanceOf(
        ConfigurationError,
      );
      expect(server.requests).to.have.length(0);
    });
  });

  it('listAuthenticators GETs /mfa/authenticators with the bearer token', async () => {
    const list = [{ id: 'totp|dev_1', authenticator_type: 'otp', active: true }];
    const server = record('GET', '/mfa/authenticators', { body: list });
    expect(await mfa().listAuthenticators({ accessToken: 'at' })).to.deep.equal(list);
    expect(server.request.headers.authorization).to.equal('Bearer at');
  });

  it('deleteAuthenticator DELETEs the URL-encoded id with the bearer token and resolves to nothing', async () => {
    const server = record('DELETE', '/mfa/authenticators/totp%7Cdev_1', { status: 204, body: '' });
    expect(await mfa().deleteAuthenticator({ accessToken: 'at', authenticatorId: 'totp|dev_1' })).to.equal(undefined);
    expect(server.request.headers.authorization).to.equal('Bearer at');
  });

  it('rejects missing tokens and ids before any request, and maps HTTP errors', async () => {
    expect(await rejectionOf(mfa().listAuthenticators({} as never))).to.be.instanceOf(ConfigurationError);
    expect(await rejectionOf(mfa().deleteAuthenticator({ accessToken: 'at' } as never))).to.be.instanceOf(
      ConfigurationError,
    );
    expect(await rejectionOf(mfa().challenge({} as never))).to.be.instanceOf(ConfigurationError);
    record('POST', '/mfa/challenge', { status: 403, body: { error: 'expired_token', error_description: 'expired' } });
    const err = (await rejectionOf(mfa().challenge({ mfaToken: 'old' }))) as Auth0Error;
    expect([err.statusCode, err.errorCode, err.message]).to.deep.equal([403, 'expired_token', 'expired']);
  });

  itKeepsSecretsOutOfErrors('Mfa.challenge', {
    make: (options) => new Mfa({ ...options, clientId: 'cid', clientSecret: 'LEAK-mfa-secret' }),
    call: (client) => client.challenge({ mfaToken: 'LEAK-mfa-token' }),
    secrets: ['LEAK-mfa-secret', 'LEAK-mfa-token'],
  });

  itKeepsSecretsOutOfErrors('Mfa.associate', {
    make: (options) => new Mfa({ ...options, clientId: 'cid' }),
    call: (client) => client.associate({ mfaToken: 'LEAK-mfa-token-2', authenticatorTypes: ['otp'] }),
    secrets: ['LEAK-mfa-token-2'],
  });
});
