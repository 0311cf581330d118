import { inspect } from 'node:util';
import axios from 'axios';
import { expect } from 'chai';
import { AuthenticationClient } from '../../lib/authentication/authentication-client.js';
import { BackChannelLogin } from '../../lib/authentication/back-channel-login.js';
import { Database } from '../../lib/authentication/database.js';
import { Delegated } from '../../lib/authentication/delegated.js';
import { DeviceAuthorization } from '../../lib/authentication/device-authorization.js';
import { Enterprise } from '../../lib/authentication/enterprise.js';
import { GetToken } from '../../lib/authentication/get-token.js';
import { Mfa } from '../../lib/authentication/mfa.js';
import { Passwordless } from '../../lib/authentication/passwordless.js';
import { PushedAuthorizationRequests } from '../../lib/authentication/pushed-authorization-requests.js';
import { RevokeToken } from '../../lib/authentication/revoke-token.js';
import { TokenIntrospection } from '../../lib/authentication/token-introspection.js';
import { Users } from '../../lib/authentication/users.js';
import { ConfigurationError } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, thrownBy } from '../helpers/secrets.js';

describe('AuthenticationClient', () => {
  it('exposes every part of the Authentication API for one tenant and client', () => {
    const client = new AuthenticationClient({ domain: DOMAIN, clientId: 'cid', clientSecret: 'sec' });
    const parts: [unknown, new (...args: never[]) => unknown][] = [
      [client.database, Database],
      [client.getToken, GetToken],
      [client.passwordless, Passwordless],
      [client.revokeToken, RevokeToken],
      [client.users, Users],
      [client.enterprise, Enterprise],
      [client.delegated, Delegated],
      [client.backChannelLogin, BackChannelLogin],
      [client.pushedAuthorizationRequests, PushedAuthorizationRequests],
      [client.mfa, Mfa],
      [client.deviceAuthorization, DeviceAuthorization],
      [client.introspection, TokenIntrospection],
    ];
    for (const [part, cls] of parts) expect(part).to.be.instanceOf(cls);
    expect([client.domain, client.clientId, client.clientAuthMethod]).to.deep.equal([
      DOMAIN,
      'cid',
      'client_secret_post',
    ]);
    expect(client.getToken.origin).to.equal(`https://${DOMAIN}`);
  });

  it('builds one transport (one axios instance) shared by all its parts', () => {
    const create = axios.create;
    let created = 0;
    axios.create = ((...args: Parameters<typeof create>) => {
      created++;
      return create(...args);
    }) as typeof create;
    try {
      new AuthenticationClient({ domain: DOMAIN, clientId: 'cid' });
      expect(created).to.equal(1);
      new GetToken({ domain: DOMAIN, clientId: 'cid' });
      expect(created).to.equal(2);
    } finally {
      axios.create = create;
    }
  });

  it('sends the requests of every part with the same options and client authentication', async () => {
    const token = record('POST', '/oauth/token', { body: { access_token: 'at' } });
    const start = record('POST', '/passwordless/start', { body: {} });
    const info = record('GET', '/userinfo', { body: { sub: 's' } });
    const client = new AuthenticationClient({
      domain: DOMAIN,
      clientId: 'cid',
      clientSecret: 'sec',
      clientAuthMethod: 'client_secret_basic',
      telemetry: false,
    });
    await client.getToken.clientCredentials({ audience: 'a' });
    await client.passwordless.sms({ phoneNumber: '+1' });
    await client.users.userinfo('at');
    const basic = `Basic ${Buffer.from('cid:sec').toString('base64')}`;
    expect([token.request.headers.authorization, start.request.headers.authorization]).to.deep.equal([basic, basic]);
    expect(info.request.headers.authorization).to.equal('Bearer at');
    for (const { request } of [token, start, info]) expect(request.headers).to.not.have.property('auth0-client');
  });

  it('validates its options once, with a ConfigurationError', () => {
    expect(thrownBy(() => new AuthenticationClient({ domain: '', clientId: 'c' }))).to.be.instanceOf(
      ConfigurationError,
    );
    expect(thrownBy(() => new AuthenticationClient({ domain: DOMAIN } as never))).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => new AuthenticationClient(undefined as never))).to.be.instanceOf(ConfigurationError);
    expect(
      thrownBy(() => new AuthenticationClient({ domain: DOMAIN, clientId: 'c', clientAuthMethod: 'private_key_jwt' })),
    ).to.be.instanceOf(ConfigurationError);
  });

  it("refuses an unknown option, naming the closest known one or ours for node-auth0's name", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ clientID: 'cid' }, 'unknown option "clientID"; did you mean clientId?'],
      [{ clientId: 'cid', client_secret: 'sec' }, 'unknown option "client_secret"; did you mean clientSecret?'],
      [{ clientId: 'cid', timeoutDuration: 5000 }, 'unknown option "timeoutDuration"; did you mean timeout?'],
      [{ clientId: 'cid', agent: {} }, 'unknown option "agent"; did you mean httpsAgent?'],
      [{ clientId: 'cid', headers: {} }, 'unknown option "headers"'],
    ];
    for (const [options, message] of cases) {
      const err = thrownBy(() => new AuthenticationClient({ domain: DOMAIN, ...options } as never));
      expect(err)
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', /"(.*)"/.exec(message)?.[1]);
      expect(err.message).to.equal(message);
    }
  });

  it('never shows the secret or the key in util.inspect', () => {
    const pem = rsaKeys().privatePem;
    const client = new AuthenticationClient({
      domain: DOMAIN,
      clientId: 'cid',
      clientSecret: 'FACADE-SECRET',
      clientAssertionSigningKey: pem,
    });
    expect(client.clientAuthMethod).to.equal('private_key_jwt');
    const lines = pem.split('\n').filter((line) => line.length === 64);
    expectNoSecrets(inspect(client, { showHidden: true, depth: Infinity }), ['FACADE-SECRET', ...lines]);
  });
});
