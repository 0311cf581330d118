import type { default as Provider } from 'oidc-provider';
import { AUTH0_ROUTES, DISCOVERY_PATH } from './profile.js';
import type { ProviderMiddleware } from './provider-configuration.js';

/**
 * Auth0's `/v2/logout` on top of oidc-provider's RP-initiated logout (routed to that path by the auth0 profile):
 * `returnTo` is read as `post_logout_redirect_uri` and must be one of the client's post-logout redirect URIs
 * (Auth0's "Allowed Logout URLs"), so it needs `client_id`; with `client_id` alone the browser goes to the
 * client's first one, as on Auth0; a `returnTo` that is not allowed is refused with a 400 error. The discovery document does not advertise the endpoint, as Auth0's does not.
 */
export function auth0Logout(provider: () => Provider): ProviderMiddleware {
  return async (ctx, next) => {
    if (ctx.path === AUTH0_ROUTES.end_session && ctx.method === 'GET') {
      const query = new URLSearchParams(ctx.querystring);
      const returnTo = query.get('returnTo');
      const clientId = query.get('client_id');
      query.delete('returnTo');
      if (returnTo !== null && clientId === null) {
        ctx.status = 400;
        ctx.body = {
          error: 'invalid_request',
          error_description: 'returnTo needs client_id: the dev server has no tenant-level Allowed Logout URLs',
        };
        return;
      }
      const client = clientId === null || returnTo !== null ? undefined : await provider().Client.find(clientId);
      const target = returnTo ?? client?.postLogoutRedirectUris?.[0];
      if (target !== undefined) query.set('post_logout_redirect_uri', target);
      ctx.querystring = query.toString();
    }
    await next();
    const body = ctx.body as { error_description?: unknown } | null | undefined;
    if (
      ctx.path === AUTH0_ROUTES.end_session &&
      body?.error_description === 'post_logout_redirect_uri not registered'
    ) {
      body.error_description = "returnTo is not one of the client's Allowed Logout URLs (postLogoutRedirectUris)";
    }
    if (ctx.path === DISCOVERY_PATH && ctx.body !== null && typeof ctx.body === 'object') {
      delete (ctx.body as { end_session_endpoint?: unknown }).end_session_endpoint;
    }
  };
}
