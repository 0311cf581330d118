import { expect } from 'chai';
import { MAX_SCRATCH_BYTES, scratchBuffer } from '../../lib/token-verifier/scratch.js';

describe('scratchBuffer', () => {
  it('hands out one shared buffer, large enough, for every size up to the maximum', () => {
    const small = scratchBuffer(1);
    expect(small).to.be.instanceOf(Buffer);
    expect(small?.length).to.equal(MAX_SCRATCH_BYTES);
    expect(scratchBuffer(MAX_SCRATCH_BYTES)).to.equal(small);
    expect(scratchBuffer(0)).to.equal(small);
  });

  it('hands out nothing beyond the maximum, so that one huge token never pins a huge buffer', () => {
    expect(scratchBuffer(MAX_SCRATCH_BYTES + 1)).to.equal(undefined);
  });
});
