// The protected-API step: an Express API on 127.0.0.1 that answers 200 with a valid access token and 401 without.
//
// The API middleware (`auth()` and `requiredScopes()` of `authn-client/express`) is not released yet. Until it is,
// `protect()` below does its job with AccessTokenVerifier: when it lands, replace `protect(verifier)` with
// `auth({ issuer: server.issuer, audience: server.audience })` and `res.locals.auth` with `req.auth` — nothing
// else in the walkthrough changes.
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { type AccessTokenVerifier, NetworkError, type VerifiedAccessToken } from '../../lib/index.js';
import { check, needs, type Step } from './step.js';

/** Bearer-token protection with AccessTokenVerifier: 401 for a missing or bad token, 503 when keys cannot be had. */
function protect(verifier: AccessTokenVerifier): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
    if (match === null) {
      res.set('WWW-Authenticate', 'Bearer realm="api"').status(401).json({ error: 'unauthorized' });
      return;
    }
    verifier.verifyComplete(match[1] as string).then(
      (auth) => {
        res.locals.auth = auth;
        next();
      },
      (error: unknown) => {
        if (error instanceof NetworkError) {
          res.status(503).set('Retry-After', '30').json({ error: 'temporarily_unavailable' });
          return;
        }
        res
          .set('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"')
          .status(401)
          .json({ error: 'invalid_token' });
      },
    );
  };
}

/** Starts the API on a free loopback port; resolves to its URL and a function that closes it. */
async function startApi(verifier: AccessTokenVerifier): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.get('/api/messages', protect(verifier), (_req, res) => {
    const auth = res.locals.auth as VerifiedAccessToken;
    res.json({ messages: ['hello'], sub: auth.payload.sub, scopes: auth.scopes });
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** GETs the API with this bearer token (or none); resolves to the status and the `WWW-Authenticate` header. */
async function call(url: string, token?: string): Promise<{ status: number; challenge: string | null; body: unknown }> {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
}

export const protectedApi: Step = {
  name: 'protected API',
  async run(context) {
    const verifier = needs(context.accessTokens, 'the access-token verifier');
    const api = await startApi(verifier);
    context.cleanups.push(api.close);
    const { tokens } = needs(context.login, 'the login');
    const user = await call(api.url, tokens.access_token);
    check(user.status === 200, `the API answered ${user.status} to the user's access token`);
    const m2m = await call(api.url, needs(context.m2mToken, 'the M2M token'));
    check(m2m.status === 200, `the API answered ${m2m.status} to the M2M token`);
    const anonymous = await call(api.url);
    check(
      anonymous.status === 401 && anonymous.challenge !== null,
      `the API answered ${anonymous.status} without a token`,
    );
    const idToken = await call(api.url, needs(tokens.id_token, 'id_token'));
    check(idToken.status === 401, `the API answered ${idToken.status} to an ID token`);
    const { sub } = user.body as { sub: string };
    return `GET ${new URL(api.url).pathname}: 200 with the user's token (sub=${sub}) and the M2M token, 401 without a token (${anonymous.challenge}), 401 with the ID token`;
  },
};
