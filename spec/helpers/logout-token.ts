// Back-channel logout tokens (OIDC Back-Channel Logout 1.0 §2.4) signed with the dev server's own signing key (the
// key of fastOptions(), published in its JWKS), for the specs that post them to the web login's route.
import { randomUUID } from 'node:crypto';
import type { DevServer } from '../../lib/dev-server/dev-server.js';
import { signJwt } from './jwt.js';
import { rsaKeys } from './keys.js';

/** A logout token from `server` to `clientId` naming `claims` (`sub` and/or `sid`). */
export function logoutToken(server: DevServer, clientId: string, claims: { sub?: string; sid?: string }): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      iss: server.issuer,
      aud: clientId,
      iat: now,
      exp: now + 120,
      jti: randomUUID(),
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      ...claims,
    },
    {
      alg: 'RS256',
      kid: String(server.jwks.keys[0]!.kid),
      typ: 'logout+jwt',
      key: rsaKeys('dev-server-signing').privateKey,
    },
  );
}
