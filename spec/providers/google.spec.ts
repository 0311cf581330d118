import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { DIAGNOSTICS_CHANNELS, type TokenGrantMessage } from '../../lib/diagnostics.js';
import { ConfigurationError, TokenResponseError } from '../../lib/errors.js';
import { GoogleAuthenticationProvider } from '../../lib/providers/google.js';
import { listen, stopListening } from '../helpers/diagnostics.js';
import { ecKeys, rsaKeys } from '../helpers/keys.js';
import { expectNoSecrets, rejectionOf, thrownBy } from '../helpers/secrets.js';

const AUDIENCE = 'https://metadata.example.com';
const EMAIL = 'ingestion@project.iam.gserviceaccount.com';

function serviceAccount(overrides: Record<string, unknown> = {}) {
  return {
    type: 'service_account',
    project_id: 'project',
    private_key_id: 'a1b2c3',
    private_key: rsaKeys('google').privatePem,
    client_email: EMAIL,
    client_id: '1234',
    token_uri: 'https://oauth2.googleapis.com/token',
    ...overrides,
  };
}

/** A Google-style ID token (signed by "Google", which the provider does not verify). */
function idToken(exp: number, iat = exp - 3600): string {
  return jwt.sign(
    { iss: 'https://accounts.google.com', aud: AUDIENCE, sub: '1234', email: EMAIL, iat, exp },
    rsaKeys('google-issuer').privateKey,
    {
      algorithm: 'RS256',
    },
  );
}

describe('GoogleAuthenticationProvider', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'authn-google-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('exchanges an RS256 jwt-bearer assertion for an ID token and caches it until its own exp', async () => {
    const now = Date.UTC(2030, 0, 1);
    const exp = now / 1000 + 3600;
    const token = idToken(exp);
    let form = new URLSearchParams();
    nock('https://oauth2.googleapis.com')
      .post('/token')
      .reply((_uri, body) => {
        form = new URLSearchParams(String(body));
        return [200, { id_token: token }];
      });
    const path = join(folder, 'sa.json');
    writeFileSync(path, JSON.stringify(serviceAccount()));
    const provider = new GoogleAuthenticationProvider({ serviceAccount: path, audience: AUDIENCE, clock: () => now });
    expect(await provider.getAccessToken()).to.deep.equal({ accessToken: token, expiresAt: exp * 1000 });
    expect(await provider.authToken()).to.equal(token);
    expect(form.get('grant_type')).to.equal('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const assertion = form.get('assertion')!;
    expect(jwt.decode(assertion, { complete: true })!.header).to.include({ alg: 'RS256', kid: 'a1b2c3' });
    const claims = jwt.verify(assertion, rsaKeys('google').publicKey, { clockTimestamp: now / 1000 }) as jwt.JwtPayload;
    expect(claims).to.include({
      iss: EMAIL,
      sub: EMAIL,
      aud: 'https://oauth2.googleapis.com/token',
      target_audience: AUDIENCE,
      iat: now / 1000,
    });
    expect(claims.exp! - claims.iat!).to.be.at.most(3600);
  });

  it('takes the service account as JSON text or as an object, and its own token_uri', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const assertions: string[] = [];
    nock('https://oauth2.example.com')
      .post('/token')
      .times(2)
      .reply((_uri, body) => {
        assertions.push(new URLSearchParams(String(body)).get('assertion')!);
        return [200, { id_token: idToken(exp) }];
      });
    const account = serviceAccount({ token_uri: 'https://oauth2.example.com/token', private_key_id: undefined });
    const fromText = new GoogleAuthenticationProvider({ serviceAccount: JSON.stringify(account), audience: AUDIENCE });
    const fromObject = new GoogleAuthenticationProvider({ serviceAccount: account as never, audience: AUDIENCE });
    const grants = listen<TokenGrantMessage>(DIAGNOSTICS_CHANNELS.tokenGrant);
    try {
      expect((await fromText.getAccessToken()).expiresAt).to.equal(exp * 1000);
    } finally {
      stopListening();
    }
    expect(grants.messages.map(({ endpoint }) => endpoint)).to.deep.equal(['https://oauth2.example.com/token']);
    expect((await fromObject.getAccessToken()).expiresAt).to.equal(exp * 1000);
    expect(jwt.decode(assertions[0]!, { complete: true })!.header).to.deep.equal({ alg: 'RS256', typ: 'JWT' });
  });

  it('treats an answer without an id_token, or with one that is not a JWT with exp, as a TokenResponseError', async () => {
    const provider = new GoogleAuthenticationProvider({
      serviceAccount: serviceAccount() as never,
      audience: AUDIENCE,
    });
    nock('https://oauth2.googleapis.com').post('/token').reply(200, { access_token: 'ya29.x', expires_in: 3599 });
    expect(await rejectionOf(provider.authToken())).to.be.instanceOf(TokenResponseError);
    nock('https://oauth2.googleapis.com').post('/token').reply(200, { id_token: 'not-a-jwt' });
    expect(await rejectionOf(provider.authToken())).to.be.instanceOf(TokenResponseError);
    const noExp = jwt.sign({ aud: AUDIENCE }, 'k'.repeat(32), { noTimestamp: true });
    nock('https://oauth2.googleapis.com').post('/token').reply(200, { id_token: noExp });
    const err = await rejectionOf(provider.authToken());
    expect(err).to.be.instanceOf(TokenResponseError);
    expectNoSecrets(err, [noExp]);
  });

  it('refuses unusable service accounts and a missing audience without quoting the key', () => {
    const account = serviceAccount();
    const cases: [unknown, string | undefined][] = [
      [join(folder, 'missing.json'), AUDIENCE],
      ['{"client_email": ', AUDIENCE],
      [[], AUDIENCE],
      [{ ...account, client_email: undefined }, AUDIENCE],
      [{ ...account, private_key: '' }, AUDIENCE],
      [{ ...account, private_key: '-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----' }, AUDIENCE],
      [{ ...account, private_key: ecKeys().privatePem }, AUDIENCE],
      [{ ...account, private_key_id: 5 }, AUDIENCE],
      [{ ...account, token_uri: 5 }, AUDIENCE],
      [{ ...account, token_uri: 'http://oauth2.googleapis.com/token' }, AUDIENCE],
      [account, undefined],
      [account, ''],
    ];
    for (const [serviceAccountInput, audience] of cases) {
      const err = thrownBy(
        () =>
          new GoogleAuthenticationProvider({
            serviceAccount: serviceAccountInput as never,
            audience: audience as string,
          }),
      );
      expect(err).to.be.instanceOf(ConfigurationError);
      expectNoSecrets(err, [account.private_key.split('\n')[1]!]);
    }
    expect(thrownBy(() => new GoogleAuthenticationProvider(null as never))).to.be.instanceOf(ConfigurationError);
  });
});
