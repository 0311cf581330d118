// Packs the library as npm would publish it, installs the tarball in an empty folder, and uses it from there
// the four ways users do: ESM import, CommonJS require, and TypeScript against both.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expect } from 'chai';

const root = resolve(import.meta.dirname, '..');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const node = (args: string[], cwd: string) => execFileSync(process.execPath, args, { cwd, encoding: 'utf8' });

describe('package-lock.json', () => {
  it("records package.json's root entry (dependency ranges, engines, bin) as a fresh npm install writes it", () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, Record<string, unknown>>;
    };
    const locked = lock.packages[''] as Record<string, unknown>;
    const fields = ['name', 'version', 'license', 'engines', 'dependencies', 'devDependencies', 'peerDependencies'];
    for (const field of [...fields, 'peerDependenciesMeta']) {
      expect(locked[field], field).to.deep.equal(manifest[field]);
    }
    // npm records bin paths without their leading './'.
    const bin = Object.entries(manifest.bin as Record<string, string>).map(([name, path]) => [name, path.slice(2)]);
    expect(locked.bin).to.deep.equal(Object.fromEntries(bin));
  });
});

/** The files `npm pack` puts in the package (it builds first). */
let packedPaths: string[] | undefined;
function packed(): string[] {
  packedPaths ??= (
    JSON.parse(npm(['pack', '--dry-run', '--json'], root)) as [{ files: { path: string }[] }]
  )[0].files.map((file) => file.path);
  return packedPaths;
}

/**
 * The targets of the Markdown links of a text, outside code: inline `[text](target)` and reference definitions
 * `[label]: target`.
 */
function linkTargets(text: string): string[] {
  const markdown = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
  const references = [...markdown.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((match) => match[1] as string);
  return [...inline, ...references];
}

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

  it('holds only the build, the guides (the provider guides too), the readme, the changelog and package.json', () => {
    const paths = packed();
    const guides = ['docs', 'docs/providers'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `${dir}/${name}`),
    );
    expect(paths).to.include.members([
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'dist/esm/index.js',
      'dist/cjs/index.js',
      ...guides,
    ]);
    expect(
      paths.filter(
        (path) =>
          !/^(dist\/|docs\/(providers\/)?[a-z0-9-]+\.md$|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE$)/.test(
            path,
          ),
      ),
    ).to.deep.equal([]);
    expect(paths.some((path) => path.startsWith('dist/') && path.endsWith('.ts') && !path.endsWith('.d.ts'))).to.equal(
      false,
    );
  });

  it('links from its README only to pages on the web or to files of this very version on unpkg', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const targets = linkTargets(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(targets).to.have.length.of.at.least(10);
    const prefix = `https://unpkg.com/authn-client@${version}/`;
    for (const target of targets) {
      // A relative link goes nowhere on the registry's page; a link to the package must name this version.
      expect(target, target).to.match(/^https:\/\//);
      if (target.includes('unpkg.com')) {
        expect(target.startsWith(prefix), target).to.equal(true);
        expect(packed(), target).to.include(target.slice(prefix.length).split('#')[0]);
      }
    }
  });

  it('links from its guides only to files it ships, so that the links work in node_modules', () => {
    for (const guide of packed().filter((path) => path.startsWith('docs/'))) {
      for (const target of linkTargets(readFileSync(join(root, guide), 'utf8'))) {
        if (/^(https?:|#)/.test(target)) continue;
        expect(packed(), `${guide} → ${target}`).to.include(join(dirname(guide), target.split('#')[0] as string));
      }
    }
  });

  it('loads one implementation for import and require: the same classes, so instanceof holds across them', () => {
    const check = [
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      "const pairs = [['authn-client', await import('authn-client'), require('authn-client')]];",
      "for (const sub of ['dev-server', 'express', 'fastify', 'koa']) pairs.push([sub, await import(`authn-client/${sub}`), require(`authn-client/${sub}`)]);",
      'const differ = [];',
      'for (const [name, esm, cjs] of pairs) {',
      "  const names = (o) => Object.keys(o).filter((k) => k !== 'default' && k !== '__esModule').sort();",
      '  if (names(esm).join() !== names(cjs).join() || names(esm).some((k) => esm[k] !== cjs[k])) differ.push(name);',
      '}',
      "const err = new (await import('authn-client')).ConfigurationError('x');",
      "console.log(JSON.stringify(differ), err instanceof require('authn-client').ConfigurationError, pairs[0][1].GetToken === pairs[0][2].GetToken);",
    ].join('\n');
    const out = node(['--input-type=module', '-e', check], folder);
    expect(out.trim()).to.equal('[] true true');
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

  it('gives the subpaths types with moduleResolution bundler and node16 too, and the root with the old node10', () => {
    writeFileSync(
      join(folder, 'subpaths.ts'),
      [
        "import { AccessTokenVerifier } from 'authn-client';",
        "import { auth } from 'authn-client/express';",
        "import { koaAuth } from 'authn-client/koa';",
        "import { startDevServer } from 'authn-client/dev-server';",
        "export const v = new AccessTokenVerifier({ issuer: 'https://t.example/', audience: 'a' });",
        'export const all = [auth, koaAuth, startDevServer];',
      ].join('\n'),
    );
    writeFileSync(
      join(folder, 'root.ts'),
      "import { AccessTokenVerifier } from 'authn-client';\nexport const v = new AccessTokenVerifier({ issuer: 'https://t.example/', audience: 'a' });\n",
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const common = [
      '--noEmit',
      '--strict',
      '--target',
      'es2022',
      '--types',
      'node',
      '--typeRoots',
      join(root, 'node_modules/@types'),
    ];
    // The subpaths are found through package.json "exports", which TypeScript reads with these resolutions only;
    // node10 (the default with module commonjs) finds the root alone (README, "TypeScript").
    for (const [module, resolution, file] of [
      ['preserve', 'bundler', 'subpaths.ts'],
      ['node16', 'node16', 'subpaths.ts'],
      ['commonjs', 'node10', 'root.ts'],
    ]) {
      const args = [
        tsc,
        ...common,
        '--module',
        module as string,
        '--moduleResolution',
        resolution as string,
        file as string,
      ];
      expect(() => node(args, folder), `${module}/${resolution}`).to.not.throw();
    }
  });
});
