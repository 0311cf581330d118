import type { default as Provider, InteractionResults, KoaContextWithOIDC } from 'oidc-provider';
import { accountIdFor } from './accounts.js';
import type { DevServerUser } from './options.js';
import { INTERACTION_PATH, type ProviderMiddleware } from './provider-configuration.js';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

async function answer(provider: Provider, uid: string, user: DevServerUser, ctx: KoaContextWithOIDC) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) return undefined;
  const { name, details: missing } = details.prompt;
  let result: InteractionResults;
  if (name === 'login') {
    result = { login: { accountId: accountIdFor(details.params.login_hint, user) } };
  } else if (name === 'consent' && details.session !== undefined) {
    const grant =
      (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ??
      new provider.Grant({ accountId: details.session.accountId, clientId: String(details.params.client_id) });
    const scopes = strings(missing.missingOIDCScope);
    if (scopes.length > 0) grant.addOIDCScope(scopes.join(' '));
    const claims = strings(missing.missingOIDCClaims);
    if (claims.length > 0) grant.addOIDCClaims(claims);
    const resources = (missing.missingResourceScopes ?? {}) as Record<string, unknown>;
    for (const [resource, resourceScopes] of Object.entries(resources)) {
      grant.addResourceScope(resource, strings(resourceScopes).join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  } else {
    result = { error: 'access_denied', error_description: `the dev server cannot answer the ${name} prompt` };
  }
  return provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
}

/**
 * Answers every interaction at once, as a browser would after the user clicked through: the login page logs in
 * the account named by `login_hint` (else the test user) and the consent page grants everything asked. An
 * interaction that does not exist (no cookie, expired, wrong uid) gets a 400 JSON error, not a page.
 */
export function automaticInteractions(provider: () => Provider, user: DevServerUser): ProviderMiddleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(INTERACTION_PATH)) return next();
    const uid = ctx.path.slice(INTERACTION_PATH.length);
    let returnTo: string | undefined;
    try {
      returnTo = await answer(provider(), uid, user, ctx);
    } catch (error) {
      const { status, error: code } = error as { status?: unknown; error?: unknown };
      if (typeof status !== 'number' || status >= 500 || typeof code !== 'string') throw error;
    }
    if (returnTo === undefined) {
      ctx.status = 400;
      ctx.body = {
        error: 'invalid_request',
        error_description: 'no such interaction in progress; start at /authorize',
      };
      return;
    }
    ctx.redirect(returnTo);
    ctx.status = 303;
  };
}
