// ID tokens and access tokens of a real OpenID Provider (node-oidc-provider through lib/dev-server), verified by
// TokenVerifier and AccessTokenVerifier through the provider's JWKS and discovery document.
import { expect } from 'chai';
import { GetToken, Users } from '../../lib/authentication/index.js';
import { ConfigurationError, KeyNotFoundError, TokenValidationError } from '../../lib/errors.js';
import { discover } from '../../lib/oidc/index.js';
import {
  AccessTokenVerifier,
  AsymmetricSignatureVerifier,
  JwksFetcher,
  TokenVerifier,
} from '../../lib/token-verifier/index.js';
import { clientOptions, login, startProvider, useProvider } from '../helpers/integration.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf } from '../helpers/secrets.js';

/** Asserts a `TokenValidationError` with this per-check code. */
function expectInvalid(error: Error, code: string): void {
  expect(error).to.be.instanceOf(TokenValidationError);
  expect((error as TokenValidationError).code).to.equal(code);
}

describe('token verification against a real OpenID Provider', function () {
  this.timeout(20_000);
  const server = useProvider();
  const getToken = (clientId: string) => new GetToken(clientOptions(server(), clientId));

  function idTokenVerifier(clientId = 'web-app', jwks: string | JwksFetcher = server().endpoints.jwks) {
    return new TokenVerifier({
      signatureVerifier: new AsymmetricSignatureVerifier(jwks),
      issuer: server().issuer,
      audience: clientId,
    });
  }

  /** A login of the web app for the API, exchanged with PKCE. */
  async function webLogin(maxAge?: number) {
    const { code, codeVerifier, redirectUri, nonce } = await login(server(), 'web-app', {
      audience: server().audience,
      scope: 'openid profile email offline_access read:messages',
      maxAge,
    });
    const tokens = await getToken('web-app').authorizationCodePkce({ code, codeVerifier, redirectUri });
    return { tokens, nonce };
  }

  describe('discover', () => {
    it("reads the provider's metadata, with Auth0's paths, for the exact issuer only", async () => {
      const metadata = await discover(server().issuer);
      expect(metadata).to.include({
        issuer: server().issuer,
        jwks_uri: server().endpoints.jwks,
        token_endpoint: server().endpoints.token,
        authorization_endpoint: server().endpoints.authorization,
        userinfo_endpoint: server().endpoints.userinfo,
        revocation_endpoint: server().endpoints.revocation,
        pushed_authorization_request_endpoint: server().endpoints.pushedAuthorization,
      });
      expect(metadata.code_challenge_methods_supported).to.deep.equal(['S256']);
      const withoutSlash = await rejectionOf(discover(server().issuer.slice(0, -1)));
      expect(withoutSlash).to.be.instanceOf(ConfigurationError).and.include({ option: 'issuer' });
    });
  });

  describe('TokenVerifier (ID tokens)', () => {
    it('verifies the ID token of a code + PKCE login with its nonce, at_hash and max_age', async () => {
      const { tokens, nonce } = await webLogin(300);
      const verifier = idTokenVerifier();
      const claims = await verifier.verify(tokens.id_token!, {
        nonce,
        accessToken: tokens.access_token,
        requireAtHash: true,
        maxAge: 300,
      });
      expect(claims).to.include({
        iss: server().issuer,
        aud: 'web-app',
        sub: 'user-123',
        nonce,
        email: 'user-123@example.com',
        name: 'Test User',
      });
      expect(claims.auth_time).to.be.a('number');
      expect((verifier.signatureVerifier as AsymmetricSignatureVerifier).jwks.fetchCount).to.equal(1);
    });

    it('rejects the ID token for another nonce, another access token, another client or another issuer', async () => {
      const { tokens, nonce } = await webLogin();
      const other = await webLogin();
      const idToken = tokens.id_token!;
      expectInvalid(
        await rejectionOf(idTokenVerifier().verify(idToken, { nonce: other.nonce })),
        'ERR_TOKEN_NONCE_MISMATCH',
      );
      expectInvalid(await rejectionOf(idTokenVerifier().verify(idToken)), 'ERR_TOKEN_NONCE_UNEXPECTED');
      expectInvalid(
        await rejectionOf(idTokenVerifier().verify(idToken, { nonce, accessToken: other.tokens.access_token })),
        'ERR_TOKEN_AT_HASH_MISMATCH',
      );
      expectInvalid(await rejectionOf(idTokenVerifier('spa').verify(idToken, { nonce })), 'ERR_TOKEN_AUD_MISMATCH');
      const slashless = new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(server().endpoints.jwks),
        issuer: server().issuer.slice(0, -1),
        audience: 'web-app',
      });
      expectInvalid(await rejectionOf(slashless.verify(idToken, { nonce })), 'ERR_TOKEN_ISS_MISMATCH');
    });

    it('verifies the ID token of a refresh, which carries the nonce of the original login (OIDC Core §12.2)', async () => {
      const { tokens, nonce } = await webLogin();
      const refreshed = await getToken('web-app').refreshToken({ refreshToken: tokens.refresh_token! });
      const claims = await idTokenVerifier().verify(refreshed.id_token!, {
        nonce,
        accessToken: refreshed.access_token,
      });
      expect(claims).to.include({ sub: 'user-123', nonce });
    });

    it('N60: checks a refreshed ID token against the original one, and userinfo against its subject (N61)', async () => {
      const { tokens, nonce } = await webLogin();
      const original = await idTokenVerifier().verify(tokens.id_token!, { nonce, accessToken: tokens.access_token });
      const refreshed = await getToken('web-app').refreshToken({ refreshToken: tokens.refresh_token! });
      const claims = await idTokenVerifier().verify(refreshed.id_token!, {
        original,
        accessToken: refreshed.access_token,
      });
      expect([claims.sub, claims.iss, claims.aud, claims.auth_time]).to.deep.equal([
        original.sub,
        original.iss,
        original.aud,
        original.auth_time,
      ]);
      const tampered = { ...original, sub: 'user-999' };
      expectInvalid(
        await rejectionOf(idTokenVerifier().verify(refreshed.id_token!, { original: tampered })),
        'ERR_TOKEN_REFRESH_MISMATCH',
      );
      const users = new Users({ domain: server().domain, protocol: 'http' });
      expect((await users.userinfo(refreshed.access_token, { subject: original.sub })).sub).to.equal('user-123');
      expectInvalid(
        await rejectionOf(users.userinfo(refreshed.access_token, { subject: 'user-999' })),
        'ERR_USERINFO_SUB_MISMATCH',
      );
    });

    it('refuses an access token presented as an ID token', async () => {
      const { tokens } = await webLogin();
      expectInvalid(await rejectionOf(idTokenVerifier().verify(tokens.access_token)), 'ERR_TOKEN_TYP_INVALID');
    });
  });

  describe('AccessTokenVerifier (API access tokens)', () => {
    it("verifies a client-credentials token, finding the JWKS through the issuer's discovery document", async () => {
      const { access_token } = await getToken('m2m-secret').clientCredentials({ audience: server().audience });
      const verifier = new AccessTokenVerifier({
        issuer: server().issuer,
        audience: server().audience,
        strictTyp: true,
      });
      const { header, payload, scopes, token } = await verifier.verifyComplete(access_token);
      expect(header).to.include({ alg: 'RS256', typ: 'at+jwt' });
      expect(payload).to.include({
        iss: server().issuer,
        sub: 'm2m-secret',
        aud: server().audience,
        gty: 'client-credentials',
      });
      expect(scopes).to.deep.equal(['read:messages', 'write:messages']);
      expect(token).to.equal(access_token);
      expect(await verifier.verify(access_token)).to.deep.equal(payload);
    });

    it("verifies a user's access token, whose aud lists the API and /userinfo, with a JWKS URL", async () => {
      const { tokens } = await webLogin();
      const verifier = new AccessTokenVerifier({
        issuer: server().issuer,
        audience: server().audience,
        jwksUri: server().endpoints.jwks,
      });
      const { payload, scopes } = await verifier.verifyComplete(tokens.access_token);
      expect(payload.aud).to.deep.equal([server().audience, server().endpoints.userinfo]);
      expect(payload).to.include({ sub: 'user-123', azp: 'web-app' });
      expect(scopes).to.deep.equal(['openid', 'profile', 'email', 'read:messages']);
    });

    it('refuses an ID token, a token for another API, and a forged signature', async () => {
      const { tokens } = await webLogin();
      const verifier = new AccessTokenVerifier({ issuer: server().issuer, audience: server().audience });
      expectInvalid(await rejectionOf(verifier.verify(tokens.id_token!)), 'ERR_TOKEN_AUD_MISMATCH');
      const otherApi = new AccessTokenVerifier({ issuer: server().issuer, audience: 'https://other.example.com/' });
      expectInvalid(await rejectionOf(otherApi.verify(tokens.access_token)), 'ERR_TOKEN_AUD_MISMATCH');
      const [header, payload] = tokens.access_token.split('.');
      const forged = `${header}.${payload}.${Buffer.alloc(256, 1).toString('base64url')}`;
      expectInvalid(await rejectionOf(verifier.verify(forged)), 'ERR_TOKEN_SIGNATURE_INVALID');
    });

    it("rejects another provider's token on its iss, before any request", async () => {
      const other = await startProvider({ signingKeys: [rsaKeys('integration-other-provider').privateKey] });
      try {
        const { access_token } = await new GetToken(clientOptions(other.server, 'm2m-secret')).clientCredentials({
          audience: other.server.audience,
        });
        const jwks = new JwksFetcher(server().endpoints.jwks);
        const verifier = new AccessTokenVerifier({ issuer: server().issuer, audience: server().audience, jwks });
        expectInvalid(await rejectionOf(verifier.verify(access_token)), 'ERR_TOKEN_ISS_MISMATCH');
        expect(jwks.fetchCount).to.equal(0);
        const trustingBoth = new AccessTokenVerifier({
          issuers: [server().issuer, other.server.issuer],
          audience: server().audience,
        });
        expect(await trustingBoth.verify(access_token)).to.include({ iss: other.server.issuer });
      } finally {
        await other.server.stop();
      }
    });

    it('shares one key set between the ID-token and access-token verifiers: one request for both', async () => {
      const { tokens, nonce } = await webLogin();
      const jwks = new JwksFetcher(server().endpoints.jwks);
      const access = new AccessTokenVerifier({ issuer: server().issuer, audience: server().audience, jwks });
      const ids = idTokenVerifier('web-app', jwks);
      const results = await Promise.all([
        ...Array.from({ length: 20 }, () => access.verify(tokens.access_token)),
        ids.verify(tokens.id_token!, { nonce }),
      ]);
      expect(results).to.have.length(21);
      expect(jwks.fetchCount).to.equal(1);
    });

    it('answers a kid the provider never published with KeyNotFoundError after one refetch', async () => {
      const { access_token } = await getToken('m2m-secret').clientCredentials({ audience: server().audience });
      const jwks = new JwksFetcher(server().endpoints.jwks, { cooldown: 0 });
      const verifier = new AccessTokenVerifier({ issuer: server().issuer, audience: server().audience, jwks });
      await verifier.verify(access_token);
      const [header, ...rest] = access_token.split('.');
      const decoded = JSON.parse(Buffer.from(header!, 'base64url').toString()) as Record<string, unknown>;
      const renamed = [
        Buffer.from(JSON.stringify({ ...decoded, kid: 'never-published' })).toString('base64url'),
        ...rest,
      ];
      const error = await rejectionOf(verifier.verify(renamed.join('.')));
      expect(error).to.be.instanceOf(KeyNotFoundError).and.include({ code: 'ERR_JWKS_KEY_NOT_FOUND', claim: 'kid' });
      expect(jwks.fetchCount).to.equal(2);
    });
  });
});
