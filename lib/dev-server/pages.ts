// The HTML pages of the dev server: small, self-contained (no external resources), and readable by people, by
// headless browsers and by headlessLogin (which submits forms whose inputs are all hidden).

/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE =
  'body{font-family:system-ui,sans-serif;background:#f4f4f6;margin:0;padding:48px 16px;color:#222}' +
  'main{max-width:340px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;' +
  'box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4em;margin:0 0 12px}label{display:block;margin:12px 0 4px}' +
  'input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:8px;font-size:1em}' +
  'button{margin-top:16px;padding:8px 16px;font-size:1em;cursor:pointer}.error{color:#b00020}' +
  '.note{color:#666;font-size:.85em;margin-top:20px}code{font-size:1.4em}';

/** Submits the page's first form once loaded (the pages a browser passes through without a person). */
const AUTO_SUBMIT = "document.addEventListener('DOMContentLoaded',function(){document.forms[0].submit()});";

function page(title: string, body: string, script = ''): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} · authn dev-server</title>`,
    `<style>${STYLE}</style>`,
    script === '' ? '' : `<script>${script}</script>`,
    '</head>',
    `<body><main>${body}</main></body>`,
    '</html>',
  ].join('\n');
}

function error(message: string | undefined): string {
  return message === undefined ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>`;
}

/** What the login form shows. */
export interface LoginPage {
  /** Where the form posts (the interaction's URL). */
  action: string;
  /** The client the user logs in to. */
  clientName: string;
  /** The username to pre-fill (the `login_hint`, or what was typed before a failure). */
  username: string;
  /** The test user's username and password, shown as a note: this is a development server. */
  hint: string;
  /** Why the previous attempt failed. */
  error?: string;
}

/** The login form of `interactions: 'form'`: a username and a password field. */
export function loginPage(options: LoginPage): string {
  return page(
    'Sign in',
    [
      '<h1>Sign in</h1>',
      `<p>to <strong>${escapeHtml(options.clientName)}</strong></p>`,
      error(options.error),
      `<form method="post" action="${escapeHtml(options.action)}">`,
      '<label for="username">Username</label>',
      `<input type="text" id="username" name="username" autocomplete="username" value="${escapeHtml(options.username)}" required autofocus>`,
      '<label for="password">Password</label>',
      '<input type="password" id="password" name="password" autocomplete="current-password" required>',
      '<button type="submit">Sign in</button>',
      '</form>',
      `<p class="note">Development server. ${escapeHtml(options.hint)}</p>`,
    ].join('\n'),
  );
}

/**
 * A page that submits `form` (trusted HTML made by node-oidc-provider) as soon as it loads, with a button for
 * browsers without JavaScript.
 */
export function autoSubmitPage(title: string, message: string, form: string): string {
  const id = /\bid="([^"]+)"/.exec(form)?.[1];
  const button = `<noscript><button type="submit"${id === undefined ? '' : ` form="${id}"`}>Continue</button></noscript>`;
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n${form}\n${button}`, AUTO_SUBMIT);
}

/** A page that only says something (the end of a logout or of a device login). */
export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

/** The device flow's `verification_uri` page: the user types the code shown on the device. */
export function deviceInputPage(form: string, failure: string | undefined): string {
  return page(
    'Activate a device',
    [
      '<h1>Activate a device</h1>',
      error(failure),
      '<p>Enter the code shown on your device.</p>',
      form,
      '<button type="submit" form="op.deviceInputForm">Continue</button>',
    ].join('\n'),
  );
}

/** The device flow's confirmation: approve or deny the device showing `userCode`. */
export function deviceConfirmPage(form: string, clientName: string, userCode: string): string {
  return page(
    'Confirm the device',
    [
      '<h1>Confirm the device</h1>',
      `<p><strong>${escapeHtml(clientName)}</strong> shows the code</p>`,
      `<p><code>${escapeHtml(userCode)}</code></p>`,
      form,
      '<button type="submit" form="op.deviceConfirmForm">Approve</button>',
      '<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Deny</button>',
    ].join('\n'),
  );
}
