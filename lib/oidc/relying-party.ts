import { AuthenticationClient } from '../authentication/authentication-client.js';
import { endpointsFromMetadata } from '../authentication/endpoints.js';
import { ConfigurationError } from '../errors.js';
import { checkRemoteUrl } from '../http/url.js';
import type { ProviderMetadata } from './discovery.js';
import { IdTokens } from './id-tokens.js';
import { checkOidcClientOptions, type OidcClientOptions, type OidcSettings } from './oidc-client-options.js';
import { TransactionSealer } from './transaction.js';

/**
 * The parts of one relying party that `OidcClient` and its login steps share: the checked options, the provider's
 * metadata and issuer, the transaction sealer, the Authentication API client on the provider's endpoints, and the
 * ID-token checks.
 *
 * @internal
 */
export interface RelyingParty {
  readonly settings: OidcSettings;
  readonly metadata: ProviderMetadata;
  /** The issuer ID tokens must name, or the issuer template. */
  readonly issuer: string;
  readonly sealer: TransactionSealer;
  readonly api: AuthenticationClient;
  readonly idTokens: IdTokens;
  /** The `SameSite` attribute transaction cookies need. */
  readonly sameSite: 'lax' | 'none';
}

/** The issuer of the metadata, which must equal the configured one when there is one. */
function issuerOf(metadata: ProviderMetadata, settings: OidcSettings): string {
  const issuer: unknown = metadata?.issuer;
  if (typeof issuer !== 'string' || issuer === '') {
    throw new ConfigurationError('the provider metadata has no issuer', 'issuer');
  }
  if (settings.issuer !== undefined && issuer !== settings.issuer) {
    throw new ConfigurationError(
      `the provider's metadata names another issuer; expected ${JSON.stringify(settings.issuer)}, found ${JSON.stringify(issuer)}`,
      'issuer',
    );
  }
  return issuer;
}

/** Refuses metadata that lacks what the settings need, naming the member or the option at odds with it. */
function checkMetadata(metadata: ProviderMetadata, settings: OidcSettings): void {
  const withCode = settings.responseType.includes('code');
  const need = (member: string, why: string) => {
    const value = metadata[member];
    if (value === undefined) throw new ConfigurationError(`the provider advertises no ${member}, ${why}`, member);
    checkRemoteUrl(value, member);
  };
  need('authorization_endpoint', 'where logins start');
  if (withCode) need('token_endpoint', 'where the code is exchanged');
  if (settings.fetchUserinfo) need('userinfo_endpoint', 'which fetchUserinfo reads');
  if (metadata.end_session_endpoint !== undefined)
    checkRemoteUrl(metadata.end_session_endpoint, 'end_session_endpoint');
  const offers = (member: string, value: string, option: string) => {
    const list = metadata[member];
    if (Array.isArray(list) && !list.includes(value)) {
      throw new ConfigurationError(
        `${option} ${JSON.stringify(value)} is not among the provider's ${member} (${list.map((item) => JSON.stringify(String(item))).join(', ')})`,
        option,
      );
    }
  };
  offers('response_types_supported', settings.responseType, 'responseType');
  offers('response_modes_supported', settings.responseMode, 'responseMode');
  offers('id_token_signing_alg_values_supported', settings.idTokenSigningAlg, 'idTokenSigningAlg');
  if (withCode && settings.clientAuthMethod !== 'none') {
    offers('token_endpoint_auth_methods_supported', settings.clientAuthMethod, 'clientAuthMethod');
  }
  if (withCode && settings.usePkce) offers('code_challenge_methods_supported', 'S256', 'usePkce');
}

/**
 * Checks the options and the provider's metadata together and builds the parts of the relying party: the token,
 * UserInfo and PAR calls go through an {@link AuthenticationClient} on the endpoints of the metadata (with the
 * client's authentication), the ID tokens through the provider's key set.
 *
 * @throws {ConfigurationError} for bad options, or metadata that lacks what they need.
 * @internal
 */
export function createRelyingParty(options: OidcClientOptions, metadata: ProviderMetadata): RelyingParty {
  const settings = checkOidcClientOptions(options);
  const issuer = issuerOf(metadata, settings);
  checkMetadata(metadata, settings);
  const { clientSecret, privateKey, clientAssertionSigningAlg } = options;
  const { telemetry, clientInfo, timeout, retry, httpAgent, httpsAgent, proxy } = options;
  const mutualTls = settings.clientAuthMethod === 'tls_client_auth';
  const api = new AuthenticationClient({
    ...{ telemetry, clientInfo, timeout, retry, httpAgent, httpsAgent, proxy },
    endpoints: endpointsFromMetadata(metadata, { mutualTls }),
    clientId: settings.clientId,
    clientSecret,
    clientAssertionSigningKey: privateKey,
    clientAssertionSigningAlg,
    clientAuthMethod: settings.clientAuthMethod,
  });
  const idTokens = new IdTokens({
    issuer,
    clientId: settings.clientId,
    clientSecret,
    algorithm: settings.idTokenSigningAlg,
    jwksUri: metadata.jwks_uri,
    jwksOptions: options.jwksOptions,
    transport: options,
    leeway: settings.clockTolerance,
    clock: settings.clock,
  });
  return {
    settings,
    metadata,
    issuer,
    sealer: new TransactionSealer(settings.secrets),
    api,
    idTokens,
    sameSite: settings.responseMode === 'form_post' ? 'none' : 'lax',
  };
}
