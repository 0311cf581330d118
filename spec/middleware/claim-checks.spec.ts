import { expect } from 'chai';
import { ConfigurationError, InsufficientScopeError, UnauthorizedError } from '../../lib/errors.js';
import { type AuthResult, BearerAuthenticator } from '../../lib/middleware/bearer.js';
import {
  requireAnyScope,
  requireClaim,
  requireClaimEquals,
  requireClaimIncludes,
  requireScopes,
} from '../../lib/middleware/claim-checks.js';
import { scopesOf } from '../../lib/token-verifier/access-token-verifier.js';
import { type AccessTokenClaims } from '../../lib/token-verifier/claims.js';
import { API, startTestIssuer, type TestIssuer } from '../helpers/issuer.js';
import { thrownBy } from '../helpers/secrets.js';

function authOf(claims: Record<string, unknown>): AuthResult {
  const payload = { iss: 'https://t/', aud: API, exp: 2e9, ...claims } as AccessTokenClaims;
  return { header: { alg: 'RS256' }, payload, scopes: scopesOf(payload), token: 'h.p.s' };
}

function refusal(fn: () => unknown): InsufficientScopeError {
  const err = thrownBy(fn);
  expect(err).to.be.instanceOf(InsufficientScopeError);
  return err as InsufficientScopeError;
}

describe('requireScopes', () => {
  it('passes when the token grants every scope, from scope, scp or permissions', () => {
    const check = requireScopes('read:a', ['write:a']);
    check(authOf({ scope: 'read:a write:a' }));
    check(authOf({ scope: 'read:a', permissions: ['write:a'] }));
    check(authOf({ scp: ['read:a', 'write:a'] }));
  });

  it('refuses with 403, every needed scope in the challenge and the missing ones on the error', () => {
    const err = refusal(() => requireScopes('read:a write:a admin')(authOf({ scope: 'read:a' })));
    expect(err.status).to.equal(403);
    expect(err.scopes).to.deep.equal(['write:a', 'admin']);
    expect(err.headers['WWW-Authenticate']).to.equal(
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="read:a write:a admin"',
    );
  });

  it('does not take a scope that merely starts like a granted one', () => {
    refusal(() => requireScopes('read')(authOf({ scope: 'read:a' })));
  });

  it('answers 401 when the request has no verified token', () => {
    const err = thrownBy(() => requireScopes('read:a')(undefined));
    expect(err).to.be.instanceOf(UnauthorizedError);
    expect((err as UnauthorizedError).headers['WWW-Authenticate']).to.equal('Bearer realm="api"');
  });

  it('refuses invalid scope names at construction', () => {
    expect(thrownBy(() => requireScopes())).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => requireScopes('a"b'))).to.be.instanceOf(ConfigurationError);
  });
});

describe('requireAnyScope', () => {
  it('passes with one of the scopes and refuses with none of them', () => {
    const check = requireAnyScope('read:a', 'admin');
    check(authOf({ permissions: ['admin'] }));
    const err = refusal(() => check(authOf({ scope: 'write:a' })));
    expect(err.headers['WWW-Authenticate']).to.include('scope="read:a admin"');
  });
});

describe('requireClaimEquals', () => {
  it('compares strictly', () => {
    requireClaimEquals('gty', 'client-credentials')(authOf({ gty: 'client-credentials' }));
    requireClaimEquals('n', 1)(authOf({ n: 1 }));
    requireClaimEquals('flag', null)(authOf({ flag: null }));
    refusal(() => requireClaimEquals('n', 1)(authOf({ n: '1' })));
    const err = refusal(() => requireClaimEquals('gty', 'client-credentials')(authOf({})));
    expect(err.headers['WWW-Authenticate']).to.equal(
      'Bearer realm="api", error="insufficient_scope", error_description="the token gty claim does not grant access"',
    );
  });

  it('reads own claims only, never inherited properties', () => {
    const auth = authOf({});
    auth.payload = Object.assign(Object.create({ gty: 'client-credentials' }) as AccessTokenClaims, auth.payload);
    expect(auth.payload.gty).to.equal('client-credentials');
    refusal(() => requireClaimEquals('gty', 'client-credentials')(auth));
    refusal(() => requireClaimIncludes('gty', 'client-credentials')(auth));
  });

  it('refuses bad claim names and non-primitive values at construction', () => {
    expect(thrownBy(() => requireClaimEquals('', 'x'))).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => requireClaimEquals('a"b', 'x'))).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => requireClaimEquals('a', {} as unknown as string))).to.be.instanceOf(ConfigurationError);
  });
});

