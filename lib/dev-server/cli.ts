import { parseArgs } from 'node:util';
import { flagProblem } from '../command-line.js';
import { AuthnError, NetworkError } from '../errors.js';
import { guideUrl } from '../version.js';
import { loadDevServerConfig } from './config-file.js';
import { type DevServer, startDevServer } from './dev-server.js';
import { stopRequest } from './launcher-watch.js';
import type { DevServerInteractions, DevServerOptions } from './options.js';
import type { DevServerProfile } from './profile.js';

/** Where `authn dev-server` writes, reads its environment, and learns when to stop. */
export interface DevServerCliIo {
  /** Normal output (the banner). @defaultValue process.stdout */
  stdout?: {
    /** Writes a chunk of output. */
    write(text: string): unknown;
  };
  /** Errors. @defaultValue process.stderr */
  stderr?: {
    /** Writes a chunk of diagnostics. */
    write(text: string): unknown;
  };
  /** Environment for the `AUTHN_*` fallbacks of the flags. @defaultValue process.env */
  env?: Record<string, string | undefined>;
  /** Stops the server when aborted, in addition to SIGINT and SIGTERM. */
  signal?: AbortSignal;
  /** Called once the server listens, e.g. by tests. */
  onStarted?: (server: DevServer) => void;
}

const USAGE = `Usage: authn dev-server [--port P] [--host H] [--profile auth0|standard] [--issuer-path PATH]
                        [--interactions auto|form] [--config FILE]

Starts an embedded OpenID Provider for local development and tests: set up like an Auth0 tenant (the auth0
profile), or like any OpenID Provider under an issuer path (the standard profile). Stops on Ctrl+C, SIGTERM or
SIGHUP, and when the npm process that started it (npx, an npm script) ends.

  --port P              TCP port (0 = any free port)                    [env AUTHN_PORT, default 0]
  --host H              loopback address to listen on                   [env AUTHN_HOST, default 127.0.0.1]
  --profile NAME        auth0 or standard                               [env AUTHN_PROFILE, default auth0]
  --issuer-path PATH    the issuer's path, e.g. /realms/demo (standard) [env AUTHN_ISSUER_PATH]
  --interactions MODE   auto (log in at once) or form (a login page)    [env AUTHN_INTERACTIONS, default auto]
  --config FILE         JSON configuration (API, scopes, user, clients, keys)
                                                                        [env AUTHN_CONFIG]
  -h, --help            show this help

The configuration file is described in the package's docs/dev-server.md:
${guideUrl('dev-server.md')}
`;

/** Exit code of a command line that could not be understood. */
const USAGE_ERROR = 2;

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The command line that gets an M2M access token, as printed: the secret in the environment, not as a flag. */
function tokenCommandLine(server: DevServer, clientId: string, secret: string): string {
  const target =
    server.profile === 'auth0'
      ? [`--domain ${server.domain}`, '--protocol http', `--client-id ${shellQuote(clientId)}`, '--audience']
      : [`--discovery-uri ${shellQuote(server.issuer)}`, `--client-id ${shellQuote(clientId)}`, '--resource'];
  return [`AUTHN_CLIENT_SECRET=${shellQuote(secret)} npx authn token`, ...target, shellQuote(server.audience)].join(
    ' ',
  );
}

/**
 * The banner: where the server is, what it holds, its process id, and a ready `authn token` command line (the
 * secret given in `AUTHN_CLIENT_SECRET`, as `npx` runs it in a local install).
 *
 * @example
 * process.stdout.write(describeDevServer(await startDevServer()));
 */
export function describeDevServer(server: DevServer, pid: number = process.pid): string {
  const width = Math.max(...server.clients.map((client) => client.clientId.length));
  const clientLines = server.clients.map((client) => {
    const grants = client.grantTypes.map((grant) => grant.replace(/^urn:.*[:/]/, '')).join(' ');
    const parts = [`${client.clientId.padEnd(width)}  ${grants} (${client.authMethod})`];
    if (client.clientSecret !== undefined) parts.push(`secret: ${client.clientSecret}`);
    if (client.privateKey !== undefined)
      parts.push('private key: generated (set privateKeyFile in --config to use yours)');
    if (client.redirectUris.length > 0) parts.push(`redirect: ${client.redirectUris.join(' ')}`);
    if (client.backchannelLogoutUri !== undefined) parts.push(`back-channel logout: ${client.backchannelLogoutUri}`);
    return `    ${parts.join('\n    '.padEnd(width + 7))}`;
  });
  const m2m = server.clients.find(
    (client) => client.grantTypes.includes('client_credentials') && client.clientSecret !== undefined,
  );
  const email = typeof server.user.email === 'string' ? ` (${server.user.email})` : '';
  const what = server.profile === 'auth0' ? 'an Auth0-like OpenID Provider' : 'an OpenID Provider (standard profile)';
  const logins =
    server.interactions === 'form'
      ? `a login form: username ${server.user.sub}, password ${server.password}`
      : 'answered at once, without a page';
  const lines = [
    `authn dev-server: ${what} for local development. Anyone who reaches it is logged in:`,
    'never expose it beyond this machine.',
    '',
    `  issuer     ${server.issuer}`,
    `  discovery  ${server.endpoints.discovery}`,
    `  jwks       ${server.endpoints.jwks}`,
    `  audience   ${server.audience}  (scopes: ${server.scopes.join(' ')})`,
    `  user       ${server.user.sub}${email}`,
    `  logins     ${logins}`,
    `  pid        ${pid}  (stop with Ctrl+C or kill ${pid})`,
    '',
    '  clients',
    ...clientLines,
  ];
  if (m2m !== undefined) {
    const command = tokenCommandLine(server, m2m.clientId, m2m.clientSecret ?? '');
    lines.push('', '  get an access token:', `    ${command}`);
  }
  lines.push(
    '',
    `  protect your API with: issuer ${server.issuer}  audience ${server.audience}`,
    '',
    'Press Ctrl+C to stop.',
  );
  return `${lines.join('\n')}\n`;
}

