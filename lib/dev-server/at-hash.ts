import { createHash, type KeyObject, sign } from 'node:crypto';
import { AUTH0_ROUTES } from './profile.js';
import type { ProviderMiddleware } from './provider-configuration.js';

/**
 * Adds `at_hash` (OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token) to an RS256 ID
 * token issued together with an access token, and signs it again with the same key. oidc-provider puts `at_hash`
 * only in ID tokens from the authorization endpoint; Auth0 puts it in token-endpoint ID tokens too, and relying
 * parties test it there. The token is returned unchanged when it already has `at_hash`, is not RS256, or was signed
 * by a key this server does not hold.
 */
export function addAtHash(idToken: string, accessToken: string, keys: ReadonlyMap<string, KeyObject>): string {
  const [headerPart, payloadPart, signature] = idToken.split('.');
  if (headerPart === undefined || payloadPart === undefined || signature === undefined) return idToken;
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown };
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== 'RS256' || key === undefined || 'at_hash' in payload) return idToken;
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  payload.at_hash = digest.subarray(0, digest.length / 2).toString('base64url');
  const signingInput = `${headerPart}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

/** Puts `at_hash` into the ID tokens of token-endpoint responses (see {@link addAtHash}). */
export function atHashOnTokenResponses(keys: ReadonlyMap<string, KeyObject>): ProviderMiddleware {
  return async (ctx, next) => {
    await next();
    if (ctx.path !== AUTH0_ROUTES.token || ctx.status !== 200) return;
    const body = ctx.body as { id_token?: unknown; access_token?: unknown } | null | undefined;
    if (typeof body?.id_token !== 'string' || typeof body.access_token !== 'string') return;
    ctx.body = { ...body, id_token: addAtHash(body.id_token, body.access_token, keys) };
  };
}
