import { ConfigurationError } from '../errors.js';
import type { TransportOptions } from '../http/http-client.js';
import { Auth0AuthenticationProvider } from './auth0.js';
import { AzureAuthenticationProvider } from './azure.js';
import { CustomOIDCAuthenticationProvider } from './custom-oidc.js';
import { GoogleAuthenticationProvider } from './google.js';
import { NoOpAuthenticationProvider } from './no-op.js';
import { OktaAuthenticationProvider } from './okta.js';
import { OpenMetadataAuthenticationProvider } from './static.js';
import type { CachedTokenProvider, TokenCacheOptions } from './token-provider.js';

/** The `authProvider` values of the OpenMetadata connection. */
export type AuthProviderName = 'no-auth' | 'google' | 'okta' | 'auth0' | 'azure' | 'custom-oidc' | 'openmetadata';

/** `securityConfig` of `google` (the seed's `GoogleSSOClientConfig`). */
export interface GoogleSSOClientConfig {
  /** The service-account key: a JSON file path or the JSON text. */
  secretKey: string;
  /** The audience of the ID token (required here; the seed's default, Google's token URL, is not an audience). */
  audience: string;
}

/** `securityConfig` of `okta` (the seed's `OktaSSOClientConfig`). */
export interface OktaSSOClientConfig {
  /** The Okta application's client id. */
  clientId: string;
  /**
   * The token endpoint (`https://{org}.okta.com/oauth2/{server}/v1/token`); an authorization-server URL
   * (`…/oauth2/{server}`) or a bare org URL (`https://{org}.okta.com`, → `/oauth2/v1/token`) is completed.
   */
  orgURL: string;
  /** The private JWK (JSON text) or PEM key, or a file path. */
  privateKey: string;
  /** Unused (the seed's schema has it). */
  email?: string;
  /** The scopes to ask for, as a list or a space-separated string. */
  scopes?: string[] | string;
}

/** `securityConfig` of `auth0` (the seed's `Auth0SSOClientConfig`, plus `audience`). */
export interface Auth0SSOClientConfig {
  /** The Auth0 application's client id. */
  clientId: string;
  /** The client secret. */
  secretKey: string;
  /** The tenant host, e.g. `tenant.us.auth0.com`. */
  domain: string;
  /** The API identifier. @defaultValue `https://{domain}/api/v2/` (the seed's fixed Management API audience) */
  audience?: string;
}

/** `securityConfig` of `azure` (the seed's `AzureSSOClientConfig`). */
export interface AzureSSOClientConfig {
  /** The application (client) id of the Entra ID app registration. */
  clientId: string;
  /** A client secret of the app registration. */
  clientSecret: string;
  /** The authority, `https://login.microsoftonline.com/{tenant}`. */
  authority: string;
  /** E.g. `['api://{app-id}/.default']`. */
  scopes: string[] | string;
}

/** `securityConfig` of `custom-oidc` (the seed's `CustomOIDCSSOClientConfig`, plus `audience` and `scopes`). */
export interface CustomOIDCSSOClientConfig {
  /** The client id at the OpenID Provider. */
  clientId: string;
  /** The client secret. */
  secretKey: string;
  /** The provider's token endpoint URL. */
  tokenEndpoint: string;
  /** The API the token is for, sent as `audience` (Auth0-style providers). */
  audience?: string;
  /** The scopes to ask for, as a list or a space-separated string. */
  scopes?: string[] | string;
}

/** `securityConfig` of `openmetadata` (the seed's `OpenMetadataJWTClientConfig`). */
export interface OpenMetadataJWTClientConfig {
  /** The bot JWT, or the path of a file holding it. */
  jwtToken: string;
}

/** One `authProvider` of the seed with the `securityConfig` it takes. */
export interface ProviderSelection<N extends AuthProviderName, C> {
  /** Which provider: a value of the seed's `authProvider` enum. */
  authProvider: N;
  /** The provider's settings, with the seed's field names. */
  securityConfig: C;
}

/** `no-auth`: no settings needed. */
export interface NoAuthSelection {
  /** The seed's `no-auth`. */
  authProvider: 'no-auth';
  /** Ignored; the seed sends an empty object or nothing. */
  securityConfig?: Record<string, unknown> | null;
}

/** What {@link createAuthenticationProvider} takes: the seed's connection fields, plus cache and transport options. */
export type AuthenticationProviderConfig = TokenCacheOptions &
  TransportOptions &
  (
    | NoAuthSelection
    | ProviderSelection<'google', GoogleSSOClientConfig>
    | ProviderSelection<'okta', OktaSSOClientConfig>
    | ProviderSelection<'auth0', Auth0SSOClientConfig>
    | ProviderSelection<'azure', AzureSSOClientConfig>
    | ProviderSelection<'custom-oidc', CustomOIDCSSOClientConfig>
    | ProviderSelection<'openmetadata', OpenMetadataJWTClientConfig>
  );

/** The fields each provider's `securityConfig` may have; the required ones first. */
const FIELDS: Record<Exclude<AuthProviderName, 'no-auth'>, { required: string[]; optional: string[] }> = {
  google: { required: ['secretKey', 'audience'], optional: [] },
  okta: { required: ['clientId', 'orgURL', 'privateKey'], optional: ['email', 'scopes'] },
  auth0: { required: ['clientId', 'secretKey', 'domain'], optional: ['audience'] },
  azure: { required: ['clientId', 'clientSecret', 'authority', 'scopes'], optional: [] },
  'custom-oidc': { required: ['clientId', 'secretKey', 'tokenEndpoint'], optional: ['audience', 'scopes'] },
  openmetadata: { required: ['jwtToken'], optional: [] },
};

