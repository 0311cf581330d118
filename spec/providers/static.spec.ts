import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ConfigurationError } from '../../lib/errors.js';
import { OpenMetadataAuthenticationProvider } from '../../lib/providers/static.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';
import { settle, until } from '../helpers/wait.js';

const KEY = 'openmetadata-test-signing-key-32b';
const botToken = (claims: Record<string, unknown>) =>
  jwt.sign({ sub: 'ingestion-bot', ...claims }, KEY, { noTimestamp: true });

describe('OpenMetadataAuthenticationProvider', () => {
  let folder: string;
  let now: number;
  const clock = () => now;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'authn-om-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));
  beforeEach(() => {
    now = Date.UTC(2030, 0, 1);
  });

  it('hands out a literal JWT with its own exp as expiry', async () => {
    const exp = now / 1000 + 86400;
    const token = botToken({ exp });
    const provider = new OpenMetadataAuthenticationProvider({ jwtToken: ` ${token}\n`, clock });
    expect(await provider.getAccessToken()).to.deep.equal({ accessToken: token, expiresAt: exp * 1000 });
  });

  it('keeps a token without exp for good, and hands it out again after invalidate()', async () => {
    const token = botToken({});
    const provider = new OpenMetadataAuthenticationProvider({ jwtToken: token, clock });
    expect(await provider.getAccessToken()).to.deep.equal({ accessToken: token, expiresAt: Infinity });
    await provider.invalidate();
    expect(await provider.authToken()).to.equal(token);
  });

  it('reads the token from a file and re-reads it before it expires, picking up a rotated token', async () => {
    const path = join(folder, 'bot.jwt');
    const first = botToken({ exp: now / 1000 + 3600, iat: now / 1000 });
    writeFileSync(path, `${first}\n`);
    const provider = new OpenMetadataAuthenticationProvider({ jwtToken: path, clock });
    expect(await provider.authToken()).to.equal(first);
    const second = botToken({ exp: now / 1000 + 7200, iat: now / 1000 + 3000 });
    writeFileSync(path, second);
    now += 3000 * 1000; // still 600 s before expiry: the first token stays
    expect(await provider.authToken()).to.equal(first);
    now += 500 * 1000; // within the 120 s skew: re-read in the background
    expect(await provider.authToken()).to.equal(first);
    let latest = first;
    await until(() => {
      void provider.authToken().then((token) => (latest = token));
      return latest === second;
    });
  });

  it('refuses an expired token rather than sending one that will be rejected', async () => {
    const path = join(folder, 'expired.jwt');
    writeFileSync(path, botToken({ exp: now / 1000 - 1 }));
    const err = await rejectionOf(new OpenMetadataAuthenticationProvider({ jwtToken: path, clock }).authToken());
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'jwtToken');
    expect(err.message).to.match(/expired at 2029-12-31T23:59:59/);
  });

  it('says when the file no longer holds a JWT or cannot be read', async () => {
    const path = join(folder, 'rotating.jwt');
    writeFileSync(path, botToken({ exp: now / 1000 + 100 }));
    const provider = new OpenMetadataAuthenticationProvider({ jwtToken: path, clock, refreshSkew: 0 });
    await provider.authToken();
    writeFileSync(path, 'garbage');
    now += 200_000;
    expect((await rejectionOf(provider.authToken())).message).to.match(/does not hold a JWT/);
    rmSync(path);
    const err = await rejectionOf(provider.authToken());
    expect(err.message).to.match(/could not be read \(ENOENT\)/);
    await settle();
  });

  it('refuses a value that is neither a JWT nor an existing file, without echoing it', () => {
    const typo = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QifQ';
    const err = thrownBy(() => new OpenMetadataAuthenticationProvider({ jwtToken: typo }));
    expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'jwtToken');
    expectNoSecrets(err, [typo]);
    expect(thrownBy(() => new OpenMetadataAuthenticationProvider({ jwtToken: '' }))).to.be.instanceOf(
      ConfigurationError,
    );
    expect(thrownBy(() => new OpenMetadataAuthenticationProvider(null as never))).to.be.instanceOf(ConfigurationError);
  });
});
