// withAuth: a plain node:http server on an ephemeral port, called over real HTTP.
import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { BearerAuthenticator } from '../../lib/middleware/bearer.js';
import { requireScopes } from '../../lib/middleware/claim-checks.js';
import { withAuth } from '../../lib/middleware/node-http.js';
import { API, get, now, startTestIssuer, type TestIssuer } from '../helpers/issuer.js';
import { thrownBy } from '../helpers/secrets.js';
import { type Served, serve } from '../helpers/serve.js';

/** Collects the process warnings emitted while `run` runs, instead of printing them. */
async function warningsDuring(run: () => Promise<void>): Promise<string[]> {
  const printers = process.listeners('warning');
  const seen: string[] = [];
  const collect = (warning: Error) => seen.push(warning.message);
  process.removeAllListeners('warning');
  process.on('warning', collect);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', collect);
    for (const printer of printers) process.on('warning', printer);
  }
  return seen;
}

describe('withAuth', () => {
  let tenant: TestIssuer;
  let server: Served;
  const options = () => ({ issuer: tenant.issuer, jwksUri: tenant.jwksUri, audience: API });

  before(async () => {
    tenant = await startTestIssuer('node-http-tenant');
    server = await serve(
      withAuth(options(), (req, res) => res.end(JSON.stringify({ sub: req.auth?.payload.sub })), {
        checks: [requireScopes('read:messages')],
      }),
    );
  });

  after(() => Promise.all([tenant.close(), server.close()]));

  it('calls the handler with req.auth for a valid token with the scope', async () => {
    const answer = await get(server.url, { authorization: `Bearer ${tenant.sign({ scope: 'read:messages' })}` });
    expect(answer.status).to.equal(200);
    expect(answer.json).to.deep.equal({ sub: 'user-1' });
  });

  it('answers every refusal with its status, challenge and JSON body', async () => {
    const cases: Array<[Record<string, string>, number, string]> = [
      [{}, 401, 'unauthorized'],
      [{ authorization: 'Token abc' }, 401, 'unauthorized'],
      [{ authorization: 'Bearer a"b' }, 400, 'invalid_request'],
      [{ authorization: `Bearer ${tenant.sign({ exp: now() - 120, scope: 'read:messages' })}` }, 401, 'invalid_token'],
      [{ authorization: `Bearer ${tenant.sign({ scope: 'other' })}` }, 403, 'insufficient_scope'],
    ];
    for (const [headers, status, error] of cases) {
      const answer = await get(server.url, headers);
      expect(answer.status, error).to.equal(status);
      expect(answer.headers.get('www-authenticate')).to.match(/^Bearer realm=/);
      expect(answer.json?.error).to.equal(error);
    }
  });

  it('answers 500 for a failure of the handler itself, and reports it as a warning', async () => {
    const failing = await serve(
      withAuth(options(), async () => {
        throw new Error('handler failed');
      }),
    );
    try {
      const warnings = await warningsDuring(async () => {
        const answer = await get(failing.url, { authorization: `Bearer ${tenant.sign()}` });
        expect(answer.status).to.equal(500);
        expect(answer.json).to.deep.equal({ error: 'server_error', error_description: 'Internal Server Error' });
      });
      expect(warnings).to.deep.equal(['handler failed']);
    } finally {
      await failing.close();
    }
  });

  it('only ends a response already started when the handler fails late', async () => {
    const late = await serve(
      withAuth(options(), (_req, res) => {
        res.writeHead(200);
        res.write('partial');
        return Promise.reject('late failure');
      }),
    );
    try {
      const warnings = await warningsDuring(async () => {
        const answer = await get(late.url, { authorization: `Bearer ${tenant.sign()}` });
        expect([answer.status, answer.text]).to.deep.equal([200, 'partial']);
      });
      expect(warnings).to.deep.equal(['late failure']);
    } finally {
      await late.close();
    }
  });

  it('hands every failure to onError when given, and takes a shared authenticator', async () => {
    const seen: unknown[] = [];
    const authenticator = new BearerAuthenticator(options());
    const custom = await serve(
      withAuth(authenticator, () => undefined, {
        onError: (error, _req, res) => {
          seen.push(error);
          res.writeHead(418).end();
        },
      }),
    );
    try {
      expect((await get(custom.url)).status).to.equal(418);
      expect(seen).to.have.length(1);
    } finally {
      await custom.close();
    }
  });

  it('lets requests without a token through when credentials are not required', async () => {
    const open = await serve(
      withAuth({ ...options(), credentialsRequired: false }, (req, res) => res.end(String(req.auth === undefined))),
    );
    try {
      expect((await get(open.url)).text).to.equal('true');
    } finally {
      await open.close();
    }
  });

  it('refuses invalid options when built', () => {
    expect(thrownBy(() => withAuth({ ...options(), realm: '"' }, () => undefined))).to.be.instanceOf(
      ConfigurationError,
    );
  });
});
