import { resolveOrigin } from '../authentication/base.js';
import { ConfigurationError } from '../errors.js';

/**
 * Options of {@link buildAuthorizeUrl}: where `/authorize` is, and the parameters of the request, with Auth0's
 * names in camelCase (`redirectUri` is sent as `redirect_uri`). Absent options are not sent.
 */
export interface AuthorizeUrlOptions {
  /** The tenant's host (`tenant.us.auth0.com` or `host:port`); the endpoint is then `/authorize` on it. */
  domain?: string;
  /** `http` only for loopback hosts (tests, the dev server); with `domain` only. @defaultValue 'https' */
  protocol?: 'https' | 'http';
  /** The full authorization endpoint (e.g. `authorization_endpoint` from discovery), instead of `domain`. */
  authorizationEndpoint?: string;
  /** The client's id. */
  clientId: string;
  /** Where the authorization server sends the browser back; must be registered for the client. */
  redirectUri?: string;
  /** Random per-request value bound to the browser session (see `randomState()`); required unless `requestUri`. */
  state?: string;
  /** `code` (with PKCE), or `id_token`, `code id_token`… @defaultValue 'code' */
  responseType?: string;
  /** Space-separated scopes. @defaultValue 'openid profile email' */
  scope?: string;
  /** The API the access token is for (Auth0's `audience`). */
  audience?: string;
  /** Random value the ID token must carry back (see `randomNonce()`); required when an ID token is asked for. */
  nonce?: string;
  /** The `S256` PKCE challenge (see `createPkcePair()`); `code_challenge_method=S256` is added with it. */
  codeChallenge?: string;
  /** `query`, `fragment`, `form_post` or `web_message`. */
  responseMode?: string;
  /** `none`, `login`, `consent`, `select_account` (space-separated). */
  prompt?: string;
  /** Seconds since the last login beyond which the user must log in again. */
  maxAge?: number;
  /** The user's identifier (e-mail) to pre-fill the login. */
  loginHint?: string;
  /** Auth0: the connection to log in with, skipping the login page. */
  connection?: string;
  /** Auth0 Organizations: the organization id or name. */
  organization?: string;
  /** Auth0 Organizations: the invitation id of an invitation link. */
  invitation?: string;
  /** Auth0: `signup` to open the sign-up page. */
  screenHint?: string;
  /** Space-separated BCP 47 language tags for the login page. */
  uiLocales?: string;
  /**
   * The `request_uri` returned by a pushed authorization request (PAR, RFC 9126). The URL then carries only
   * `client_id` and `request_uri`: every other parameter was pushed already.
   */
  requestUri?: string;
  /** Any other parameter, by its wire name (e.g. `acr_values`); must not repeat one of the options above. */
  extraParams?: Record<string, string | undefined>;
}

/** Wire names of the named options, in the order they are sent. */
const WIRE_NAMES = {
  responseType: 'response_type',
  clientId: 'client_id',
  redirectUri: 'redirect_uri',
  scope: 'scope',
  audience: 'audience',
  state: 'state',
  nonce: 'nonce',
  codeChallenge: 'code_challenge',
  codeChallengeMethod: 'code_challenge_method',
  responseMode: 'response_mode',
  prompt: 'prompt',
  maxAge: 'max_age',
  loginHint: 'login_hint',
  connection: 'connection',
  organization: 'organization',
  invitation: 'invitation',
  screenHint: 'screen_hint',
  uiLocales: 'ui_locales',
  requestUri: 'request_uri',
} as const;

const RESERVED = new Set<string>(Object.values(WIRE_NAMES));

/**
 * The {@link AuthorizeUrlOptions} of authorization parameters given by their wire names (`login_hint`,
 * `max_age`, `acr_values`…): the named options for the parameters that have one, `extraParams` for the others.
 * A `max_age` that is not a whole number is passed as text, for {@link buildAuthorizeUrl} to refuse.
 *
 * @internal
 */
export function authorizeUrlOptionsOf(params: Readonly<Record<string, string>>): Partial<AuthorizeUrlOptions> {
  const options: Record<string, unknown> = {};
  const extraParams: Record<string, string> = {};
  const names = Object.entries(WIRE_NAMES);
  for (const [wire, value] of Object.entries(params)) {
    const option = names.find(([, name]) => name === wire)?.[0];
    if (option === undefined) extraParams[wire] = value;
    else options[option] = option === 'maxAge' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return { ...options, ...(Object.keys(extraParams).length > 0 && { extraParams }) };
}

function text(value: unknown, option: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`${option} must be a non-empty string`, option);
  }
  return value;
}

