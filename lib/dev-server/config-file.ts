import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigurationError } from '../errors.js';
import type { DevServerClientOptions } from './clients.js';
import type { DevServerOptions } from './options.js';

const TOP_LEVEL = new Set([
  'port',
  'host',
  'audience',
  'scopes',
  'accessTokenTtl',
  'accessTokenFormat',
  'user',
  'clients',
  'signingKeys',
  'signingKeysFile',
  'profile',
  'issuerPath',
  'interactions',
  'password',
]);
const CLIENT_FIELDS = new Set([
  'clientId',
  'name',
  'authMethod',
  'clientSecret',
  'privateKey',
  'privateKeyFile',
  'publicKey',
  'publicKeyFile',
  'grantTypes',
  'redirectUris',
  'postLogoutRedirectUris',
  'backchannelLogoutUri',
  'rotateRefreshTokens',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function readText(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigurationError(`cannot read ${path}: ${typeof code === 'string' ? code : 'unreadable'}`, option);
  }
}

function parseJson(text: string, path: string, option: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the text around the error, which may be a secret: say only where.
    throw new ConfigurationError(`${path} is not valid JSON`, option);
  }
}

function checkKeys(value: Record<string, unknown>, allowed: Set<string>, where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.has(key));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `${where} has unknown field(s) ${unknown.map((key) => JSON.stringify(key)).join(', ')}; known: ${[...allowed].join(', ')}`,
      'config',
    );
  }
}

/** A key file holds PEM text, or JSON: a JWK set (`{ keys: [...] }`) or one JWK. */
async function readKeys(path: string, option: string): Promise<unknown[]> {
  const text = await readText(path, option);
  if (text.trimStart().startsWith('-----BEGIN')) return [text];
  const parsed = parseJson(text, path, option);
  if (isObject(parsed) && Array.isArray(parsed.keys)) return parsed.keys;
  return [parsed];
}

async function readClient(entry: unknown, base: string): Promise<DevServerClientOptions> {
  if (!isObject(entry)) throw new ConfigurationError('each entry of clients must be an object', 'config');
  checkKeys(entry, CLIENT_FIELDS, `client ${String(entry.clientId)}`);
  const { privateKeyFile, publicKeyFile, ...client } = entry;
  for (const [field, file] of [
    ['privateKey', privateKeyFile],
    ['publicKey', publicKeyFile],
  ] as const) {
    if (file === undefined) continue;
    if (typeof file !== 'string') throw new ConfigurationError(`${field}File must be a path`, 'config');
    if (client[field] !== undefined) throw new ConfigurationError(`give ${field} or ${field}File, not both`, 'config');
    const [key] = await readKeys(resolve(base, file), 'config');
    client[field] = key;
  }
  return client as unknown as DevServerClientOptions;
}

/**
 * Reads a dev-server configuration file: JSON with the fields of {@link DevServerOptions} (but `onError`), plus
 * `signingKeysFile` (a PEM key or a JWK set) and, per client, `privateKeyFile` / `publicKeyFile`; relative paths
 * are resolved against the file's folder. The values are checked when the server starts.
 *
 * @throws {ConfigurationError} when the file cannot be read, is not JSON, or has a field the server does not know;
 *   messages never quote the file's content.
 * @example
 * const server = await startDevServer(await loadDevServerConfig('dev-server.json'));
 */
export async function loadDevServerConfig(path: string): Promise<DevServerOptions> {
  const parsed = parseJson(await readText(path, 'config'), path, 'config');
  if (!isObject(parsed)) throw new ConfigurationError(`${path} must hold a JSON object`, 'config');
  checkKeys(parsed, TOP_LEVEL, path);
  const base = dirname(resolve(path));
  const { signingKeysFile, clients, ...options } = parsed;
  if (signingKeysFile !== undefined) {
    if (typeof signingKeysFile !== 'string') throw new ConfigurationError('signingKeysFile must be a path', 'config');
    if (options.signingKeys !== undefined) {
      throw new ConfigurationError('give signingKeys or signingKeysFile, not both', 'config');
    }
    options.signingKeys = await readKeys(resolve(base, signingKeysFile), 'config');
  }
  if (clients !== undefined) {
    if (!Array.isArray(clients)) throw new ConfigurationError('clients must be an array', 'config');
    options.clients = await Promise.all(clients.map((client) => readClient(client, base)));
  }
  return options as DevServerOptions;
}
