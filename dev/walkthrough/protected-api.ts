// The protected-API step: an Express API on 127.0.0.1 guarded by the library's middleware
// (`auth()`, `requiredScopes()` and `authErrorHandler()` of `authn-client/express`), as an API would use it.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { auth, authErrorHandler, requiredScopes } from '../../lib/middleware/express.js';
import { check, needs, type Step } from './step.js';

/** Starts the API on a free loopback port; resolves to its URL and a function that closes it. */
async function startApi(issuer: string, audience: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.use(auth({ issuer, audience }));
  app.get('/api/messages', requiredScopes('read:messages'), (req, res) => {
    res.json({ messages: ['hello'], sub: req.auth?.payload.sub, scopes: req.auth?.scopes });
  });
  app.delete('/api/messages', requiredScopes('delete:messages'), (_req, res) => {
    res.status(204).end();
  });
  app.use(authErrorHandler());
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

/** Calls the API with this bearer token (or none); resolves to the status and the `WWW-Authenticate` header. */
async function call(
  url: string,
  token?: string,
  method = 'GET',
): Promise<{ status: number; challenge: string | null; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

export const protectedApi: Step = {
  name: 'protected API',
  async run(context) {
    const { server } = context;
    const api = await startApi(server.issuer, server.audience);
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
    const forbidden = await call(api.url, tokens.access_token, 'DELETE');
    check(forbidden.status === 403, `the API answered ${forbidden.status} to a token without delete:messages`);
    const { sub } = user.body as { sub: string };
    return `auth() + requiredScopes(): 200 with the user's token (sub=${sub}) and the M2M token; 401 without a token (${anonymous.challenge}); 401 with the ID token; 403 without delete:messages (${forbidden.challenge})`;
  },
};
