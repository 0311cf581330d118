// The key source going down: the provider is stopped while verifiers hold its keys. Known keys keep verifying
// (stale-if-error), anything the cached keys cannot decide is a NetworkError (503 material) and never a
// TokenValidationError (401), and the verifiers recover when the provider is back. Only `Date` is faked, to step
// over the TTL and the backoff without sleeping; every request is real.
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { GetToken } from '../../lib/authentication/index.js';
import { NetworkError, TokenValidationError } from '../../lib/errors.js';
import { AccessTokenVerifier, JwksFetcher } from '../../lib/token-verifier/index.js';
import { decodeJwt } from '../helpers/dev-server.js';
import { clientOptions, type Provider, startProvider, stopProvider } from '../helpers/integration.js';
import { signJwt } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';
import { rejectionOf } from '../helpers/secrets.js';

/** Asserts a key-source failure: a `NetworkError` (503), not a verdict on the token (401). */
function expectUnavailable(error: Error): void {
  expect(error).to.be.instanceOf(NetworkError);
  expect(error).to.not.be.instanceOf(TokenValidationError);
}

describe('JWKS outage at a real OpenID Provider', function () {
  this.timeout(20_000);
  const k1 = rsaKeys('integration-outage-1').privateKey;
  const k2 = rsaKeys('integration-outage-2').privateKey;
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

  async function m2mToken(): Promise<string> {
    const { server } = provider!;
    return (await new GetToken(clientOptions(server, 'm2m-secret')).clientCredentials({ audience: server.audience }))
      .access_token;
  }

  /** A well-formed token of this issuer signed by a key the provider never published. */
  function unknownKidToken(): string {
    const { server } = provider!;
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { iss: server.issuer, aud: server.audience, sub: 'm2m-secret', iat: now, exp: now + 600 },
      { key: rsaKeys('integration-outage-unpublished').privateKey, kid: 'never-published', typ: 'at+jwt' },
    );
  }

  /** Starts the provider, gets a token and verifies it once, so that its key is cached; then stops the provider. */
  async function verifiedThenDown(jwksOptions: { maxStale?: number } = {}) {
    provider = await startProvider({ signingKeys: [k1] });
    const { server } = provider;
    const jwks = new JwksFetcher(server.endpoints.jwks, jwksOptions);
    const verifier = new AccessTokenVerifier({ issuer: server.issuer, audience: server.audience, jwks });
    const token = await m2mToken();
    await verifier.verify(token);
    await server.stop();
    clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
    return { jwks, verifier, token };
  }

  it('keeps verifying tokens of known keys after the TTL while the provider is down (stale-if-error)', async () => {
    const { jwks, verifier, token } = await verifiedThenDown();
    clock!.tick(jwks.cacheTtl * 1000);
    expect(await verifier.verify(token)).to.include({ sub: 'm2m-secret' });
    expect(jwks.fetchCount, 'one failed refetch').to.equal(2);
    expect(jwks.stale).to.equal(true);
    expectUnavailable(jwks.lastError!);

    const results = await Promise.all(Array.from({ length: 50 }, () => verifier.verify(token)));
    expect(results.every((claims) => claims.sub === 'm2m-secret')).to.equal(true);
    expect(jwks.fetchCount, 'no request within the backoff').to.equal(2);
    clock!.tick(1000);
    expect(await verifier.verify(token)).to.include({ sub: 'm2m-secret' });
    expect(jwks.fetchCount, 'one background retry after the backoff').to.equal(3);
  });

  it('answers a kid the cached keys do not know with a NetworkError, not a TokenValidationError', async () => {
    const { jwks, verifier } = await verifiedThenDown();
    const token = unknownKidToken();
    clock!.tick(jwks.cooldown * 1000);
    expectUnavailable(await rejectionOf(verifier.verify(token)));
    expect(jwks.fetchCount, 'the cooldown allowed one refetch, which failed').to.equal(2);
    expectUnavailable(await rejectionOf(verifier.verify(token)));
    expect(jwks.fetchCount, 'no request within the backoff').to.equal(2);
  });

  it('answers every token with a NetworkError when the provider was never reached', async () => {
    provider = await startProvider({ signingKeys: [k1] });
    const { server } = provider;
    const token = await m2mToken();
    await server.stop();
    const jwks = new JwksFetcher(server.endpoints.jwks);
    const viaJwks = new AccessTokenVerifier({ issuer: server.issuer, audience: server.audience, jwks });
    expectUnavailable(await rejectionOf(viaJwks.verify(token)));
    expect(jwks.fetchCount).to.equal(1);
    const viaDiscovery = new AccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    expectUnavailable(await rejectionOf(viaDiscovery.verify(token)));
  });

  it('drops the stale keys after maxStale: tokens then fail with the source error', async () => {
    const { jwks, verifier, token } = await verifiedThenDown({ maxStale: 900 });
    clock!.tick(jwks.cacheTtl * 1000);
    expect(await verifier.verify(token)).to.include({ sub: 'm2m-secret' });
    clock!.tick(300 * 1000);
    expectUnavailable(await rejectionOf(verifier.verify(token)));
    expect(jwks.keys).to.deep.equal([]);
  });

  it('recovers when the provider is back with a new key: it verifies after the backoff', async () => {
    const { jwks, verifier, token } = await verifiedThenDown();
    const { port } = provider!.server;
    clock!.tick(jwks.cacheTtl * 1000);
    await verifier.verify(token);
    expect(jwks.stale).to.equal(true);

    // The provider comes back (issuing tokens at the faked time, which the verifier reads too).
    provider = await startProvider({ port, signingKeys: [k2, k1] });
    const fresh = await m2mToken();
    expect(decodeJwt(fresh).header.kid).to.not.equal(decodeJwt(token).header.kid);
    expectUnavailable(await rejectionOf(verifier.verify(fresh)));
    expect(jwks.fetchCount, 'no request within the backoff, even for a new kid').to.equal(2);
    clock!.tick(1000);
    expect(await verifier.verify(fresh)).to.include({ sub: 'm2m-secret' });
    expect(jwks.fetchCount).to.equal(3);
    expect(jwks.stale).to.equal(false);
    expect(jwks.lastError).to.equal(undefined);
    expect(await verifier.verify(token)).to.include({ sub: 'm2m-secret' });
  });
});