describe('requireClaimIncludes', () => {
  it('requires every value in an array or a space-separated string', () => {
    const roles = 'https://example.com/roles';
    requireClaimIncludes(roles, 'editor', 'admin')(authOf({ [roles]: ['admin', 'editor', 'x'] }));
    requireClaimIncludes('amr', 'mfa')(authOf({ amr: 'pwd mfa' }));
    refusal(() => requireClaimIncludes(roles, 'editor', 'admin')(authOf({ [roles]: ['editor'] })));
    refusal(() => requireClaimIncludes(roles, 'editor')(authOf({ [roles]: { editor: true } })));
    refusal(() => requireClaimIncludes(roles, 'editor')(authOf({})));
  });

  it('needs at least one value', () => {
    expect(thrownBy(() => requireClaimIncludes('roles'))).to.be.instanceOf(ConfigurationError);
  });
});

describe('requireClaim', () => {
  it('passes only when the test returns true, with the description given', () => {
    const check = requireClaim((payload) => payload.org_id === 'org_1', 'Members of org_1 only');
    check(authOf({ org_id: 'org_1' }));
    const err = refusal(() => check(authOf({ org_id: 'org_2' })));
    expect(err.message).to.equal('Members of org_1 only');
    refusal(() => requireClaim(() => 'yes' as unknown as boolean)(authOf({})));
  });

  it('passes the test its payload and the whole result', () => {
    let seen: AuthResult | undefined;
    const auth = authOf({});
    requireClaim((_payload, result) => {
      seen = result;
      return true;
    })(auth);
    expect(seen).to.equal(auth);
  });

  it('lets what the test throws through', () => {
    const boom = new Error('bug');
    expect(
      thrownBy(() =>
        requireClaim(() => {
          throw boom;
        })(authOf({})),
      ),
    ).to.equal(boom);
  });

  it('refuses a non-function and an unsafe description', () => {
    expect(thrownBy(() => requireClaim('x' as unknown as () => boolean))).to.be.instanceOf(ConfigurationError);
    expect(thrownBy(() => requireClaim(() => true, 'a\nb'))).to.be.instanceOf(ConfigurationError);
  });
});

describe('the realm of claim checks', () => {
  let tenant: TestIssuer;

  before(async () => {
    tenant = await startTestIssuer('claims-realm');
  });

  after(() => tenant.close());

  it('is the realm of the authenticator that verified the token, or let the request through', async () => {
    const authenticator = new BearerAuthenticator({
      issuer: tenant.issuer,
      jwksUri: tenant.jwksUri,
      audience: API,
      realm: 'messages',
      credentialsRequired: false,
    });
    const auth = await authenticator.authenticate({ headers: { authorization: `Bearer ${tenant.sign()}` } });
    const err = refusal(() => requireScopes('admin')(auth));
    expect(err.headers['WWW-Authenticate']).to.match(/^Bearer realm="messages", error="insufficient_scope"/);
    const anonymous = { headers: {} };
    expect(await authenticator.authenticate(anonymous)).to.equal(undefined);
    const missing = thrownBy(() => requireScopes('admin')(undefined, anonymous)) as UnauthorizedError;
    expect(missing).to.be.instanceOf(UnauthorizedError);
    expect(missing.headers['WWW-Authenticate']).to.equal('Bearer realm="messages"');
  });
});
