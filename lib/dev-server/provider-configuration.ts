// The oidc-provider configuration that makes node-oidc-provider look like an Auth0 tenant. Only types are imported
// from oidc-provider here: the module itself is loaded lazily by dev-server.ts and passed in.
import { randomBytes } from 'node:crypto';
import type {
  ClientMetadata,
  Configuration,
  default as Provider,
  errors as OidcErrors,
  KoaContextWithOIDC,
} from 'oidc-provider';
import { accountIdFor, cibaHintSubject, claimsByScope, claimsOf } from './accounts.js';
import type { DevServerSetup, ResolvedClient } from './options.js';

/** Auth0's paths, given to oidc-provider's `routes`. */
export const ROUTES = {
  authorization: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  revocation: '/oauth/revoke',
  jwks: '/.well-known/jwks.json',
  pushed_authorization_request: '/oauth/par',
  backchannel_authentication: '/bc-authorize',
} as const;

/** The path under which interactions (login, consent) are answered automatically. */
export const INTERACTION_PATH = '/interaction/';

const CIBA = 'urn:openid:params:grant-type:ciba';
/** The OpenID Connect scopes of the provider (the API's scopes are resource scopes). */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

function clientMetadata(client: ResolvedClient): ClientMetadata {
  const interactive = client.grantTypes.includes('authorization_code');
  const metadata: ClientMetadata = {
    client_id: client.clientId,
    client_name: client.name,
    grant_types: [...client.grantTypes],
    response_types: interactive ? ['code'] : [],
    redirect_uris: [...client.redirectUris],
    token_endpoint_auth_method: client.authMethod,
  };
  if (client.clientSecret !== undefined) metadata.client_secret = client.clientSecret;
  if (client.publicJwk !== undefined) metadata.jwks = { keys: [client.publicJwk] };
  if (client.grantTypes.includes(CIBA)) metadata.backchannel_token_delivery_mode = 'poll';
  return metadata;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Builds the configuration: Auth0 routes, resource indicators driven by Auth0's `audience`, JWT access tokens for
 * the API, refresh tokens for every client allowed the grant, client credentials, revocation, PAR, CIBA with
 * automatic approval, no development interaction pages, JSON error pages and no configuration nags.
 */
export function providerConfiguration(
  issuer: string,
  setup: DevServerSetup,
  errors: typeof OidcErrors,
  provider: () => Provider,
): Configuration {
  const { audience, scopes, user, accessTokenTtl, signingKeys } = setup;
  const signingKid = signingKeys[0]?.kid;
  const userinfoUrl = new URL(ROUTES.userinfo, issuer).href;

  return {
    clients: setup.clients.map(clientMetadata),
    jwks: { keys: signingKeys.map((key) => key.privateJwk) },
    routes: ROUTES,
    scopes: [...OIDC_SCOPES],
    claims: claimsByScope(user),
    conformIdTokenClaims: false,
    extraParams: ['audience'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}${interaction.uid}` },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => claimsOf(sub, user) }),
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    clientBasedCORS: (_ctx, origin) => LOOPBACK_ORIGIN.test(origin),
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
      AuthorizationCode: 60,
      BackchannelAuthenticationRequest: 300,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: 14 * 24 * 3600,
      Session: 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        // Auth0 selects the API with `audience`. On /authorize (and PAR, CIBA) it is a registered extra parameter;
        // the token endpoint drops unknown parameters, so read it from the raw body there. Client credentials
        // without an audience get the API, like a tenant with a default audience.
        defaultResource: (ctx, _client, oneOf) => {
          if (oneOf !== undefined) return oneOf.length === 1 ? oneOf[0] : oneOf;
          if (ctx.oidc.route !== 'token') return text(ctx.oidc.params?.audience);
          const requested = text(ctx.oidc.body?.audience);
          if (requested !== undefined) return requested;
          return ctx.oidc.params?.grant_type === 'client_credentials' ? audience : undefined;
        },
        getResourceServerInfo: (ctx, indicator) => {
          if (indicator !== audience) throw new errors.InvalidTarget(`no API has the identifier ${indicator}`);
          const params = ctx.oidc.params;
          // Auth0 grants a client-credentials token every scope the client may have when it asks for none.
          if (ctx.oidc.route === 'token' && params?.grant_type === 'client_credentials' && !params.scope) {
            params.scope = scopes.join(' ');
          }
          return {
            scope: scopes.join(' '),
            audience,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256', kid: signingKid } },
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
    formats: {
      customizers: {
        // Auth0's access tokens: `azp`, `permissions` (the API scopes), `gty` on client-credentials tokens; and
        // when the user logged in with `openid`, the userinfo endpoint as a second audience and the OIDC scopes
        // in `scope`, so that the same token calls the API and /userinfo.
        jwt: (ctx, token, { payload }) => {
          payload.azp = token.clientId;
          const apiScopes = typeof payload.scope === 'string' && payload.scope !== '' ? payload.scope.split(' ') : [];
          if (apiScopes.length > 0) payload.permissions = apiScopes;
          if (token.kind === 'ClientCredentials') {
            payload.gty = 'client-credentials';
            return;
          }
          const { AuthorizationCode, RefreshToken, BackchannelAuthenticationRequest } = ctx.oidc.entities;
          const source = AuthorizationCode ?? RefreshToken ?? BackchannelAuthenticationRequest;
          const oidcScopes = (source?.scope ?? '').split(' ').filter((scope) => OIDC_SCOPES.includes(scope));
          if (oidcScopes.includes('openid')) {
            payload.aud = [audience, userinfoUrl];
            payload.scope = [...oidcScopes, ...apiScopes].join(' ');
          }
        },
      },
    },
  };
}

/** The Koa middleware signature oidc-provider's `use()` takes. */
export type ProviderMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<unknown>;
