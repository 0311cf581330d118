import { expect } from 'chai';
import { parseForms } from '../../lib/dev-server/html-form.js';
import {
  autoSubmitPage,
  deviceConfirmPage,
  deviceInputPage,
  escapeHtml,
  loginPage,
  messagePage,
} from '../../lib/dev-server/pages.js';

describe('the dev server pages', () => {
  it('escapes the five characters that matter in HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).to.equal('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('renders the login form with escaped values, and the error only after a failure', () => {
    const options = { action: '/interaction/a"b', clientName: '<App>', username: '"><script>', hint: 'Test user: u' };
    const fresh = loginPage(options);
    expect(parseForms(fresh)).to.deep.equal([
      {
        action: '/interaction/a"b',
        method: 'post',
        inputs: [
          { type: 'text', name: 'username', value: '"><script>' },
          { type: 'password', name: 'password', value: '' },
        ],
      },
    ]);
    expect(fresh).to.include('<strong>&lt;App&gt;</strong>').and.not.include('<script>');
    expect(fresh).to.not.include('role="alert"');
    expect(loginPage({ ...options, error: 'Wrong <password>' })).to.include(
      '<p class="error" role="alert">Wrong &lt;password&gt;</p>',
    );
  });

  it('renders a page that submits its form on load, with a button for browsers without JavaScript', () => {
    const form =
      '<form id="op.logoutForm" method="post" action="/end"><input type="hidden" name="x" value="1"/></form>';
    const html = autoSubmitPage('Signing out', 'Ending <your> session', form);
    expect(html).to.include('document.forms[0].submit()');
    expect(html).to.include(form);
    expect(html).to.include('<noscript><button type="submit" form="op.logoutForm">Continue</button></noscript>');
    expect(html).to.include('<p>Ending &lt;your&gt; session</p>');
    expect(autoSubmitPage('T', 'M', '<form method="post"></form>')).to.include(
      '<button type="submit">Continue</button>',
    );
  });

  it('renders the device pages: the code input with its error, and the confirmation with approve and deny', () => {
    const input = deviceInputPage('<form id="op.deviceInputForm"></form>', 'That code is not valid');
    expect(input).to.include('<p class="error" role="alert">That code is not valid</p>');
    expect(input).to.include('<button type="submit" form="op.deviceInputForm">Continue</button>');
    expect(deviceInputPage('<form></form>', undefined)).to.not.include('role="alert"');
    const confirm = deviceConfirmPage('<form id="op.deviceConfirmForm"></form>', 'TV & Co', 'ABCD-EFGH');
    expect(confirm).to.include('<strong>TV &amp; Co</strong>').and.include('<code>ABCD-EFGH</code>');
    expect(confirm).to.include('name="abort" value="yes">Deny</button>');
    expect(confirm).to.not.include('<script>');
  });

  it('renders a message page without a form', () => {
    const html = messagePage('Signed out', 'Bye & thanks');
    expect(html).to.include('<title>Signed out · authn dev-server</title>').and.include('<p>Bye &amp; thanks</p>');
    expect(parseForms(html)).to.deep.equal([]);
  });
});
