import type { runDevServer } from '../dev-server/cli.js';
import { guideUrl } from '../version.js';
import { type Command, stringFlag } from './command.js';

/** Loads the dev server's command line: `import('../dev-server/cli.js')`, unless a test gives another loader. */
export type DevServerLoader = () => Promise<{ runDevServer: typeof runDevServer }>;

/**
 * `authn dev-server`: the embedded OpenID Provider of `lib/dev-server` (see {@link guideUrl}), run until SIGINT,
 * SIGTERM or SIGHUP, or until the npm process that started it ends. Its module, and `oidc-provider` with it, is
 * imported only when this command runs (by `load`), so that the other commands never load them.
 *
 * @example
 * await runCli(['dev-server', '--port', '4000'], io, [devServerCommand()]); // resolves once Ctrl+C stopped it
 */
export const devServerCommand = (load: DevServerLoader = () => import('../dev-server/cli.js')): Command => ({
  name: 'dev-server',
  summary: 'Run an OpenID Provider (Auth0-like, or standard) on this machine, for development and tests',
  usage:
    'dev-server [--port P] [--host H] [--profile auth0|standard] [--issuer-path PATH] [--interactions auto|form] [--config FILE]',
  description: [
    'Starts an embedded OpenID Provider (node-oidc-provider) set up like an Auth0 tenant (--profile auth0, the',
    'default) or like any OpenID Provider under an issuer path (--profile standard --issuer-path /realms/demo),',
    "prints its issuer, its clients, its process id and a ready 'authn token' command line, and runs until Ctrl+C,",
    'SIGTERM or SIGHUP, or until the npm process that started it (npx) ends. With --interactions form, logins go',
    'through a login page (the test user and its password are printed) instead of at once. It logs in anyone who',
    'asks: it listens on loopback addresses only; never expose it. Needs the optional package oidc-provider',
    "(npm install -D oidc-provider). The configuration file is described in the package's docs/dev-server.md:",
    guideUrl('dev-server.md'),
  ].join('\n'),
  flags: [
    { name: 'port', type: 'string', value: 'P', description: 'TCP port (default 0: any free port)' },
    { name: 'host', type: 'string', value: 'H', description: 'Loopback address to listen on (default 127.0.0.1)' },
    { name: 'profile', type: 'string', value: 'NAME', description: 'auth0 (default) or standard' },
    {
      name: 'issuer-path',
      type: 'string',
      value: 'PATH',
      description: "The issuer's path, e.g. /realms/demo (standard profile)",
    },
    { name: 'interactions', type: 'string', value: 'MODE', description: 'auto (default) or form (a login page)' },
    {
      name: 'config',
      type: 'string',
      value: 'FILE',
      description: 'JSON configuration: API, scopes, user, clients, keys',
    },
  ],
  failure: 'the server could not start',
  examples: [
    'npx authn dev-server --port 4000',
    'npx authn dev-server --profile standard --issuer-path /realms/demo',
    'npx authn dev-server --interactions form   # log in through a page, in a browser',
    'AUTHN_CONFIG=dev-server.json npx authn dev-server',
  ],

  async run({ values }, io) {
    const argv: string[] = [];
    for (const name of ['port', 'host', 'profile', 'issuer-path', 'interactions', 'config']) {
      const value = stringFlag(values, name);
      if (value !== undefined) argv.push(`--${name}`, value);
    }
    const { runDevServer: run } = await load();
    return run(argv, { stdout: io.stdout, stderr: io.stderr, env: io.env });
  },
});
