import { Agent as HttpsAgent } from 'node:https';
import type { AuthenticationOptions, EndpointOptions } from '../authentication/base.js';
import { type ClientAuthMethod, isMutualTls } from '../authentication/client-authentication.js';
import { ConfigurationError } from '../errors.js';
import { readPrivateKey } from '../providers/private-key.js';
import {
  type CliIo,
  envName,
  fileFlag,
  type Flag,
  type FlagValues,
  PROTOCOL_FLAG,
  protocolFlag,
  readStdin,
  stringFlag,
} from './command.js';

/** The flags that say where the provider is; a command takes exactly one of those it offers. */
const LOCATION_FLAGS: Record<string, Flag> = {
  domain: { name: 'domain', type: 'string', value: 'HOST', description: "Auth0 tenant host (Auth0's paths)" },
  issuer: {
    name: 'issuer',
    type: 'string',
    value: 'URL',
    description: "Any OpenID Provider's issuer; its endpoints are discovered",
  },
  'discovery-uri': {
    name: 'discovery-uri',
    type: 'string',
    value: 'URL',
    description: "The provider's discovery document URL (or its issuer)",
  },
};

/**
 * The location flags a command offers — `--domain`, `--issuer`, `--discovery-uri` and any endpoint flags of its
 * own, in the order given — followed by `--protocol` when `--domain` is among them.
 *
 * @example
 * const flags = locationFlags(['domain', 'issuer', 'discovery-uri']);
 */
export function locationFlags(names: readonly string[], own: readonly Flag[] = []): Flag[] {
  const flags = names.map((name) => LOCATION_FLAGS[name] ?? (own.find((flag) => flag.name === name) as Flag));
  return names.includes('domain') ? [...flags, PROTOCOL_FLAG] : flags;
}

/**
 * The one location flag given among `names`, with `--protocol` checked to go with `--domain`.
 *
 * @throws {ConfigurationError} for none or several, or `--protocol` without `--domain`.
 */
export function chosenLocation(values: FlagValues, names: readonly string[]): { name: string; value: string } {
  const given = names.filter((name) => stringFlag(values, name) !== undefined);
  if (given.length !== 1) {
    const all = names.map((name) => `--${name}`);
    throw new ConfigurationError(
      given.length === 0
        ? `one of ${all.slice(0, -1).join(', ')} or ${all.at(-1)} is required`
        : `give only one of ${given.map((name) => `--${name}`).join(', ')}`,
      names[0],
    );
  }
  const name = given[0] as string;
  if (protocolFlag(values) !== undefined && name !== 'domain') {
    throw new ConfigurationError('--protocol goes with --domain (a URL names its own scheme)', 'protocol');
  }
  return { name, value: stringFlag(values, name) as string };
}

/**
 * The options of a client object for the location given by {@link chosenLocation}: `domain` (with `protocol`),
 * `issuer` or `discoveryUri`.
 */
export function locationOptions(values: FlagValues, location: { name: string; value: string }): EndpointOptions {
  switch (location.name) {
    case 'domain':
      return { domain: location.value, protocol: protocolFlag(values) };
    case 'issuer':
      return { issuer: location.value };
    default:
      return { discoveryUri: location.value };
  }
}

/** The client-authentication methods the commands take with `--auth-method`. */
const METHODS = [
  'client_secret_post',
  'client_secret_basic',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
];

/** The flags of the client's identity and credentials. */
export const CLIENT_FLAGS: readonly Flag[] = [
  { name: 'client-id', type: 'string', value: 'ID', description: 'Client id' },
  { name: 'client-secret', type: 'string', value: 'SECRET', description: 'Client secret (prefer the variable)' },
  { name: 'client-secret-stdin', type: 'boolean', description: 'Read the client secret from stdin', env: false },
  {
    name: 'private-key-file',
    type: 'string',
    value: 'PATH',
    description: 'PEM or JWK private key for private_key_jwt',
  },
  {
    name: 'auth-method',
    type: 'string',
    value: 'METHOD',
    description: `${METHODS.join(' | ')} | none (a public client; not for token)`,
  },
  { name: 'cert-file', type: 'string', value: 'PATH', description: 'PEM client certificate for mutual TLS' },
  { name: 'key-file', type: 'string', value: 'PATH', description: 'PEM private key of --cert-file' },
  { name: 'ca-file', type: 'string', value: 'PATH', description: 'PEM CA bundle to trust the provider with' },
];

