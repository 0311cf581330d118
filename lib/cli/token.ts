import { type ClientCredentialsProviderOptions, ClientCredentialsSource } from '../providers/client-credentials.js';
import { chosenLocation, CLIENT_FLAGS, clientFlags, locationFlags, locationOptions } from './client-flags.js';
import { type Command, EXIT, type Flag, stringFlag, timeoutFlag, timeoutFlagOf } from './command.js';

const TOKEN_ENDPOINT: Flag = {
  name: 'token-endpoint',
  type: 'string',
  value: 'URL',
  description: 'Token endpoint URL of any OpenID Provider',
};
const LOCATIONS = ['domain', 'token-endpoint', 'issuer', 'discovery-uri'];

/**
 * `authn token`: one client-credentials grant, printed as the bare access token (for `TOKEN=$(authn token …)`)
 * or, with `--json`, as the token endpoint's JSON response.
 */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'Get an access token with the client-credentials grant and print it',
  usage: 'token (--domain HOST | --token-endpoint URL | --issuer URL | --discovery-uri URL) --client-id ID [options]',
  description: [
    'Asks the token endpoint for an access token with the OAuth 2.0 client-credentials grant and prints the bare',
    'token on stdout (or the whole JSON response with --json). Errors go to stderr as one line. Give the secret in',
    'AUTHN_CLIENT_SECRET or on stdin with --client-secret-stdin rather than as a flag; for private_key_jwt give',
    '--private-key-file (or the key itself in AUTHN_PRIVATE_KEY); for mutual TLS (tls_client_auth) give',
    '--cert-file and --key-file instead of a secret.',
  ].join('\n'),
  flags: [
    ...locationFlags(LOCATIONS, [TOKEN_ENDPOINT]),
    ...CLIENT_FLAGS,
    { name: 'audience', type: 'string', value: 'AUD', description: 'API the token is for (Auth0 audience)' },
    { name: 'scope', type: 'string', value: 'SCOPES', description: 'Space-separated scopes' },
    { name: 'organization', type: 'string', value: 'ORG', description: 'Auth0 organization id or name' },
    {
      name: 'resource',
      type: 'string',
      value: 'URI',
      description: 'RFC 8707 resource indicator (several: separated by spaces)',
    },
    timeoutFlagOf('Request', 10_000),
    { name: 'json', type: 'boolean', description: 'Print the JSON token response instead of the bare token' },
  ],
  failure: 'the grant failed (refused, unreachable, bad response)',
  examples: [
    'export AUTHN_CLIENT_SECRET=…   # from your CI secret store',
    'TOKEN=$(authn token --domain tenant.us.auth0.com --client-id abc123 --audience https://api.example.com/)',
    'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/orders',
    'authn token --issuer https://sso.example.com/realms/ops --client-id ci --scope deploy',
    'authn token --domain 127.0.0.1:4000 --protocol http --client-id m2m-secret --audience https://api.example.com/',
    'vault kv get -field=secret ci/m2m | authn token --client-secret-stdin --token-endpoint https://sso.example.com/token --client-id ci --json | jq .expires_in',
  ],

  async run({ values, given }, io) {
    const location = chosenLocation(values, LOCATIONS);
    const timeout = timeoutFlag(values);
    // A confidential client: clientFlags refuses --auth-method none.
    const client = (await clientFlags(values, given, io, 'confidential')) as ClientCredentialsProviderOptions;
    const options: ClientCredentialsProviderOptions = {
      ...(location.name === 'token-endpoint' ? { tokenEndpoint: location.value } : locationOptions(values, location)),
      ...client,
      audience: stringFlag(values, 'audience'),
      scope: stringFlag(values, 'scope'),
      organization: stringFlag(values, 'organization'),
      resource: stringFlag(values, 'resource')?.trim().split(/\s+/),
      timeout,
    };
    const { response } = await new ClientCredentialsSource(options).grant();
    io.stdout.write(values.json === true ? `${JSON.stringify(response, null, 2)}\n` : `${response.access_token}\n`);
    return EXIT.ok;
  },
};
