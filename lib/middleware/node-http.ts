import type { IncomingMessage, ServerResponse } from 'node:http';
import { BearerError } from '../errors.js';
import { type AuthResult, BearerAuthenticator, type BearerAuthOptions } from './bearer.js';
import { writeAuthError } from './challenge.js';
import type { ClaimCheck } from './claim-checks.js';

/** A `node:http` request once {@link withAuth} has verified it. */
export type AuthenticatedRequest = IncomingMessage & {
  /** The verified token; absent only with `credentialsRequired: false` and no token. */
  auth?: AuthResult;
};

/** Options of {@link withAuth}. */
export interface WithAuthOptions {
  /** Checks to run on the verified token before the handler (scopes, claims). @defaultValue none */
  checks?: readonly ClaimCheck[];
  /**
   * Answers a failure: of the authentication, of a check, or of the handler itself (thrown or rejected).
   * @defaultValue a {@link BearerError} is written with {@link writeAuthError}; anything else gets a bare 500
   *   and is reported with `process.emitWarning`.
   */
  onError?: (error: unknown, req: AuthenticatedRequest, res: ServerResponse) => void;
}

function defaultOnError(error: unknown, _req: AuthenticatedRequest, res: ServerResponse): void {
  if (error instanceof BearerError) {
    writeAuthError(res, error);
    return;
  }
  process.emitWarning(error instanceof Error ? error : String(error), { code: 'AUTHN_CLIENT_HANDLER_ERROR' });
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = '{"error":"server_error","error_description":"Internal Server Error"}';
  res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length }).end(body);
}

/**
 * Protects a plain `node:http` handler: verifies the bearer token (see {@link BearerAuthenticator}), runs the
 * checks, sets `req.auth`, then calls `handler`. Failures are answered as RFC 6750 says, with a JSON body
 * `{ error, error_description }` that never holds the token.
 *
 * @throws {ConfigurationError} for invalid options.
 * @example
 * import { createServer } from 'node:http';
 * import { requireScopes, withAuth } from 'authn-client';
 *
 * const options = { issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' };
 * createServer(
 *   withAuth(options, (req, res) => res.end(`hello ${req.auth?.payload.sub}`), {
 *     checks: [requireScopes('read:messages')],
 *   }),
 * ).listen(3000);
 */
export function withAuth(
  auth: BearerAuthOptions<IncomingMessage> | BearerAuthenticator<IncomingMessage>,
  handler: (req: AuthenticatedRequest, res: ServerResponse) => unknown,
  options: WithAuthOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const authenticator = auth instanceof BearerAuthenticator ? auth : new BearerAuthenticator(auth);
  const checks = [...(options.checks ?? [])];
  const onError = options.onError ?? defaultOnError;
  return (req: AuthenticatedRequest, res) => {
    authenticator
      .authenticate(req)
      .then((result) => {
        if (result !== undefined) req.auth = result;
        for (const check of checks) check(result, req);
        return handler(req, res);
      })
      .catch((error: unknown) => onError(error, req, res));
  };
}
