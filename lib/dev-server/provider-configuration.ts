// The oidc-provider configuration of the dev server, for either profile. Only types are imported from oidc-provider
// here: the module itself is loaded lazily by dev-server.ts and passed in.
import { randomBytes } from 'node:crypto';
import type {
  ClientMetadata,
  Configuration,
  default as Provider,
  errors as OidcErrors,
  KoaContextWithOIDC,
} from 'oidc-provider';
import { accountIdFor, cibaHintSubject, claimsByScope, claimsOf } from './accounts.js';
import type { ResolvedClient } from './clients.js';
import type { DevServerSetup } from './options.js';
import { autoSubmitPage, deviceConfirmPage, deviceInputPage, messagePage } from './pages.js';
import { routesOf } from './profile.js';

/** The path under which interactions (login, consent) are answered. */
export const INTERACTION_PATH = '/interaction/';

const CIBA = 'urn:openid:params:grant-type:ciba';
/** The OpenID Connect scopes of the provider (the API's scopes are resource scopes). */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

function clientMetadata(client: ResolvedClient): ClientMetadata {
  const metadata: ClientMetadata = {
    client_id: client.clientId,
    client_name: client.name,
    grant_types: [...client.grantTypes],
    response_types: [...client.responseTypes],
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    token_endpoint_auth_method: client.authMethod,
  };
  if (client.clientSecret !== undefined) metadata.client_secret = client.clientSecret;
  if (client.publicJwk !== undefined) metadata.jwks = { keys: [client.publicJwk] };
  if (client.grantTypes.includes(CIBA)) metadata.backchannel_token_delivery_mode = 'poll';
  if (client.backchannelLogoutUri !== undefined) {
    metadata.backchannel_logout_uri = client.backchannelLogoutUri;
    metadata.backchannel_logout_session_required = true;
  }
  return metadata;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * oidc-provider's outgoing requests (back-channel logout tokens) without the SSRF guard it adds as `dispatcher`,
 * which drops connections to loopback addresses, where the relying parties of a dev server listen.
 */
function fetchWithoutGuard(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const options: RequestInit & { dispatcher?: unknown } = { ...init };
  delete options.dispatcher;
  return globalThis.fetch(input, options);
}

/** Why a device code was refused, for the page that asks for it again. */
function deviceCodeFailure(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  const { name, userCode } = error as { name?: unknown; userCode?: unknown };
  if (name === 'AbortedError') return 'The sign-in was cancelled.';
  if (name === 'NoCodeError' || userCode !== undefined) return 'That code is not valid; check it and try again.';
  return 'Something went wrong; try again.';
}

/**
 * Builds the configuration: the profile's routes; resource indicators driven by Auth0's `audience` (or RFC 8707
 * `resource`); JWT (or opaque) access tokens for the API; refresh tokens; client credentials, revocation, PAR,
 * CIBA with automatic approval, the device flow, RP-initiated and back-channel logout, introspection (standard
 * profile); the dev server's own pages; JSON error pages and no configuration nags.
 */
export function providerConfiguration(
  issuer: string,
  setup: DevServerSetup,
  errors: typeof OidcErrors,
  provider: () => Provider,
): Configuration {
  const { profile, audience, scopes, user, accessTokenTtl, accessTokenFormat, signingKeys } = setup;
  const auth0 = profile === 'auth0';
  const signingKid = signingKeys[0]?.kid;
  const routes = routesOf(profile);
  const userinfoUrl = `${issuer.replace(/\/$/, '')}${routes.userinfo}`;
  const rotation = new Map(setup.clients.map((client) => [client.clientId, client.rotateRefreshTokens]));
  const auto = setup.interactions === 'auto';

  return {
    clients: setup.clients.map(clientMetadata),
    jwks: { keys: signingKeys.map((key) => key.privateJwk) },
    routes,
    scopes: [...OIDC_SCOPES],
    claims: claimsByScope(user),
    conformIdTokenClaims: false,
    extraParams: ['audience'],
    responseTypes: ['code', 'id_token', 'id_token token', 'code id_token'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    interactions: { url: (_ctx, interaction) => `${setup.issuerPath}${INTERACTION_PATH}${interaction.uid}` },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => claimsOf(sub, user) }),
    // A refresh token for every client allowed the grant, as Keycloak does: oidc-provider would drop
    // `offline_access` unless `prompt=consent`, and issue none without it.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: (ctx) => rotation.get(ctx.oidc.client?.clientId ?? '') === true,
    clientBasedCORS: (_ctx, origin) => LOOPBACK_ORIGIN.test(origin),
    fetch: fetchWithoutGuard,
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
      AuthorizationCode: 60,
      BackchannelAuthenticationRequest: 300,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
      DeviceCode: 600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 14 * 24 * 3600,
      Session: 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Auth0 has no introspection endpoint. A confidential client (an API) may introspect any token.
      introspection: {
        enabled: !auth0,
        allowedPolicy: (_ctx, client, token) =>
          client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      // Served at /v2/logout by the auth0 profile (see auth0-logout.ts). The logout page submits itself: the
      // dev server never asks whether to log out, and always ends the whole session.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          const confirmed = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
          ctx.body = autoSubmitPage('Signing out', 'Ending your session…', confirmed);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = messagePage('Signed out', 'You are signed out of the dev server.');
        },
      },
      backchannelLogout: { enabled: true },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form, _out, error) => {
          ctx.body = deviceInputPage(form, deviceCodeFailure(error));
        },
        // With automatic interactions the confirmation submits itself: opening verification_uri_complete
        // approves the device.
        userCodeConfirmSource: (ctx, form, client, _deviceInfo, userCode) => {
          ctx.body = auto
            ? autoSubmitPage('Confirm the device', `Approving the code ${userCode}…`, form)
            : deviceConfirmPage(form, client.clientName ?? client.clientId, userCode);
        },
        successSource: (ctx) => {
          const client = ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? 'the device';
          ctx.body = messagePage('Device activated', `You are signed in on ${client}; you can close this page.`);
        },
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        // The API is selected with RFC 8707 `resource`, or with Auth0's `audience`: on /authorize (and PAR, CIBA,
        // the device flow) it is a registered extra parameter; the token endpoint drops unknown parameters, so it
        // is read from the raw body there. On the auth0 profile, client credentials without an audience get the
        // API, like a tenant with a default audience; on the standard profile they get an opaque token.
        defaultResource: (ctx, _client, oneOf) => {
          if (oneOf !== undefined) return oneOf.length === 1 ? oneOf[0] : oneOf;
          if (ctx.oidc.route !== 'token') return text(ctx.oidc.params?.audience);
          const requested = text(ctx.oidc.body?.audience);
          if (requested !== undefined) return requested;
          return auth0 && ctx.oidc.params?.grant_type === 'client_credentials' ? audience : undefined;
        },
        getResourceServerInfo: (ctx, indicator) => {
          if (indicator !== audience) throw new errors.InvalidTarget(`no API has the identifier ${indicator}`);
          const params = ctx.oidc.params;
          // Auth0 grants a client-credentials token every scope the client may have when it asks for none.
          if (auth0 && ctx.oidc.route === 'token' && params?.grant_type === 'client_credentials' && !params.scope) {
            params.scope = scopes.join(' ');
          }
          return {
            scope: scopes.join(' '),
            audience,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat,
            ...(accessTokenFormat === 'jwt' && { jwt: { sign: { alg: 'RS256', kid: signingKid } } }),
          };
        },
        useGrantedResource: () => true,
      },
      ciba: {
        enabled: true,
        deliveryModes: ['poll'],
        processLoginHint: (_ctx, hint) => accountIdFor(cibaHintSubject(hint ?? ''), user),
        processLoginHintToken: () => {
          throw new errors.InvalidRequest('login_hint_token is not supported by the dev server; use login_hint');
        },
        validateBindingMessage: (_ctx, message) => {
          if (message !== undefined && !/^[\p{L}\p{N} +\-_.,:#!?]{1,64}$/u.test(message)) {
            throw new errors.InvalidBindingMessage('binding_message must be 1 to 64 letters, digits or +-_.,:#!?');
          }
        },
        validateRequestContext: () => undefined,
        verifyUserCode: () => undefined,
        // The test user approves at once: grant what was asked and complete the request.
        triggerAuthenticationDevice: async (_ctx, request, account, client) => {
          const grant = new (provider().Grant)({ accountId: account.accountId, clientId: client.clientId });
          if (request.scope) grant.addOIDCScope(request.scope);
          for (const resource of [request.resource ?? []].flat()) {
            if (request.scope) grant.addResourceScope(resource, request.scope);
          }
          await grant.save();
          await provider().backchannelResult(request, grant, { authTime: Math.floor(Date.now() / 1000) });
        },
      },
    },
    ...(auth0 && { formats: { customizers: { jwt: auth0AccessTokenClaims(audience, userinfoUrl) } } }),
  };
}

