import { TokenIntrospection } from '../authentication/token-introspection.js';
import {
  chosenLocation,
  CLIENT_FLAGS,
  clientFlags,
  clientOptions,
  locationFlags,
  locationOptions,
} from './client-flags.js';
import { type Command, EXIT, type Flag, stringFlag, timeoutFlag, timeoutFlagOf, tokenArgument } from './command.js';

const INTROSPECTION_ENDPOINT: Flag = {
  name: 'introspection-endpoint',
  type: 'string',
  value: 'URL',
  description: 'Introspection endpoint URL, instead of discovering it',
};
const LOCATIONS = ['issuer', 'discovery-uri', 'introspection-endpoint'];

/**
 * `authn introspect`: asks the provider's introspection endpoint (RFC 7662) about a token, as the resource server
 * whose credentials are given, and prints the answer as JSON. An inactive token is exit 1.
 *
 * @example
 * await runCli(['introspect', '-', '--issuer', 'https://sso.example.com/realms/ops', '--client-id', 'api'], io);
 */
export const introspectCommand: Command = {
  name: 'introspect',
  summary: 'Ask the provider whether a token is active, and what it stands for (RFC 7662)',
  usage:
    'introspect (TOKEN | -) (--issuer URL | --discovery-uri URL | --introspection-endpoint URL) --client-id ID [options]',
  description: [
    "Sends the token to the provider's introspection endpoint, authenticated as the client given (a resource",
    'server\'s credentials), and prints the answer as JSON on stdout: { "active": true, … } or { "active": false }.',
    'The way to check an opaque access token, or whether a token was revoked. A public client gives --auth-method',
    'none and no credential. Give - instead of the token to read it from stdin. Auth0 has no introspection endpoint.',
  ].join('\n'),
  positionals: true,
  refusedFlags: {
    domain:
      'Auth0 has no introspection endpoint, hence no --domain: use --issuer, --discovery-uri or --introspection-endpoint',
  },
  flags: [
    ...locationFlags(LOCATIONS, [INTROSPECTION_ENDPOINT]),
    ...CLIENT_FLAGS,
    { name: 'token-type-hint', type: 'string', value: 'TYPE', description: 'access_token or refresh_token' },
    timeoutFlagOf('Request', 10_000),
  ],
  failure: 'the token is not active, or the request failed',
  examples: [
    'authn token … | authn introspect - --issuer https://sso.example.com/realms/ops --client-id orders-api',
    'authn introspect "$REFRESH_TOKEN" --introspection-endpoint https://idp.example.com/introspect --client-id api --token-type-hint refresh_token',
  ],

  async run(input, io) {
    const { values, given } = input;
    const location = chosenLocation(values, LOCATIONS);
    const timeout = timeoutFlag(values);
    const token = await tokenArgument(input, io);
    const client = clientOptions(await clientFlags(values, given, io, 'credential'));
    const where =
      location.name === 'introspection-endpoint'
        ? { endpoints: { introspection: location.value } }
        : locationOptions(values, location);
    const introspection = new TokenIntrospection({ ...where, ...client, timeout });
    const answer = await introspection.introspect(token, { tokenTypeHint: stringFlag(values, 'token-type-hint') });
    io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    if (answer.active) return EXIT.ok;
    io.stderr.write('authn introspect: the token is not active\n');
    return EXIT.failure;
  },
};
