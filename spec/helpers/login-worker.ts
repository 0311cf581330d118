// Another replica of a web application, run as a child process by the login integration tests: it builds its own
// OidcClient from the options in LOGIN_OPTIONS (JSON; no memory shared with the parent, which started the login),
// finishes the login it is sent, and reports the result or the error's code, then exits.
//   message in:  { response: string (the callback URL), values: string[] (the transaction cookies) }
//   message out: { sub, transaction, returnTo } or { code }
import { LoginError } from '../../lib/errors.js';
import { OidcClient } from '../../lib/oidc/oidc-client.js';
import type { OidcClientOptions } from '../../lib/oidc/oidc-client-options.js';

const options = JSON.parse(process.env.LOGIN_OPTIONS ?? '{}') as OidcClientOptions;
const client = await OidcClient.discover(options);

process.once('message', (message: { response: string; values: string[] }) => {
  client.finishLogin(message.response, message.values).then(
    ({ claims, transaction, returnTo }) =>
      process.send?.({ sub: claims.sub, transaction, returnTo }, () => process.exit(0)),
    (error: unknown) =>
      process.send?.({ code: error instanceof LoginError ? error.code : String(error) }, () => process.exit(0)),
  );
});
process.send?.({ ready: true });
