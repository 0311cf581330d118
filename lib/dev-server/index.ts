// The public surface of lib/dev-server/: the embedded OpenID Provider for tests and local development.
// Loading this barrel does not load oidc-provider: startDevServer() imports it when called.
export { startDevServer, type DevServer, type DevServerEndpoints } from './dev-server.js';
export type {
  DevServerAuthMethod,
  DevServerClient,
  DevServerClientOptions,
  DevServerGrantType,
  DevServerOptions,
  DevServerUser,
} from './options.js';
export type { DevServerKey } from './keys.js';
export { loadDevServerConfig } from './config-file.js';
export { headlessLogin, type HeadlessLoginOptions, type HeadlessLoginResult } from './headless-login.js';
export { describeDevServer, runDevServer, type DevServerCliIo } from './cli.js';
