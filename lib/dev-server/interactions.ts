import type { IncomingMessage } from 'node:http';
import type { default as Provider, InteractionResults, KoaContextWithOIDC } from 'oidc-provider';
import { accountIdFor } from './accounts.js';
import type { DevServerInteractions, DevServerUser } from './options.js';
import { loginPage } from './pages.js';
import { INTERACTION_PATH, type ProviderMiddleware } from './provider-configuration.js';

/** What the interaction pages need to know. */
export interface InteractionSettings {
  /** `auto`: answer at once; `form`: ask for the username and password on a login page. */
  mode: DevServerInteractions;
  /** The test user. */
  user: DevServerUser;
  /** The test user's password (`form` mode). */
  password: string;
  /** The issuer's path, before `/interaction/…` in the URLs a browser sees. */
  issuerPath: string;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const MAX_FORM_BYTES = 16 * 1024;
const WRONG_CREDENTIALS = 'Wrong username or password.';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Reads an `application/x-www-form-urlencoded` body of at most 16 KiB (a larger one reads as empty). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return new URLSearchParams();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Grants everything the consent prompt lists as missing, as a user clicking "Allow" would. */
async function consent(provider: Provider, details: Details): Promise<InteractionResults> {
  const missing = details.prompt.details;
  const grant =
    (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ??
    new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) });
  const scopes = strings(missing.missingOIDCScope);
  if (scopes.length > 0) grant.addOIDCScope(scopes.join(' '));
  const claims = strings(missing.missingOIDCClaims);
  if (claims.length > 0) grant.addOIDCClaims(claims);
  const resources = (missing.missingResourceScopes ?? {}) as Record<string, unknown>;
  for (const [resource, resourceScopes] of Object.entries(resources)) {
    grant.addResourceScope(resource, strings(resourceScopes).join(' '));
  }
  return { consent: { grantId: await grant.save() } };
}

/** The account a username and password of the login form stand for: the test user's `sub` or `email` only. */
function accountFor(form: URLSearchParams, settings: InteractionSettings): string | undefined {
  const { user, password } = settings;
  const username = form.get('username') ?? '';
  const known = username === user.sub || (typeof user.email === 'string' && username === user.email);
  return known && form.get('password') === password ? user.sub : undefined;
}

async function showLoginForm(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  details: Details,
  settings: InteractionSettings,
  failed?: { username: string },
): Promise<void> {
  const clientId = String(details.params.client_id);
  const client = await provider.Client.find(clientId);
  const { user, password } = settings;
  const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = loginPage({
    action: `${settings.issuerPath}${INTERACTION_PATH}${details.uid}`,
    clientName: client?.clientName ?? clientId,
    username: failed?.username ?? hint,
    hint: `Test user: ${typeof user.email === 'string' ? user.email : user.sub}, password: ${password}`,
    ...(failed !== undefined && { error: WRONG_CREDENTIALS }),
  });
}

/**
 * Answers the interaction: consent at once; login at once (`auto`) or through the login form (`form`: GET shows
 * it, POST checks it and shows it again with an error after a wrong username or password). Resolves with the URL
 * to resume the authorization at, or `undefined` when a page was rendered or the interaction is not the one of
 * the browser's cookie (then `ctx.body` is still empty).
 */
async function answer(
  provider: Provider,
  uid: string,
  settings: InteractionSettings,
  ctx: KoaContextWithOIDC,
): Promise<string | undefined> {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) return undefined;
  const { name } = details.prompt;
  let result: InteractionResults;
  if (name === 'consent' && details.session !== undefined) {
    result = await consent(provider, details);
  } else if (name === 'login' && settings.mode === 'auto') {
    result = { login: { accountId: accountIdFor(details.params.login_hint, settings.user) } };
  } else if (name === 'login') {
    if (ctx.method !== 'POST') {
      await showLoginForm(provider, ctx, details, settings);
      return undefined;
    }
    const form = await readForm(ctx.req);
    const accountId = accountFor(form, settings);
    if (accountId === undefined) {
      await showLoginForm(provider, ctx, details, settings, { username: form.get('username') ?? '' });
      return undefined;
    }
    result = { login: { accountId } };
  } else {
    result = { error: 'access_denied', error_description: `the dev server cannot answer the ${name} prompt` };
  }
  return provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
}

/**
 * Answers the interactions of a login (`/interaction/:uid`), as a browser would after the user went through
 * them: the login step logs in the account named by `login_hint` (else the test user) at once, or through a
 * login form in `form` mode; the consent step grants everything asked. An interaction that does not exist (no
 * cookie, expired, wrong uid) gets a 400 JSON error, not a page.
 */
export function interactions(provider: () => Provider, settings: InteractionSettings): ProviderMiddleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(INTERACTION_PATH)) return next();
    const uid = ctx.path.slice(INTERACTION_PATH.length);
    let returnTo: string | undefined;
    try {
      returnTo = await answer(provider(), uid, settings, ctx);
    } catch (error) {
      const { status, error: code } = error as { status?: unknown; error?: unknown };
      if (typeof status !== 'number' || status >= 500 || typeof code !== 'string') throw error;
    }
    if (returnTo !== undefined) {
      ctx.redirect(returnTo);
      ctx.status = 303;
    } else if (ctx.body === undefined || ctx.body === null) {
      ctx.status = 400;
      ctx.body = {
        error: 'invalid_request',
        error_description: 'no such interaction in progress; start at the authorization endpoint',
      };
    }
  };
}
