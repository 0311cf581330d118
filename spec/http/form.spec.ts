import { expect } from 'chai';
import { ConfigurationError } from '../../lib/errors.js';
import { compact, encodeForm, RepeatedField } from '../../lib/http/form.js';

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

  it('sends a RepeatedField as the field once per value, in order, where a plain array goes as JSON', () => {
    const values = ['https://b.example/', 'https://a.example/'];
    const form = encodeForm({ resource: new RepeatedField(values), audience: ['x', 'y'] });
    expect(form.getAll('resource')).to.deep.equal(['https://b.example/', 'https://a.example/']);
    expect(form.getAll('audience')).to.deep.equal(['["x","y"]']);
    const field = new RepeatedField(values);
    values.push('https://c.example/');
    expect(encodeForm({ resource: field }).getAll('resource')).to.deep.equal([
      'https://b.example/',
      'https://a.example/',
    ]);
    expect(encodeForm({ resource: new RepeatedField(['only']) }).toString()).to.equal('resource=only');
  });

  it('refuses a RepeatedField of no value or of a value that is not a string', () => {
    for (const values of [[], ['a', 1], 'ab', undefined]) {
      expect(() => new RepeatedField(values as never), JSON.stringify(values)).to.throw(ConfigurationError);
    }
  });
});
