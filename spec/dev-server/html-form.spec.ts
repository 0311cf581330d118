import { expect } from 'chai';
import { parseForms } from '../../lib/dev-server/html-form.js';

describe('parseForms', () => {
  it('reads the action, the method and the inputs of each form, decoding character references', () => {
    const html = `<p>x</p>
      <form id="op.logoutForm" method="POST" action="/session/end/confirm?a=1&amp;b=2">
        <input type="hidden" name="xsrf" value="a&quot;b&#39;c&#x26;d&lt;&gt;"/>
        <INPUT TYPE=hidden NAME=logout VALUE=yes>
        <input name="user_code" placeholder="Enter code" autofocus>
      </form>
      <form><input type='password' name='password'></form>`;
    expect(parseForms(html)).to.deep.equal([
      {
        action: '/session/end/confirm?a=1&b=2',
        method: 'post',
        inputs: [
          { type: 'hidden', name: 'xsrf', value: `a"b'c&d<>` },
          { type: 'hidden', name: 'logout', value: 'yes' },
          { type: 'text', name: 'user_code', value: '' },
        ],
      },
      { action: undefined, method: 'get', inputs: [{ type: 'password', name: 'password', value: '' }] },
    ]);
  });

  it('reads multi-line inputs as node-oidc-provider writes them, and keeps unknown references', () => {
    const html = `<form method="post" action="/device">
      <input
        value="AB&nbsp;CD" type="text" name="user_code" onfocus="this.select(); this.onfocus = undefined;"></input>
      </form>`;
    expect(parseForms(html)[0]!.inputs).to.deep.equal([{ type: 'text', name: 'user_code', value: 'AB&nbsp;CD' }]);
  });

  it('finds no form in a page without one', () => {
    expect(parseForms('<h1>Signed out</h1>')).to.deep.equal([]);
  });
});
