// The Fastify adapter of the web login against a real Fastify 5 app and the embedded OpenID Provider.
import { createServer, type RequestListener } from 'node:http';
import { expect } from 'chai';
import Fastify from 'fastify';
import { ConfigurationError } from '../../lib/errors.js';
import { fastifyOidcAuth, requiresAuth } from '../../lib/login/fastify.js';
import type { OidcAuthOptions } from '../../lib/login/options.js';
import { rejectionOf } from '../helpers/secrets.js';
import { behavesAsWebLogin, type LoginAdapterUnderTest } from '../helpers/web-login-contract.js';

/** The contract's app on Fastify, answering through the listener it hands back (the spec serves it). */
async function app(options: OidcAuthOptions): Promise<RequestListener> {
  let listener: RequestListener | undefined;
  const application = Fastify({
    serverFactory: (handler) => {
      listener = handler as RequestListener;
      return createServer();
    },
  });
  await application.register(fastifyOidcAuth, options);
  application.get('/', async (request) =>
    request.oidc.isAuthenticated() ? { authenticated: true, sub: request.oidc.user?.sub } : { authenticated: false },
  );
  application.get('/profile', { preHandler: requiresAuth() }, async (request) => request.oidc.user);
  application.get('/tokens', { preHandler: requiresAuth() }, async (request) => {
    const { accessToken, idToken } = request.oidc;
    return {
      idToken,
      accessToken: accessToken?.token,
      expiresAt: accessToken?.expiresAt,
      expired: accessToken?.isExpired(),
    };
  });
  application.get('/refresh', { preHandler: requiresAuth() }, async (request) => ({
    accessToken: (await request.oidc.accessToken!.refresh()).token,
  }));
  await application.ready();
  return listener!;
}

const adapter: LoginAdapterUnderTest = { app };

describe('authn-client/fastify: fastifyOidcAuth', function () {
  this.timeout(20_000);

  behavesAsWebLogin(adapter);

  it('refuses invalid options at registration', async () => {
    const application = Fastify();
    void application.register(fastifyOidcAuth, { baseUrl: 'nope' });
    const error = await rejectionOf(Promise.resolve(application.ready()));
    expect(error).to.be.instanceOf(ConfigurationError);
  });

  it("takes Fastify's own register options, and refuses an unknown option naming the closest known one", async () => {
    const options = {
      ...{
        issuer: 'https://idp.example.com/',
        clientId: 'web',
        clientSecret: 'web-secret',
        baseUrl: 'https://app.example.com',
      },
      secret: 'a-session-secret-of-at-least-32-characters',
    };
    const application = Fastify();
    await application.register(fastifyOidcAuth, { ...options, prefix: '/auth', logLevel: 'warn' });
    await application.ready();
    await application.close();
    const refused = Fastify();
    void refused.register(fastifyOidcAuth, { ...options, authRequred: false } as never);
    const error = await rejectionOf(Promise.resolve(refused.ready()));
    expect(error).to.be.instanceOf(ConfigurationError).with.property('option', 'authRequred');
    expect(error.message).to.equal('unknown option "authRequred"; did you mean authRequired?');
  });

  it('refuses a confidential client without a secret at registration, not at the first login', async () => {
    const application = Fastify();
    void application.register(fastifyOidcAuth, {
      issuer: 'https://idp.example.com/',
      clientId: 'web',
      clientType: 'confidential',
      baseUrl: 'http://127.0.0.1:3000',
      secret: 'a-session-secret-of-at-least-32-characters',
    });
    const error = await rejectionOf(Promise.resolve(application.ready()));
    expect(error).to.be.instanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).to.equal('clientSecret');
  });

  it('passes to the error handler a requiresAuth() used without fastifyOidcAuth', async () => {
    const application = Fastify();
    application.decorateRequest('oidc', null as never);
    application.get('/x', { preHandler: requiresAuth() }, async () => 'never');
    const answer = await application.inject({ url: '/x' });
    expect(answer.statusCode).to.equal(500);
    expect(answer.json().message).to.equal('requiresAuth() needs fastifyOidcAuth registered before it');
  });
});
