import { Users } from '../authentication/users.js';
import { ConfigurationError } from '../errors.js';
import {
  type Command,
  EXIT,
  PROTOCOL_FLAG,
  protocolFlag,
  stringFlag,
  timeoutFlag,
  timeoutFlagOf,
  tokenArgument,
} from './command.js';

/**
 * `authn userinfo`: sends an access token to the tenant's `/userinfo` endpoint (OIDC Core §5.3) and prints the
 * user's profile as JSON. A refused token is exit 1 with the server's error.
 *
 * @example
 * await runCli(['userinfo', '-', '--domain', 'tenant.us.auth0.com'], io);
 */
export const userinfoCommand: Command = {
  name: 'userinfo',
  summary: "Print the profile of an access token's user (GET /userinfo)",
  usage: 'userinfo (TOKEN | -) --domain HOST [options]',
  description: [
    "Calls https://HOST/userinfo with the access token and prints the user's claims as JSON on stdout. The token",
    'must have been issued with the openid scope. Give - instead of the token to read it from stdin.',
  ].join('\n'),
  positionals: true,
  flags: [
    { name: 'domain', type: 'string', value: 'HOST', description: 'Auth0 tenant host (or host:port)' },
    PROTOCOL_FLAG,
    timeoutFlagOf('Request', 10_000),
  ],
  failure: 'the request failed or the token was refused',
  examples: ['authn userinfo "$ACCESS_TOKEN" --domain tenant.us.auth0.com | jq .email'],

  async run(input, io) {
    const domain = stringFlag(input.values, 'domain');
    if (domain === undefined) throw new ConfigurationError('--domain (or AUTHN_DOMAIN) is required', 'domain');
    const users = new Users({ domain, protocol: protocolFlag(input.values), timeout: timeoutFlag(input.values) });
    const profile = await users.userinfo(await tokenArgument(input, io));
    io.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
    return EXIT.ok;
  },
};