type JwtCustomizer = NonNullable<NonNullable<NonNullable<Configuration['formats']>['customizers']>['jwt']>;

/**
 * Auth0's access-token claims: `azp`, `permissions` (the API scopes), `gty` on client-credentials tokens; and when
 * the user logged in with `openid`, the userinfo endpoint as a second audience and the OIDC scopes in `scope`, so
 * that the same token calls the API and /userinfo.
 */
function auth0AccessTokenClaims(audience: string, userinfoUrl: string): JwtCustomizer {
  return (ctx, token, { payload }) => {
    payload.azp = token.clientId;
    const apiScopes = typeof payload.scope === 'string' && payload.scope !== '' ? payload.scope.split(' ') : [];
    if (apiScopes.length > 0) payload.permissions = apiScopes;
    if (token.kind === 'ClientCredentials') {
      payload.gty = 'client-credentials';
      return;
    }
    const { AuthorizationCode, RefreshToken, BackchannelAuthenticationRequest, DeviceCode } = ctx.oidc.entities;
    const source = AuthorizationCode ?? RefreshToken ?? BackchannelAuthenticationRequest ?? DeviceCode;
    const oidcScopes = (source?.scope ?? '').split(' ').filter((scope) => OIDC_SCOPES.includes(scope));
    if (oidcScopes.includes('openid')) {
      payload.aud = [audience, userinfoUrl];
      payload.scope = [...oidcScopes, ...apiScopes].join(' ');
    }
  };
}

/** The Koa middleware signature oidc-provider's `use()` takes. */
export type ProviderMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<unknown>;