const PROFILE_NAMES: readonly string[] = ['auth0', 'standard'];
const INTERACTION_MODES: readonly string[] = ['auto', 'form'];

function choice<T extends string>(value: string | undefined, choices: readonly string[], flag: string): T | undefined {
  if (value !== undefined && !choices.includes(value)) {
    throw new UsageError(
      `--${flag} must be ${choices.map((name) => `"${name}"`).join(' or ')}; found ${JSON.stringify(value)}`,
    );
  }
  return value as T | undefined;
}

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  profile: { type: 'string' },
  'issuer-path': { type: 'string' },
  interactions: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: readonly string[], env: Record<string, string | undefined>) {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (failure) {
    throw new UsageError(flagProblem(failure, argv, FLAGS));
  }
  const port = values.port ?? env.AUTHN_PORT;
  if (port !== undefined && !/^\d{1,5}$/.test(port))
    throw new UsageError(`--port must be a number; found ${JSON.stringify(port)}`);
  return {
    help: values.help === true,
    port: port === undefined ? undefined : Number(port),
    host: values.host ?? env.AUTHN_HOST,
    profile: choice<DevServerProfile>(values.profile ?? env.AUTHN_PROFILE, PROFILE_NAMES, 'profile'),
    issuerPath: values['issuer-path'] ?? env.AUTHN_ISSUER_PATH,
    interactions: choice<DevServerInteractions>(
      values.interactions ?? env.AUTHN_INTERACTIONS,
      INTERACTION_MODES,
      'interactions',
    ),
    config: values.config ?? env.AUTHN_CONFIG,
  };
}

class UsageError extends Error {}

/**
 * The line `authn dev-server` prints for an error its server reported: a back-channel logout the app did not take
 * (a {@link NetworkError}, which says why) as it is; anything else as a server error.
 *
 * @example
 * stderr.write(`${errorLine(error)}\n`);
 */
export function errorLine(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return error instanceof NetworkError ? `authn dev-server: ${message}` : `authn dev-server: server error: ${message}`;
}

/**
 * Runs `authn dev-server`: parses `--port`, `--host`, `--profile`, `--issuer-path`, `--interactions` and
 * `--config` (each also read from `AUTHN_PORT`, `AUTHN_HOST`, `AUTHN_PROFILE`, `AUTHN_ISSUER_PATH`,
 * `AUTHN_INTERACTIONS`, `AUTHN_CONFIG`; flags win, then the environment, then the config file), starts the server,
 * prints its issuer, clients, process id and a ready `authn token` command line, and resolves with the exit code
 * once SIGINT, SIGTERM, SIGHUP, `io.signal` or the end of the npm process that started it stopped it cleanly: 0,
 * or 2 for a bad command line, 1 when the server cannot start.
 *
 * @example
 * process.exitCode = await runDevServer(process.argv.slice(3));
 */
export async function runDevServer(argv: readonly string[], io: DevServerCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv, io.env ?? process.env);
  } catch (error) {
    stderr.write(`authn dev-server: ${(error as Error).message}\n\n${USAGE}`);
    return USAGE_ERROR;
  }
  if (args.help) {
    stdout.write(USAGE);
    return 0;
  }
  // Listen for the stop request before starting, so that Ctrl+C during start-up is not lost.
  const env = io.env ?? process.env;
  const stop = stopRequest(io.signal, env);
  let server: DevServer;
  try {
    const fromFile: DevServerOptions = args.config === undefined ? {} : await loadDevServerConfig(args.config);
    const options: DevServerOptions = {
      ...fromFile,
      ...(args.port !== undefined && { port: args.port }),
      ...(args.host !== undefined && { host: args.host }),
      ...(args.profile !== undefined && { profile: args.profile }),
      ...(args.issuerPath !== undefined && { issuerPath: args.issuerPath }),
      ...(args.interactions !== undefined && { interactions: args.interactions }),
      onError: (error) => stderr.write(`${errorLine(error)}\n`),
    };
    server = await startDevServer(options);
  } catch (error) {
    stop.cancel();
    if (!(error instanceof AuthnError)) throw error;
    stderr.write(`authn dev-server: ${error.message}\n`);
    return 1;
  }
  stdout.write(describeDevServer(server));
  io.onStarted?.(server);
  await stop.requested;
  await server.stop();
  stdout.write('authn dev-server: stopped\n');
  return 0;
}
