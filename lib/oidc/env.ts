import { ConfigurationError } from '../errors.js';
import { checkRemoteUrl } from '../http/url.js';
import { checkOidcClientOptions, type OidcClientOptions, type OptionNamer } from './oidc-client-options.js';

/** The identity providers `OIDC_TYPE` has presets for; `custom` (the default) has none. */
export type OidcProviderType = 'google' | 'azure' | 'okta' | 'auth0' | 'custom';

/**
 * What {@link oidcConfigFromEnv} reads: the options of an `OidcClient`, and the settings of the environment that
 * concern the application around it.
 */
export interface OidcEnvConfig extends OidcClientOptions {
  /** `OIDC_TYPE`: which preset applied. */
  type: OidcProviderType;
  /** `OIDC_SERVER_URL`: the application's public URL (the web login's `baseUrl`). */
  baseUrl?: string;
  /**
   * `AUTHENTICATION_PUBLIC_KEYS`: the JWKS URLs whose keys an API accepts bearer tokens from — the API
   * middleware's `publicKeyUrls`, not used by the `OidcClient` itself.
   */
  publicKeyUrls?: string[];
}

/** The variable each option comes from, to name it in errors. */
const VARIABLES: Readonly<Record<string, string>> = {
  issuer: 'OIDC_DISCOVERY_URI',
  discoveryUri: 'OIDC_DISCOVERY_URI',
  clientId: 'OIDC_CLIENT_ID',
  clientSecret: 'OIDC_CLIENT_SECRET',
  clientType: 'AUTHENTICATION_CLIENT_TYPE',
  clientAuthMethod: 'OIDC_CLIENT_AUTH_METHOD',
  redirectUri: 'OIDC_CALLBACK',
  postLogoutRedirectUri: 'OIDC_SERVER_URL',
  scope: 'OIDC_SCOPE',
  responseType: 'OIDC_RESPONSE_TYPE',
  usePkce: 'OIDC_DISABLE_PKCE',
  useNonce: 'OIDC_USE_NONCE',
  idTokenSigningAlg: 'OIDC_PREFERRED_JWS',
  clockTolerance: 'OIDC_MAX_CLOCK_SKEW',
  authorizationParams: 'OIDC_CUSTOM_PARAMS',
  secret: 'AUTHN_SESSION_SECRET',
};

const TYPES: Readonly<Record<string, OidcProviderType>> = {
  google: 'google',
  azure: 'azure',
  okta: 'okta',
  auth0: 'auth0',
  custom: 'custom',
  'custom-oidc': 'custom',
};

const GOOGLE_DISCOVERY = 'https://accounts.google.com/.well-known/openid-configuration';
const ENTRA = 'https://login.microsoftonline.com';
/** The tenant id behind Entra's `consumers` endpoints (personal Microsoft accounts), whose issuer names it. */
const ENTRA_CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad';

function fail(message: string, variable: string): never {
  throw new ConfigurationError(message, variable);
}

/** A variable's value; an empty or blank one counts as absent, as OpenMetadata's `${VAR:-""}` defaults are. */
function read(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = env[variable];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function bool(env: NodeJS.ProcessEnv, variable: string): boolean | undefined {
  const value = read(env, variable)?.toLowerCase();
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') fail(`${variable} must be "true" or "false"`, variable);
  return value === 'true';
}

function url(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  const value = read(env, variable);
  if (value !== undefined && !URL.canParse(value)) fail(`${variable} must be an absolute URL`, variable);
  return value;
}

/** `OIDC_CUSTOM_PARAMS`: a JSON object of strings. */
function customParams(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const value = read(env, 'OIDC_CUSTOM_PARAMS');
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((item) => typeof item === 'string')
  ) {
    fail('OIDC_CUSTOM_PARAMS is not a JSON object of strings', 'OIDC_CUSTOM_PARAMS');
  }
  return parsed as Record<string, string>;
}

/** `AUTHN_SESSION_SECRET`: one secret, or a JSON array of them (the first seals, every one opens). */
function secrets(env: NodeJS.ProcessEnv): string | string[] | undefined {
  const value = read(env, 'AUTHN_SESSION_SECRET');
  if (value === undefined || !value.startsWith('[')) return value;
  try {
    const list: unknown = JSON.parse(value);
    if (Array.isArray(list) && list.every((item) => typeof item === 'string')) return list as string[];
  } catch {
    // reported below, without the value
  }
  return fail('AUTHN_SESSION_SECRET is neither one secret nor a JSON array of secrets', 'AUTHN_SESSION_SECRET');
}

