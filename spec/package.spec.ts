// Packs the library as npm would publish it, installs the tarball in an empty folder, and uses it from there
// the four ways users do: ESM import, CommonJS require, and TypeScript against both.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';

const root = resolve(import.meta.dirname, '..');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const node = (args: string[], cwd: string) => execFileSync(process.execPath, args, { cwd, encoding: 'utf8' });

describe('the published package', function () {
  this.timeout(180_000);
  let folder: string;

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'authn-client-pack-'));
    npm(['pack', '--pack-destination', folder], root);
    const tarball = readdirSync(folder).find((name) => name.endsWith('.tgz'))!;
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(folder, tarball)], folder);
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  it('holds only the build, the readme, the changelog and package.json', () => {
    const files = npm(['pack', '--dry-run', '--json'], root);
    const paths = (JSON.parse(files) as [{ files: { path: string }[] }])[0].files.map((file) => file.path);
    expect(paths).to.include.members([
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'dist/esm/index.js',
      'dist/cjs/index.js',
    ]);
    expect(
      paths.filter((path) => !/^(dist\/|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE$)/.test(path)),
    ).to.deep.equal([]);
    expect(paths.some((path) => path.startsWith('dist/') && path.endsWith('.ts') && !path.endsWith('.d.ts'))).to.equal(
      false,
    );
  });

  it('can be imported as an ES module', () => {
    const out = node(
      [
        '--input-type=module',
        '-e',
        "import { AuthenticationBase, ConfigurationError, GetToken } from 'authn-client'; const g = new GetToken({ domain: 'tenant.example.com', clientId: 'c' }); console.log(typeof AuthenticationBase, new ConfigurationError('x').code, g instanceof AuthenticationBase, typeof g.clientCredentials)",
      ],
      folder,
    );
    expect(out.trim()).to.equal('function ERR_CONFIGURATION true function');
  });

  it('can be required as CommonJS', () => {
    const out = node(
      [
        '-e',
        "const { AuthenticationBase, ConfigurationError, GetToken } = require('authn-client'); const g = new GetToken({ domain: 'tenant.example.com', clientId: 'c' }); console.log(typeof AuthenticationBase, new ConfigurationError('x').code, g instanceof AuthenticationBase, typeof g.clientCredentials)",
      ],
      folder,
    );
    expect(out.trim()).to.equal('function ERR_CONFIGURATION true function');
  });

  it('serves the dev server from its own subpath, and loads oidc-provider only when started', () => {
    // The consumer did not install the optional peer oidc-provider: importing must work, starting must say why not.
    const start =
      "startDevServer().then(() => console.log('started'), (e) => console.log(e.name, /oidc-provider/.test(e.message)))";
    const esm = node(
      ['--input-type=module', '-e', `import { startDevServer } from 'authn-client/dev-server'; ${start}`],
      folder,
    );
    const cjs = node(['-e', `const { startDevServer } = require('authn-client/dev-server'); ${start}`], folder);
    expect([esm.trim(), cjs.trim()]).to.deep.equal(['ConfigurationError true', 'ConfigurationError true']);
  });

  it('serves the Express, Fastify and Koa adapters from their subpaths without loading any framework', () => {
    // The consumer installed neither express, fastify nor koa (optional peers): the adapters load, build, and
    // refuse a request without a token, all the same from ESM and CommonJS.
    const run = [
      "const options = { issuer: 'https://tenant.example.com/', audience: 'https://api.example.com/' };",
      'const m = auth(options); const k = koaAuth(options);',
      'let out = typeof m + " " + typeof fastifyAuth + " " + (fastifyAuth[Symbol.for("skip-override")] === true);',
      'const ctx = { req: { headers: {}, rawHeaders: [] }, query: {}, state: {} };',
      "k(ctx, () => Promise.resolve()).catch((k) => m({ headers: {} }, {}, (e) => console.log(out, e.status, e.headers['WWW-Authenticate'], k.status, k.expose, k.headers['WWW-Authenticate'])));",
    ].join(' ');
    const imports = {
      esm: "import { auth } from 'authn-client/express'; import { fastifyAuth } from 'authn-client/fastify'; import { koaAuth } from 'authn-client/koa';",
      cjs: "const { auth } = require('authn-client/express'); const { fastifyAuth } = require('authn-client/fastify'); const { koaAuth } = require('authn-client/koa');",
    };
    const esm = node(['--input-type=module', '-e', `${imports.esm} ${run}`], folder);
    const cjs = node(['-e', `${imports.cjs} ${run}`], folder);
    const challenge = 'Bearer realm="https://api.example.com/"';
    const expected = `function function true 401 ${challenge} 401 true ${challenge}`;
    expect([esm.trim(), cjs.trim()]).to.deep.equal([expected, expected]);
  });

  it('gives TypeScript users types from both the import and the require condition', () => {
    writeFileSync(
      join(folder, 'esm.mts'),
      [
        "import { AuthenticationBase, GetToken, type AuthenticationOptions, type TokenResponse } from 'authn-client';",
        'const t: AuthenticationOptions | undefined = undefined;',
        "export async function m2m(): Promise<string> { const r: TokenResponse = await new GetToken({ domain: 'd.example', clientId: 'c' }).clientCredentials({ audience: 'a' }); return r.access_token; }",
        'export const g: typeof AuthenticationBase = AuthenticationBase; export { t };',
        "import { auth, requiredScopes, type AuthResult } from 'authn-client/express';",
        "export const mw = [auth({ issuer: 'https://t.example/', audience: 'a' }), requiredScopes('read:a')];",
        'export const sub = (r: AuthResult): string | undefined => r.payload.sub;',
        "import { koaAuth, authErrorHandler, type AuthState } from 'authn-client/koa';",
        "export const koa = [authErrorHandler(), koaAuth({ issuer: 'https://t.example/', audience: 'a' })];",
        'export const state = (s: AuthState): string | undefined => s.auth?.payload.sub;',
        "import { oidcAuth, requiresAuth, type OidcRequestContext } from 'authn-client/express';",
        "export const login = () => [oidcAuth({ baseUrl: 'https://app.example/', secret: 's'.repeat(32) }), requiresAuth()];",
        'export const who = (oidc: OidcRequestContext): unknown => oidc.user?.sub;',
      ].join('\n'),
    );
    writeFileSync(
      join(folder, 'cjs.cts'),
      [
        "import authn = require('authn-client');",
        'export const g: typeof authn.AuthenticationBase = authn.AuthenticationBase;',
        "export const h = (r: authn.TokenResponse): string => r.access_token + String(new authn.GetToken({ domain: 'd.example', clientId: 'c' }).clientId);",
        "import express = require('authn-client/express');",
        "export const mw = express.auth({ issuer: 'https://t.example/', audience: 'a' });",
        "import koa = require('authn-client/koa');",
        "export const k = koa.koaAuth({ issuer: 'https://t.example/', audience: 'a' });",
        "export const login = () => express.oidcAuth({ baseUrl: 'https://app.example/', secret: 's'.repeat(32) });",
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const args = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--skipLibCheck',
      'false',
    ];
    const types = ['--types', 'node', '--typeRoots', join(root, 'node_modules/@types')];
    expect(() => node([tsc, ...args, ...types, 'esm.mts', 'cjs.cts'], folder)).to.not.throw();
  });
});
