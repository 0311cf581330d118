import { type KeyObject, verify } from 'node:crypto';
import { claimsByScope, claimsOf } from './accounts.js';
import type { DevServerUser } from './options.js';
import { AUTH0_ROUTES } from './profile.js';
import type { ProviderMiddleware } from './provider-configuration.js';

const BEARER_JWT = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/;

function decode(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The reason a JWT access token may not call /userinfo, or `undefined` when it may. */
function rejection(
  parts: [string, string, string],
  keys: ReadonlyMap<string, KeyObject>,
  issuer: string,
  userinfoUrl: string,
): string | undefined {
  const [headerPart, payloadPart, signature] = parts;
  const header = decode(headerPart);
  const key = typeof header?.kid === 'string' ? keys.get(header.kid) : undefined;
  if (header?.alg !== 'RS256' || key === undefined) return 'the token was not signed by this server';
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!verify('sha256', signingInput, key, Buffer.from(signature, 'base64url'))) return 'invalid signature';
  const payload = decode(payloadPart);
  if (payload?.iss !== issuer) return 'the token has another issuer';
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) return 'the token is expired';
  if (!(Array.isArray(payload.aud) && payload.aud.includes(userinfoUrl))) {
    return 'the token audience does not include the userinfo endpoint (log in with the openid scope)';
  }
  if (typeof payload.sub !== 'string') return 'the token has no subject';
  return undefined;
}

/**
 * Answers `/userinfo` for the JWT access tokens this server issues for the API with `openid` (Auth0 style: the
 * userinfo endpoint is their second audience), which oidc-provider's own endpoint refuses; opaque tokens go on
 * to oidc-provider. The claims released follow the token's OIDC scopes, as at oidc-provider's endpoint.
 */
export function jwtUserinfo(
  issuer: string,
  keys: ReadonlyMap<string, KeyObject>,
  user: DevServerUser,
): ProviderMiddleware {
  const userinfoUrl = new URL(AUTH0_ROUTES.userinfo, issuer).href;
  const byScope = claimsByScope(user);
  return async (ctx, next) => {
    const match = ctx.path === AUTH0_ROUTES.userinfo ? BEARER_JWT.exec(ctx.get('authorization')) : null;
    if (match === null) return next();
    const parts: [string, string, string] = [match[1] ?? '', match[2] ?? '', match[3] ?? ''];
    ctx.set('Cache-Control', 'no-store');
    const reason = rejection(parts, keys, issuer, userinfoUrl);
    if (reason !== undefined) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', `Bearer realm="${issuer}", error="invalid_token", error_description="${reason}"`);
      ctx.body = { error: 'invalid_token', error_description: reason };
      return;
    }
    const payload = decode(parts[1]) ?? {};
    const scopes = String(payload.scope ?? '').split(' ');
    const released = new Set(['sub', ...scopes.flatMap((scope) => byScope[scope] ?? [])]);
    const claims = claimsOf(String(payload.sub), user);
    ctx.body = Object.fromEntries(Object.entries(claims).filter(([claim]) => released.has(claim)));
  };
}