/** The client as the flags describe it. */
export interface ClientFlagValues {
  clientId: string;
  clientSecret?: string;
  /** PEM or JWK text of the `private_key_jwt` key. */
  privateKey?: string;
  clientAuthMethod?: ClientAuthMethod;
  /** The agent presenting the client certificate, for mutual TLS. */
  httpsAgent?: HttpsAgent;
}

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
    if (secret === '') {
      throw new ConfigurationError('--client-secret-stdin read an empty secret', 'client-secret-stdin');
    }
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
 * What a command needs of its client: `confidential` a credential (the client-credentials grant), `credential` one
 * unless `--auth-method none` says the client is a public one (introspection of its own tokens), `any` none at all
 * (the device login of a public client).
 */
export type ClientKind = 'confidential' | 'credential' | 'any';

/** `--auth-method none`: a public client, which sends its id and no credential. */
function checkNoCredential(values: FlagValues, given: ReadonlySet<string>, io: CliIo): void {
  const flag = ['client-secret', 'client-secret-stdin', 'private-key-file', 'cert-file'].find(
    (name) => values[name] !== undefined && values[name] !== false,
  );
  const found =
    flag === undefined
      ? (io.env.AUTHN_PRIVATE_KEY ?? '') === ''
        ? undefined
        : 'AUTHN_PRIVATE_KEY'
      : given.has(flag)
        ? `--${flag}`
        : envName(flag);
  if (found !== undefined) {
    throw new ConfigurationError(
      `--auth-method "none" is a public client, which sends no credential; found ${found}`,
      'auth-method',
    );
  }
}

/**
 * Reads the client flags: `--client-id` (required), the method, and the credential it needs — a secret (stdin,
 * `AUTHN_CLIENT_SECRET`, or the flag with a warning), a private key, or a client certificate — as `kind` says.
 *
 * @throws {ConfigurationError} for a missing client id, a bad method, a missing or unreadable credential, or one
 *   given to a public client.
 */
export async function clientFlags(
  values: FlagValues,
  given: ReadonlySet<string>,
  io: CliIo,
  kind: ClientKind,
): Promise<ClientFlagValues> {
  const clientId = stringFlag(values, 'client-id');
  if (clientId === undefined) throw new ConfigurationError('--client-id (or AUTHN_CLIENT_ID) is required', 'client-id');
  const method = stringFlag(values, 'auth-method');
  if (method !== undefined && ![...METHODS, 'none'].includes(method)) {
    throw new ConfigurationError(
      `--auth-method must be one of ${[...METHODS, 'none'].map((name) => `"${name}"`).join(', ')}; found ${JSON.stringify(method)}`,
      'auth-method',
    );
  }
  if (method === 'none' && kind === 'confidential') {
    throw new ConfigurationError(
      '--auth-method "none" is a public client, which a client-credentials grant cannot be: give its credential',
      'auth-method',
    );
  }
  if (method === 'none') {
    checkNoCredential(values, given, io);
    return { clientId, clientAuthMethod: 'none' };
  }
  const httpsAgent = clientCertificateAgent(values);
  const mutualTls = isMutualTls(method);
  if (mutualTls && httpsAgent === undefined) {
    throw new ConfigurationError(`--auth-method "${method}" needs --cert-file and --key-file`, 'cert-file');
  }
  const secret = mutualTls ? undefined : await clientSecret(values, given, io);
  const key = mutualTls ? undefined : privateKey(values, io);
  if (kind !== 'any' && !mutualTls && secret === undefined && key === undefined) {
    throw new ConfigurationError(
      'a client secret is required: set AUTHN_CLIENT_SECRET or pipe it with --client-secret-stdin ' +
        `(or give --private-key-file for private_key_jwt${kind === 'credential' ? ', or --auth-method none for a public client' : ''})`,
      'client-secret',
    );
  }
  return {
    clientId,
    clientSecret: secret,
    privateKey: key,
    clientAuthMethod: method as ClientAuthMethod | undefined,
    httpsAgent,
  };
}

/** The client flags as the options of a client object of the Authentication API (the key read once). */
export function clientOptions(client: ClientFlagValues): Omit<AuthenticationOptions, keyof EndpointOptions> {
  const { privateKey: text, ...rest } = client;
  if (text === undefined) return rest;
  const { key, kid, alg } = readPrivateKey(text, 'private-key-file');
  return { ...rest, clientAssertionSigningKey: key, clientAssertionSigningAlg: alg, clientAssertionKeyId: kid };
}
