import { expect } from 'chai';
import { NoOpAuthenticationProvider } from '../../lib/providers/no-op.js';

describe('NoOpAuthenticationProvider', () => {
  it('hands out an empty token that never expires, and has nothing to invalidate', async () => {
    const provider = new NoOpAuthenticationProvider();
    expect(await provider.authToken()).to.equal('');
    expect(await provider.getAccessToken()).to.deep.equal({ accessToken: '', expiresAt: Infinity });
    await provider.invalidate();
    expect(await provider.authToken()).to.equal('');
  });
});
