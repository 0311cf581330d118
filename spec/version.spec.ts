import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { guideUrl, VERSION } from '../lib/version.js';

describe('VERSION', () => {
  it('equals the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).to.equal(pkg.version);
  });
});

describe('guideUrl', () => {
  it('names a guide of the docs/ folder of this version on unpkg', () => {
    expect(guideUrl('cli.md')).to.equal(`https://unpkg.com/authn-client@${VERSION}/docs/cli.md`);
  });
});
