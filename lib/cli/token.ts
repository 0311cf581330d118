import { Agent as HttpsAgent } from 'node:https';
import { type ClientAuthMethod, isMutualTls } from '../authentication/client-authentication.js';
import { ConfigurationError } from '../errors.js';
import { type ClientCredentialsProviderOptions, ClientCredentialsSource } from '../providers/client-credentials.js';
import {
  type CliIo,
  type Command,
  EXIT,
  fileFlag,
  type FlagValues,
  PROTOCOL_FLAG,
  protocolFlag,
  readStdin,
  stringFlag,
  timeoutFlag,
  timeoutFlagOf,
} from './command.js';

const METHODS = [
  'client_secret_post',
  'client_secret_basic',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
];

/**
 * The agent presenting the client certificate of `--cert-file` and `--key-file` (mutual TLS, RFC 8705),
 * trusting `--ca-file` when given; `undefined` without a certificate.
 */
function clientCertificateAgent(values: FlagValues): HttpsAgent | undefined {
  const cert = fileFlag(values, 'cert-file');
  const key = fileFlag(values, 'key-file');
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new ConfigurationError(
      '--cert-file and --key-file go together',
      cert === undefined ? 'cert-file' : 'key-file',
    );
  }
  const ca = fileFlag(values, 'ca-file');
  return new HttpsAgent({ cert, key, ...(ca !== undefined && { ca }) });
}

/** The client secret, from stdin, the environment or the flag (with a warning), in that order of preference. */
async function clientSecret(values: FlagValues, given: ReadonlySet<string>, io: CliIo): Promise<string | undefined> {
  if (values['client-secret-stdin'] === true) {
    if (given.has('client-secret')) {
      throw new ConfigurationError('give --client-secret or --client-secret-stdin, not both', 'client-secret');
    }
    const secret = await readStdin(io);
    if (secret === '')
      throw new ConfigurationError('--client-secret-stdin read an empty secret', 'client-secret-stdin');
    return secret;
  }
  if (given.has('client-secret')) {
    io.stderr.write(
      'authn: warning: a secret given with --client-secret can be seen in the process list and shell history; ' +
        'prefer AUTHN_CLIENT_SECRET or --client-secret-stdin\n',
    );
  }
  return stringFlag(values, 'client-secret');
}

/** The private key, from `--private-key-file` or `AUTHN_PRIVATE_KEY` (PEM or JWK text). */
function privateKey(values: FlagValues, io: CliIo): string | undefined {
  const file = fileFlag(values, 'private-key-file');
  if (file !== undefined) return file;
  const key = io.env.AUTHN_PRIVATE_KEY;
  return key === undefined || key === '' ? undefined : key;
}

