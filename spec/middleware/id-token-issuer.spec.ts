import { expect } from 'chai';
import { ConfigurationError, ServiceUnavailableError } from '../../lib/errors.js';
import { BearerAuthenticator, type BearerAuthOptions } from '../../lib/middleware/bearer.js';
import { audienceFor } from '../../lib/middleware/id-token-issuer.js';
import { DiscoveryCache } from '../../lib/oidc/discovery.js';
import { bearer, refusal, type TestIssuer, twoIssuers } from '../helpers/issuer.js';
import { DISCOVERY_PATH, JWKS_PATH } from '../helpers/jwks-server.js';
import { signJwt } from '../helpers/jwt.js';
import { rejectionOf, thrownBy } from '../helpers/secrets.js';

const CLIENT = 'spa-client';
const SECRET = 'a-shared-secret-of-the-api-that-is-long-enough';

describe('IdTokenIssuer (the middleware with tokenType: id_token)', () => {
  const both = twoIssuers();
  let a: TestIssuer;
  let b: TestIssuer;
  before(() => ({ a, b } = both));

  /** An ID token of `issuer` for the SPA, as an OpenID Provider issues it after a login (with a nonce). */
  function idToken(issuer: TestIssuer, claims: Record<string, unknown> = {}): string {
    return issuer.sign({ aud: CLIENT, nonce: 'n-0S6_WzA2Mj', email: 'user@example.com', ...claims });
  }

  const options = (extra: Partial<BearerAuthOptions> = {}): BearerAuthOptions => ({
    issuer: a.issuer,
    jwksUri: a.jwksUri,
    audience: CLIENT,
    tokenType: 'id_token',
    ...extra,
  });

  it('accepts an ID token of the client, nonce included (an API has no nonce to compare)', async () => {
    const token = idToken(a);
    const auth = await new BearerAuthenticator(options()).authenticate(bearer(token));
    expect(auth?.payload.email).to.equal('user@example.com');
    expect(auth?.header).to.include({ alg: 'RS256', kid: 'k1' });
    expect(auth?.token).to.equal(token);
    expect(auth?.scopes).to.deep.equal([]);
    expect(
      (await new BearerAuthenticator(options()).authenticate(bearer(idToken(a, { nonce: undefined }))))?.payload.sub,
    ).to.equal('user-1');
  });

  it('applies the ID token checks: audience, azp, iat, typ', async () => {
    const subject = new BearerAuthenticator(options());
    await refusal(subject.authenticate(bearer(idToken(a, { aud: 'other-client' }))), 'ERR_TOKEN_AUD_MISMATCH');
    await refusal(subject.authenticate(bearer(idToken(a, { azp: 'other-client' }))), 'ERR_TOKEN_AZP_MISMATCH');
    await refusal(subject.authenticate(bearer(idToken(a, { iat: undefined }))), 'ERR_TOKEN_IAT_MISSING');
    await refusal(subject.authenticate(bearer(idToken(a, { nonce: 42 }))), 'ERR_TOKEN_NONCE_UNEXPECTED');
    await refusal(subject.authenticate(bearer(a.sign({ aud: CLIENT }, { typ: 'at+jwt' }))), 'ERR_TOKEN_TYP_INVALID');
  });

  it('accepts the ID tokens of several clients, each checked against its own client id', async () => {
    const subject = new BearerAuthenticator(options({ audience: ['web', CLIENT] }));
    expect(
      (await subject.authenticate(bearer(idToken(a, { aud: ['other', CLIENT], azp: CLIENT }))))?.payload.azp,
    ).to.equal(CLIENT);
    expect((await subject.authenticate(bearer(idToken(a, { aud: 'web' }))))?.payload.aud).to.equal('web');
    await refusal(subject.authenticate(bearer(idToken(a, { aud: ['other', CLIENT] }))), 'ERR_TOKEN_AZP_MISSING');
  });

  it("routes by issuer before any key is fetched, and refuses A's key claiming B", async () => {
    const subject = new BearerAuthenticator({
      issuers: [
        { issuer: a.issuer, jwksUri: a.jwksUri },
        { issuer: b.issuer, jwksUri: b.jwksUri },
      ],
      audience: CLIENT,
      tokenType: 'id_token',
    });
    expect((await subject.authenticate(bearer(idToken(b))))?.payload.iss).to.equal(b.issuer);
    await refusal(subject.authenticate(bearer(idToken(a, { iss: 'https://evil.example/' }))), 'ERR_TOKEN_ISS_MISMATCH');
    expect(a.server.requests).to.deep.equal([]);
    await refusal(subject.authenticate(bearer(idToken(a, { iss: b.issuer }))), 'ERR_TOKEN_SIGNATURE_INVALID');
    expect(a.server.requests).to.deep.equal([]);
  });

  it('finds the keys by discovery once, shared by concurrent requests', async () => {
    const subject = new BearerAuthenticator({ issuers: [a.issuer], audience: CLIENT, tokenType: 'id_token' });
    await Promise.all(Array.from({ length: 5 }, () => subject.authenticate(bearer(idToken(a)))));
    expect(a.server.count(DISCOVERY_PATH)).to.equal(1);
    expect(a.server.count(JWKS_PATH)).to.equal(1);
  });

  it('answers 503 while discovery fails, and recovers after it', async () => {
    const discovery = new DiscoveryCache({ retryAfter: 0, cacheTtl: 0.001 });
    const subject = new BearerAuthenticator({
      issuers: [a.issuer],
      audience: CLIENT,
      tokenType: 'id_token',
      discovery,
    });
    a.server.set(DISCOVERY_PATH, { status: 500, body: 'down' });
    expect(await rejectionOf(subject.authenticate(bearer(idToken(a))))).to.be.instanceOf(ServiceUnavailableError);
    a.server.setDiscovery({ issuer: a.issuer });
    expect(await rejectionOf(subject.authenticate(bearer(idToken(a))))).to.be.instanceOf(ServiceUnavailableError);
    a.server.setDiscovery();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await subject.authenticate(bearer(idToken(a))))?.payload.iss).to.equal(a.issuer);
  });

  it('accepts HS256 ID tokens signed with the client secret', async () => {
    const hs = 'https://hs.example.com/';
    const subject = new BearerAuthenticator({ issuer: hs, secret: SECRET, audience: CLIENT, tokenType: 'id_token' });
    const iat = Math.floor(Date.now() / 1000);
    const token = signJwt({ iss: hs, sub: 'u', aud: CLIENT, iat, exp: iat + 60 }, { alg: 'HS256', key: SECRET });
    expect((await subject.authenticate(bearer(token)))?.payload.sub).to.equal('u');
  });

  it('passes maxTokenAge to the ID-token verifiers, static and from a resolver', async () => {
    const iat = Math.floor(Date.now() / 1000);
    for (const subject of [
      new BearerAuthenticator(options({ maxTokenAge: 300 })),
      new BearerAuthenticator({ issuers: () => [a.issuer], audience: CLIENT, tokenType: 'id_token', maxTokenAge: 300 }),
    ]) {
      expect((await subject.authenticate(bearer(idToken(a, { iat: iat - 100 }))))?.payload.iat).to.equal(iat - 100);
      await refusal(subject.authenticate(bearer(idToken(a, { iat: iat - 600 }))), 'ERR_TOKEN_TOO_OLD');
    }
    expect(
      (await new BearerAuthenticator(options()).authenticate(bearer(idToken(a, { iat: iat - 600 }))))?.payload.iat,
    ).to.equal(iat - 600);
  });

  it('works with a resolver', async () => {
    const subject = new BearerAuthenticator({ issuers: () => [b.issuer], audience: CLIENT, tokenType: 'id_token' });
    expect((await subject.authenticate(bearer(idToken(b))))?.payload.iss).to.equal(b.issuer);
    await refusal(subject.authenticate(bearer(idToken(a))), 'ERR_TOKEN_ISS_MISMATCH');
  });

  it('refuses keys given twice, bad algorithms and a bad issuer at construction', () => {
    const bad = [
      { issuers: [{ issuer: a.issuer, jwksUri: a.jwksUri, secret: SECRET }] },
      { issuers: [{ issuer: a.issuer, algorithms: ['HS256'] }] },
      { issuers: ['http://tenant.example.com/'] },
      { issuers: [{ issuer: a.issuer, jwksUri: a.jwksUri, algorithms: ['HS256'] }] },
    ] as const;
    for (const extra of bad) {
      const err = thrownBy(
        () => new BearerAuthenticator({ audience: CLIENT, tokenType: 'id_token', ...extra } as BearerAuthOptions),
      );
      expect(err, JSON.stringify(extra)).to.be.instanceOf(ConfigurationError);
    }
  });
});

describe('audienceFor', () => {
  it('picks the configured audience the token names, else the first configured one', () => {
    expect(audienceFor('b', ['a', 'b'])).to.equal('b');
    expect(audienceFor(['x', 'b'], ['a', 'b'])).to.equal('b');
    expect(audienceFor(['x'], ['a', 'b'])).to.equal('a');
    expect(audienceFor(42, ['a', 'b'])).to.equal('a');
  });
});
