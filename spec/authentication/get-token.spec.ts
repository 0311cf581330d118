import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { GetToken } from '../../lib/authentication/get-token.js';
import { Auth0Error, AuthorizationExpiredError, ConfigurationError, RateLimitError } from '../../lib/errors.js';
import { DOMAIN, ORIGIN, record, type Recorder, settle } from '../helpers/capture.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';
import { itKeepsSecretsOutOfErrors } from '../helpers/leaks.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';

const TOKENS = { access_token: 'at-1', id_token: 'it-1', expires_in: 86400, token_type: 'Bearer', scope: 'openid' };
const SECRET = 'client-secret-VALUE';

const confidential = () => new GetToken({ domain: DOMAIN, clientId: 'cid', clientSecret: SECRET });

function token(reply: Parameters<typeof record>[2] = { body: TOKENS }): Recorder {
  return record('POST', '/oauth/token', reply);
}

describe('GetToken', () => {
  describe('clientCredentials', () => {
    it('posts a form with the grant, the audience and the secret, and resolves to the server JSON unchanged', async () => {
      const server = token();
      const result = await confidential().clientCredentials({ audience: 'https://api.example.com/' });
      expect(result).to.deep.equal(TOKENS);
      const { request } = server;
      expect(request.path).to.equal('/oauth/token');
      expect(request.encoding).to.equal('form');
      expect(request.headers['content-type']).to.match(/^application\/x-www-form-urlencoded/);
      expect(request.body).to.deep.equal({
        grant_type: 'client_credentials',
        client_id: 'cid',
        client_secret: SECRET,
        audience: 'https://api.example.com/',
      });
      expect(request.headers).to.have.property('auth0-client');
    });

    it('sends organization, scope and an RFC 8707 resource when given', async () => {
      const server = token();
      await confidential().clientCredentials({
        audience: 'https://api/',
        organization: 'org_123',
        scope: 'read:a write:b',
        resource: 'https://rs.example.com/',
      });
      expect(server.request.body).to.include({
        organization: 'org_123',
        scope: 'read:a write:b',
        resource: 'https://rs.example.com/',
      });
    });

    it('sends a list of RFC 8707 resources as the resource field repeated, and a one-item list as one field', async () => {
      const server = token();
      await confidential().clientCredentials({ resource: ['https://a.example/', 'https://b.example/'] });
      expect(new URLSearchParams(server.request.raw).getAll('resource')).to.deep.equal([
        'https://a.example/',
        'https://b.example/',
      ]);
      const again = token();
      await confidential().clientCredentials({ resource: ['https://a.example/'] });
      expect(new URLSearchParams(again.request.raw).getAll('resource')).to.deep.equal(['https://a.example/']);
    });

    it('refuses an empty resource list, or one with a blank or non-string item, before any request', async () => {
      const server = token();
      for (const resource of [[], [''], ['https://a/', ' '], ['https://a/', 7], {}]) {
        const err = (await rejectionOf(confidential().clientCredentials({ resource } as never))) as ConfigurationError;
        expect(err, JSON.stringify(resource)).to.be.instanceOf(ConfigurationError);
        expect(err.option).to.equal('resource');
      }
      expect(server.requests).to.have.length(0);
    });

    it('may send a resource alone, for standard OpenID Providers', async () => {
      const server = token();
      await confidential().clientCredentials({ resource: 'https://rs.example.com/' });
      expect(server.request.body).to.deep.equal({
        grant_type: 'client_credentials',
        client_id: 'cid',
        client_secret: SECRET,
        resource: 'https://rs.example.com/',
      });
    });
  });

  it('authorizationCode sends the code and redirect_uri with client authentication', async () => {
    const server = token();
    await confidential().authorizationCode({ code: 'the-code', redirectUri: 'https://app/cb' });
    expect(server.request.body).to.deep.equal({
      grant_type: 'authorization_code',
      client_id: 'cid',
      client_secret: SECRET,
      code: 'the-code',
      redirect_uri: 'https://app/cb',
    });
  });

  it('authorizationCode sends no redirect_uri when none is given: the provider uses the registered one', async () => {
    const server = token();
    await confidential().authorizationCode({ code: 'the-code' });
    expect(server.request.body).to.deep.equal({
      grant_type: 'authorization_code',
      client_id: 'cid',
      client_secret: SECRET,
      code: 'the-code',
    });
    const pkce = token();
    await confidential().authorizationCodePkce({ code: 'c', codeVerifier: 'v' });
    expect(pkce.request.body).to.not.have.property('redirect_uri');
  });

  describe('authorizationCodePkce', () => {
    it('sends only the client id for a public client', async () => {
      const server = token();
      await new GetToken({ domain: DOMAIN, clientId: 'spa' }).authorizationCodePkce({
        code: 'c',
        codeVerifier: 'v'.repeat(43),
        redirectUri: 'http://localhost/cb',
      });
      expect(server.request.body).to.deep.equal({
        grant_type: 'authorization_code',
        client_id: 'spa',
        code: 'c',
        code_verifier: 'v'.repeat(43),
        redirect_uri: 'http://localhost/cb',
      });
    });

    it('authenticates a confidential client too (the original never did)', async () => {
      const server = token();
      await confidential().authorizationCodePkce({ code: 'c', codeVerifier: 'v', redirectUri: 'https://app/cb' });
      expect(server.request.body).to.include({ client_secret: SECRET, code_verifier: 'v' });
    });
  });

  describe('login', () => {
    it('uses the standard password grant without a realm, omitting absent fields', async () => {
      const server = token();
      await confidential().login({ username: 'ada', password: 'pw' });
      expect(server.request.body).to.deep.equal({
        grant_type: 'password',
        client_id: 'cid',
        client_secret: SECRET,
        username: 'ada',
        password: 'pw',
      });
      expect(server.request.headers).to.not.have.property('auth0-forwarded-for');
    });

    it("uses Auth0's password-realm grant with a realm, and sends auth0-forwarded-for", async () => {
      const server = token();
      await confidential().login({
        username: 'ada',
        password: 'pw',
        realm: 'Username-Password-Authentication',
        scope: 'openid',
        audience: 'https://api/',
        forwardedFor: '203.0.113.7',
      });
      expect(server.request.body).to.deep.equal({
        grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
        client_id: 'cid',
        client_secret: SECRET,
        username: 'ada',
        password: 'pw',
        realm: 'Username-Password-Authentication',
        scope: 'openid',
        audience: 'https://api/',
      });
      expect(server.request.headers['auth0-forwarded-for']).to.equal('203.0.113.7');
    });

    it('rejects mfa_required with an Auth0Error that carries the mfa_token', async () => {
      token({
        status: 403,
        body: { error: 'mfa_required', error_description: 'Multifactor authentication required', mfa_token: 'mfa-1' },
      });
      const err = (await rejectionOf(confidential().login({ username: 'a', password: 'b' }))) as Auth0Error;
      expect(err).to.be.instanceOf(Auth0Error);
      expect([err.statusCode, err.errorCode, err.message, err.mfaToken]).to.deep.equal([
        403,
        'mfa_required',
        'Multifactor authentication required',
        'mfa-1',
      ]);
      expect(err.content).to.deep.include({ mfa_token: 'mfa-1' });
    });
  });

  describe('refreshToken', () => {
    it('omits scope when absent (the original sent an empty one)', async () => {
      const server = token();
      await confidential().refreshToken({ refreshToken: 'rt' });
      expect(server.request.body).to.deep.equal({
        grant_type: 'refresh_token',
        client_id: 'cid',
        client_secret: SECRET,
        refresh_token: 'rt',
      });
    });

    it('sends scope when given', async () => {
      const server = token();
      await confidential().refreshToken({ refreshToken: 'rt', scope: 'openid' });
      expect(server.request.body).to.include({ scope: 'openid' });
    });

    it('returns the new refresh token of a provider that rotates them', async () => {
      token({ body: { ...TOKENS, refresh_token: 'rt-2' } });
      expect((await confidential().refreshToken({ refreshToken: 'rt-1' })).refresh_token).to.equal('rt-2');
    });
  });

  it('passwordlessLogin sends the OTP grant with username, otp and realm', async () => {
    const server = token();
    await confidential().passwordlessLogin({ username: 'a@b.c', otp: '123456', realm: 'email', scope: 'openid' });
    expect(server.request.body).to.deep.equal({
      grant_type: 'http://auth0.com/oauth/grant-type/passwordless/otp',
      client_id: 'cid',
      client_secret: SECRET,
      username: 'a@b.c',
      otp: '123456',
      realm: 'email',
      scope: 'openid',
    });
  });

  it('backchannelLogin sends the CIBA grant with the auth_req_id', async () => {
    const server = token();
    await confidential().backchannelLogin({ authReqId: 'req-1' });
    expect(server.request.body).to.deep.equal({
      grant_type: 'urn:openid:params:grant-type:ciba',
      client_id: 'cid',
      client_secret: SECRET,
      auth_req_id: 'req-1',
    });
  });

  describe('accessTokenForConnection', () => {
    const params = {
      subjectTokenType: 'urn:ietf:params:oauth:token-type:refresh_token',
      subjectToken: 'rt-subject',
      requestedTokenType: 'http://auth0.com/oauth/token-type/federated-connection-access-token',
    };

    it('sends the federated-connection exchange, with connection and login_hint when given', async () => {
      const server = token({
        body: { access_token: 'g', issued_token_type: 'x', token_type: 'Bearer', expires_in: 1 },
      });
      const result = await confidential().accessTokenForConnection({
        ...params,
        connection: 'google-oauth2',
        loginHint: 'ada@gmail.com',
      });
      expect(result.issued_token_type).to.equal('x');
      expect(server.request.body).to.deep.equal({
        grant_type: 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token',
        client_id: 'cid',
        client_secret: SECRET,
        subject_token_type: params.subjectTokenType,
        subject_token: 'rt-subject',
        requested_token_type: params.requestedTokenType,
        connection: 'google-oauth2',
        login_hint: 'ada@gmail.com',
      });
    });

    it("uses node-auth0's token types when none are given", async () => {
      const server = token();
      await confidential().accessTokenForConnection({ subjectToken: 'rt-subject', connection: 'github' });
      expect(server.request.body).to.include({
        subject_token_type: params.subjectTokenType,
        requested_token_type: params.requestedTokenType,
        subject_token: 'rt-subject',
      });
    });

    it('omits connection and login_hint when absent (the original sent connection: null)', async () => {
      const server = token();
      await confidential().accessTokenForConnection(params);
      expect(server.request.body).to.not.have.any.keys('connection', 'login_hint');
    });
  });

  describe('tokenExchange', () => {
    const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
    const JWT = 'urn:ietf:params:oauth:token-type:jwt';
    const required = { subjectToken: 'subject-token-1', subjectTokenType: 'urn:acme:legacy-token' };

    it('sends the RFC 8693 grant with only the subject token, its type and client authentication when nothing else is given', async () => {
      const server = token();
      await confidential().tokenExchange(required);
      expect(server.request.encoding).to.equal('form');
      expect(server.request.body).to.deep.equal({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        client_id: 'cid',
        client_secret: SECRET,
        subject_token: 'subject-token-1',
        subject_token_type: 'urn:acme:legacy-token',
      });
    });

    it('sends every optional parameter under its wire name, and resolves to the answer with issued_token_type', async () => {
      const answer = { access_token: 'x', issued_token_type: ACCESS, token_type: 'Bearer', expires_in: 60 };
      const server = token({ body: answer });
      const result = await confidential().tokenExchange({
        ...required,
        requestedTokenType: ACCESS,
        audience: 'https://api.example.com/',
        resource: 'https://rs.example.com/',
        scope: 'openid read:reports',
        actorToken: 'actor-token-1',
        actorTokenType: JWT,
        organization: 'org_123',
      });
      expect(result).to.deep.equal(answer);
      const issued: string | undefined = result.issued_token_type;
      expect(issued).to.equal(ACCESS);
      expect(server.request.body).to.deep.equal({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        client_id: 'cid',
        client_secret: SECRET,
        subject_token: 'subject-token-1',
        subject_token_type: 'urn:acme:legacy-token',
        requested_token_type: ACCESS,
        audience: 'https://api.example.com/',
        resource: 'https://rs.example.com/',
        scope: 'openid read:reports',
        actor_token: 'actor-token-1',
        actor_token_type: JWT,
        organization: 'org_123',
      });
    });

    it('sends lists of audiences and resources as the fields repeated (RFC 8693 §2.1)', async () => {
      const server = token();
      await confidential().tokenExchange({
        ...required,
        audience: ['https://api-a.example/', 'https://api-b.example/'],
        resource: ['https://rs-a.example/', 'https://rs-b.example/'],
      });
      const form = new URLSearchParams(server.request.raw);
      expect(form.getAll('audience')).to.deep.equal(['https://api-a.example/', 'https://api-b.example/']);
      expect(form.getAll('resource')).to.deep.equal(['https://rs-a.example/', 'https://rs-b.example/']);
      expect(form.get('subject_token')).to.equal('subject-token-1');
    });

    it('omits optional parameters given as undefined, never sending them empty or null', async () => {
      const server = token();
      await confidential().tokenExchange({
        ...required,
        audience: undefined,
        scope: undefined,
        actorToken: undefined,
        actorTokenType: undefined,
        organization: undefined,
      });
      expect(server.request.raw).to.not.match(/audience|scope|actor_token|organization|null|undefined/);
    });

    it('authenticates with client_secret_basic, sending no secret in the body', async () => {
      const server = token();
      await new GetToken({
        domain: DOMAIN,
        clientId: 'cid',
        clientSecret: SECRET,
        clientAuthMethod: 'client_secret_basic',
      }).tokenExchange(required);
      const { headers, body } = server.request;
      expect(headers.authorization).to.equal(`Basic ${Buffer.from(`cid:${SECRET}`).toString('base64')}`);
      expect(body).to.not.have.property('client_secret');
      expect(body).to.include({ client_id: 'cid', subject_token: 'subject-token-1' });
    });

    it('authenticates with private_key_jwt, sending an assertion and no secret', async () => {
      const keys = rsaKeys();
      const server = token();
      await new GetToken({ domain: DOMAIN, clientId: 'cid', clientAssertionSigningKey: keys.privatePem }).tokenExchange(
        required,
      );
      const { body } = server.request;
      expect(body).to.not.have.property('client_secret');
      expect(body.client_assertion_type).to.equal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(() =>
        jwt.verify(String(body.client_assertion), keys.publicKey, { audience: `${ORIGIN}/` }),
      ).to.not.throw();
    });

    it('refuses missing subject parameters and a lone actor parameter with a ConfigurationError before any request', async () => {
      const server = token();
      const getToken = confidential();
      const calls: [unknown, string][] = [
        [{ subjectTokenType: ACCESS }, 'subjectToken'],
        [{ subjectToken: '', subjectTokenType: ACCESS }, 'subjectToken'],
        [{ subjectToken: 42, subjectTokenType: ACCESS }, 'subjectToken'],
        [{ subjectToken: 's' }, 'subjectTokenType'],
        [{ subjectToken: 's', subjectTokenType: ' ' }, 'subjectTokenType'],
        [{ ...required, actorToken: 'actor-token-1' }, 'actorTokenType'],
        [{ ...required, actorToken: 'actor-token-1', actorTokenType: '' }, 'actorTokenType'],
        [{ ...required, actorTokenType: JWT }, 'actorTokenType'],
        [{ ...required, actorToken: '', actorTokenType: JWT }, 'actorToken'],
        [{ ...required, scope: ['a', 'b'] }, 'scope'],
        [{ ...required, resource: [] }, 'resource'],
        [{ ...required, audience: ['https://a/', ''] }, 'audience'],
        [{ ...required, audience: 42 }, 'audience'],
        [{ ...required, requestedTokenType: 7 }, 'requestedTokenType'],
      ];
      for (const [params, option] of calls) {
        const err = (await rejectionOf(getToken.tokenExchange(params as never))) as ConfigurationError;
        expect(err, option).to.be.instanceOf(ConfigurationError);
        expect(err.option, JSON.stringify(params)).to.equal(option);
        expectNoSecrets(err, ['subject-token-1', 'actor-token-1']);
      }
      expect(server.requests).to.have.length(0);
    });

    it('maps a refused exchange to an Auth0Error with errorCode invalid_grant that holds neither token', async () => {
      token({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid subject_token' } });
      const err = (await rejectionOf(
        confidential().tokenExchange({ ...required, actorToken: 'actor-token-1', actorTokenType: JWT }),
      )) as Auth0Error;
      expect(err).to.be.instanceOf(Auth0Error).and.not.instanceOf(RateLimitError);
      expect(err).to.include({ statusCode: 400, errorCode: 'invalid_grant', message: 'Invalid subject_token' });
      expectNoSecrets(err, ['subject-token-1', 'actor-token-1', SECRET]);
    });
  });

  describe('MFA grants', () => {
    it('mfaOtp sends the mfa-otp grant', async () => {
      const server = token();
      await confidential().mfaOtp({ mfaToken: 'mt', otp: '000111' });
      expect(server.request.body).to.deep.equal({
        grant_type: 'http://auth0.com/oauth/grant-type/mfa-otp',
        client_id: 'cid',
        client_secret: SECRET,
        mfa_token: 'mt',
        otp: '000111',
      });
    });

    it('mfaOob sends the mfa-oob grant, with binding_code only when given', async () => {
      const server = record('POST', '/oauth/token', [{ body: TOKENS }, { body: TOKENS }]);
      await confidential().mfaOob({ mfaToken: 'mt', oobCode: 'oob-1' });
      await confidential().mfaOob({ mfaToken: 'mt', oobCode: 'oob-1', bindingCode: '42' });
      expect(server.requests.map((r) => r.body)).to.deep.equal([
        {
          grant_type: 'http://auth0.com/oauth/grant-type/mfa-oob',
          client_id: 'cid',
          client_secret: SECRET,
          mfa_token: 'mt',
          oob_code: 'oob-1',
        },
        {
          grant_type: 'http://auth0.com/oauth/grant-type/mfa-oob',
          client_id: 'cid',
          client_secret: SECRET,
          mfa_token: 'mt',
          oob_code: 'oob-1',
          binding_code: '42',
        },
      ]);
    });

    it('mfaRecoveryCode sends the mfa-recovery-code grant and returns the new recovery code', async () => {
      const server = token({ body: { ...TOKENS, recovery_code: 'NEW-CODE' } });
      const result = await confidential().mfaRecoveryCode({ mfaToken: 'mt', recoveryCode: 'OLD-CODE' });
      expect(result.recovery_code).to.equal('NEW-CODE');
      expect(server.request.body).to.deep.equal({
        grant_type: 'http://auth0.com/oauth/grant-type/mfa-recovery-code',
        client_id: 'cid',
        client_secret: SECRET,
        mfa_token: 'mt',
        recovery_code: 'OLD-CODE',
      });
    });
  });

  describe('client authentication', () => {
    it('client_secret_basic sends an RFC 6749 Basic credential and no secret in the body', async () => {
      const server = token();
      await new GetToken({
        domain: DOMAIN,
        clientId: 'c id',
        clientSecret: 's:e/c+r=t',
        clientAuthMethod: 'client_secret_basic',
      }).clientCredentials({ audience: 'a' });
      const { headers, body } = server.request;
      expect(Buffer.from(headers.authorization!.replace(/^Basic /, ''), 'base64').toString()).to.equal(
        'c+id:s%3Ae%2Fc%2Br%3Dt',
      );
      expect(body).to.deep.equal({ grant_type: 'client_credentials', client_id: 'c id', audience: 'a' });
    });

    it('private_key_jwt sends a fresh RS256 assertion that verifies with the public key, and no secret', async () => {
      const keys = rsaKeys();
      const server = record('POST', '/oauth/token', [{ body: TOKENS }, { body: TOKENS }]);
      const getToken = new GetToken({
        domain: DOMAIN,
        clientId: 'cid',
        clientSecret: SECRET,
        clientAssertionSigningKey: keys.privatePem,
      });
      await getToken.clientCredentials({ audience: 'a' });
      await getToken.clientCredentials({ audience: 'a' });
      const [first, second] = server.requests.map((r) => r.body);
      expect(first).to.not.have.property('client_secret');
      expect(first?.client_assertion_type).to.equal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      const assertion = String(first?.client_assertion);
      expect(second?.client_assertion).to.not.equal(assertion);
      const claims = jwt.verify(assertion, keys.publicKey, {
        algorithms: ['RS256'],
        audience: `${ORIGIN}/`,
        issuer: 'cid',
        subject: 'cid',
      }) as jwt.JwtPayload;
      expect(claims.exp! - claims.iat!)
        .to.be.at.most(300)
        .and.above(0);
      expect(claims.jti).to.be.a('string').with.length.above(20);
      expect(jwt.decode(assertion, { complete: true })?.header).to.deep.equal({ alg: 'RS256', typ: 'JWT' });
    });

    it('private_key_jwt signs with the configured alg and kid from a KeyObject', async () => {
      const keys = ecKeys('P-256');
      const server = token();
      await new GetToken({
        domain: DOMAIN,
        clientId: 'cid',
        clientAssertionSigningKey: keys.privateKey,
        clientAssertionSigningAlg: 'ES256',
        clientAssertionKeyId: 'key-7',
      }).refreshToken({ refreshToken: 'rt' });
      const assertion = String(server.request.body.client_assertion);
      expect(jwt.decode(assertion, { complete: true })?.header).to.deep.equal({
        alg: 'ES256',
        typ: 'JWT',
        kid: 'key-7',
      });
      expect(() => jwt.verify(assertion, keys.publicKey, { algorithms: ['ES256'] })).to.not.throw();
    });

    it('an explicit clientAuthMethod none sends no credential even with a secret configured', async () => {
      const server = token();
      await new GetToken({ domain: DOMAIN, clientId: 'cid', clientSecret: SECRET, clientAuthMethod: 'none' }).login({
        username: 'u',
        password: 'p',
      });
      expect(server.request.body).to.not.have.property('client_secret');
      expect(server.request.headers).to.not.have.property('authorization');
    });
  });

  describe('extraParams', () => {
    it('sends custom parameters on every grant, a list as the field repeated', async () => {
      const getToken = confidential();
      const extraParams = { acr_values: 'urn:mfa', resource: ['https://a/', 'https://b/'] };
      const grants: [string, () => Promise<unknown>][] = [
        [
          'clientCredentials',
          () => getToken.clientCredentials({ audience: 'a', extraParams: { acr_values: 'urn:mfa' } }),
        ],
        ['authorizationCode', () => getToken.authorizationCode({ code: 'c', extraParams })],
        ['authorizationCodePkce', () => getToken.authorizationCodePkce({ code: 'c', codeVerifier: 'v', extraParams })],
        ['login', () => getToken.login({ username: 'u', password: 'p', extraParams })],
        ['refreshToken', () => getToken.refreshToken({ refreshToken: 'r', extraParams })],
        ['passwordlessLogin', () => getToken.passwordlessLogin({ username: 'u', otp: '1', realm: 'sms', extraParams })],
        ['backchannelLogin', () => getToken.backchannelLogin({ authReqId: 'r', extraParams })],
        ['accessTokenForConnection', () => getToken.accessTokenForConnection({ subjectToken: 's', extraParams })],
        [
          'tokenExchange',
          () =>
            getToken.tokenExchange({
              subjectToken: 's',
              subjectTokenType: 't',
              extraParams: { acr_values: 'urn:mfa' },
            }),
        ],
        ['mfaOtp', () => getToken.mfaOtp({ mfaToken: 'm', otp: '1', extraParams })],
        ['mfaOob', () => getToken.mfaOob({ mfaToken: 'm', oobCode: 'o', extraParams })],
        ['mfaRecoveryCode', () => getToken.mfaRecoveryCode({ mfaToken: 'm', recoveryCode: 'r', extraParams })],
      ];
      for (const [name, call] of grants) {
        const server = token();
        await call();
        const form = new URLSearchParams(server.request.raw);
        expect(form.get('acr_values'), name).to.equal('urn:mfa');
        if (!['clientCredentials', 'tokenExchange'].includes(name)) {
          expect(form.getAll('resource'), name).to.deep.equal(['https://a/', 'https://b/']);
        }
      }
    });

    it('refuses a name the library sets, or the wire name of a named option, before any request', async () => {
      const server = token();
      const getToken = confidential();
      const cases: [Promise<unknown>, string][] = [
        [getToken.clientCredentials({ extraParams: { grant_type: 'password' } }), 'grant_type'],
        [getToken.clientCredentials({ extraParams: { client_id: 'other' } }), 'client_id'],
        [getToken.clientCredentials({ extraParams: { client_secret: 'x' } }), 'client_secret'],
        [getToken.clientCredentials({ extraParams: { client_assertion: 'x' } }), 'client_assertion'],
        [getToken.clientCredentials({ extraParams: { client_assertion_type: 'x' } }), 'client_assertion_type'],
        [getToken.refreshToken({ refreshToken: 'r', extraParams: { code_verifier: 'v' } }), 'code_verifier'],
        [getToken.clientCredentials({ extraParams: { audience: 'a' } }), 'audience'],
        [getToken.authorizationCode({ code: 'c', extraParams: { redirect_uri: 'https://x/' } }), 'redirect_uri'],
        [getToken.refreshToken({ refreshToken: 'r', extraParams: { scope: 'x' } }), 'scope'],
      ];
      for (const [call, name] of cases) {
        const err = await rejectionOf(call);
        expect(err, name).to.be.instanceOf(ConfigurationError).with.property('option', name);
      }
      expect(server.requests).to.have.length(0);
    });

    it('refuses values that are not strings or non-empty lists of strings', async () => {
      const server = token();
      for (const extraParams of [{ a: 1 }, { a: [] }, { a: [1] }, { a: null }, 'a=1', ['a']]) {
        const err = await rejectionOf(confidential().refreshToken({ refreshToken: 'r', extraParams } as never));
        expect(err, JSON.stringify(extraParams)).to.be.instanceOf(ConfigurationError);
      }
      expect(server.requests).to.have.length(0);
    });
  });

  describe('grant', () => {
    it('sends any other grant type with its parameters and the client authentication', async () => {
      const server = token();
      const result = await confidential().grant('urn:ietf:params:oauth:grant-type:jwt-bearer', {
        assertion: 'a.b.c',
        scope: 'read',
        resource: ['https://a/', 'https://b/'],
      });
      expect(result).to.deep.equal(TOKENS);
      const form = new URLSearchParams(server.request.raw);
      expect(Object.fromEntries(form)).to.include({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        client_id: 'cid',
        client_secret: SECRET,
        assertion: 'a.b.c',
        scope: 'read',
      });
      expect(form.getAll('resource')).to.deep.equal(['https://a/', 'https://b/']);
    });

    it('needs a grant type, and refuses parameters the library sets', async () => {
      const server = token();
      expect(await rejectionOf(confidential().grant('')))
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', 'grantType');
      expect(await rejectionOf(confidential().grant('x', { client_secret: 's' })))
        .to.be.instanceOf(ConfigurationError)
        .with.property('option', 'client_secret');
      expect(server.requests).to.have.length(0);
    });
  });

  describe('a client assertion of the caller', () => {
    const ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjaWQifQ.c2lnbmF0dXJl';

    it('authenticates one call instead of the configured secret', async () => {
      const server = token();
      await confidential().clientCredentials({ audience: 'a' }, { clientAssertion: ASSERTION });
      expect(server.request.body).to.deep.equal({
        grant_type: 'client_credentials',
        audience: 'a',
        client_id: 'cid',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: ASSERTION,
      });
    });

    it('never appears in the error of a refused call', async () => {
      token({ status: 401, body: { error: 'invalid_client', error_description: 'bad assertion' } });
      const err = await rejectionOf(confidential().refreshToken({ refreshToken: 'r' }, { clientAssertion: ASSERTION }));
      expect(err).to.be.instanceOf(Auth0Error);
      expectNoSecrets(err, [ASSERTION]);
    });
  });

  describe('validation', () => {
    it('rejects a missing required parameter with a ConfigurationError before any request', async () => {
      const server = token();
      const getToken = confidential();
      const calls: [Promise<unknown>, string][] = [
        [getToken.authorizationCode({ code: '', redirectUri: 'x' }), 'code'],
        [getToken.authorizationCode({ code: 'c', redirectUri: 7 } as never), 'redirectUri'],
        [getToken.authorizationCodePkce({ code: 'c', redirectUri: 'r' } as never), 'codeVerifier'],
        [getToken.login({ username: 'u' } as never), 'password'],
        [getToken.refreshToken({} as never), 'refreshToken'],
        [getToken.passwordlessLogin({ username: 'u', realm: 'sms' } as never), 'otp'],
        [getToken.backchannelLogin({ authReqId: ' ' }), 'authReqId'],
        [getToken.accessTokenForConnection({ subjectTokenType: 't' } as never), 'subjectToken'],
        [getToken.mfaOtp({ mfaToken: 'm' } as never), 'otp'],
        [getToken.mfaOob({ otp: 'm' } as never), 'mfaToken'],
        [getToken.mfaRecoveryCode({ mfaToken: 'm' } as never), 'recoveryCode'],
        [getToken.clientCredentials({ audience: 42 } as never), 'audience'],
        [getToken.login(undefined as never), ''],
      ];
      for (const [call, option] of calls) {
        const err = (await rejectionOf(call)) as ConfigurationError;
        expect(err, option).to.be.instanceOf(ConfigurationError);
        if (option) expect(err.option).to.equal(option);
      }
      expect(server.requests).to.have.length(0);
    });

    it('throws a ConfigurationError for a missing domain or clientId', () => {
      expect(() => new GetToken({ domain: '', clientId: 'c' })).to.throw(ConfigurationError);
      expect(() => new GetToken({ domain: DOMAIN } as never)).to.throw(ConfigurationError);
    });
  });

  describe('errors', () => {
    const cases: { title: string; reply: Parameters<typeof record>[2]; expected: Record<string, unknown> }[] = [
      {
        title: 'error and error_description',
        reply: { status: 401, body: { error: 'invalid_client', error_description: 'Unknown client' } },
        expected: { statusCode: 401, errorCode: 'invalid_client', message: 'Unknown client' },
      },
      {
        title: 'a code property',
        reply: { status: 400, body: { code: 'invalid_body', message: 'Bad body' } },
        expected: { statusCode: 400, errorCode: 'invalid_body', message: 'Bad body' },
      },
      {
        title: 'no error code',
        reply: { status: 400, body: { message: 'Something' } },
        expected: { statusCode: 400, errorCode: 'a0.sdk.internal.unknown', message: 'Something' },
      },
      {
        title: 'a text body',
        reply: { status: 500, body: 'Internal failure' },
        expected: { statusCode: 500, errorCode: 'a0.sdk.internal.unknown', message: 'Internal failure' },
      },
      {
        title: 'an empty body',
        reply: { status: 503, body: '' },
        expected: { statusCode: 503, errorCode: 'a0.sdk.internal.unknown', message: 'HTTP 503' },
      },
      {
        title: 'a JSON array body (the original crashed)',
        reply: { status: 400, body: ['x'] },
        expected: { statusCode: 400, errorCode: 'a0.sdk.internal.unknown', message: '["x"]' },
      },
    ];
    for (const { title, reply, expected } of cases) {
      it(`maps an HTTP error with ${title} to an Auth0Error`, async () => {
        token(reply);
        const err = (await rejectionOf(confidential().clientCredentials({ audience: 'a' }))) as Auth0Error;
        expect(err).to.be.instanceOf(Auth0Error).and.not.instanceOf(RateLimitError);
        expect(err).to.include(expected);
        expect([err.name, err.code]).to.deep.equal(['Auth0Error', 'ERR_AUTH_API']);
      });
    }

    it('maps a 429 to a RateLimitError with resetAt (epoch s) and retryAfter (s)', async () => {
      token({
        status: 429,
        body: { error: 'too_many_requests', error_description: 'Global limit has been reached' },
        headers: { 'x-ratelimit-reset': '1900000000', 'retry-after': '120', 'x-ratelimit-limit': '10' },
      });
      const err = (await rejectionOf(confidential().clientCredentials({ audience: 'a' }))) as RateLimitError;
      expect(err).to.be.instanceOf(RateLimitError);
      expect(err).to.include({ statusCode: 429, errorCode: 'too_many_requests', resetAt: 1900000000, retryAfter: 120 });
      expect(err.headers).to.include({ 'x-ratelimit-limit': '10' });
      expect([err.name, err.code]).to.deep.equal(['RateLimitError', 'ERR_RATE_LIMITED']);
    });

    it('maps a 429 without headers to a RateLimitError with no resetAt (the original said -1)', async () => {
      const server = token({ status: 429, body: '' });
      const err = (await rejectionOf(
        new GetToken({ domain: DOMAIN, clientId: 'c', retry: { maxRetries: 0 } }).clientCredentials({ audience: 'a' }),
      )) as RateLimitError;
      expect(err).to.be.instanceOf(RateLimitError);
      expect([err.resetAt, err.retryAfter]).to.deep.equal([undefined, undefined]);
      expect(server.requests).to.have.length(1);
    });

    it('maps a CIBA slow_down to a RateLimitError whatever the status', async () => {
      token({ status: 400, body: { error: 'slow_down', error_description: 'slow down' } });
      const err = (await rejectionOf(confidential().backchannelLogin({ authReqId: 'r' }))) as RateLimitError;
      expect(err).to.be.instanceOf(RateLimitError);
      expect(err.errorCode).to.equal('slow_down');
    });

    it('retries a 429 at most retry.maxRetries times, so at most N + 1 requests', async () => {
      const limited = { status: 429, body: { error: 'too_many_requests' }, headers: { 'retry-after': '0' } };
      const server = token([limited, limited]);
      const err = await rejectionOf(
        new GetToken({ domain: DOMAIN, clientId: 'c', retry: { maxRetries: 1 } }).clientCredentials({ audience: 'a' }),
      );
      expect(err).to.be.instanceOf(RateLimitError);
      expect(server.requests).to.have.length(2);
    });

    it('rejects with the signal reason when aborted', async () => {
      token({ body: TOKENS });
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      controller.abort(reason);
      expect(
        await rejectionOf(confidential().clientCredentials({ audience: 'a' }, { signal: controller.signal })),
      ).to.equal(reason);
    });
  });

  describe('pollBackchannelLogin', () => {
    let clock: ReturnType<typeof FakeTimers.install>;
    beforeEach(() => {
      clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_700_000_000_000 });
    });
    afterEach(() => clock.uninstall());

    const pending = { status: 400, body: { error: 'authorization_pending', error_description: 'pending' } };
    const slowDown = { status: 429, body: { error: 'slow_down', error_description: 'slow down' } };

    /** Advances the clock by `ms` and lets the poller react; returns how many polls the server has seen. */
    async function advance(server: Recorder, ms: number): Promise<number> {
      await clock.tickAsync(ms);
      await settle();
      return server.requests.length;
    }

    it('waits the interval, keeps going while pending, adds 5 s on slow_down, then resolves to the tokens', async () => {
      const server = token([pending, pending, slowDown, { body: TOKENS }]);
      let result: unknown;
      const polling = confidential()
        .pollBackchannelLogin({ authReqId: 'req-1', interval: 2, expiresIn: 120 })
        .then((tokens) => (result = tokens));
      expect(await advance(server, 1999)).to.equal(0);
      expect(await advance(server, 1)).to.equal(1);
      expect(await advance(server, 1999)).to.equal(1);
      expect(await advance(server, 1)).to.equal(2);
      expect(await advance(server, 2000)).to.equal(3); // slow_down: interval 2 s → 7 s
      expect(await advance(server, 6999)).to.equal(3);
      expect(await advance(server, 1)).to.equal(4);
      await polling;
      expect(result).to.deep.equal(TOKENS);
      expect(server.requests.every((r) => r.body.auth_req_id === 'req-1' && r.body.client_secret === SECRET)).to.equal(
        true,
      );
    });

    it('waits at least the Retry-After of a slow_down and never lets the transport retry it', async () => {
      const server = token([{ ...slowDown, headers: { 'retry-after': '30' } }, { body: TOKENS }]);
      const polling = confidential().pollBackchannelLogin({ authReqId: 'r', interval: 5 });
      expect(await advance(server, 5000)).to.equal(1);
      expect(await advance(server, 29_000)).to.equal(1);
      expect(await advance(server, 1000)).to.equal(2);
      expect(await polling).to.deep.equal(TOKENS);
    });

    it('uses a 5 s interval by default', async () => {
      const server = token([{ body: TOKENS }]);
      const polling = confidential().pollBackchannelLogin({ authReqId: 'r' });
      expect(await advance(server, 4999)).to.equal(0);
      expect(await advance(server, 1)).to.equal(1);
      expect(await polling).to.deep.equal(TOKENS);
    });

    for (const error of ['expired_token', 'access_denied']) {
      it(`stops on ${error} with the server's Auth0Error`, async () => {
        const server = token([pending, { status: 400, body: { error, error_description: error } }]);
        const polling = rejectionOf(confidential().pollBackchannelLogin({ authReqId: 'r', interval: 1 }));
        await advance(server, 1000);
        await advance(server, 1000);
        const err = (await polling) as Auth0Error;
        expect(err).to.be.instanceOf(Auth0Error);
        expect(err.errorCode).to.equal(error);
        expect(server.requests).to.have.length(2);
      });
    }

    it('stops at the expires_in deadline with an AuthorizationExpiredError', async () => {
      const server = token([pending, pending]);
      const polling = rejectionOf(confidential().pollBackchannelLogin({ authReqId: 'r', interval: 5, expiresIn: 12 }));
      await advance(server, 5000);
      await advance(server, 5000);
      const err = (await polling) as AuthorizationExpiredError;
      expect(err).to.be.instanceOf(AuthorizationExpiredError);
      expect([err.code, err.errorCode, err.name]).to.deep.equal([
        'ERR_AUTHORIZATION_EXPIRED',
        'expired_token',
        'AuthorizationExpiredError',
      ]);
      expect(server.requests).to.have.length(2);
      expect(Date.now()).to.equal(1_700_000_010_000);
    });

    it('rejects with the signal reason when aborted during a wait, and polls no more', async () => {
      const server = token([pending, pending]);
      const controller = new AbortController();
      const polling = rejectionOf(
        confidential().pollBackchannelLogin({ authReqId: 'r', interval: 5 }, { signal: controller.signal }),
      );
      await advance(server, 5000);
      const reason = new Error('user cancelled');
      controller.abort(reason);
      expect(await polling).to.equal(reason);
      expect(await advance(server, 60_000)).to.equal(1);
    });

    it('rejects at once when the signal is already aborted', async () => {
      const server = token([pending]);
      const controller = new AbortController();
      controller.abort(new Error('already'));
      const err = await rejectionOf(
        confidential().pollBackchannelLogin({ authReqId: 'r' }, { signal: controller.signal }),
      );
      expect(err.message).to.equal('already');
      expect(server.requests).to.have.length(0);
    });

    it('refuses a non-positive interval or expiresIn with a ConfigurationError', async () => {
      for (const params of [{ interval: 0 }, { interval: -1 }, { expiresIn: 0 }, { expiresIn: Number.NaN }]) {
        const err = await rejectionOf(confidential().pollBackchannelLogin({ authReqId: 'r', ...params }));
        expect(err, JSON.stringify(params)).to.be.instanceOf(ConfigurationError);
      }
    });
  });

  itKeepsSecretsOutOfErrors('login with client_secret_post', {
    make: (options) => new GetToken({ ...options, clientId: 'cid', clientSecret: 'LEAK-client-secret-1' }),
    call: (client) => client.login({ username: 'ada', password: 'LEAK-password-1' }),
    secrets: ['LEAK-client-secret-1', 'LEAK-password-1'],
  });

  itKeepsSecretsOutOfErrors('refreshToken with client_secret_basic', {
    make: (options) =>
      new GetToken({
        ...options,
        clientId: 'cid',
        clientSecret: 'LEAK-client-secret-2',
        clientAuthMethod: 'client_secret_basic',
      }),
    call: (client) => client.refreshToken({ refreshToken: 'LEAK-refresh-token-2' }),
    secrets: ['LEAK-client-secret-2', 'LEAK-refresh-token-2'],
  });

  const pemLines = rsaKeys()
    .privatePem.split('\n')
    .filter((line) => line.length === 64);
  itKeepsSecretsOutOfErrors('mfaOtp with private_key_jwt', {
    make: (options) => new GetToken({ ...options, clientId: 'cid', clientAssertionSigningKey: rsaKeys().privatePem }),
    call: (client) => client.mfaOtp({ mfaToken: 'mt', otp: '918273' }),
    secrets: ['918273', ...pemLines.slice(1, 4)],
  });

  itKeepsSecretsOutOfErrors('tokenExchange with subject and actor tokens', {
    make: (options) => new GetToken({ ...options, clientId: 'cid', clientSecret: 'LEAK-client-secret-4' }),
    call: (client) =>
      client.tokenExchange({
        subjectToken: 'LEAK-subject-token-4',
        subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        actorToken: 'LEAK-actor-token-4',
        actorTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      }),
    secrets: ['LEAK-client-secret-4', 'LEAK-subject-token-4', 'LEAK-actor-token-4'],
  });

  itKeepsSecretsOutOfErrors('mfaRecoveryCode and passwordlessLogin', {
    make: (options) => new GetToken({ ...options, clientId: 'cid', clientSecret: 'LEAK-client-secret-3' }),
    call: async (client) => {
      await client.passwordlessLogin({ username: 'u', otp: '564738', realm: 'sms' }).catch(() => undefined);
      return client.mfaRecoveryCode({ mfaToken: 'mt', recoveryCode: 'LEAK-RECOVERY-CODE-3' });
    },
    secrets: ['LEAK-client-secret-3', '564738', 'LEAK-RECOVERY-CODE-3'],
  });
});
