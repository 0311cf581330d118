import type { DevServerUser } from './options.js';

/** The standard claims of the OIDC `profile` scope (OIDC Core §5.4). */
const PROFILE_CLAIMS = [
  'name',
  'family_name',
  'given_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'updated_at',
];

const NOT_PROFILE = new Set(['sub', 'email', 'email_verified', 'address', 'phone_number', 'phone_number_verified']);

/**
 * Which claims each scope releases: the standard ones, plus every custom claim of the test user under `profile`
 * (oidc-provider drops claims that no scope names).
 */
export function claimsByScope(user: DevServerUser): Record<string, string[]> {
  const custom = Object.keys(user).filter((claim) => !NOT_PROFILE.has(claim) && !PROFILE_CLAIMS.includes(claim));
  return {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: [...PROFILE_CLAIMS, ...custom],
  };
}

/**
 * The account a login hint names: the test user when the hint is empty or is the user's `sub` or `email`;
 * otherwise an ad-hoc user whose `sub` is the hint, so that one server can stand for many users.
 */
export function accountIdFor(hint: unknown, user: DevServerUser): string {
  if (typeof hint !== 'string' || hint.trim() === '' || hint === user.email) return user.sub;
  return hint;
}

/**
 * Reads the subject of a CIBA `login_hint`: Auth0's JSON form `{"format":"iss_sub","iss":…,"sub":…}`, or a plain
 * subject / e-mail.
 */
export function cibaHintSubject(hint: string): string {
  if (hint.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(hint) as { sub?: unknown };
      if (typeof parsed.sub === 'string') return parsed.sub;
    } catch {
      // Not JSON after all: treat it as a plain hint.
    }
  }
  return hint;
}

/** The claims of an account: the test user's, or only `sub` (and `email` when it looks like one) for others. */
export function claimsOf(accountId: string, user: DevServerUser): DevServerUser {
  if (accountId === user.sub) return { ...user };
  return accountId.includes('@') ? { sub: accountId, email: accountId, email_verified: true } : { sub: accountId };
}
