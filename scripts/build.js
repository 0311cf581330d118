// Builds the library once, as CommonJS with its declarations, in dist/cjs; dist/esm holds only an ES module
// wrapper per entry point of package.json's "exports" (`export * from '../cjs/….js'`, for code and types). So
// `import` and `require` load the very same module instances and classes (no dual-package hazard: `instanceof`
// holds across them), CommonJS runtimes that cannot require an ES module (Jest before Node 24.9) work, and
// Node's CommonJS named-export detection gives `import { … }` every export.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/cjs', { recursive: true });
mkdirSync('dist/esm', { recursive: true });
// Node reads the marker to load the folder's .js files in the right format; TypeScript reads it to type them.
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
writeFileSync('dist/esm/package.json', `${JSON.stringify({ type: 'module' })}\n`);
execFileSync(
  process.execPath,
  [
    'node_modules/typescript/bin/tsc',
    '-p',
    'tsconfig.build.json',
    '--outDir',
    'dist/cjs',
    '--module',
    'CommonJS',
    '--moduleResolution',
    'Node10',
    '--verbatimModuleSyntax',
    'false',
  ],
  { stdio: 'inherit' },
);

const { exports: entries } = JSON.parse(readFileSync('package.json', 'utf8'));
for (const entry of Object.values(entries)) {
  if (typeof entry === 'string') continue; // ./package.json
  const wrapper = entry.import.default; // ./dist/esm/x.js
  const target = entry.require.default; // ./dist/cjs/x.js
  let from = relative(dirname(wrapper), target);
  if (!from.startsWith('.')) from = `./${from}`;
  mkdirSync(dirname(wrapper), { recursive: true });
  const source = `export * from '${from}';\n`;
  writeFileSync(wrapper, source);
  writeFileSync(entry.import.types, source);
}
