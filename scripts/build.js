// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from lib/, each with its own declarations, and marks
// each folder with the module type Node and TypeScript must read its files as.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const builds = [
  { dir: 'dist/esm', type: 'module', args: ['--module', 'NodeNext', '--moduleResolution', 'NodeNext'] },
  {
    dir: 'dist/cjs',
    type: 'commonjs',
    args: ['--module', 'CommonJS', '--moduleResolution', 'Node10', '--verbatimModuleSyntax', 'false'],
  },
];

rmSync('dist', { recursive: true, force: true });
for (const { dir, type, args } of builds) {
  mkdirSync(dir, { recursive: true });
  // Node reads the marker to load the folder's .js files in the right format; TypeScript reads it to type them.
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type })}\n`);
  execFileSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', dir, ...args],
    { stdio: 'inherit' },
  );
}
