import { VERSION } from '../version.js';

/** What the `Auth0-Client` header says about the caller, unless `clientInfo` replaces it. */
export interface ClientInfo {
  name: string;
  version: string;
  env: Record<string, string>;
  [extra: string]: unknown;
}

/** The default telemetry payload: this library, its version and the Node.js version. */
export function defaultClientInfo(): ClientInfo {
  return { name: 'authn-client', version: VERSION, env: { node: process.version } };
}

/**
 * The value of the `Auth0-Client` header: base64url of the JSON payload (Auth0's SDKs use base64url; the Python
 * original used padded base64, which Auth0 also accepts).
 *
 * @param clientInfo - replaces the default payload, e.g. for a wrapper SDK that reports itself.
 */
export function telemetryHeader(clientInfo: Record<string, unknown> = defaultClientInfo()): string {
  return Buffer.from(JSON.stringify(clientInfo)).toString('base64url');
}
