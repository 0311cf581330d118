import { expect } from 'chai';
import { DIAGNOSTICS_CHANNELS, type VerificationFailureMessage } from '../../lib/diagnostics.js';
import { ConfigurationError, KeySourceUnavailableError, TokenValidationError } from '../../lib/errors.js';
import {
  BACKCHANNEL_LOGOUT_EVENT,
  LogoutTokenVerifier,
  type LogoutTokenVerifierOptions,
} from '../../lib/token-verifier/logout-token-verifier.js';
import {
  AsymmetricSignatureVerifier,
  SymmetricSignatureVerifier,
} from '../../lib/token-verifier/signature-verifier.js';
import { TokenVerifier } from '../../lib/token-verifier/token-verifier.js';
import { listen, stopListening } from '../helpers/diagnostics.js';
import { JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { publicJwk, signJwt } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

const ISSUER = 'https://op.example.com';
const CLIENT = 'web-app';
const SECRET = 'logout-test-shared-secret-of-40-bytes!!!';
const NOW = 1_800_000_000;
const CLAIMS = {
  iss: ISSUER,
  aud: CLIENT,
  iat: NOW,
  exp: NOW + 120,
  jti: 'jti-1',
  sub: 'user-1',
  sid: 'sid-1',
  events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
};

type Claims = Record<string, unknown>;

function token(changes: Claims = {}, typ: string | null = 'logout+jwt'): string {
  const merged: Claims = { ...CLAIMS, ...changes };
  const payload = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  return signJwt(payload, { alg: 'HS256', key: SECRET, typ });
}

function verifier(options: Partial<LogoutTokenVerifierOptions> = {}): LogoutTokenVerifier {
  return new LogoutTokenVerifier({
    signatureVerifier: new SymmetricSignatureVerifier(SECRET),
    issuer: ISSUER,
    audience: CLIENT,
    clock: () => NOW,
    ...options,
  });
}

async function refusal(jwt: string, options: Partial<LogoutTokenVerifierOptions> = {}): Promise<TokenValidationError> {
  const err = await rejectionOf(verifier(options).verify(jwt));
  expect(err).to.be.instanceOf(TokenValidationError);
  return err as TokenValidationError;
}

describe('LogoutTokenVerifier', () => {
  afterEach(stopListening);

  it('accepts a logout token and resolves to its claims', async () => {
    expect(await verifier().verify(token())).to.deep.equal(CLAIMS);
  });

  it('accepts a token typed JWT or untyped, and one with only sub or only sid', async () => {
    await verifier().verify(token({}, 'JWT'));
    await verifier().verify(token({}, null));
    expect((await verifier().verify(token({ sid: undefined }))).sub).to.equal('user-1');
    expect((await verifier().verify(token({ sub: undefined }))).sid).to.equal('sid-1');
  });

  it('refuses a missing token before anything else', async () => {
    expect((await refusal('')).code).to.equal('ERR_TOKEN_MISSING');
  });

  it('refuses a token of another type', async () => {
    expect((await refusal(token({}, 'at+jwt'))).code).to.equal('ERR_TOKEN_TYP_INVALID');
  });

  it('refuses a bad signature', async () => {
    const forged = signJwt(CLAIMS, { alg: 'HS256', key: 'another-secret-that-is-long-enough-0000000' });
    expect((await refusal(forged)).code).to.equal('ERR_TOKEN_SIGNATURE_INVALID');
  });

  it('refuses another issuer and another audience', async () => {
    expect((await refusal(token({ iss: 'https://evil.example.com' }))).code).to.equal('ERR_TOKEN_ISS_MISMATCH');
    expect((await refusal(token({ aud: 'another-client' }))).code).to.equal('ERR_TOKEN_AUD_MISMATCH');
  });

  it('requires exp and refuses an expired token', async () => {
    expect((await refusal(token({ exp: undefined }))).code).to.equal('ERR_TOKEN_EXP_MISSING');
    expect((await refusal(token({ iat: NOW - 200, exp: NOW - 60 }))).code).to.equal('ERR_TOKEN_EXPIRED');
  });

  it('requires iat and refuses a token issued longer ago than maxTokenAge plus the leeway', async () => {
    expect((await refusal(token({ iat: undefined }))).code).to.equal('ERR_TOKEN_IAT_MISSING');
    const old = token({ iat: NOW - 181, exp: NOW + 600 });
    expect((await refusal(old)).code).to.equal('ERR_TOKEN_TOO_OLD');
    await verifier({ maxTokenAge: 300 }).verify(old);
    await verifier().verify(token({ iat: NOW - 180, exp: NOW + 600 }));
  });

  it('refuses a token with neither sub nor sid, or with one that is not a string', async () => {
    expect((await refusal(token({ sub: undefined, sid: undefined }))).code).to.equal('ERR_TOKEN_SUB_SID_MISSING');
    expect((await refusal(token({ sub: 42 }))).code).to.equal('ERR_TOKEN_SUB_SID_MISSING');
    expect((await refusal(token({ sid: '' }))).code).to.equal('ERR_TOKEN_SUB_SID_MISSING');
  });

  it('refuses a token without the back-channel logout event', async () => {
    for (const events of [undefined, {}, { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' }, { [BACKCHANNEL_LOGOUT_EVENT]: [] }]) {
      expect((await refusal(token({ events }))).code, JSON.stringify(events)).to.equal('ERR_TOKEN_EVENTS_MISSING');
    }
  });

  it('refuses an ID token presented as a logout token', async () => {
    const idToken = signJwt(
      { iss: ISSUER, aud: CLIENT, sub: 'user-1', iat: NOW, exp: NOW + 300, nonce: 'n-1', sid: 'sid-1' },
      { alg: 'HS256', key: SECRET },
    );
    expect((await refusal(idToken)).code).to.equal('ERR_TOKEN_EVENTS_MISSING');
  });

  it('refuses a logout token carrying a nonce, and the ID-token verifier refuses a logout token', async () => {
    expect((await refusal(token({ nonce: 'n-1' }))).code).to.equal('ERR_TOKEN_NONCE_UNEXPECTED');
    const idTokens = new TokenVerifier({
      signatureVerifier: new SymmetricSignatureVerifier(SECRET),
      issuer: ISSUER,
      audience: CLIENT,
      clock: () => NOW,
    });
    const err = (await rejectionOf(idTokens.verify(token({}, 'JWT')))) as TokenValidationError;
    expect(err.code).to.equal('ERR_TOKEN_EVENTS_UNEXPECTED');
  });

  it('refuses a token without a jti', async () => {
    expect((await refusal(token({ jti: undefined }))).code).to.equal('ERR_TOKEN_JTI_MISSING');
    expect((await refusal(token({ jti: 7 }))).code).to.equal('ERR_TOKEN_JTI_MISSING');
  });

  it('accepts the same token twice: a replay ends sessions already ended', async () => {
    const logout = verifier();
    const jwt = token();
    await logout.verify(jwt);
    await logout.verify(jwt);
  });

  it('publishes a refusal on authn-client:verification:failure as a logout token, never the token', async () => {
    const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
    const expired = token({ exp: NOW - 600, iat: NOW - 720 });
    const error = await refusal(expired);
    expect(failures.messages).to.deep.equal([{ kind: 'logout token', code: error.code, claim: 'exp', error }]);
    expect(JSON.stringify(failures.messages)).to.not.include(expired);
  });

  it('refuses bad options at construction', () => {
    const signatureVerifier = new SymmetricSignatureVerifier(SECRET);
    const base = { signatureVerifier, issuer: ISSUER, audience: CLIENT };
    expect(thrownBy(() => new LogoutTokenVerifier(null as never))).to.be.instanceOf(ConfigurationError);
    const cases: [Partial<LogoutTokenVerifierOptions>, string][] = [
      [{ signatureVerifier: {} as never }, 'signatureVerifier'],
      [{ issuer: '' }, 'issuer'],
      [{ audience: undefined as never }, 'audience'],
      [{ leeway: 301 }, 'leeway'],
      [{ maxTokenAge: 0 }, 'maxTokenAge'],
      [{ maxTokenAge: '120' as never }, 'maxTokenAge'],
      [{ clock: 5 as never }, 'clock'],
    ];
    for (const [change, option] of cases) {
      const err = thrownBy(() => new LogoutTokenVerifier({ ...base, ...change }));
      expect(err, option).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal(option);
    }
  });

  describe('with a JWKS', () => {
    const keys = rsaKeys();
    let jwks: JwksServer;

    before(async () => {
      jwks = await startJwksServer();
    });

    after(() => jwks.close());

    it('verifies an RS256 token with the key set, and reports a key set that is down', async () => {
      jwks.setKeys([publicJwk(keys.publicKey, { kid: 'k1' })]);
      const logout = verifier({ signatureVerifier: new AsymmetricSignatureVerifier(jwks.jwksUri) });
      const jwt = signJwt(CLAIMS, { key: keys.privateKey, kid: 'k1', typ: 'logout+jwt' });
      expect((await logout.verify(jwt)).jti).to.equal('jti-1');

      jwks.set(JWKS_PATH, { status: 500, body: 'down' });
      const cold = verifier({ signatureVerifier: new AsymmetricSignatureVerifier(jwks.jwksUri) });
      expect(await rejectionOf(cold.verify(jwt))).to.be.instanceOf(KeySourceUnavailableError);
    });
  });
});
