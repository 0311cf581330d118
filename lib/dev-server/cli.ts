import { parseArgs } from 'node:util';
import { AuthnError } from '../errors.js';
import { guideUrl } from '../version.js';
import { loadDevServerConfig } from './config-file.js';
import { type DevServer, startDevServer } from './dev-server.js';
import type { DevServerOptions } from './options.js';

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

const USAGE = `Usage: authn dev-server [--port P] [--host H] [--config FILE]

Starts an embedded OpenID Provider set up like an Auth0 tenant, for local development and tests.

  --port P        TCP port (0 = any free port)        [env AUTHN_PORT, default 0]
  --host H        loopback address to listen on      [env AUTHN_HOST, default 127.0.0.1]
  --config FILE   JSON configuration (API, scopes, user, clients, keys)
                                                       [env AUTHN_CONFIG]
  -h, --help      show this help

The configuration file is described in the package's docs/dev-server.md:
${guideUrl('dev-server.md')}
`;

/** Exit code of a command line that could not be understood. */
const USAGE_ERROR = 2;

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The banner: where the server is, what it holds, and a ready `authn token` command line. */
export function describeDevServer(server: DevServer): string {
  const width = Math.max(...server.clients.map((client) => client.clientId.length));
  const clientLines = server.clients.map((client) => {
    const grants = client.grantTypes.map((grant) => (grant.startsWith('urn:') ? 'ciba' : grant)).join(' ');
    const parts = [`${client.clientId.padEnd(width)}  ${grants} (${client.authMethod})`];
    if (client.clientSecret !== undefined) parts.push(`secret: ${client.clientSecret}`);
    if (client.privateKey !== undefined)
      parts.push('private key: generated (set privateKeyFile in --config to use yours)');
    if (client.redirectUris.length > 0) parts.push(`redirect: ${client.redirectUris.join(' ')}`);
    return `    ${parts.join('\n    '.padEnd(width + 7))}`;
  });
  const m2m = server.clients.find(
    (client) => client.grantTypes.includes('client_credentials') && client.clientSecret !== undefined,
  );
  const email = typeof server.user.email === 'string' ? ` (${server.user.email})` : '';
  const lines = [
    'authn dev-server: an Auth0-like OpenID Provider for local development. Anyone who reaches it is logged in:',
    'never expose it beyond this machine.',
    '',
    `  issuer     ${server.issuer}`,
    `  discovery  ${server.endpoints.discovery}`,
    `  jwks       ${server.endpoints.jwks}`,
    `  audience   ${server.audience}  (scopes: ${server.scopes.join(' ')})`,
    `  user       ${server.user.sub}${email}`,
    '',
    '  clients',
    ...clientLines,
  ];
  if (m2m !== undefined) {
    const command = [
      'authn token',
      `--domain ${server.domain}`,
      '--protocol http',
      `--client-id ${shellQuote(m2m.clientId)}`,
      // With `=`: a generated secret starts with `-` once in 64, which parseArgs would not take as a value.
      `--client-secret=${shellQuote(m2m.clientSecret ?? '')}`,
      `--audience ${shellQuote(server.audience)}`,
    ].join(' ');
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

function parse(argv: readonly string[], env: Record<string, string | undefined>) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = values.port ?? env.AUTHN_PORT;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new UsageError(`--port must be a number (got "${port}")`);
  return {
    help: values.help === true,
    port: port === undefined ? undefined : Number(port),
    host: values.host ?? env.AUTHN_HOST,
    config: values.config ?? env.AUTHN_CONFIG,
  };
}

class UsageError extends Error {}

/** Resolves on SIGINT, SIGTERM or `signal`; `cancel()` removes the listeners. */
function stopRequest(signal: AbortSignal | undefined): { requested: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const requested = new Promise<void>((resolve) => {
    const stop = () => {
      cancel();
      resolve();
    };
    cancel = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
  return { requested, cancel };
}

/**
 * Runs `authn dev-server`: parses `--port`, `--host` and `--config` (each also read from `AUTHN_PORT`,
 * `AUTHN_HOST`, `AUTHN_CONFIG`; flags win, then the environment, then the config file), starts the server, prints
 * its issuer, clients and a ready `authn token` command line, and resolves with the exit code once SIGINT or
 * SIGTERM (or `io.signal`) stopped it cleanly: 0, or 2 for a bad command line, 1 when the server cannot start.
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
  const stop = stopRequest(io.signal);
  let server: DevServer;
  try {
    const fromFile: DevServerOptions = args.config === undefined ? {} : await loadDevServerConfig(args.config);
    const options: DevServerOptions = {
      ...fromFile,
      ...(args.port !== undefined && { port: args.port }),
      ...(args.host !== undefined && { host: args.host }),
      onError: (error) => stderr.write(`authn dev-server: server error: ${(error as Error)?.message ?? error}\n`),
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
