import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import { mountAt } from '../../lib/dev-server/mount.js';
import { type Served, serve } from '../helpers/serve.js';

describe('mountAt', () => {
  let seen: { url?: string; baseUrl?: string }[];
  const provider = (req: IncomingMessage & { baseUrl?: string }, res: ServerResponse) => {
    seen.push({ url: req.url, baseUrl: req.baseUrl });
    res.end('provider');
  };
  let served: Served[] = [];

  beforeEach(() => {
    seen = [];
  });

  afterEach(async () => {
    await Promise.all(served.map((server) => server.close()));
    served = [];
  });

  async function start(issuerPath: string, rfc8414: boolean): Promise<string> {
    const server = await serve(mountAt(issuerPath, provider, rfc8414));
    served.push(server);
    return server.url;
  }

  it('passes the requests under the issuer path on without the path, which it puts in baseUrl', async () => {
    const origin = await start('/realms/demo', true);
    for (const path of [
      '/realms/demo/token',
      '/realms/demo/auth?client_id=a&x=%3F',
      '/realms/demo',
      '/realms/demo?x',
    ]) {
      expect(await (await fetch(`${origin}${path}`)).text(), path).to.equal('provider');
    }
    expect(seen).to.deep.equal([
      { url: '/token', baseUrl: '/realms/demo' },
      { url: '/auth?client_id=a&x=%3F', baseUrl: '/realms/demo' },
      { url: '/', baseUrl: '/realms/demo' },
      { url: '/?x', baseUrl: '/realms/demo' },
    ]);
  });

  it('answers 404 JSON outside the issuer path, also for a path that only starts like it', async () => {
    const origin = await start('/realms/demo', true);
    for (const path of ['/token', '/realms/demox/token', '/realms', '/']) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).to.equal(404);
      expect(await response.json(), path).to.deep.equal({
        error: 'not_found',
        error_description: 'no endpoint here; see the discovery document',
      });
    }
    expect(seen).to.deep.equal([]);
  });

  it('serves the discovery document at the RFC 8414 metadata URL when asked to', async () => {
    const withAlias = await start('/oauth2/default', true);
    await fetch(`${withAlias}/.well-known/oauth-authorization-server/oauth2/default`);
    const atRoot = await start('', true);
    await fetch(`${atRoot}/.well-known/oauth-authorization-server`);
    expect(seen).to.deep.equal([
      { url: '/.well-known/openid-configuration', baseUrl: '/oauth2/default' },
      { url: '/.well-known/openid-configuration', baseUrl: '' },
    ]);
    const withoutAlias = await start('', false);
    await fetch(`${withoutAlias}/.well-known/oauth-authorization-server`);
    expect(seen.at(-1)).to.deep.equal({ url: '/.well-known/oauth-authorization-server', baseUrl: '' });
  });
});
