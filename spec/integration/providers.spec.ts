// Token providers for scripted M2M grants against a real OpenID Provider, on both profiles of the dev server (an
// Auth0 domain; an issuer whose token endpoint is discovered): one grant for any number of callers, a new grant
// after invalidate(), private_key_jwt and client secrets, and typed errors without secrets.
import { inspect } from 'node:util';
import { expect } from 'chai';
import { Auth0Error } from '../../lib/errors.js';
import {
  Auth0AuthenticationProvider,
  ClientCredentialsProvider,
  CustomOIDCAuthenticationProvider,
} from '../../lib/providers/index.js';
import { AccessTokenVerifier } from '../../lib/token-verifier/index.js';
import { decodeJwt } from '../helpers/dev-server.js';
import { locationOf, PROFILES, profileOptions, useProvider } from '../helpers/integration.js';
import { expectNoSecrets, rejectionOf } from '../helpers/secrets.js';

for (const profile of PROFILES)
  describe(`token providers against a real OpenID Provider (${profile} profile)`, function () {
    this.timeout(20_000);
    const server = useProvider(profileOptions(profile));
    const auth0 = profile === 'auth0';
    let verifier: AccessTokenVerifier;

    before(() => {
      verifier = new AccessTokenVerifier({ issuer: server().issuer, audience: server().audience });
    });
    const jtiOf = (token: string) => decodeJwt(token).payload.jti;

    it('spends one grant on concurrent and later callers, and a new one after invalidate()', async () => {
      const m2m = server().client('m2m-secret');
      const tokens = new ClientCredentialsProvider({
        ...locationOf(server()),
        clientId: m2m.clientId,
        clientSecret: m2m.clientSecret!,
        audience: server().audience,
      });
      const concurrent = await Promise.all(Array.from({ length: 20 }, () => tokens.authToken()));
      const later = await tokens.authToken();
      expect(new Set([...concurrent, later]).size, 'one token, so one grant').to.equal(1);
      expect(await verifier.verify(later)).to.include({
        sub: 'm2m-secret',
        ...(auth0 && { gty: 'client-credentials' }),
      });
      const { accessToken, expiresAt } = await tokens.getAccessToken();
      expect(accessToken).to.equal(later);
      expect(expiresAt).to.be.closeTo(Date.now() + 3600 * 1000, 10_000);

      await tokens.invalidate(later);
      const next = await tokens.authToken();
      expect(next).to.not.equal(later);
      expect(jtiOf(next)).to.not.equal(jtiOf(later));
      expectNoSecrets(tokens, [m2m.clientSecret!]);
    });

    it('gets tokens with private_key_jwt from a token endpoint URL (assertion audience: the endpoint)', async () => {
      const jwt = server().client('m2m-jwt');
      const tokens = new ClientCredentialsProvider({
        tokenEndpoint: server().endpoints.token,
        clientId: jwt.clientId,
        privateKey: jwt.privateKey!,
        audience: server().audience,
        scope: ['read:messages'],
      });
      const token = await tokens.authToken();
      expect(await verifier.verify(token)).to.include({ sub: 'm2m-jwt', scope: 'read:messages' });
      expect(inspect(tokens, { depth: Infinity, showHidden: true })).to.not.include('PRIVATE KEY');
    });

    it('gets tokens through the Auth0 provider (auth0 profile) and the custom OIDC provider (by discovery)', async () => {
      const m2m = server().client('m2m-secret');
      const custom = new CustomOIDCAuthenticationProvider({
        discoveryUri: server().endpoints.discovery,
        clientId: m2m.clientId,
        clientSecret: m2m.clientSecret!,
        clientAuthMethod: 'client_secret_basic',
        resource: server().audience,
      });
      const sources = [custom];
      if (auth0) {
        const { domain } = server();
        const m2mCredentials = { clientId: m2m.clientId, clientSecret: m2m.clientSecret!, audience: server().audience };
        sources.push(new Auth0AuthenticationProvider({ domain, protocol: 'http', ...m2mCredentials }));
      }
      for (const source of sources) {
        expect(await verifier.verify(await source.authToken())).to.include({ sub: 'm2m-secret' });
      }
    });

    it("rejects with the provider's invalid_client for a wrong secret, without the secret", async () => {
      const secret = 'wrong-secret-for-the-provider-0123456789';
      const tokens = new ClientCredentialsProvider({
        ...locationOf(server()),
        clientId: 'm2m-secret',
        clientSecret: secret,
        audience: server().audience,
      });
      const error = await rejectionOf(tokens.authToken());
      expect(error).to.be.instanceOf(Auth0Error).and.include({ statusCode: 401, errorCode: 'invalid_client' });
      expectNoSecrets(error, [secret]);
      expectNoSecrets(tokens, [secret]);
    });
  });
