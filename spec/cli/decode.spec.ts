import { expect } from 'chai';
import { commandRunner } from '../helpers/cli.js';
import { b64url, signJwt } from '../helpers/jwt.js';
import { rsaKeys } from '../helpers/keys.js';

describe('authn decode', () => {
  const header = { alg: 'RS256', typ: 'JWT', kid: 'k1' };
  const payload = { iss: 'https://tenant.example.com/', sub: 'user-1', iat: 1_900_000_000, exp: 1_900_003_600 };
  const token = signJwt(payload, { kid: 'k1', key: rsaKeys().privateKey });

  const decode = commandRunner('decode');

  it('prints {header, payload} as JSON on stdout, so that it pipes into jq, and UNVERIFIED on stderr', async () => {
    const run = await decode([token]);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.out)).to.deep.equal({ header, payload });
    expect(run.err.split('\n')[0]).to.equal('authn decode: UNVERIFIED: the signature and the claims were not checked');
  });

  it('shows the time claims as dates on stderr, and whether the token has expired', async () => {
    const run = await decode([token]);
    expect(run.err).to.include('authn decode: iat 2030-03-17T17:46:40Z\n');
    expect(run.err).to.include('authn decode: exp 2030-03-17T18:46:40Z (not expired)\n');
    const old = await decode([signJwt({ exp: 1_000_000_000, nbf: 'soon' }, { alg: 'HS256', key: 'k' })]);
    expect(old.err).to.include('authn decode: exp 2001-09-09T01:46:40Z (expired)\n');
    expect(old.err).to.not.include('nbf');
  });

  it('reads the token from stdin when it is -', async () => {
    const run = await decode(['-'], {}, `${token}\n`);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.out).payload).to.deep.equal(payload);
  });

  it('decodes what the verifier would refuse: alg none, crit, an empty signature', async () => {
    const unsigned = `${b64url({ alg: 'none', crit: ['x'] })}.${b64url({ sub: 'u' })}.`;
    const run = await decode([unsigned]);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.out)).to.deep.equal({ header: { alg: 'none', crit: ['x'] }, payload: { sub: 'u' } });
  });

  it("exits 1 with the parser's reason on one line for a malformed token, and never echoes it", async () => {
    for (const bad of ['opaque-token-value', 'a.b', `${token}.x`, `${b64url('[1]')}.${b64url({})}.`]) {
      const run = await decode([bad]);
      expect(run.code).to.equal(1);
      expect(run.out).to.equal('');
      expect(run.err).to.equal('authn decode: ERR_TOKEN_MALFORMED: token could not be decoded.\n');
    }
  });

  /** An unsigned token whose payload nests `depth` arrays in its claim `a`. */
  const nested = (depth: number) =>
    `${b64url({ alg: 'none' })}.${b64url(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`)}.`;

  it('prints a payload nested 62 levels deep (64 with the wrapper object and the payload)', async () => {
    const run = await decode([nested(62)]);
    expect(run.code, run.err).to.equal(0);
    expect(JSON.parse(run.out).payload.a.flat(Infinity)).to.deep.equal([]);
  });

  it('exits 1 with ERR_TOKEN_TOO_DEEP, on one line and with nothing on stdout, for a token nested deeper', async () => {
    for (const depth of [63, 4_100, 100_000]) {
      const run = await decode(['-'], {}, nested(depth));
      expect(run.code).to.equal(1);
      expect(run.out).to.equal('');
      expect(run.err.split('\n').at(-2)).to.equal(
        'authn decode: ERR_TOKEN_TOO_DEEP: the token nests arrays and objects more than 64 levels deep; it is not printed',
      );
    }
  });

  it('exits 1 with ERR_TOKEN_TOO_LARGE before building the text when the JSON would exceed 1 MiB', async () => {
    // 8 000 one-element arrays 40 levels deep: a 700 KB token whose indented JSON would be about 27 MB.
    const deepList = `[${Array.from({ length: 8_000 }, () => `${'['.repeat(39)}${']'.repeat(39)}`).join(',')}]`;
    const run = await decode(['-'], {}, `${b64url({ alg: 'none' })}.${b64url(`{"a":${deepList}}`)}.`);
    expect(run.code).to.equal(1);
    expect(run.out).to.equal('');
    expect(run.err).to.match(
      /authn decode: ERR_TOKEN_TOO_LARGE: the token as JSON would be [0-9]+ characters; at most 1048576 are printed\n$/,
    );
  });

  it('exits 2 without a token, or with two', async () => {
    for (const args of [[], [token, token], ['-']]) {
      const run = await decode(args);
      expect(run.code).to.equal(2);
      expect(run.err).to.not.include(token);
      expect(run.err.trim().split('\n')).to.have.length(1);
    }
  });
});
