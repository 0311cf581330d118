import { expect } from 'chai';
import { ConfigurationError, TokenValidationError } from '../../lib/errors.js';
import { IdTokens, type IdTokensOptions } from '../../lib/oidc/id-tokens.js';
import { BACKCHANNEL_LOGOUT_EVENT } from '../../lib/token-verifier/logout-token-verifier.js';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { publicJwk, signJwt } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

const NOW = 1_800_000_000;
const SECRET = 'id-tokens-test-client-secret-of-40-bytes';
const TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const TENANT_A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TENANT_B = '9188040d-6c67-4c5b-b112-36a304b66dad';

function options(changes: Partial<IdTokensOptions> = {}): IdTokensOptions {
  return {
    issuer: 'https://op.example.com',
    clientId: 'web',
    clientSecret: SECRET,
    algorithm: 'HS256',
    jwksUri: undefined,
    jwksOptions: undefined,
    transport: {},
    leeway: 60,
    clock: () => NOW,
    ...changes,
  };
}

function claims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: 'https://op.example.com', sub: 'user-1', aud: 'web', iat: NOW, exp: NOW + 300, ...changes };
}

describe('IdTokens', () => {
  it('verifies ID tokens signed with the client secret (HS256)', async () => {
    const idTokens = new IdTokens(options());
    const token = signJwt(claims({ nonce: 'n' }), { alg: 'HS256', key: SECRET });
    expect((await idTokens.verify(token, { nonce: 'n' })).sub).to.equal('user-1');
    const err = await rejectionOf(idTokens.verify(token, { nonce: 'other' }));
    expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_NONCE_MISMATCH');
  });

  it('verifies back-channel logout tokens with the same keys', async () => {
    const idTokens = new IdTokens(options());
    const events = { [BACKCHANNEL_LOGOUT_EVENT]: {} };
    const token = signJwt(claims({ jti: 'j', events }), { alg: 'HS256', key: SECRET, typ: 'logout+jwt' });
    expect((await idTokens.verifyLogout(token)).jti).to.equal('j');
  });

  it('needs the jwks_uri of the provider for asymmetric algorithms', () => {
    const err = thrownBy(() => new IdTokens(options({ algorithm: 'RS256' })));
    expect(err).to.be.instanceOf(ConfigurationError);
    expect((err as ConfigurationError).option).to.equal('jwks_uri');
  });

  it('matches the iss of an authorization response exactly', () => {
    const idTokens = new IdTokens(options());
    expect(idTokens.templated).to.equal(false);
    expect(idTokens.matches('https://op.example.com')).to.equal(true);
    expect(idTokens.matches('https://op.example.com/')).to.equal(false);
  });

  describe('with an Entra ID issuer template', () => {
    const keys = rsaKeys();
    let jwks: JwksServer;

    before(async () => {
      jwks = await startJwksServer();
      jwks.setKeys([publicJwk(keys.publicKey, { kid: 'k1' })]);
    });

    after(() => jwks.close());

    function templated(): IdTokens {
      return new IdTokens(
        options({ issuer: TEMPLATE, algorithm: 'RS256', clientSecret: undefined, jwksUri: jwks.jwksUri }),
      );
    }

    function entraToken(tenant: string | undefined, iss: string): string {
      return signJwt(claims({ iss, ...(tenant !== undefined && { tid: tenant }) }), {
        key: keys.privateKey,
        kid: 'k1',
      });
    }

    it("accepts each tenant's ID tokens, whose issuer is the template filled with their tid", async () => {
      const idTokens = templated();
      expect(idTokens.templated).to.equal(true);
      const a = entraToken(TENANT_A, `https://login.microsoftonline.com/${TENANT_A}/v2.0`);
      const b = entraToken(TENANT_B, `https://login.microsoftonline.com/${TENANT_B}/v2.0`);
      expect((await idTokens.verify(a, {})).tid).to.equal(TENANT_A);
      expect((await idTokens.verify(b, {})).tid).to.equal(TENANT_B);
    });

    it('refuses a token whose issuer names another tenant than its tid, or which has no tid', async () => {
      const idTokens = templated();
      const crossed = entraToken(TENANT_A, `https://login.microsoftonline.com/${TENANT_B}/v2.0`);
      expect(((await rejectionOf(idTokens.verify(crossed, {}))) as TokenValidationError).code).to.equal(
        'ERR_TOKEN_ISS_MISMATCH',
      );
      const without = entraToken(undefined, `https://login.microsoftonline.com/${TENANT_A}/v2.0`);
      expect(((await rejectionOf(idTokens.verify(without, {}))) as TokenValidationError).code).to.equal(
        'ERR_TOKEN_ISS_MISMATCH',
      );
      const odd = entraToken('not-a-tenant', 'https://login.microsoftonline.com/not-a-tenant/v2.0');
      expect(((await rejectionOf(idTokens.verify(odd, {}))) as TokenValidationError).code).to.equal(
        'ERR_TOKEN_ISS_MISMATCH',
      );
      for (const garbage of ['not.a.token', 'garbage']) {
        const err = await rejectionOf(idTokens.verify(garbage, {}));
        expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_MALFORMED');
      }
    });

    // Logout tokens were checked against the template itself, which no token can name (Entra ID sends no
    // back-channel logout today: latent).
    it("accepts each tenant's logout tokens as its ID tokens, and refuses one of a crossed tenant", async () => {
      const idTokens = templated();
      const logout = (tenant: string, iss: string) =>
        signJwt(claims({ iss, tid: tenant, jti: 'j', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } }), {
          key: keys.privateKey,
          kid: 'k1',
          typ: 'logout+jwt',
        });
      const issuer = `https://login.microsoftonline.com/${TENANT_A}/v2.0`;
      expect((await idTokens.verifyLogout(logout(TENANT_A, issuer))).iss).to.equal(issuer);
      const crossed = await rejectionOf(idTokens.verifyLogout(logout(TENANT_B, issuer)));
      expect((crossed as TokenValidationError).code).to.equal('ERR_TOKEN_ISS_MISMATCH');
    });

    it('keeps the verifiers of at most 100 tenants, and verifies the tokens of any number', async () => {
      const idTokens = templated();
      for (let i = 0; i <= 100; i++) {
        const tenant = `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
        const token = entraToken(tenant, `https://login.microsoftonline.com/${tenant}/v2.0`);
        expect((await idTokens.verify(token, {})).tid).to.equal(tenant);
      }
    });

    it('matches the iss of an authorization response against the template', () => {
      const idTokens = templated();
      expect(idTokens.matches(`https://login.microsoftonline.com/${TENANT_A}/v2.0`)).to.equal(true);
      expect(idTokens.matches('https://login.microsoftonline.com/evil/v2.0')).to.equal(false);
      expect(idTokens.matches(`https://evil.example.com/${TENANT_A}/v2.0`)).to.equal(false);
      expect(idTokens.matches(`https://login.microsoftonline.com/${TENANT_A}/v2.0/x`)).to.equal(false);
    });
  });
});
