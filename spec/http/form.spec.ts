import { expect } from 'chai';
import { compact, encodeForm } from '../../lib/http/form.js';

describe('form', () => {
  it('omits undefined and null members instead of sending them', () => {
    expect(compact({ a: 'x', b: undefined, c: null, d: '', e: 0, f: false })).to.deep.equal({
      a: 'x',
      d: '',
      e: 0,
      f: false,
    });
  });

  it('form-encodes strings, numbers and booleans, and objects as JSON', () => {
    const form = encodeForm({
      scope: 'openid profile',
      requested_expiry: 300,
      flag: true,
      authorization_details: [{ type: 'payment', amount: 1 }],
      absent: undefined,
    });
    expect(form.toString()).to.equal(
      'scope=openid+profile&requested_expiry=300&flag=true&authorization_details=' +
        encodeURIComponent('[{"type":"payment","amount":1}]'),
    );
  });
});
