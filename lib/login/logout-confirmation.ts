import type { LoginRequest, LoginResponse } from './request.js';

/** Text of one request header, when it came once. */
function header(req: LoginRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Tells whether a request that would end the session comes from somewhere other than the app's own pages, so
 * that another site cannot log the user out (a cross-site navigation carries `SameSite=Lax` cookies): the browser
 * says so by `Sec-Fetch-Site` (anything but `same-origin`, or `none` for an address the user typed or bookmarked),
 * or a POST names another `Origin`. A request with neither header (an older browser, a script) is taken as the
 * app's own.
 *
 * @example
 * fromElsewhere({ method: 'GET', url: '/logout', headers: { 'sec-fetch-site': 'cross-site' } }, origin); // true
 */
export function fromElsewhere(req: LoginRequest, origin: string): boolean {
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const from = header(req, 'origin');
  return req.method === 'POST' && from !== undefined && from !== origin;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] as string);
}

/**
 * The page that asks the user to confirm a logout another site asked for: a form that POSTs to `action` (the
 * logout route with its query) from the app's own origin. 200, never cached, never framed, no script.
 *
 * @example
 * if (fromElsewhere(req, origin)) return confirmLogout('/logout?returnTo=/');
 */
export function confirmLogout(action: string): LoginResponse {
  const body =
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Log out</title></head>\n' +
    `<body><form method="post" action="${escapeHtml(action)}"><p>Do you want to log out?</p>` +
    '<button type="submit">Log out</button></form></body></html>\n';
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    },
    body,
  };
}
