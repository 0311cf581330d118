import { Agent as HttpsAgent } from 'node:https';
import { inspect } from 'node:util';
import { expect } from 'chai';
import nock from 'nock';
import { AuthenticationBase, resolveOrigin } from '../../lib/authentication/base.js';
import { ConfigurationError } from '../../lib/errors.js';
import { thrownBy } from '../helpers/secrets.js';

class Probe extends AuthenticationBase {
  read(path: string, params?: Record<string, string>) {
    return this.get<unknown>(path, { params });
  }
  remove(path: string) {
    return this.delete<unknown>(path);
  }
  plain(path: string, body: Record<string, string>) {
    return this.post<unknown>(path, body);
  }
  authenticated(path: string, body: Record<string, string>) {
    return this.authenticatedPost<unknown>(path, body, { encoding: 'form', headers: { 'x-extra': '1' } });
  }
}

describe('AuthenticationBase', () => {
  it('refuses missing or empty domain and clientId with a ConfigurationError', () => {
    for (const options of [
      { domain: '', clientId: 'c' },
      { domain: 'd.example', clientId: '' },
      { domain: 'd.example' },
      { clientId: 'c' },
      undefined,
    ]) {
      expect(thrownBy(() => new Probe(options as never))).to.be.instanceOf(ConfigurationError);
    }
  });

  it('refuses a domain with a scheme or path, and http to a remote host', () => {
    for (const options of [
      { domain: 'https://d.example', clientId: 'c' },
      { domain: 'd.example/x', clientId: 'c' },
      { domain: 'd.example', clientId: 'c', protocol: 'http' as const },
      { domain: 'd.example', clientId: 'c', protocol: 'ftp' as never },
      { domain: 'bad[host', clientId: 'c', protocol: 'http' as const },
    ]) {
      expect(
        thrownBy(() => new Probe(options)),
        JSON.stringify(options),
      ).to.be.instanceOf(ConfigurationError);
    }
  });

  it('quotes a bad domain as a JSON string, so that a line break in it cannot forge a log line', () => {
    const err = thrownBy(() => new Probe({ domain: 'tenant.auth0.com\nERROR forged', clientId: 'c' }));
    expect(err.message).to.equal(
      'domain must be a host name such as "tenant.auth0.com", without scheme or path; found "tenant.auth0.com\\nERROR forged"',
    );
  });

  it('allows http for loopback hosts', () => {
    for (const domain of ['localhost:3000', '127.0.0.1:8080', '[::1]:9000', '127.0.0.1']) {
      expect(resolveOrigin({ domain, protocol: 'http' })).to.equal(`http://${domain}`);
    }
  });

  it('refuses bad timeouts and retry settings', () => {
    for (const extra of [
      { timeout: 0 },
      { timeout: -1 },
      { timeout: Number.NaN },
      { timeout: '100' as never },
      { connectTimeout: 0 },
      { connectTimeout: Number.POSITIVE_INFINITY },
      { retry: { maxRetries: -1 } },
      { retry: { maxRetries: 1.5 } },
      { retry: { maxRetries: 11 } },
      { retry: { maxDelay: -5 } },
    ]) {
      expect(thrownBy(() => new Probe({ domain: 'd.example', clientId: 'c', ...extra }))).to.be.instanceOf(
        ConfigurationError,
      );
    }
  });

  it('refuses a mutual-TLS method without an httpsAgent that carries a client certificate', () => {
    const options = { domain: 'd.example', clientId: 'c', clientAuthMethod: 'tls_client_auth' as const };
    for (const httpsAgent of [undefined, new HttpsAgent(), new HttpsAgent({ key: 'k' })]) {
      const err = thrownBy(() => new Probe({ ...options, httpsAgent }));
      expect(err).to.be.instanceOf(ConfigurationError).with.property('option', 'httpsAgent');
    }
    expect(new Probe({ ...options, httpsAgent: new HttpsAgent({ cert: 'c', key: 'k' }) }).clientAuthMethod).to.equal(
      'tls_client_auth',
    );
    const pfx = new HttpsAgent({ pfx: Buffer.from('p') });
    expect(new Probe({ ...options, clientAuthMethod: 'self_signed_tls_client_auth', httpsAgent: pfx })).to.be.ok;
  });

  it('sends exactly what it is given on plain posts, and adds the client authentication on authenticated ones', async () => {
    const scope = nock('https://d.example')
      .post('/plain', (body: unknown) => JSON.stringify(body) === '{"a":"1"}')
      .reply(200, { ok: 1 })
      .post('/auth', 'a=1&client_id=c&client_secret=s')
      .matchHeader('x-extra', '1')
      .reply(200, { ok: 2 })
      .get('/read')
      .reply(200, '<xml/>')
      .delete('/remove')
      .reply(204);
    const probe = new Probe({ domain: 'd.example', clientId: 'c', clientSecret: 's' });
    expect(await probe.plain('/plain', { a: '1' })).to.deep.equal({ ok: 1 });
    expect(await probe.authenticated('/auth', { a: '1' })).to.deep.equal({ ok: 2 });
    expect(await probe.read('/read')).to.equal('<xml/>');
    expect(await probe.remove('/remove')).to.equal('');
    scope.done();
  });

  it('sends query parameters with a GET, and goes to an absolute URL as it is', async () => {
    const scope = nock('https://d.example')
      .get('/read')
      .query({ client_id: 'c', q: 'a b' })
      .reply(200, 'tenant')
      .get('/other')
      .query({ x: '1' })
      .reply(200, 'same origin, absolute');
    const elsewhere = nock('https://elsewhere.example').get('/info').reply(200, 'elsewhere');
    const probe = new Probe({ domain: 'd.example', clientId: 'c' });
    expect(await probe.read('/read', { client_id: 'c', q: 'a b' })).to.equal('tenant');
    expect(await probe.read('https://d.example/other?x=1')).to.equal('same origin, absolute');
    expect(await probe.read('https://elsewhere.example/info')).to.equal('elsewhere');
    scope.done();
    elsewhere.done();
  });

  it('never shows the secret in util.inspect', () => {
    const probe = new Probe({ domain: 'd.example', clientId: 'c', clientSecret: 'INSPECT-ME-NOT' });
    expect(inspect(probe, { showHidden: true, depth: Infinity })).to.not.include('INSPECT-ME-NOT');
    expect(probe.clientAuthMethod).to.equal('client_secret_post');
    expect(probe.origin).to.equal('https://d.example');
  });
});