/**
 * `AUTHENTICATION_PUBLIC_KEYS`: a list of JWKS URLs, as OpenMetadata writes it (`[http://a/jwks, http://b/jwks]`),
 * as a JSON array, or separated by commas.
 */
function publicKeys(env: NodeJS.ProcessEnv): string[] | undefined {
  const value = read(env, 'AUTHENTICATION_PUBLIC_KEYS');
  if (value === undefined) return undefined;
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  const urls = inner
    .split(',')
    .map((item) => item.trim().replace(/^["']|["']$/g, ''))
    .filter((item) => item !== '');
  for (const item of urls) checkRemoteUrl(item, 'AUTHENTICATION_PUBLIC_KEYS');
  return urls;
}

function clockSkew(env: NodeJS.ProcessEnv): number | undefined {
  const value = read(env, 'OIDC_MAX_CLOCK_SKEW');
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value)) fail('OIDC_MAX_CLOCK_SKEW must be a whole number of seconds', 'OIDC_MAX_CLOCK_SKEW');
  return Number(value);
}

/**
 * Where the preset of `type` finds the provider: an issuer, a discovery URI, or both (an Entra ID multi-tenant
 * issuer template with its `common` discovery document).
 */
function provider(env: NodeJS.ProcessEnv, type: OidcProviderType): Pick<OidcClientOptions, 'issuer' | 'discoveryUri'> {
  const discoveryUri = url(env, 'OIDC_DISCOVERY_URI');
  if (type === 'google') return { discoveryUri: discoveryUri ?? GOOGLE_DISCOVERY };
  if (type !== 'azure') return discoveryUri === undefined ? {} : { discoveryUri };
  const given = read(env, 'OIDC_TENANT');
  if (given === undefined && discoveryUri === undefined) {
    fail(
      'OIDC_TENANT (a tenant id, a domain, "common" or "organizations") is required for OIDC_TYPE azure',
      'OIDC_TENANT',
    );
  }
  if (given !== undefined && !/^[A-Za-z0-9.-]+$/.test(given)) {
    fail('OIDC_TENANT must be a tenant id, a domain, "common", "organizations" or "consumers"', 'OIDC_TENANT');
  }
  const tenant = given?.toLowerCase() === 'consumers' ? ENTRA_CONSUMERS : given;
  const document = discoveryUri ?? `${ENTRA}/${tenant}/v2.0/.well-known/openid-configuration`;
  const multiTenant = tenant !== undefined && ['common', 'organizations'].includes(tenant.toLowerCase());
  return multiTenant ? { issuer: `${ENTRA}/{tenantid}/v2.0`, discoveryUri: document } : { discoveryUri: document };
}

/** The authorization parameters of a preset, under those of `OIDC_CUSTOM_PARAMS`. */
function presetParams(type: OidcProviderType): Record<string, string> {
  // Google returns a refresh token only to a request with access_type=offline (OpenMetadata adds it too).
  return type === 'google' ? { access_type: 'offline' } : {};
}

/**
 * Reads an `OidcClient`'s options from the environment, with OpenMetadata's variable names, and checks them (no
 * I/O). Empty variables count as absent. Where OpenMetadata's defaults are weak, these are not: PKCE is on unless
 * `OIDC_DISABLE_PKCE=true`, and a nonce is sent unless `OIDC_USE_NONCE=false`.
 *
 * | Variable | Option | Here |
 * | --- | --- | --- |
 * | `OIDC_CLIENT_ID` | `clientId` | required |
 * | `OIDC_CLIENT_SECRET` | `clientSecret` | a confidential client's secret; refused for a public client |
 * | `OIDC_TYPE` | preset | `google`, `azure`, `okta`, `auth0`, `custom` (default; `custom-oidc` too) |
 * | `OIDC_DISCOVERY_URI` | `discoveryUri` | required except for `google` and `azure` with `OIDC_TENANT` |
 * | `OIDC_TENANT` | `discoveryUri`, `issuer` | `azure`: tenant id or domain; `common` / `organizations` use Entra's `{tenantid}` issuer template |
 * | `OIDC_SCOPE` | `scope` | default `openid profile email` |
 * | `OIDC_RESPONSE_TYPE` | `responseType` | `code` (default), `id_token`, `id_token token`, `code id_token` |
 * | `OIDC_USE_NONCE` | `useNonce` | `true` (default) or `false` |
 * | `OIDC_DISABLE_PKCE` | `usePkce` | PKCE is on unless `true` |
 * | `OIDC_PREFERRED_JWS` | `idTokenSigningAlg` | default `RS256` |
 * | `OIDC_CLIENT_AUTH_METHOD` | `clientAuthMethod` | default by the credentials given |
 * | `OIDC_CALLBACK` | `redirectUri` | default `{OIDC_SERVER_URL}/callback` |
 * | `OIDC_SERVER_URL` | `baseUrl`, `postLogoutRedirectUri` | the application's public URL |
 * | `OIDC_MAX_CLOCK_SKEW` | `clockTolerance` | seconds, default 60 |
 * | `OIDC_CUSTOM_PARAMS` | `authorizationParams` | a JSON object of strings |
 * | `AUTHENTICATION_CLIENT_TYPE` | `clientType` | `confidential` or `public`; default by the credentials given |
 * | `AUTHENTICATION_PUBLIC_KEYS` | `publicKeyUrls` | JWKS URLs for the API middleware |
 * | `AUTHN_SESSION_SECRET` | `secret` | required; one secret or a JSON array (rotation) |
 *
 * @throws {ConfigurationError} for a missing or bad variable, naming it (`option` is the variable) and never
 *   quoting a secret.
 * @example
 * const config = oidcConfigFromEnv(process.env);
 * const client = await OidcClient.discover(config);
 */
export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcEnvConfig {
  const { options, name } = readOidcEnv(env);
  checkOidcClientOptions(options, name);
  return options;
}

/** What the environment says, unchecked, and how to name each option after its variable. */
interface OidcEnvReading {
  options: OidcEnvConfig;
  name: OptionNamer;
}

/**
 * Reads the variables of {@link oidcConfigFromEnv} into options without checking them together, so that a caller
 * may add options of its own first; `name` names each option after its variable in errors.
 *
 * @throws {ConfigurationError} for a variable whose text cannot be read (naming it).
 * @internal
 */
export function readOidcEnv(env: NodeJS.ProcessEnv = process.env): OidcEnvReading {
  const typeName = read(env, 'OIDC_TYPE')?.toLowerCase() ?? 'custom';
  const type =
    TYPES[typeName] ??
    fail(
      `OIDC_TYPE must be one of ${Object.keys(TYPES)
        .map((name) => `"${name}"`)
        .join(', ')}; found ${JSON.stringify(typeName)}`,
      'OIDC_TYPE',
    );
  const baseUrl = url(env, 'OIDC_SERVER_URL');
  const disablePkce = bool(env, 'OIDC_DISABLE_PKCE');
  const callback = url(env, 'OIDC_CALLBACK');
  const config = {
    type,
    ...provider(env, type),
    clientId: read(env, 'OIDC_CLIENT_ID'),
    clientSecret: read(env, 'OIDC_CLIENT_SECRET'),
    clientType: read(env, 'AUTHENTICATION_CLIENT_TYPE'),
    clientAuthMethod: read(env, 'OIDC_CLIENT_AUTH_METHOD'),
    redirectUri:
      callback ??
      (baseUrl === undefined ? undefined : new URL('callback', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href),
    postLogoutRedirectUri: baseUrl,
    scope: read(env, 'OIDC_SCOPE'),
    responseType: read(env, 'OIDC_RESPONSE_TYPE'),
    usePkce: disablePkce === undefined ? undefined : !disablePkce,
    useNonce: bool(env, 'OIDC_USE_NONCE'),
    idTokenSigningAlg: read(env, 'OIDC_PREFERRED_JWS'),
    clockTolerance: clockSkew(env),
    authorizationParams: { ...presetParams(type), ...customParams(env) },
    secret: secrets(env),
    baseUrl,
    publicKeyUrls: publicKeys(env),
  };
  const options = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
  return { options: options as unknown as OidcEnvConfig, name: (option) => VARIABLES[option] ?? option };
}