/**
 * `authn token`: one client-credentials grant, printed as the bare access token (for `TOKEN=$(authn token …)`)
 * or, with `--json`, as the token endpoint's JSON response.
 */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'Get an access token with the client-credentials grant and print it',
  usage: 'token (--domain HOST | --token-endpoint URL | --discovery-uri URL) --client-id ID [options]',
  description: [
    'Asks the token endpoint for an access token with the OAuth 2.0 client-credentials grant and prints the bare',
    'token on stdout (or the whole JSON response with --json). Errors go to stderr as one line. Give the secret in',
    'AUTHN_CLIENT_SECRET or on stdin with --client-secret-stdin rather than as a flag; for private_key_jwt give',
    '--private-key-file (or the key itself in AUTHN_PRIVATE_KEY); for mutual TLS (tls_client_auth) give',
    '--cert-file and --key-file instead of a secret.',
  ].join('\n'),
  flags: [
    {
      name: 'domain',
      type: 'string',
      value: 'HOST',
      description: 'Auth0 tenant host (token endpoint https://HOST/oauth/token)',
    },
    { name: 'token-endpoint', type: 'string', value: 'URL', description: 'Token endpoint URL of any OpenID Provider' },
    {
      name: 'discovery-uri',
      type: 'string',
      value: 'URL',
      description: 'Discovery document URL or issuer; the token endpoint is read from it',
    },
    PROTOCOL_FLAG,
    { name: 'client-id', type: 'string', value: 'ID', description: 'Client id' },
    { name: 'client-secret', type: 'string', value: 'SECRET', description: 'Client secret (prefer the variable)' },
    { name: 'client-secret-stdin', type: 'boolean', description: 'Read the client secret from stdin', env: false },
    {
      name: 'private-key-file',
      type: 'string',
      value: 'PATH',
      description: 'PEM or JWK private key for private_key_jwt',
    },
    { name: 'auth-method', type: 'string', value: 'METHOD', description: METHODS.join(' | ') },
    { name: 'cert-file', type: 'string', value: 'PATH', description: 'PEM client certificate for mutual TLS' },
    { name: 'key-file', type: 'string', value: 'PATH', description: 'PEM private key of --cert-file' },
    { name: 'ca-file', type: 'string', value: 'PATH', description: 'PEM CA bundle to trust the token endpoint with' },
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
    'authn token --discovery-uri https://sso.example.com/realms/ops --client-id ci --scope deploy',
    'authn token --domain 127.0.0.1:4000 --protocol http --client-id m2m-secret --audience https://api.example.com/',
    'vault kv get -field=secret ci/m2m | authn token --client-secret-stdin --token-endpoint https://sso.example.com/token --client-id ci --json | jq .expires_in',
  ],

  async run({ values, given }, io) {
    const clientId = stringFlag(values, 'client-id');
    if (clientId === undefined)
      throw new ConfigurationError('--client-id (or AUTHN_CLIENT_ID) is required', 'client-id');
    const endpoints = ['domain', 'token-endpoint', 'discovery-uri'].filter(
      (name) => stringFlag(values, name) !== undefined,
    );
    if (endpoints.length !== 1) {
      throw new ConfigurationError(
        endpoints.length === 0
          ? 'one of --domain, --token-endpoint or --discovery-uri is required'
          : `give only one of ${endpoints.map((name) => `--${name}`).join(', ')}`,
        'token-endpoint',
      );
    }
    const protocol = protocolFlag(values);
    if (protocol !== undefined && stringFlag(values, 'domain') === undefined) {
      throw new ConfigurationError('--protocol goes with --domain (a URL names its own scheme)', 'protocol');
    }
    const method = stringFlag(values, 'auth-method');
    if (method !== undefined && !METHODS.includes(method)) {
      throw new ConfigurationError(`--auth-method must be one of ${METHODS.join(', ')}`, 'auth-method');
    }
    const timeout = timeoutFlag(values);
    const httpsAgent = clientCertificateAgent(values);
    const mutualTls = isMutualTls(method);
    if (mutualTls && httpsAgent === undefined) {
      throw new ConfigurationError(`--auth-method ${method} needs --cert-file and --key-file`, 'cert-file');
    }
    const secret = mutualTls ? undefined : await clientSecret(values, given, io);
    const key = mutualTls ? undefined : privateKey(values, io);
    if (!mutualTls && secret === undefined && key === undefined) {
      throw new ConfigurationError(
        'a client secret is required: set AUTHN_CLIENT_SECRET or pipe it with --client-secret-stdin ' +
          '(or give --private-key-file for private_key_jwt)',
        'client-secret',
      );
    }
    const options: ClientCredentialsProviderOptions = {
      domain: stringFlag(values, 'domain'),
      protocol,
      tokenEndpoint: stringFlag(values, 'token-endpoint'),
      discoveryUri: stringFlag(values, 'discovery-uri'),
      clientId,
      clientSecret: secret,
      privateKey: key,
      clientAuthMethod: method as Exclude<ClientAuthMethod, 'none'> | undefined,
      audience: stringFlag(values, 'audience'),
      scope: stringFlag(values, 'scope'),
      organization: stringFlag(values, 'organization'),
      resource: stringFlag(values, 'resource')?.trim().split(/\s+/),
      timeout,
      httpsAgent,
    };
    const { response } = await new ClientCredentialsSource(options).grant();
    io.stdout.write(values.json === true ? `${JSON.stringify(response, null, 2)}\n` : `${response.access_token}\n`);
    return EXIT.ok;
  },
};
