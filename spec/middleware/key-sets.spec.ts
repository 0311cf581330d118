import { expect } from 'chai';
import { KeySets, MAX_ISSUERS } from '../../lib/middleware/key-sets.js';

describe('KeySets', () => {
  it('hands out one key set per URL', () => {
    const keySets = new KeySets({ cacheTtl: 60 });
    const first = keySets.get('https://a.example/jwks.json');
    expect(keySets.get('https://a.example/jwks.json')).to.equal(first);
    expect(keySets.get('https://b.example/jwks.json')).to.not.equal(first);
    expect(first.cacheTtl).to.equal(60);
  });

  it(`keeps at most ${MAX_ISSUERS} key sets, dropping the oldest`, () => {
    const keySets = new KeySets({});
    const oldest = keySets.get('https://tenant-0.example/jwks.json');
    const second = keySets.get('https://tenant-1.example/jwks.json');
    for (let i = 2; i <= MAX_ISSUERS; i++) keySets.get(`https://tenant-${i}.example/jwks.json`);
    expect(keySets.get('https://tenant-1.example/jwks.json')).to.equal(second);
    expect(keySets.get('https://tenant-0.example/jwks.json')).to.not.equal(oldest);
  });
});
