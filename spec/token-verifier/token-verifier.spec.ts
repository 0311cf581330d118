import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  ConfigurationError,
  JwksError,
  KeyNotFoundError,
  KeySourceUnavailableError,
  NetworkError,
  TokenValidationError,
} from '../../lib/errors.js';
import { DIAGNOSTICS_CHANNELS, type VerificationFailureMessage } from '../../lib/diagnostics.js';
import type { ParsedJwt } from '../../lib/token-verifier/jwt.js';
import {
  AsymmetricSignatureVerifier,
  type KeyHandle,
  SymmetricSignatureVerifier,
} from '../../lib/token-verifier/signature-verifier.js';
import {
  type IdTokenVerifyOptions,
  TokenVerifier,
  type TokenVerifierOptions,
} from '../../lib/token-verifier/token-verifier.js';
import { listen, stopListening } from '../helpers/diagnostics.js';
import { JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { b64url, halfHash, publicJwk, signJwt, signSegments } from '../helpers/jwt.js';
import { ecKeys, edKeys, rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';

// The fixtures of auth0-python's verifier tests, except the HMAC secret: theirs is 'secret' (6 bytes), which
// RFC 7518 §3.2 (and our constructor) refuses for HS256; ours is 40 bytes.
const ISSUER = 'https://tokens-test.auth0.com/';
const AUDIENCE = 'tokens-test-123';
const OTHER_AUDIENCE = 'external-test-999';
const NONCE = 'a1b2c3d4e5';
const SECRET = 'tokens-test-shared-secret-of-40-bytes!!!';
const CLOCK = 1587592561;
const LEEWAY = 60;
const PAYLOAD = {
  iss: ISSUER,
  sub: 'auth0|123456789',
  aud: [AUDIENCE, OTHER_AUDIENCE],
  azp: AUDIENCE,
  exp: 1587765361,
  iat: CLOCK,
  auth_time: 1587678961,
  nonce: NONCE,
};

type Claims = Record<string, unknown>;

/** An HS256 token of the standard payload with `changes` applied (`undefined` removes a claim). */
function hs256(changes: Claims = {}, header: { alg?: string; typ?: string | null; header?: Claims } = {}): string {
  const merged: Claims = { ...PAYLOAD, ...changes };
  const payload = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  return signJwt(payload, { alg: 'HS256', key: SECRET, ...header });
}

function verifier(options: Partial<TokenVerifierOptions> = {}): TokenVerifier {
  return new TokenVerifier({
    signatureVerifier: new SymmetricSignatureVerifier(SECRET),
    issuer: ISSUER,
    audience: AUDIENCE,
    leeway: LEEWAY,
    clock: () => CLOCK,
    ...options,
  });
}

async function failure(
  token: string,
  options: IdTokenVerifyOptions = { nonce: NONCE },
  verifierOptions: Partial<TokenVerifierOptions> = {},
): Promise<TokenValidationError> {
  const err = await rejectionOf(verifier(verifierOptions).verify(token, options));
  expect(err).to.be.instanceOf(TokenValidationError);
  expect((err as TokenValidationError).code).to.match(/^ERR_/);
  return err as TokenValidationError;
}

async function expectMessage(token: string, message: string, options?: IdTokenVerifyOptions): Promise<string> {
  const err = await failure(token, options);
  expect(err.message).to.equal(message);
  return err.code;
}

describe('TokenVerifier', () => {
  let server: JwksServer;

  before(async () => {
    server = await startJwksServer();
  });

  after(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.setKeys([publicJwk(rsaKeys().publicKey, { kid: 'test-key-1', alg: 'RS256', use: 'sig' })]);
    server.resetCounts();
  });

  describe('construction', () => {
    it('fails with a signature verifier that is not a SignatureVerifier', () => {
      const err = thrownBy(() => verifier({ signatureVerifier: 'value' as never }));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect(err.message).to.equal('signatureVerifier must be an instance of SignatureVerifier.');
    });

    it('defaults to a leeway of 60 s', () => {
      expect(
        new TokenVerifier({
          signatureVerifier: new SymmetricSignatureVerifier(SECRET),
          issuer: ISSUER,
          audience: AUDIENCE,
        }).leeway,
      ).to.equal(60);
    });

    for (const leeway of ['60', Number.NaN, -1, 301, Number.POSITIVE_INFINITY, null]) {
      it(`refuses the leeway ${String(leeway)}`, () => {
        const err = thrownBy(() => verifier({ leeway: leeway as number }));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal('leeway');
      });
    }

    it('accepts the leeway bounds 0 and 300', () => {
      expect(verifier({ leeway: 0 }).leeway).to.equal(0);
      expect(verifier({ leeway: 300 }).leeway).to.equal(300);
    });

    for (const [option, value] of [
      ['issuer', ''],
      ['issuer', undefined],
      ['audience', ''],
      ['audience', ' '],
      ['audience', ['a']],
      ['clock', 1587592561],
      ['maxTokenLength', 0],
      ['cache', 'yes'],
    ] as const) {
      it(`refuses ${option} ${JSON.stringify(value)}`, () => {
        expect(thrownBy(() => verifier({ [option]: value }))).to.be.instanceOf(ConfigurationError);
      });
    }
  });

  describe('the original suite', () => {
    it('fails when the token is empty or missing', async () => {
      for (const token of ['', null, undefined, Buffer.from('a.b.c'), 42]) {
        const err = await failure(token as unknown as string);
        expect(err.message).to.equal('ID token is required but missing.');
        expect(err.code).to.equal('ERR_TOKEN_MISSING');
      }
    });

    it('fails when the token format is invalid', async () => {
      for (const token of ['a.b', 'a.b.', 'a.b.c.d']) {
        expect(await expectMessage(token, 'token could not be decoded.')).to.equal('ERR_TOKEN_MALFORMED');
      }
    });

    it('passes an HS256 token', async () => {
      const claims = await verifier({ leeway: 0 }).verify(hs256(), { nonce: NONCE });
      expect(claims).to.deep.equal(PAYLOAD);
    });

    it('passes an RS256 token', async () => {
      const rs = new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(server.jwksUri),
        issuer: ISSUER,
        audience: AUDIENCE,
        leeway: LEEWAY,
        clock: () => CLOCK,
      });
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      expect(await rs.verify(token, { nonce: NONCE })).to.deep.equal(PAYLOAD);
      expect(server.count(JWKS_PATH)).to.equal(1);
    });

    it('fails an HS256 token with an invalid signature', async () => {
      const token = `${hs256().split('.').slice(0, 2).join('.')}.invalidsignature`;
      expect(await expectMessage(token, 'Invalid token signature.')).to.equal('ERR_TOKEN_SIGNATURE_INVALID');
    });

    it('fails an RS256 token with an invalid signature', async () => {
      const rs = new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(server.jwksUri),
        issuer: ISSUER,
        audience: AUDIENCE,
        clock: () => CLOCK,
      });
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      const err = await rejectionOf(
        rs.verify(`${token.slice(0, token.lastIndexOf('.'))}.invalidsignature`, { nonce: NONCE }),
      );
      expect(err.message).to.equal('Invalid token signature.');
    });

    it('fails with an algorithm that is not supported', async () => {
      const rs = new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(server.jwksUri),
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      const err = await rejectionOf(rs.verify(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(PAYLOAD)}.`));
      expect(err.message).to.equal(
        'Signature algorithm of "none" is not supported. Expected the token to be signed with "RS256"',
      );
      expect(server.count(JWKS_PATH)).to.equal(0);
    });

    it('fails when iss is missing', async () => {
      await expectMessage(hs256({ iss: undefined }), 'Issuer (iss) claim must be a string present in the ID token');
    });

    it('fails when iss is invalid', async () => {
      await expectMessage(
        hs256({ iss: 'something-else' }),
        `Issuer (iss) claim mismatch in the ID token; expected "${ISSUER}", found "something-else"`,
      );
    });

    it('fails when sub is missing', async () => {
      await expectMessage(hs256({ sub: undefined }), 'Subject (sub) claim must be a string present in the ID token');
    });

    it('fails when aud is missing', async () => {
      await expectMessage(
        hs256({ aud: undefined }),
        'Audience (aud) claim must be a string or array of strings present in the ID token',
      );
    });

    it('fails when aud is invalid', async () => {
      await expectMessage(
        hs256({ aud: [OTHER_AUDIENCE] }),
        `Audience (aud) claim mismatch in the ID token; expected "${AUDIENCE}" but was not one of "${OTHER_AUDIENCE}"`,
      );
      await expectMessage(
        hs256({ aud: OTHER_AUDIENCE }),
        `Audience (aud) claim mismatch in the ID token; expected "${AUDIENCE}" but found "${OTHER_AUDIENCE}"`,
      );
    });

    it('fails when exp is missing', async () => {
      await expectMessage(
        hs256({ exp: undefined }),
        'Expiration Time (exp) claim must be a number present in the ID token',
      );
    });

    it('fails when exp is past', async () => {
      const err = await rejectionOf(
        verifier({ clock: () => CLOCK + 61 }).verify(hs256({ exp: CLOCK }), { nonce: NONCE }),
      );
      expect(err.message).to.equal(
        'Expiration Time (exp) claim error in the ID token; current time (1587592622) is after expiration time (1587592621)',
      );
    });

    it('fails when iat is missing', async () => {
      await expectMessage(hs256({ iat: undefined }), 'Issued At (iat) claim must be a number present in the ID token');
    });

    it('passes when the nonce is neither expected nor present', async () => {
      expect(await verifier().verify(hs256({ nonce: undefined }))).to.include({ sub: 'auth0|123456789' });
    });

    it('fails when the nonce is expected but missing', async () => {
      await expectMessage(hs256({ nonce: undefined }), 'Nonce (nonce) claim must be a string present in the ID token');
    });

    it('fails when the nonce is invalid', async () => {
      await expectMessage(
        hs256({ nonce: '000999' }),
        `Nonce (nonce) claim mismatch in the ID token; expected "${NONCE}", found "000999"`,
      );
    });

    it('fails when aud is an array and azp is missing', async () => {
      await expectMessage(
        hs256({ azp: undefined }),
        'Authorized Party (azp) claim must be a string present in the ID token when Audience (aud) claim has multiple values',
      );
    });

    it('fails when aud is an array and azp is invalid', async () => {
      await expectMessage(
        hs256({ azp: OTHER_AUDIENCE }),
        `Authorized Party (azp) claim mismatch in the ID token; expected "${AUDIENCE}", found "${OTHER_AUDIENCE}"`,
      );
    });

    it('fails when max_age is given and auth_time is missing', async () => {
      await expectMessage(
        hs256({ auth_time: undefined }),
        'Authentication Time (auth_time) claim must be a number present in the ID token when Max Age (max_age) is specified',
        { nonce: NONCE, maxAge: 120 },
      );
    });

    it('fails when max_age is given and auth_time is too old', async () => {
      const err = await rejectionOf(
        verifier({ clock: () => 1587592742 }).verify(hs256({ auth_time: CLOCK }), { nonce: NONCE, maxAge: 120 }),
      );
      expect(err.message).to.equal(
        'Authentication Time (auth_time) claim in the ID token indicates that too much time has passed since the last end-user authentication. Current time (1587592742) is after last auth at (1587592741)',
      );
    });

    describe('organizations', () => {
      const org = { aud: AUDIENCE, sub: 'auth0|sdk458fks', azp: undefined, nonce: undefined };

      it('passes when org_id is present but not required', async () => {
        expect((await verifier().verify(hs256({ ...org, org_id: 'org_123' }))).org_id).to.equal('org_123');
      });

      it('passes when org_id is present and matches', async () => {
        const claims = await verifier().verify(hs256({ ...org, org_id: 'org_123' }), { organization: 'org_123' });
        expect(claims.org_id).to.equal('org_123');
      });

      it('fails when org_name is expected but missing', async () => {
        await expectMessage(hs256(org), 'Organization (org_name) claim must be a string present in the ID token', {
          organization: 'org-123',
        });
      });

      it('fails when org_name is expected but not a string', async () => {
        await expectMessage(
          hs256({ ...org, org_name: 42 }),
          'Organization (org_name) claim must be a string present in the ID token',
          { organization: 'org-123' },
        );
      });

      it('fails when org_name does not match', async () => {
        await expectMessage(
          hs256({ ...org, org_name: 'org-abc' }),
          'Organization (org_name) claim mismatch in the ID token; expected "org-123", found "org-abc"',
          { organization: 'org-123' },
        );
      });

      it('passes when org_name matches (the original never passed the organization)', async () => {
        const claims = await verifier().verify(hs256({ ...org, org_name: 'org-123' }), { organization: 'org-123' });
        expect(claims.org_name).to.equal('org-123');
      });

      it('fails when org_id is expected but missing', async () => {
        await expectMessage(hs256(org), 'Organization (org_id) claim must be a string present in the ID token', {
          organization: 'org_123',
        });
      });

      it('fails when org_id is expected but not a string', async () => {
        await expectMessage(
          hs256({ ...org, org_id: 42 }),
          'Organization (org_id) claim must be a string present in the ID token',
          { organization: 'org_123' },
        );
      });

      it('fails when org_id does not match', async () => {
        await expectMessage(
          hs256({ ...org, org_id: 'org_123' }),
          'Organization (org_id) claim mismatch in the ID token; expected "org_abc", found "org_123"',
          { organization: 'org_abc' },
        );
      });

      it('compares org_name case-insensitively on both sides, and org_id exactly', async () => {
        for (const [expected, claim] of [
          ['ACME', 'acme'],
          ['acme', 'ACME'],
          ['ACME', 'ACME'],
          ['Acme Corp', 'aCME cORP'],
        ]) {
          const claims = await verifier().verify(hs256({ ...org, org_name: claim }), { organization: expected });
          expect(claims.org_name).to.equal(claim);
        }
        const err = await failure(hs256({ ...org, org_id: 'org_abc' }), { organization: 'org_ABC' });
        expect(err.code).to.equal('ERR_TOKEN_ORG_ID_MISMATCH');
      });
    });

    it('returns the payload', async () => {
      const claims = await verifier().verify(hs256({ aud: AUDIENCE, azp: undefined, org_id: 'org_123' }), {
        nonce: NONCE,
      });
      expect(claims).to.include({ sub: 'auth0|123456789', aud: AUDIENCE, org_id: 'org_123', iss: ISSUER });
      expect(claims).to.include({ exp: 1587765361, iat: CLOCK });
    });
  });

  describe('time claims (T fixed, leeway 60)', () => {
    const T = CLOCK;
    const at = (claims: Claims) => verifier().verify(hs256({ iat: T - 10, ...claims }), { nonce: NONCE });

    it('rejects exp at the boundary (now == exp + leeway) and accepts one second before', async () => {
      const err = await rejectionOf(at({ exp: T - LEEWAY }));
      expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_EXPIRED');
      expect(await at({ exp: T - LEEWAY + 1, iat: T - 3600 })).to.include({ exp: T - LEEWAY + 1 });
    });

    it('rejects an exp long past', async () => {
      expect(((await rejectionOf(at({ exp: T - 3600, iat: T - 7200 }))) as TokenValidationError).code).to.equal(
        'ERR_TOKEN_EXPIRED',
      );
    });

    for (const exp of ['9999999999', true, null, {}, [T + 60], Number.NaN]) {
      it(`rejects exp ${JSON.stringify(exp)}`, async () => {
        expect(((await rejectionOf(at({ exp }))) as TokenValidationError).code).to.equal('ERR_TOKEN_EXP_MISSING');
      });
    }

    it('rejects exp 1e400 (Infinity) and accepts fractional NumericDates', async () => {
      const raw = JSON.stringify({ ...PAYLOAD, exp: 0 }).replace('"exp":0', '"exp":1e400');
      const token = signSegments(b64url({ alg: 'HS256' }), b64url(raw), 'HS256', SECRET);
      expect((await failure(token)).code).to.equal('ERR_TOKEN_EXP_MISSING');
      expect(await at({ exp: T + 3600.5, iat: T - 0.25 })).to.include({ exp: T + 3600.5 });
    });

    it('rejects iat beyond the leeway in the future, and accepts it at the leeway', async () => {
      const err = (await rejectionOf(at({ iat: T + LEEWAY + 1 }))) as TokenValidationError;
      expect(err.code).to.equal('ERR_TOKEN_IAT_FUTURE');
      expect(err.message).to.equal(
        `Issued At (iat) claim error in the ID token; current time (${T}) is before issued at time (${T + 1})`,
      );
      expect(await at({ iat: T + LEEWAY })).to.include({ iat: T + LEEWAY });
    });

    for (const iat of ['1587592561', null, Number.NaN, [T]]) {
      it(`rejects iat ${JSON.stringify(iat)}`, async () => {
        expect(((await rejectionOf(at({ iat }))) as TokenValidationError).code).to.equal('ERR_TOKEN_IAT_MISSING');
      });
    }

    it('rejects nbf beyond the leeway in the future, accepts it at the leeway, and rejects a non-number', async () => {
      const err = (await rejectionOf(at({ nbf: T + LEEWAY + 1 }))) as TokenValidationError;
      expect([err.code, err.claim]).to.deep.equal(['ERR_TOKEN_NOT_YET_VALID', 'nbf']);
      expect(await at({ nbf: T + LEEWAY })).to.include({ nbf: T + LEEWAY });
      expect(((await rejectionOf(at({ nbf: 'soon' }))) as TokenValidationError).code).to.equal('ERR_TOKEN_NBF_INVALID');
    });

    it('rejects exp before iat', async () => {
      const err = (await rejectionOf(at({ iat: T + 50, exp: T + 40 }))) as TokenValidationError;
      expect(err.code).to.equal('ERR_TOKEN_EXP_BEFORE_IAT');
    });

    it('reads the system clock when none is given', async () => {
      const now = Math.floor(Date.now() / 1000);
      const real = new TokenVerifier({
        signatureVerifier: new SymmetricSignatureVerifier(SECRET),
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      expect(await real.verify(hs256({ iat: now, exp: now + 60, nonce: undefined }))).to.include({ exp: now + 60 });
      const err = await rejectionOf(real.verify(hs256({ iat: now - 7200, exp: now - 3600, nonce: undefined })));
      expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_EXPIRED');
    });
  });

  describe('maxTokenAge', () => {
    const aged = (options: Partial<TokenVerifierOptions> = {}) => verifier({ maxTokenAge: 3600, ...options });

    it('has no maximum by default: a token issued long ago passes while exp allows', async () => {
      expect(verifier().maxTokenAge).to.equal(undefined);
      const claims = await verifier().verify(hs256({ iat: CLOCK - 365 * 86_400 }), { nonce: NONCE });
      expect(claims.iat).to.equal(CLOCK - 365 * 86_400);
    });

    it('accepts now - iat == maxTokenAge + leeway and rejects a millisecond more', async () => {
      const boundary = CLOCK - 3600 - LEEWAY;
      expect(await aged().verify(hs256({ iat: boundary }), { nonce: NONCE })).to.include({ iat: boundary });
      const err = await failure(hs256({ iat: boundary - 0.001 }), { nonce: NONCE }, { maxTokenAge: 3600 });
      expect([err.code, err.claim]).to.deep.equal(['ERR_TOKEN_TOO_OLD', 'iat']);
    });

    it('applies the leeway: a token 1 s past maxTokenAge passes with leeway 60, not with leeway 0', async () => {
      const token = hs256({ iat: CLOCK - 3601 });
      expect(await aged().verify(token, { nonce: NONCE })).to.include({ iat: CLOCK - 3601 });
      const err = await failure(token, { nonce: NONCE }, { maxTokenAge: 3600, leeway: 0 });
      expect(err.code).to.equal('ERR_TOKEN_TOO_OLD');
      expect(err.message).to.equal(
        'Issued At (iat) claim is too old in the ID token; the token was issued 3601 seconds ago, the maximum age is 3600 seconds',
      );
    });

    it('still requires iat', async () => {
      expect((await failure(hs256({ iat: undefined }), { nonce: NONCE }, { maxTokenAge: 3600 })).code).to.equal(
        'ERR_TOKEN_IAT_MISSING',
      );
    });

    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '3600', null, true]) {
      it(`refuses maxTokenAge ${String(value)}`, () => {
        const err = thrownBy(() => verifier({ maxTokenAge: value as number }));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal('maxTokenAge');
      });
    }

    it('accepts fractional and large ages', () => {
      expect(aged({ maxTokenAge: 0.5 }).maxTokenAge).to.equal(0.5);
      expect(aged({ maxTokenAge: 10 * 365 * 86_400 }).maxTokenAge).to.equal(10 * 365 * 86_400);
    });
  });

  describe('trustedAudiences', () => {
    const API = 'https://api.example.com/';

    it('accepts any extra audience by default, azp being the client id', async () => {
      expect(verifier().trustedAudiences).to.equal(undefined);
      const claims = await verifier().verify(hs256({ aud: [AUDIENCE, 'anyone'] }), { nonce: NONCE });
      expect(claims.aud).to.deep.equal([AUDIENCE, 'anyone']);
    });

    it('accepts an aud made of the client id and trusted audiences only', async () => {
      const subject = verifier({ trustedAudiences: [OTHER_AUDIENCE, API] });
      expect(subject.trustedAudiences).to.deep.equal([OTHER_AUDIENCE, API]);
      for (const aud of [AUDIENCE, [AUDIENCE], [AUDIENCE, OTHER_AUDIENCE], [API, AUDIENCE, OTHER_AUDIENCE]]) {
        expect((await subject.verify(hs256({ aud }), { nonce: NONCE })).aud).to.deep.equal(aud);
      }
    });

    it('rejects an aud that names an untrusted audience, quoting it', async () => {
      const err = await failure(
        hs256({ aud: [AUDIENCE, OTHER_AUDIENCE, 'untrusted'] }),
        { nonce: NONCE },
        {
          trustedAudiences: [OTHER_AUDIENCE],
        },
      );
      expect([err.code, err.claim]).to.deep.equal(['ERR_TOKEN_AUD_UNTRUSTED', 'aud']);
      expect(err.message).to.equal(
        'Audience (aud) claim holds an untrusted audience in the ID token; "untrusted" is neither the client id nor a trusted audience',
      );
      const forged = await failure(
        hs256({ aud: [AUDIENCE, 'evil\r\nX-Log: 1'] }),
        { nonce: NONCE },
        {
          trustedAudiences: [],
        },
      );
      expect(forged.message).to.include('"evil\\r\\nX-Log: 1" is neither');
    });

    it('trusts the client id alone with an empty list', async () => {
      const subject = verifier({ trustedAudiences: [] });
      expect((await subject.verify(hs256({ aud: AUDIENCE }), { nonce: NONCE })).aud).to.equal(AUDIENCE);
      const err = await rejectionOf(subject.verify(hs256(), { nonce: NONCE }));
      expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_AUD_UNTRUSTED');
    });

    it('checks the audiences before azp, and still requires azp with several', async () => {
      const options = { trustedAudiences: [OTHER_AUDIENCE] };
      const untrusted = await failure(hs256({ aud: [AUDIENCE, 'x'], azp: undefined }), { nonce: NONCE }, options);
      expect(untrusted.code).to.equal('ERR_TOKEN_AUD_UNTRUSTED');
      const noAzp = await failure(hs256({ azp: undefined }), { nonce: NONCE }, options);
      expect(noAzp.code).to.equal('ERR_TOKEN_AZP_MISSING');
    });

    for (const value of ['x', [''], [' '], [1], [null], null, {}]) {
      it(`refuses trustedAudiences ${JSON.stringify(value)}`, () => {
        const err = thrownBy(() => verifier({ trustedAudiences: value as string[] }));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal('trustedAudiences');
      });
    }

    it('keeps its own copy of the list', async () => {
      const list = [OTHER_AUDIENCE];
      const subject = verifier({ trustedAudiences: list });
      list.push('untrusted');
      const err = await rejectionOf(subject.verify(hs256({ aud: [AUDIENCE, 'untrusted'] }), { nonce: NONCE }));
      expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_AUD_UNTRUSTED');
    });
  });

  describe('claims the original did not check', () => {
    it('rejects a nonce when none was expected, and a nonce of another type', async () => {
      const err = await failure(hs256(), {});
      expect(err.code).to.equal('ERR_TOKEN_NONCE_UNEXPECTED');
      expect(err.message).to.equal(
        'Nonce (nonce) claim must not be present in the ID token when no nonce was expected',
      );
      for (const nonce of [123, [NONCE]])
        expect((await failure(hs256({ nonce }))).code).to.equal('ERR_TOKEN_NONCE_MISSING');
    });

    it('leaves the nonce of a refreshed ID token unchecked when the original is not at hand', async () => {
      const claims = await verifier().verify(hs256({ nonce: 'the-original-login-nonce' }), { refreshed: true });
      expect(claims.nonce).to.equal('the-original-login-nonce');
      expect((await verifier().verify(hs256({ nonce: undefined }), { refreshed: true })).sub).to.equal(PAYLOAD.sub);
      expect((await failure(hs256(), { refreshed: true, nonce: 'other' })).code).to.equal('ERR_TOKEN_NONCE_MISMATCH');
      expect((await failure(hs256({ iss: 'https://elsewhere.example/' }), { refreshed: true })).code).to.equal(
        'ERR_TOKEN_ISS_MISMATCH',
      );
    });

    it('honours maxAge 0: auth_time must be within the leeway of now', async () => {
      expect((await failure(hs256({ auth_time: CLOCK - 61 }), { nonce: NONCE, maxAge: 0 })).code).to.equal(
        'ERR_TOKEN_AUTH_TIME_TOO_OLD',
      );
      const claims = await verifier().verify(hs256({ auth_time: CLOCK - 60 }), { nonce: NONCE, maxAge: 0 });
      expect(claims.auth_time).to.equal(CLOCK - 60);
    });

    it('accepts auth_time + maxAge + leeway == now, and rejects a non-numeric auth_time', async () => {
      const claims = await verifier().verify(hs256({ auth_time: CLOCK - 120 - LEEWAY }), { nonce: NONCE, maxAge: 120 });
      expect(claims.auth_time).to.equal(CLOCK - 180);
      expect((await failure(hs256({ auth_time: 'yesterday' }), { nonce: NONCE, maxAge: 120 })).code).to.equal(
        'ERR_TOKEN_AUTH_TIME_MISSING',
      );
    });

    it('checks azp whenever it is present, even with a single audience', async () => {
      const err = await failure(hs256({ aud: AUDIENCE, azp: 'another-client' }));
      expect(err.code).to.equal('ERR_TOKEN_AZP_MISMATCH');
      expect((await failure(hs256({ aud: [AUDIENCE], azp: 7 }))).code).to.equal('ERR_TOKEN_AZP_MISSING');
      expect((await failure(hs256({ aud: AUDIENCE, azp: ['x'] }))).message).to.equal(
        'Authorized Party (azp) claim must be a string in the ID token',
      );
    });

    it('accepts the audience shapes Auth0 and OIDC allow', async () => {
      const accept = (claims: Claims) => verifier().verify(hs256(claims), { nonce: NONCE });
      await accept({ aud: [AUDIENCE, `${ISSUER}userinfo`], azp: AUDIENCE });
      await accept({ aud: [AUDIENCE], azp: undefined });
      await accept({ aud: AUDIENCE, azp: AUDIENCE });
    });

    for (const [name, aud, code] of [
      ['a near-miss string', `${AUDIENCE}1`, 'ERR_TOKEN_AUD_MISMATCH'],
      ['another case', AUDIENCE.toUpperCase(), 'ERR_TOKEN_AUD_MISMATCH'],
      ['an empty string', '', 'ERR_TOKEN_AUD_MISMATCH'],
      ['an empty list', [], 'ERR_TOKEN_AUD_MISMATCH'],
      ['a number', 123, 'ERR_TOKEN_AUD_MISSING'],
      ['an object', { aud: AUDIENCE }, 'ERR_TOKEN_AUD_MISSING'],
      ['a list with a non-string', [AUDIENCE, 5], 'ERR_TOKEN_AUD_MISSING'],
    ] as const) {
      it(`rejects aud as ${name}`, async () => {
        expect((await failure(hs256({ aud, azp: undefined }))).code).to.equal(code);
      });
    }

    for (const iss of [
      `${ISSUER.slice(0, -1)}`,
      `${ISSUER}/`,
      ISSUER.toUpperCase(),
      ISSUER.replace('https', 'http'),
      `${ISSUER} `,
      ['x'],
      42,
      '',
    ]) {
      it(`rejects the issuer ${JSON.stringify(iss)}`, async () => {
        expect((await failure(hs256({ iss }))).code).to.match(/^ERR_TOKEN_ISS_(MISMATCH|MISSING)$/);
      });
    }

    for (const sub of ['', 42, { id: 1 }]) {
      it(`rejects the subject ${JSON.stringify(sub)}`, async () => {
        expect((await failure(hs256({ sub }))).code).to.equal('ERR_TOKEN_SUB_MISSING');
      });
    }

    it('rejects tokens of other kinds: at+jwt, logout tokens, nested JWTs, critical extensions', async () => {
      expect((await failure(hs256({}, { typ: 'at+jwt' }))).code).to.equal('ERR_TOKEN_TYP_INVALID');
      expect((await failure(hs256({}, { typ: 'logout+jwt' }))).code).to.equal('ERR_TOKEN_TYP_INVALID');
      const events = { 'http://schemas.openid.net/event/backchannel-logout': {} };
      expect((await failure(hs256({ events, nonce: undefined }), {})).code).to.equal('ERR_TOKEN_EVENTS_UNEXPECTED');
      expect((await failure(hs256({}, { header: { cty: 'JWT' } }))).code).to.equal('ERR_TOKEN_HEADER_UNSUPPORTED');
      expect((await failure(hs256({}, { header: { crit: ['exp'] } }))).code).to.equal('ERR_TOKEN_CRIT_UNSUPPORTED');
    });

    it('rejects an access token presented as an ID token', async () => {
      const accessToken = hs256(
        { aud: 'https://tokens-test.auth0.com/api/v2/', azp: AUDIENCE, nonce: undefined, scope: 'read' },
        { typ: 'at+jwt' },
      );
      expect((await failure(accessToken, {})).code).to.equal('ERR_TOKEN_TYP_INVALID');
      const untyped = hs256({ aud: 'https://tokens-test.auth0.com/api/v2/', azp: AUDIENCE, nonce: undefined });
      expect((await failure(untyped, {})).code).to.equal('ERR_TOKEN_AUD_MISMATCH');
    });
  });

  describe('at_hash and c_hash', () => {
    // OIDC Core's example vectors.
    const ACCESS_TOKEN = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';
    const CODE = 'Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk';

    it('computes the spec vectors', () => {
      expect(halfHash(ACCESS_TOKEN)).to.equal('77QmUPtjPfzWtF2AnpK9RQ');
      expect(halfHash(CODE)).to.equal('LDktKdoQak3Pk0cnXxCltA');
    });

    it('accepts a matching at_hash, and an absent one', async () => {
      const claims = await verifier().verify(hs256({ at_hash: '77QmUPtjPfzWtF2AnpK9RQ' }), {
        nonce: NONCE,
        accessToken: ACCESS_TOKEN,
      });
      expect(claims.at_hash).to.equal('77QmUPtjPfzWtF2AnpK9RQ');
      await verifier().verify(hs256(), { nonce: NONCE, accessToken: ACCESS_TOKEN });
    });

    it('rejects a wrong at_hash, never quoting the access token', async () => {
      const full = createHash('sha256').update(ACCESS_TOKEN).digest('base64url');
      for (const wrong of [halfHash(`${ACCESS_TOKEN}x`), full, `${halfHash(ACCESS_TOKEN)}==`, 42]) {
        const err = await failure(hs256({ at_hash: wrong }), { nonce: NONCE, accessToken: ACCESS_TOKEN });
        expect(err.code).to.equal('ERR_TOKEN_AT_HASH_MISMATCH');
        expectNoSecrets(err, [ACCESS_TOKEN]);
      }
    });

    it('uses the hash of the token algorithm: SHA-384 for an RS384 token, SHA-512 for EdDSA', async () => {
      const { privateKey, publicKey } = rsaKeys();
      const ed = edKeys();
      server.setKeys([publicJwk(publicKey, { kid: 'rs' }), publicJwk(ed.publicKey, { kid: 'ed' })]);
      const rs = new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(server.jwksUri, { algorithm: ['RS384', 'EdDSA'] }),
        issuer: ISSUER,
        audience: AUDIENCE,
        clock: () => CLOCK,
      });
      const options = { nonce: NONCE, accessToken: ACCESS_TOKEN };
      const rs384 = (at_hash: string) => signJwt({ ...PAYLOAD, at_hash }, { alg: 'RS384', kid: 'rs', key: privateKey });
      await rs.verify(rs384(halfHash(ACCESS_TOKEN, 'sha384')), options);
      const err = await rejectionOf(rs.verify(rs384(halfHash(ACCESS_TOKEN, 'sha256')), options));
      expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_AT_HASH_MISMATCH');
      const eddsa = signJwt(
        { ...PAYLOAD, at_hash: halfHash(ACCESS_TOKEN, 'sha512') },
        { alg: 'EdDSA', kid: 'ed', key: ed.privateKey },
      );
      await rs.verify(eddsa, options);
    });

    it('requires at_hash with requireAtHash (implicit and hybrid id_token token)', async () => {
      const options = { nonce: NONCE, accessToken: ACCESS_TOKEN, requireAtHash: true };
      const err = await failure(hs256(), options);
      expect([err.code, err.claim]).to.deep.equal(['ERR_TOKEN_AT_HASH_MISSING', 'at_hash']);
      await verifier().verify(hs256({ at_hash: '77QmUPtjPfzWtF2AnpK9RQ' }), options);
      const noToken = await rejectionOf(verifier().verify(hs256(), { nonce: NONCE, requireAtHash: true }));
      expect(noToken).to.be.instanceOf(ConfigurationError);
    });

    it('requires a matching c_hash when a code is given', async () => {
      const options = { nonce: NONCE, code: CODE };
      expect((await verifier().verify(hs256({ c_hash: 'LDktKdoQak3Pk0cnXxCltA' }), options)).c_hash).to.equal(
        'LDktKdoQak3Pk0cnXxCltA',
      );
      expect((await failure(hs256(), options)).code).to.equal('ERR_TOKEN_C_HASH_MISSING');
      expect((await failure(hs256({ c_hash: halfHash(`${CODE}x`) }), options)).code).to.equal(
        'ERR_TOKEN_C_HASH_MISMATCH',
      );
    });
  });

  describe('per-call options', () => {
    for (const options of [
      { requireAtHash: 'yes' },
      { refreshed: 'yes' },
      { nonce: '' },
      { organization: '' },
      { maxAge: -1 },
      { maxAge: Number.NaN },
      { accessToken: 42 },
      { code: '' },
      null,
    ]) {
      it(`rejects ${JSON.stringify(options)} with a ConfigurationError, asynchronously`, async () => {
        const result = verifier().verify(hs256(), options as IdTokenVerifyOptions);
        expect(result).to.be.instanceOf(Promise);
        expect(await rejectionOf(result)).to.be.instanceOf(ConfigurationError);
      });
    }
  });

  describe('key problems and key-source outages', () => {
    function rsVerifier(): TokenVerifier {
      return new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(server.jwksUri),
        issuer: ISSUER,
        audience: AUDIENCE,
        clock: () => CLOCK,
      });
    }

    it('rejects an unknown kid with a KeyNotFoundError (a bad token: 401)', async () => {
      const token = signJwt(PAYLOAD, { kid: 'missing-key', key: rsaKeys().privateKey });
      const err = await rejectionOf(rsVerifier().verify(token, { nonce: NONCE }));
      expect(err).to.be.instanceOf(KeyNotFoundError);
      expect(err).to.be.instanceOf(TokenValidationError);
    });

    it('rejects a key of the wrong type with a JwksError', async () => {
      server.setKeys([publicJwk(ecKeys().publicKey, { kid: 'test-key-1' })]);
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      expect(await rejectionOf(rsVerifier().verify(token, { nonce: NONCE }))).to.be.instanceOf(JwksError);
    });

    it('reports a JWKS outage as a NetworkError, not a token error (503)', async () => {
      server.set(JWKS_PATH, { status: 502, body: '<html>bad gateway</html>' });
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      const err = await rejectionOf(rsVerifier().verify(token, { nonce: NONCE }));
      expect(err).to.be.instanceOf(KeySourceUnavailableError);
      expect(err).to.be.instanceOf(NetworkError);
      expect(err).not.to.be.instanceOf(TokenValidationError);
    });

    it('checks the token before any JWKS request', async () => {
      const verifierUnderTest = rsVerifier();
      for (const token of [
        '',
        'a.b',
        `${b64url({ alg: 'RS256', kid: { $ne: null } })}.${b64url(PAYLOAD)}.c2ln`,
        `${b64url({ alg: 'HS256' })}.${b64url(PAYLOAD)}.c2ln`,
      ]) {
        await rejectionOf(verifierUnderTest.verify(token));
      }
      expect(server.count(JWKS_PATH)).to.equal(0);
    });
  });

  describe('verified-token cache', () => {
    class CountingVerifier extends SymmetricSignatureVerifier {
      calls = 0;
      override verifyParsed(jwt: ParsedJwt): KeyHandle {
        this.calls++;
        return super.verifyParsed(jwt);
      }
    }

    function cached(clock: () => number = () => CLOCK): { subject: TokenVerifier; signature: CountingVerifier } {
      const signature = new CountingVerifier(SECRET);
      return { signature, subject: verifier({ signatureVerifier: signature, cache: { maxEntries: 10 }, clock }) };
    }

    it('verifies the signature of a token seen again only once', async () => {
      const { subject, signature } = cached();
      const token = hs256();
      const first = await subject.verify(token, { nonce: NONCE });
      const second = await subject.verify(token, { nonce: NONCE });
      expect(second).to.equal(first);
      expect(signature.calls).to.equal(1);
      expect(Object.isFrozen(first)).to.equal(true);
    });

    it('still checks the per-call options on a hit', async () => {
      const { subject } = cached();
      const token = hs256({ org_id: 'org_1', auth_time: CLOCK - 3600 });
      await subject.verify(token, { nonce: NONCE, organization: 'org_1' });
      expect(((await rejectionOf(subject.verify(token, { nonce: 'other' }))) as TokenValidationError).code).to.equal(
        'ERR_TOKEN_NONCE_MISMATCH',
      );
      expect(((await rejectionOf(subject.verify(token, {}))) as TokenValidationError).code).to.equal(
        'ERR_TOKEN_NONCE_UNEXPECTED',
      );
      const err = await rejectionOf(subject.verify(token, { nonce: NONCE, organization: 'org_2' }));
      expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_ORG_ID_MISMATCH');
      const old = await rejectionOf(subject.verify(token, { nonce: NONCE, maxAge: 0 }));
      expect((old as TokenValidationError).code).to.equal('ERR_TOKEN_AUTH_TIME_TOO_OLD');
    });

    it('never serves a token past its expiry', async () => {
      let now = CLOCK;
      const { subject, signature } = cached(() => now);
      const token = hs256({ exp: CLOCK + 10 });
      await subject.verify(token, { nonce: NONCE });
      now = CLOCK + 10 + LEEWAY;
      expect(((await rejectionOf(subject.verify(token, { nonce: NONCE }))) as TokenValidationError).code).to.equal(
        'ERR_TOKEN_EXPIRED',
      );
      expect(signature.calls).to.equal(2);
    });

    it('rejects a remembered token once it is older than maxTokenAge, without verifying it again', async () => {
      let now = CLOCK;
      const signature = new CountingVerifier(SECRET);
      const subject = verifier({ signatureVerifier: signature, cache: true, clock: () => now, maxTokenAge: 600 });
      const token = hs256();
      await subject.verify(token, { nonce: NONCE });
      now = CLOCK + 600 + LEEWAY;
      expect(await subject.verify(token, { nonce: NONCE })).to.include({ iat: CLOCK });
      now += 1;
      const err = await rejectionOf(subject.verify(token, { nonce: NONCE }));
      expect((err as TokenValidationError).code).to.equal('ERR_TOKEN_TOO_OLD');
      expect(signature.calls).to.equal(1);
    });

    it('remembers no token that failed a check', async () => {
      const { subject, signature } = cached();
      const token = hs256({ aud: 'someone-else', azp: undefined });
      await rejectionOf(subject.verify(token, { nonce: NONCE }));
      await rejectionOf(subject.verify(token, { nonce: NONCE }));
      expect(signature.calls).to.equal(2);
    });

    it('verifies again once the key that verified a token has left the key set', async () => {
      const subject = new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(server.jwksUri),
        issuer: ISSUER,
        audience: AUDIENCE,
        clock: () => CLOCK,
        cache: true,
      });
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      await subject.verify(token, { nonce: NONCE });
      await subject.verify(token, { nonce: NONCE });
      expect(server.count(JWKS_PATH)).to.equal(1);
      server.setKeys([publicJwk(rsaKeys('next').publicKey, { kid: 'test-key-2' })]);
      await (subject.signatureVerifier as AsymmetricSignatureVerifier).jwks.reload();
      expect(await rejectionOf(subject.verify(token, { nonce: NONCE }))).to.be.instanceOf(KeyNotFoundError);
    });
  });

  it('never shows the HMAC secret', async () => {
    const subject = verifier();
    expectNoSecrets(subject, [SECRET]);
    const errors = [
      await rejectionOf(subject.verify(hs256({ iss: 'x' }), { nonce: NONCE })),
      await rejectionOf(subject.verify(`${hs256().slice(0, -4)}AAAA`, { nonce: NONCE })),
    ];
    for (const err of errors) expectNoSecrets(err, [SECRET]);
  });

  describe('diagnostics', () => {
    afterEach(stopListening);

    it('publishes each failure on authn-client:verification:failure, kind, code and claim, never the token', async () => {
      const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
      const expired = hs256({ exp: CLOCK - LEEWAY - 1 });
      await rejectionOf(verifier().verify(expired, { nonce: NONCE }));
      await verifier().verify(hs256(), { nonce: NONCE });
      // Asynchronously: the first token of an asymmetric verifier waits for its key set.
      const forged = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys('attacker').privateKey });
      const subject = verifier({ signatureVerifier: new AsymmetricSignatureVerifier(server.jwksUri) });
      await rejectionOf(subject.verify(forged, { nonce: NONCE }));
      await rejectionOf(subject.verify('', { nonce: NONCE }));
      expect(failures.messages.map(({ kind, code, claim }) => ({ kind, code, claim }))).to.deep.equal([
        { kind: 'ID token', code: 'ERR_TOKEN_EXPIRED', claim: 'exp' },
        { kind: 'ID token', code: 'ERR_TOKEN_SIGNATURE_INVALID', claim: undefined },
        { kind: 'ID token', code: 'ERR_TOKEN_MISSING', claim: undefined },
      ]);
      for (const message of failures.messages) {
        expect(message.error).to.be.instanceOf(TokenValidationError);
        expectNoSecrets(message, [expired, forged, SECRET]);
      }
    });
  });

  it('never throws synchronously', () => {
    const subject = verifier();
    for (const token of [undefined, 'x', hs256({ iss: 'x' })]) {
      const result = subject.verify(token as string, { nonce: NONCE });
      expect(result).to.be.instanceOf(Promise);
      result.catch(() => undefined);
    }
  });
});
