// The public surface of lib/dev-server/: the embedded OpenID Provider for tests and local development.
// Loading this barrel does not load oidc-provider: startDevServer() imports it when called.
export { startDevServer, type DevServer } from './dev-server.js';
export type { DevServerEndpoints, DevServerProfile } from './profile.js';
export type { DevServerAccessTokenFormat, DevServerInteractions, DevServerOptions, DevServerUser } from './options.js';
export type {
  DevServerAuthMethod,
  DevServerClient,
  DevServerClientOptions,
  DevServerGrantType,
  DevServerResponseType,
} from './clients.js';
export type { DevServerKey } from './keys.js';
export { loadDevServerConfig } from './config-file.js';
export {
  headlessDeviceApproval,
  headlessLogin,
  headlessLogout,
  type HeadlessFlowResult,
  type HeadlessLoginOptions,
  type HeadlessLoginResult,
  type HeadlessLogoutOptions,
} from './headless-login.js';
export type { HeadlessCredentials, HeadlessOptions } from './headless-browser.js';
export { HeadlessCookieJar } from './cookie-jar.js';
export { describeDevServer, runDevServer, type DevServerCliIo } from './cli.js';
