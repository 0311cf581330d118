import { Users } from '../authentication/users.js';
import { chosenLocation, locationFlags, locationOptions } from './client-flags.js';
import { type Command, EXIT, timeoutFlag, timeoutFlagOf, tokenArgument } from './command.js';

const LOCATIONS = ['domain', 'issuer', 'discovery-uri'];

/**
 * `authn userinfo`: sends an access token to the provider's userinfo endpoint (OIDC Core §5.3) and prints the
 * user's profile as JSON. A refused token is exit 1 with the server's error.
 *
 * @example
 * await runCli(['userinfo', '-', '--domain', 'tenant.us.auth0.com'], io);
 */
export const userinfoCommand: Command = {
  name: 'userinfo',
  summary: "Print the profile of an access token's user (the userinfo endpoint)",
  usage: 'userinfo (TOKEN | -) (--domain HOST | --issuer URL | --discovery-uri URL) [options]',
  description: [
    "Calls the userinfo endpoint with the access token and prints the user's claims as JSON on stdout: Auth0's",
    'https://HOST/userinfo with --domain, the discovered userinfo_endpoint with --issuer or --discovery-uri. The',
    'token must have been issued with the openid scope. Give - instead of the token to read it from stdin.',
  ].join('\n'),
  positionals: true,
  flags: [...locationFlags(LOCATIONS), timeoutFlagOf('Request', 10_000)],
  failure: 'the request failed or the token was refused',
  examples: [
    'authn userinfo "$ACCESS_TOKEN" --domain tenant.us.auth0.com | jq .email',
    'authn login --device --issuer "$ISSUER" --client-id cli | jq -r .access_token | authn userinfo - --issuer "$ISSUER"',
  ],

  async run(input, io) {
    const location = chosenLocation(input.values, LOCATIONS);
    const users = new Users({ ...locationOptions(input.values, location), timeout: timeoutFlag(input.values) });
    const profile = await users.userinfo(await tokenArgument(input, io));
    io.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);
    return EXIT.ok;
  },
};
