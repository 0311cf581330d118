// One replica of a web app that logs users in, run as a child process by the replica specs behind a round-robin
// proxy: Express or Fastify, sessions in cookies or in Redis, configured by the environment. Reports its port to
// its parent once it listens.
import express from 'express';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { fastifyOidcAuth, requiresAuth as fastifyRequiresAuth } from '../../lib/login/fastify.js';
import { oidcAuth, requiresAuth } from '../../lib/login/express.js';
import type { OidcAuthOptions } from '../../lib/login/options.js';
import { RedisSessionStore } from '../../lib/login/redis-session-store.js';

const { ISSUER, CLIENT_ID, CLIENT_SECRET, BASE_URL, SESSION_SECRET, REDIS_PORT, NAME, FRAMEWORK } = process.env;

const redis = REDIS_PORT === undefined ? undefined : new Redis(Number(REDIS_PORT), '127.0.0.1');
const options: OidcAuthOptions = {
  issuer: ISSUER,
  clientId: String(CLIENT_ID),
  clientSecret: CLIENT_SECRET,
  baseUrl: BASE_URL,
  secret: String(SESSION_SECRET),
  scope: 'openid profile email offline_access',
  authRequired: false,
  idpLogout: false,
  ...(redis !== undefined && { session: { store: new RedisSessionStore(redis) } }),
};

function profile(oidc: { user?: Record<string, unknown>; accessToken?: { token: string } }) {
  return { replica: NAME, sub: oidc.user?.sub, accessToken: oidc.accessToken?.token };
}

async function listen(): Promise<number> {
  if (FRAMEWORK === 'fastify') {
    const app = Fastify();
    await app.register(fastifyOidcAuth, options);
    app.get('/profile', { preHandler: fastifyRequiresAuth() }, async (request) => profile(request.oidc));
    app.get('/refresh', { preHandler: fastifyRequiresAuth() }, async (request) => {
      await request.oidc.accessToken?.refresh();
      return profile(request.oidc);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as { port: number }).port;
  }
  const app = express();
  app.use(oidcAuth(options));
  app.get('/profile', requiresAuth(), (req, res) => {
    res.json(profile(req.oidc));
  });
  app.get('/refresh', requiresAuth(), (req, res, next) => {
    req.oidc.accessToken?.refresh().then(() => res.json(profile(req.oidc)), next);
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

void listen().then((port) => process.send?.({ port }));
process.on('disconnect', () => process.exit(0));
