// Signing-key rotation at a real OpenID Provider: the provider restarts on the same port (same issuer) with a new
// key published first, then without the old key, and the verifiers follow within their TTL and cooldown. Only
// `Date` is faked, to step over the TTL and the cooldown without sleeping; every request is real.
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import type { KeyObject } from 'node:crypto';
import { GetToken } from '../../lib/authentication/index.js';
import { KeyNotFoundError } from '../../lib/errors.js';
import {
  AccessTokenVerifier,
  AsymmetricSignatureVerifier,
  JwksFetcher,
  TokenVerifier,
} from '../../lib/token-verifier/index.js';
import { decodeJwt } from '../helpers/dev-server.js';
import { clientOptions, login, type Provider, startProvider, stopProvider } from '../helpers/integration.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf } from '../helpers/secrets.js';

describe('signing-key rotation at a real OpenID Provider', function () {
  this.timeout(20_000);
  const k1 = rsaKeys('integration-rotation-1').privateKey;
  const k2 = rsaKeys('integration-rotation-2').privateKey;
  let provider: Provider | undefined;
  let clock: ReturnType<typeof FakeTimers.install> | undefined;

  afterEach(async () => {
    clock?.uninstall();
    clock = undefined;
    const errors = provider?.errors ?? [];
    await stopProvider(provider);
    provider = undefined;
    expect(errors, 'the provider reported server errors').to.deep.equal([]);
  });

  /** Stops the provider and starts it again on the same port (so with the same issuer) with these keys. */
  async function restart(signingKeys: KeyObject[]): Promise<void> {
    const { port, issuer } = provider!.server;
    await provider!.server.stop();
    expect(provider!.errors, 'the provider reported server errors').to.deep.equal([]);
    provider = await startProvider({ port, signingKeys });
    expect(provider.server.issuer).to.equal(issuer);
  }

  async function m2mToken(): Promise<string> {
    const { server } = provider!;
    return (await new GetToken(clientOptions(server, 'm2m-secret')).clientCredentials({ audience: server.audience }))
      .access_token;
  }

  async function idToken(): Promise<{ idToken: string; nonce: string }> {
    const { server } = provider!;
    const { code, codeVerifier, redirectUri, nonce } = await login(server, 'web-app');
    const tokens = await new GetToken(clientOptions(server, 'web-app')).authorizationCodePkce({
      code,
      codeVerifier,
      redirectUri,
    });
    return { idToken: tokens.id_token!, nonce };
  }

  function verifiers(jwks: JwksFetcher, cache = false) {
    const { server } = provider!;
    return {
      access: new AccessTokenVerifier({ issuer: server.issuer, audience: server.audience, jwks, cache }),
      id: new TokenVerifier({
        signatureVerifier: new AsymmetricSignatureVerifier(jwks),
        issuer: server.issuer,
        audience: 'web-app',
        cache,
      }),
    };
  }

  const kidOf = (token: string) => decodeJwt(token).header.kid;

  it("keeps verifying the old key's tokens while it is published, and the new key's after one refetch past the cooldown", async () => {
    provider = await startProvider({ signingKeys: [k1] });
    const jwks = new JwksFetcher(provider.server.endpoints.jwks);
    const { access, id } = verifiers(jwks);
    const oldAccess = await m2mToken();
    const oldId = await idToken();
    await access.verify(oldAccess);
    await id.verify(oldId.idToken, { nonce: oldId.nonce });
    expect(jwks.fetchCount).to.equal(1);

    await restart([k2, k1]);
    const newAccess = await m2mToken();
    expect(kidOf(newAccess)).to.not.equal(kidOf(oldAccess));
    expect(await access.verify(oldAccess)).to.include({ sub: 'm2m-secret' });
    expect(jwks.fetchCount, 'the old key is still cached').to.equal(1);

    clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
    const early = await rejectionOf(access.verify(newAccess));
    expect(early, 'an unknown kid within the cooldown').to.be.instanceOf(KeyNotFoundError);
    expect(jwks.fetchCount, 'no request within the cooldown').to.equal(1);

    clock.tick(jwks.cooldown * 1000);
    expect(await access.verify(newAccess)).to.include({ sub: 'm2m-secret' });
    expect(jwks.fetchCount).to.equal(2);
    expect(await access.verify(oldAccess)).to.include({ sub: 'm2m-secret' });
    expect(await id.verify(oldId.idToken, { nonce: oldId.nonce })).to.include({ sub: 'user-123' });
    expect(jwks.fetchCount, 'both keys are known now').to.equal(2);
  });

  for (const cache of [false, true]) {
    it(`stops accepting the old key's tokens at the first refetch after the TTL once it is gone (verified-token cache ${cache ? 'on' : 'off'})`, async () => {
      provider = await startProvider({ signingKeys: [k1, k2] });
      const jwks = new JwksFetcher(provider.server.endpoints.jwks);
      const { access, id } = verifiers(jwks, cache);
      const oldAccess = await m2mToken();
      const oldId = await idToken();
      await access.verify(oldAccess);
      await id.verify(oldId.idToken, { nonce: oldId.nonce });

      await restart([k2]);
      const newAccess = await m2mToken();
      expect(await access.verify(newAccess), 'the new key was published before it signed').to.include({
        sub: 'm2m-secret',
      });
      expect(await access.verify(oldAccess), 'within the TTL the verifier cannot know').to.include({
        sub: 'm2m-secret',
      });
      expect(jwks.fetchCount).to.equal(1);

      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      clock.tick(jwks.cacheTtl * 1000);
      const gone = await rejectionOf(access.verify(oldAccess));
      expect(gone).to.be.instanceOf(KeyNotFoundError).and.include({ code: 'ERR_JWKS_KEY_NOT_FOUND' });
      expect(jwks.fetchCount, 'one refetch after the TTL').to.equal(2);
      const goneId = await rejectionOf(id.verify(oldId.idToken, { nonce: oldId.nonce }));
      expect(goneId).to.be.instanceOf(KeyNotFoundError);
      expect(await access.verify(newAccess)).to.include({ sub: 'm2m-secret' });
      expect(jwks.keys.map((key) => key.kid)).to.deep.equal([kidOf(newAccess)]);
      expect(jwks.fetchCount).to.equal(2);
    });
  }
});