const NAMES = ['no-auth', ...Object.keys(FIELDS)];

/** Checks a seed `securityConfig` against its provider's fields; returns it with nulls dropped. */
function fieldsOf(provider: Exclude<AuthProviderName, 'no-auth'>, config: unknown): Record<string, unknown> {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigurationError(`securityConfig is required for authProvider "${provider}"`, 'securityConfig');
  }
  const { required, optional } = FIELDS[provider];
  const known = [...required, ...optional];
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    if (!known.includes(name)) {
      throw new ConfigurationError(
        `securityConfig.${name} is not a field of the ${provider} config; known: ${known.join(', ')}`,
        `securityConfig.${name}`,
      );
    }
    if (value !== null && value !== undefined) fields[name] = value;
  }
  for (const name of required) {
    const value = fields[name];
    const empty = value === undefined || (typeof value === 'string' && value.trim() === '');
    if (empty) {
      throw new ConfigurationError(
        `securityConfig.${name} is required for authProvider "${provider}"`,
        `securityConfig.${name}`,
      );
    }
  }
  for (const name of known) {
    const value = fields[name];
    if (value !== undefined && typeof value !== 'string' && !(name === 'scopes' && Array.isArray(value))) {
      throw new ConfigurationError(`securityConfig.${name} must be a string`, `securityConfig.${name}`);
    }
  }
  return fields;
}

/** The token endpoint an Okta `orgURL` stands for. */
export function oktaTokenEndpoint(orgURL: string): string {
  const trimmed = orgURL.trim().replace(/\/+$/, '');
  if (/\/v1\/token$/.test(trimmed)) return trimmed;
  if (/\/oauth2\/[^/]+$/.test(trimmed)) return `${trimmed}/v1/token`;
  return `${trimmed}/oauth2/v1/token`;
}

/** A bare host from a domain that may have been written as a URL. */
function bareDomain(domain: string): string {
  return domain
    .trim()
    .replace(/^https:\/\//i, '')
    .replace(/\/+$/, '');
}

/**
 * The registry of the OpenMetadata seed: builds the provider named by `authProvider` from a `securityConfig`
 * with the seed's field names (`clientId`, `secretKey`, `domain`, `orgURL`, `privateKey`, `scopes`,
 * `authority`, `clientSecret`, `tokenEndpoint`, `audience`, `jwtToken`), checked field by field. Cache and
 * transport options (`store`, `refreshSkew`, `timeout`…) given next to them are passed on.
 *
 * @throws {ConfigurationError} for an unknown `authProvider`, a missing `securityConfig`, a missing or
 *   non-string field, or a field the provider does not have (a typo), naming it.
 * @example
 * const provider = createAuthenticationProvider({
 *   authProvider: 'custom-oidc',
 *   securityConfig: { clientId: 'bot', secretKey: process.env.OIDC_SECRET!, tokenEndpoint: 'https://sso.example.com/token' },
 * });
 * const token = await provider.authToken();
 */
export function createAuthenticationProvider(
  config: AuthenticationProviderConfig,
): CachedTokenProvider | NoOpAuthenticationProvider {
  if (config === null || typeof config !== 'object') {
    throw new ConfigurationError('a config with authProvider is required', 'authProvider');
  }
  const { authProvider, securityConfig, ...options } = config;
  if (!NAMES.includes(authProvider)) {
    throw new ConfigurationError(
      `authProvider must be one of ${NAMES.map((name) => `"${name}"`).join(', ')}; found ${JSON.stringify(String(authProvider))}`,
      'authProvider',
    );
  }
  if (authProvider === 'no-auth') return new NoOpAuthenticationProvider();
  const fields = fieldsOf(authProvider, securityConfig);
  const text = (name: string) => fields[name] as string;
  const maybe = (name: string) => fields[name] as string | undefined;
  const scopes = fields.scopes as string | string[] | undefined;
  switch (authProvider) {
    case 'google':
      return new GoogleAuthenticationProvider({
        ...options,
        serviceAccount: text('secretKey'),
        audience: text('audience'),
      });
    case 'okta':
      return new OktaAuthenticationProvider({
        ...options,
        tokenEndpoint: oktaTokenEndpoint(text('orgURL')),
        clientId: text('clientId'),
        privateKey: text('privateKey'),
        scopes,
      });
    case 'auth0': {
      const domain = bareDomain(text('domain'));
      return new Auth0AuthenticationProvider({
        ...options,
        domain,
        clientId: text('clientId'),
        clientSecret: text('secretKey'),
        audience: maybe('audience') ?? `https://${domain}/api/v2/`,
      });
    }
    case 'azure':
      return new AzureAuthenticationProvider({
        ...options,
        authority: text('authority'),
        clientId: text('clientId'),
        clientSecret: text('clientSecret'),
        scopes: scopes as string | string[],
      });
    case 'custom-oidc':
      return new CustomOIDCAuthenticationProvider({
        ...options,
        tokenEndpoint: text('tokenEndpoint'),
        clientId: text('clientId'),
        clientSecret: text('secretKey'),
        audience: maybe('audience'),
        scope: scopes,
      });
    case 'openmetadata':
      return new OpenMetadataAuthenticationProvider({ ...options, jwtToken: text('jwtToken') });
  }
}