function endpointOf(options: AuthorizeUrlOptions): URL {
  const { domain, authorizationEndpoint } = options;
  if ((domain === undefined) === (authorizationEndpoint === undefined)) {
    throw new ConfigurationError('give exactly one of domain and authorizationEndpoint', 'domain');
  }
  if (domain !== undefined) {
    return new URL('/authorize', resolveOrigin({ domain, protocol: options.protocol }));
  }
  const url = URL.parse(text(authorizationEndpoint, 'authorizationEndpoint', true) ?? '');
  const loopback = url !== null && /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname);
  if (url === null || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new ConfigurationError(
      'authorizationEndpoint must be an absolute https URL (http only for loopback hosts)',
      'authorizationEndpoint',
    );
  }
  return url;
}

function maxAgeOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError('maxAge must be a non-negative integer number of seconds', 'maxAge');
  }
  return String(value);
}

/**
 * Builds the URL of an authorization request to Auth0's `/authorize` (or any OpenID Provider's authorization
 * endpoint) with Auth0's parameter names. It checks what makes a request unsafe or unusable before the user ever
 * sees it: a missing `state`, a missing `nonce` when an ID token is asked for, a parameter given twice.
 *
 * @throws {ConfigurationError} for a missing `clientId`, `redirectUri` or `state`; both or neither of `domain`
 *   and `authorizationEndpoint`; an `http` endpoint that is not loopback; no `nonce` for an `id_token` response;
 *   a `maxAge` that is not a non-negative integer; an `extraParams` name that repeats a named option.
 * @example
 * const { codeVerifier, codeChallenge } = createPkcePair();
 * const state = randomState();
 * const nonce = randomNonce();
 * const url = buildAuthorizeUrl({
 *   domain: 'tenant.us.auth0.com',
 *   clientId: 'my-client-id',
 *   redirectUri: 'https://app.example.com/callback',
 *   audience: 'https://api.example.com/',
 *   scope: 'openid profile email offline_access',
 *   state,
 *   nonce,
 *   codeChallenge,
 * });
 */
export function buildAuthorizeUrl(options: AuthorizeUrlOptions): string {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('options are required');
  const url = endpointOf(options);
  const clientId = text(options.clientId, 'clientId', true);
  const values: Partial<Record<keyof typeof WIRE_NAMES, string>> = {};

  if (options.requestUri !== undefined) {
    const pushed = Object.keys(options).filter(
      (name) =>
        !['domain', 'protocol', 'authorizationEndpoint', 'clientId', 'requestUri'].includes(name) &&
        options[name as keyof AuthorizeUrlOptions] !== undefined,
    );
    if (pushed.length > 0) {
      throw new ConfigurationError(
        `with requestUri the other parameters were pushed already; do not pass ${pushed.join(', ')}`,
        'requestUri',
      );
    }
    values.clientId = clientId;
    values.requestUri = text(options.requestUri, 'requestUri', true);
  } else {
    const responseType = text(options.responseType, 'responseType', false) ?? 'code';
    const nonce = text(options.nonce, 'nonce', responseType.split(' ').includes('id_token'));
    const redirectUri = text(options.redirectUri, 'redirectUri', true) ?? '';
    if (!URL.canParse(redirectUri)) {
      throw new ConfigurationError('redirectUri must be an absolute URL', 'redirectUri');
    }
    Object.assign(values, {
      responseType,
      clientId,
      redirectUri,
      scope: text(options.scope, 'scope', false) ?? 'openid profile email',
      audience: text(options.audience, 'audience', false),
      state: text(options.state, 'state', true),
      nonce,
      codeChallenge: text(options.codeChallenge, 'codeChallenge', false),
      codeChallengeMethod: options.codeChallenge === undefined ? undefined : 'S256',
      responseMode: text(options.responseMode, 'responseMode', false),
      prompt: text(options.prompt, 'prompt', false),
      maxAge: maxAgeOf(options.maxAge),
      loginHint: text(options.loginHint, 'loginHint', false),
      connection: text(options.connection, 'connection', false),
      organization: text(options.organization, 'organization', false),
      invitation: text(options.invitation, 'invitation', false),
      screenHint: text(options.screenHint, 'screenHint', false),
      uiLocales: text(options.uiLocales, 'uiLocales', false),
    });
  }

  for (const [name, wire] of Object.entries(WIRE_NAMES)) {
    const value = values[name as keyof typeof WIRE_NAMES];
    if (value !== undefined) url.searchParams.set(wire, value);
  }
  for (const [name, value] of Object.entries(options.extraParams ?? {})) {
    if (RESERVED.has(name)) {
      throw new ConfigurationError(`extraParams.${name} repeats a named option; use that option`, 'extraParams');
    }
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.href;
}
