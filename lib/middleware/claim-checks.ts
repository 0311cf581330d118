import { ConfigurationError } from '../errors.js';
import type { JwtPayload } from '../token-verifier/jwt.js';
import { type AuthResult, realmOf } from './bearer.js';
import { checkParameter, checkScopes, insufficientScope, unauthorized } from './challenge.js';

/**
 * A check of the verified token of a request, run after the middleware: throws an
 * {@link InsufficientScopeError} (403) when the token does not grant access, an {@link UnauthorizedError}
 * (401) when the request has no verified token (`credentialsRequired: false`), and returns otherwise. `req`
 * only serves to find the realm of the middleware that let a request without a token through.
 */
export type ClaimCheck = (auth: AuthResult | undefined, req?: object) => void;

/** A claim value a check compares with. */
export type ClaimValue = string | number | boolean | null;

/** The arguments of the scope checks: scopes, space-separated scope strings, or lists of them. */
export type ScopeList = ReadonlyArray<string | readonly string[]>;

function checkClaimName(claim: unknown): string {
  return checkParameter(claim, 'claim');
}

function checkValue(value: unknown): ClaimValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as ClaimValue;
  throw new ConfigurationError('claim values must be strings, numbers, booleans or null', 'value');
}

function claimOf(payload: JwtPayload, claim: string): unknown {
  return Object.hasOwn(payload, claim) ? payload[claim] : undefined;
}

/** Builds a check from a test of a verified token; the realm comes from the middleware that verified it. */
function check(test: (auth: AuthResult, realm: string) => void): ClaimCheck {
  return (auth, req) => {
    if (auth === undefined || auth === null) throw unauthorized(realmOf(undefined, req));
    test(auth, realmOf(auth));
  };
}

/**
 * Requires every one of `scopes` among the scopes the token grants (`scope`, `scp`, and Auth0's `permissions`).
 * Fails with 403 `insufficient_scope` and `scope="<all of them>"` in the challenge; `err.scopes` lists the
 * missing ones.
 *
 * @throws {ConfigurationError} for no scope, or a scope with a space, `"` or `\`.
 * @example
 * const canWrite = requireScopes('write:messages');
 * canWrite(req.auth); // throws InsufficientScopeError unless the token grants write:messages
 */
export function requireScopes(...scopes: ScopeList): ClaimCheck {
  const needed = checkScopes(scopes, 'scopes');
  return check((auth, realm) => {
    const granted = auth.scopes;
    for (const name of needed) {
      if (!granted.includes(name)) {
        const missing = needed.filter((scope) => !granted.includes(scope));
        throw insufficientScope(realm, 'the token lacks a required scope', needed, missing);
      }
    }
  });
}

/**
 * Requires at least one of `scopes` among the scopes the token grants. Fails with 403 `insufficient_scope`
 * and `scope="<the accepted scopes>"`.
 *
 * @throws {ConfigurationError} for no scope, or a scope with a space, `"` or `\`.
 * @example
 * const canRead = requireAnyScope('read:messages', 'admin');
 */
export function requireAnyScope(...scopes: ScopeList): ClaimCheck {
  const accepted = checkScopes(scopes, 'scopes');
  return check((auth, realm) => {
    const granted = auth.scopes;
    if (!accepted.some((name) => granted.includes(name))) {
      throw insufficientScope(realm, 'the token lacks every accepted scope', accepted);
    }
  });
}

/**
 * Requires the claim `claim` to equal `value` (strictly). Fails with 403 `insufficient_scope`.
 *
 * @throws {ConfigurationError} for an empty or unsafe claim name, or a value that is not a JSON primitive.
 * @example
 * const m2mOnly = requireClaimEquals('gty', 'client-credentials');
 */
export function requireClaimEquals(claim: string, value: ClaimValue): ClaimCheck {
  const name = checkClaimName(claim);
  const expected = checkValue(value);
  const description = `the token ${name} claim does not grant access`;
  return check((auth, realm) => {
    if (claimOf(auth.payload, name) !== expected) throw insufficientScope(realm, description);
  });
}

/**
 * Requires the claim `claim` — an array, or a space-separated string — to include every one of `values`.
 * Fails with 403 `insufficient_scope`.
 *
 * @throws {ConfigurationError} for an empty or unsafe claim name, no value, or values that are not JSON
 *   primitives.
 * @example
 * const editors = requireClaimIncludes('https://example.com/roles', 'editor');
 */
export function requireClaimIncludes(claim: string, ...values: ClaimValue[]): ClaimCheck {
  const name = checkClaimName(claim);
  if (values.length === 0) throw new ConfigurationError('claimIncludes needs at least one value', 'values');
  const expected = values.map(checkValue);
  const description = `the token ${name} claim does not grant access`;
  return check((auth, realm) => {
    const actual = claimOf(auth.payload, name);
    const list: unknown[] = typeof actual === 'string' ? actual.split(' ') : Array.isArray(actual) ? actual : [];
    if (!expected.every((item) => list.includes(item))) throw insufficientScope(realm, description);
  });
}

/**
 * Requires `test(payload, auth)` to return `true` (anything else refuses). It runs synchronously; what it
 * throws is passed on (the application answers 500). Fails with 403 `insufficient_scope` and `description`.
 *
 * @throws {ConfigurationError} for a `test` that is not a function, or a description with characters outside
 *   printable ASCII, `"` and `\`.
 * @example
 * const sameTenant = requireClaim((payload) => payload.org_id === 'org_123', 'Members of org_123 only');
 */
export function requireClaim(
  test: (payload: JwtPayload, auth: AuthResult) => boolean,
  description = 'the token does not grant access',
): ClaimCheck {
  if (typeof test !== 'function') throw new ConfigurationError('claimCheck needs a function', 'test');
  const text = checkParameter(description, 'description');
  return check((auth, realm) => {
    if (test(auth.payload, auth) !== true) throw insufficientScope(realm, text);
  });
}
