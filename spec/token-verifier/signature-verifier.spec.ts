import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { DIAGNOSTICS_CHANNELS, type VerificationFailureMessage } from '../../lib/diagnostics.js';
import { ConfigurationError, KeyNotFoundError, TokenValidationError } from '../../lib/errors.js';
import { JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import { type ParseOptions, parseJwt } from '../../lib/token-verifier/jwt.js';
import { BUSY_AFTER_MAX, OFFLOAD_MODES, type OffloadMode, pendingOnPool } from '../../lib/token-verifier/offload.js';
import { MAX_SCRATCH_BYTES } from '../../lib/token-verifier/scratch.js';
import {
  AsymmetricSignatureVerifier,
  type KeyHandle,
  SymmetricSignatureVerifier,
} from '../../lib/token-verifier/signature-verifier.js';
import { listen, stopListening } from '../helpers/diagnostics.js';
import { JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server.js';
import { b64url, corruptSignature, publicJwk, signJwt, withSignature } from '../helpers/jwt.js';
import { keysByAlgorithm, rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';

// auth0-python's HMAC secret is 'secret' (6 bytes): RFC 7518 §3.2 wants at least the hash size, so ours is 32+.
const SECRET = 'tokens-test-shared-secret-32-bytes-long!';
const PAYLOAD = { iss: 'https://tokens-test.auth0.com/', sub: 'auth0|123456789' };
const PARSE: ParseOptions = { algorithms: ['HS256'], maxLength: 16_384, kind: 'token', types: null, untyped: true };

async function signatureError(promise: Promise<unknown>): Promise<TokenValidationError> {
  const err = await rejectionOf(promise);
  expect(err).to.be.instanceOf(TokenValidationError);
  return err as TokenValidationError;
}

describe('SignatureVerifier', () => {
  let server: JwksServer;

  before(async () => {
    server = await startJwksServer();
  });

  after(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.setKeys([publicJwk(rsaKeys().publicKey, { kid: 'test-key-1' })]);
    server.resetCounts();
  });

  describe('the original suite', () => {
    it('fails at creation with an algorithm that is not a string', () => {
      for (const build of [
        () => new SymmetricSignatureVerifier(SECRET, { algorithm: 12 as never }),
        () => new AsymmetricSignatureVerifier(server.jwksUri, { algorithm: 12 as never }),
      ]) {
        const err = thrownBy(build);
        expect(err).to.be.instanceOf(ConfigurationError);
        expect(err.message).to.equal('algorithm must be specified.');
      }
    });

    it('uses HS256 for a symmetric verifier by default', () => {
      expect(new SymmetricSignatureVerifier(SECRET).algorithm).to.equal('HS256');
    });

    it('uses RS256 for an asymmetric verifier by default', () => {
      expect(new AsymmetricSignatureVerifier(server.jwksUri).algorithm).to.equal('RS256');
    });

    it('uses a JWKS cache TTL of 600 s by default', () => {
      expect(new AsymmetricSignatureVerifier(server.jwksUri).jwks.cacheTtl).to.equal(600);
    });

    it('uses the JWKS cache TTL it is given', () => {
      expect(new AsymmetricSignatureVerifier(server.jwksUri, { cacheTtl: 3600 }).jwks.cacheTtl).to.equal(3600);
    });

    it('verifies a symmetric token with the configured secret, whatever its kid', async () => {
      const token = signJwt(PAYLOAD, { alg: 'HS256', key: SECRET, kid: 'any-kid' });
      const { payload } = await new SymmetricSignatureVerifier(SECRET).verifySignature(token);
      expect(payload).to.deep.equal(PAYLOAD);
    });

    it('looks the key up by the token kid in its key set', async () => {
      const jwks = new JwksFetcher(server.jwksUri);
      const verifier = new AsymmetricSignatureVerifier(jwks);
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      const { header } = await verifier.verifySignature(token);
      expect(header.kid).to.equal('test-key-1');
      expect(verifier.jwks).to.equal(jwks);
      expect(jwks.keys.map((key) => key.kid)).to.deep.equal(['test-key-1']);
      expect(server.count(JWKS_PATH)).to.equal(1);
    });

    it('fails with the none algorithm, naming the one expected', async () => {
      const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(PAYLOAD)}.`;
      for (const [verifier, expected] of [
        [new SymmetricSignatureVerifier(SECRET), 'HS256'],
        [new AsymmetricSignatureVerifier(server.jwksUri), 'RS256'],
      ] as const) {
        const err = await signatureError(verifier.verifySignature(unsigned));
        expect(err.message).to.equal(
          `Signature algorithm of "none" is not supported. Expected the token to be signed with "${expected}"`,
        );
      }
      expect(server.count(JWKS_PATH)).to.equal(0);
    });
  });

  describe('SymmetricSignatureVerifier', () => {
    it('refuses a secret shorter than the hash of its algorithms, naming no secret', () => {
      for (const [secret, algorithm] of [
        ['secret', 'HS256'],
        ['', 'HS256'],
        ['x'.repeat(31), 'HS256'],
        ['x'.repeat(47), 'HS384'],
        ['x'.repeat(63), 'HS512'],
        ['x'.repeat(48), ['HS256', 'HS512']],
      ] as const) {
        const err = thrownBy(() => new SymmetricSignatureVerifier(secret, { algorithm }));
        expect(err).to.be.instanceOf(ConfigurationError);
        expect((err as ConfigurationError).option).to.equal('sharedSecret');
        if (secret.startsWith('x')) expectNoSecrets(err, [secret]);
      }
      expect(
        new SymmetricSignatureVerifier('x'.repeat(64), { algorithm: ['HS256', 'HS512'] }).algorithms,
      ).to.deep.equal(['HS256', 'HS512']);
    });

    it('counts UTF-8 bytes, and accepts bytes and secret KeyObjects', () => {
      expect(() => new SymmetricSignatureVerifier('é'.repeat(16))).not.to.throw();
      expect(() => new SymmetricSignatureVerifier(Buffer.alloc(32, 1))).not.to.throw();
      expect(() => new SymmetricSignatureVerifier(createSecretKey(Buffer.alloc(32, 1)))).not.to.throw();
    });

    it('refuses a public KeyObject, an asymmetric algorithm and a missing secret', () => {
      expect(thrownBy(() => new SymmetricSignatureVerifier(rsaKeys().publicKey))).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => new SymmetricSignatureVerifier(SECRET, { algorithm: 'RS256' as never }))).to.be.instanceOf(
        ConfigurationError,
      );
      expect(thrownBy(() => new SymmetricSignatureVerifier(undefined as never))).to.be.instanceOf(ConfigurationError);
    });

    it('never shows its secret', async () => {
      const verifier = new SymmetricSignatureVerifier(SECRET);
      expectNoSecrets(verifier, [SECRET]);
      expect(inspect(verifier, { showHidden: true, depth: Infinity })).not.to.include(SECRET);
      const err = await rejectionOf(
        verifier.verifySignature(corruptSignature(signJwt(PAYLOAD, { alg: 'HS256', key: SECRET }))),
      );
      expectNoSecrets(err, [SECRET]);
    });

    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      it(`verifies ${alg} and rejects a corrupted, truncated or extended MAC`, async () => {
        const secret = 'k'.repeat(64);
        const verifier = new SymmetricSignatureVerifier(secret, { algorithm: alg });
        const token = signJwt(PAYLOAD, { alg, key: secret });
        expect((await verifier.verifySignature(token)).payload).to.deep.equal(PAYLOAD);
        const mac = Buffer.from(token.split('.')[2] as string, 'base64url');
        for (const bad of [
          corruptSignature(token),
          withSignature(token, mac.subarray(0, mac.length - 1)),
          withSignature(token, Buffer.concat([mac, Buffer.from([0])])),
          withSignature(token, Buffer.alloc(0)),
        ]) {
          const err = await signatureError(verifier.verifySignature(bad));
          expect([err.code, err.message]).to.deep.equal(['ERR_TOKEN_SIGNATURE_INVALID', 'Invalid token signature.']);
        }
      });
    }

    it('verifies MACs over signing inputs below and beyond the shared scratch buffer, one after the other', () => {
      const verifier = new SymmetricSignatureVerifier(SECRET);
      const options = { ...PARSE, maxLength: 100_000 };
      const long = signJwt({ ...PAYLOAD, pad: 'x'.repeat(MAX_SCRATCH_BYTES) }, { alg: 'HS256', key: SECRET });
      const short = signJwt(PAYLOAD, { alg: 'HS256', key: SECRET });
      expect(verifier.verifyParsed(parseJwt(long, options)).active).to.equal(true);
      expect(verifier.verifyParsed(parseJwt(short, options)).active).to.equal(true);
      expect(thrownBy(() => verifier.verifyParsed(parseJwt(corruptSignature(long), options)))).to.have.property(
        'code',
        'ERR_TOKEN_SIGNATURE_INVALID',
      );
    });

    it('rejects a MAC made with another secret or another hash', async () => {
      const verifier = new SymmetricSignatureVerifier(SECRET);
      await signatureError(verifier.verifySignature(signJwt(PAYLOAD, { alg: 'HS256', key: `${SECRET}!` })));
      await signatureError(verifier.verifySignature(signJwt(PAYLOAD, { alg: 'HS256', signAs: 'HS384', key: SECRET })));
    });

    it('rejects an RS256 token: the key is chosen by configuration, not by the header', async () => {
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      const err = await signatureError(new SymmetricSignatureVerifier(SECRET).verifySignature(token));
      expect(err.code).to.equal('ERR_TOKEN_ALG_NOT_ALLOWED');
    });
  });

  describe('AsymmetricSignatureVerifier', () => {
    for (const offload of OFFLOAD_MODES) {
      describe(`with offload: ${offload}`, () => {
        for (const [alg, keys] of keysByAlgorithm()) {
          it(`verifies ${alg} with the JWKS key and rejects the OIDF bad signature`, async () => {
            server.setKeys([publicJwk(keys.publicKey, { kid: 'k', use: 'sig' })]);
            const verifier = new AsymmetricSignatureVerifier(server.jwksUri, { algorithm: alg, offload });
            const token = signJwt(PAYLOAD, { alg, kid: 'k', key: keys.privateKey });
            expect((await verifier.verifySignature(token)).payload).to.deep.equal(PAYLOAD);
            const err = await signatureError(verifier.verifySignature(corruptSignature(token)));
            expect(err.message).to.equal('Invalid token signature.');
          });
        }

        it('tries every key of a repeated kid and accepts the one that verifies', async () => {
          const signer = rsaKeys('signer');
          server.setKeys([
            publicJwk(rsaKeys('decoy').publicKey, { kid: 'dup' }),
            publicJwk(signer.publicKey, { kid: 'dup' }),
          ]);
          const verifier = new AsymmetricSignatureVerifier(server.jwksUri, { offload });
          await verifier.verifySignature(signJwt(PAYLOAD, { kid: 'dup', key: signer.privateKey }));
          await signatureError(
            verifier.verifySignature(signJwt(PAYLOAD, { kid: 'dup', key: rsaKeys('x').privateKey })),
          );
        });

        it('verifies a token without kid against each candidate key', async () => {
          const signer = rsaKeys('signer');
          server.setKeys([publicJwk(rsaKeys('decoy').publicKey), publicJwk(signer.publicKey)]);
          const verifier = new AsymmetricSignatureVerifier(server.jwksUri, { offload });
          await verifier.verifySignature(signJwt(PAYLOAD, { key: signer.privateKey }));
          await signatureError(verifier.verifySignature(signJwt(PAYLOAD, { key: rsaKeys('x').privateKey })));
        });
      });
    }

    it('accepts only the algorithms it was given', async () => {
      const { privateKey, publicKey } = rsaKeys();
      server.setKeys([publicJwk(publicKey, { kid: 'k' })]);
      const verifier = new AsymmetricSignatureVerifier(server.jwksUri, { algorithm: ['RS256', 'PS256'] });
      await verifier.verifySignature(signJwt(PAYLOAD, { alg: 'PS256', kid: 'k', key: privateKey }));
      const err = await signatureError(
        verifier.verifySignature(signJwt(PAYLOAD, { alg: 'RS512', kid: 'k', key: privateKey })),
      );
      expect(err.code).to.equal('ERR_TOKEN_ALG_NOT_ALLOWED');
    });

    it('rejects a token signed by another key under a known kid', async () => {
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys('attacker').privateKey });
      await signatureError(new AsymmetricSignatureVerifier(server.jwksUri).verifySignature(token));
    });

    it('never turns the public key into an HMAC secret (RS→HS confusion)', async () => {
      const { publicKey } = rsaKeys();
      const jwk = publicKey.export({ format: 'jwk' });
      const verifier = new AsymmetricSignatureVerifier(server.jwksUri);
      for (const secret of [
        publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        publicKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
        `  ${publicKey.export({ format: 'pem', type: 'spki' }).toString()}`,
        publicKey.export({ format: 'der', type: 'spki' }),
        String(jwk.n),
        JSON.stringify(jwk),
      ]) {
        const err = await signatureError(
          verifier.verifySignature(signJwt(PAYLOAD, { alg: 'HS256', kid: 'test-key-1', key: secret })),
        );
        expect(err.code).to.equal('ERR_TOKEN_ALG_NOT_ALLOWED');
      }
      expect(server.count(JWKS_PATH)).to.equal(0);
    });

    it('never takes a key from the token: jwk, jku, x5u and x5c headers are ignored', async () => {
      const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const other = await startJwksServer();
      try {
        other.setKeys([publicJwk(attacker.publicKey, { kid: 'evil' })]);
        const token = signJwt(PAYLOAD, {
          kid: 'evil',
          key: attacker.privateKey,
          header: {
            jwk: publicJwk(attacker.publicKey),
            jku: other.jwksUri,
            x5u: `${other.origin}/cert.pem`,
            x5c: ['MIIB'],
          },
        });
        const err = await rejectionOf(new AsymmetricSignatureVerifier(server.jwksUri).verifySignature(token));
        expect(err).to.be.instanceOf(KeyNotFoundError);
        expect(other.requests).to.deep.equal([]);
      } finally {
        await other.close();
      }
    });

    it('refuses fetcher options next to a fetcher, and a bad algorithm', () => {
      const jwks = new JwksFetcher(server.jwksUri);
      const err = thrownBy(() => new AsymmetricSignatureVerifier(jwks, { cacheTtl: 10 }));
      expect((err as ConfigurationError).option).to.equal('cacheTtl');
      expect(
        thrownBy(() => new AsymmetricSignatureVerifier(server.jwksUri, { algorithm: 'HS256' as never })),
      ).to.be.instanceOf(ConfigurationError);
      expect(thrownBy(() => new AsymmetricSignatureVerifier('http://example.com/jwks'))).to.be.instanceOf(
        ConfigurationError,
      );
    });

    it('verifies synchronously once the key is cached', async () => {
      const verifier = new AsymmetricSignatureVerifier(server.jwksUri);
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      const jwt = parseJwt(token, {
        algorithms: ['RS256'],
        maxLength: 16_384,
        kind: 'token',
        types: null,
        untyped: true,
      });
      expect(verifier.verifyParsed(jwt)).to.be.instanceOf(Promise);
      await verifier.verifyParsed(jwt);
      const handle = verifier.verifyParsed(jwt);
      expect(handle).not.to.be.instanceOf(Promise);
      expect((handle as { active: boolean }).active).to.equal(true);
    });

    it("checks signatures where its offload says, 'auto' by default, and refuses an unknown mode", async () => {
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      const jwt = parseJwt(token, { ...PARSE, algorithms: ['RS256'] });
      const jwks = new JwksFetcher(server.jwksUri);
      const build = (offload?: OffloadMode) => new AsymmetricSignatureVerifier(jwks, { offload });
      expect(build().offload).to.equal('auto');
      const never = build('never');
      const always = build('always');
      await never.verifyParsed(jwt);
      await always.verifyParsed(jwt);
      // Keys cached: 'never' answers at once, 'always' after a trip to the pool, with the same handle.
      const before = pendingOnPool();
      const inline = never.verifyParsed(jwt);
      expect(inline).not.to.be.instanceOf(Promise);
      expect(pendingOnPool()).to.equal(before);
      const pooled = always.verifyParsed(jwt);
      expect(pooled).to.be.instanceOf(Promise);
      expect(pendingOnPool()).to.equal(before + 1);
      expect(await pooled).to.equal(inline);
      const err = thrownBy(() => build('sometimes' as OffloadMode));
      expect((err as ConfigurationError).option).to.equal('offload');
    });

    it("stays inline with 'never' and goes to the pool with 'auto' when verifications pile up", async () => {
      const token = signJwt(PAYLOAD, { kid: 'test-key-1', key: rsaKeys().privateKey });
      const jwt = parseJwt(token, { ...PARSE, algorithms: ['RS256'] });
      const never = new AsymmetricSignatureVerifier(server.jwksUri, { offload: 'never' });
      const auto = new AsymmetricSignatureVerifier(never.jwks, { offload: 'auto' });
      await never.verifyParsed(jwt);
      await setTimeout(2);
      // One at a time, the event loop waiting in between: inline.
      for (let i = 0; i < 8; i++) {
        expect(auto.verifyParsed(jwt)).not.to.be.instanceOf(Promise);
        await setTimeout(1);
      }
      // A pile-up, the event loop never waiting: 'never' stays inline, 'auto' goes to the pool after a while.
      const results: (KeyHandle | Promise<KeyHandle>)[][] = [];
      const start = performance.now();
      while (performance.now() - start < BUSY_AFTER_MAX + 40)
        results.push([never.verifyParsed(jwt), auto.verifyParsed(jwt)]);
      expect(results.filter(([inline]) => inline instanceof Promise)).to.deep.equal([]);
      const first = results.findIndex(([, maybe]) => maybe instanceof Promise);
      if (availableParallelism() > 1) {
        expect(first).to.be.above(0);
        expect(results.slice(first).every(([, maybe]) => maybe instanceof Promise)).to.equal(true);
      } else {
        expect(first).to.equal(-1);
      }
      await Promise.all(results.map(([, maybe]) => maybe));
    });
  });

  describe('verifySignature', () => {
    it('never throws synchronously', async () => {
      const verifier = new SymmetricSignatureVerifier(SECRET);
      for (const token of [undefined, null, 42, '', 'a.b', {}] as unknown as string[]) {
        const result = verifier.verifySignature(token);
        expect(result).to.be.instanceOf(Promise);
        expect(await rejectionOf(result)).to.be.instanceOf(TokenValidationError);
      }
    });

    it('publishes each failure on authn-client:verification:failure as a failure of a token', async () => {
      const failures = listen<VerificationFailureMessage>(DIAGNOSTICS_CHANNELS.verificationFailure);
      try {
        await rejectionOf(new SymmetricSignatureVerifier(SECRET).verifySignature('a.b'));
        const unknown = signJwt(PAYLOAD, { kid: 'unknown', key: rsaKeys().privateKey });
        await rejectionOf(new AsymmetricSignatureVerifier(server.jwksUri).verifySignature(unknown));
        expect(failures.messages.map(({ kind, code, claim }) => ({ kind, code, claim }))).to.deep.equal([
          { kind: 'token', code: 'ERR_TOKEN_MALFORMED', claim: undefined },
          { kind: 'token', code: 'ERR_JWKS_KEY_NOT_FOUND', claim: 'kid' },
        ]);
      } finally {
        stopListening();
      }
    });

    it('accepts any typ, since it checks no claim', async () => {
      const token = signJwt(PAYLOAD, { alg: 'HS256', key: SECRET, typ: 'at+jwt' });
      expect((await new SymmetricSignatureVerifier(SECRET).verifySignature(token)).header.typ).to.equal('at+jwt');
    });
  });
});
