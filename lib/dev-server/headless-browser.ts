// The headless driver behind headlessLogin, headlessLogout and headlessDeviceApproval: what a browser does on an
// authorization server's pages when no choice is asked of the person — follow redirects, keep cookies, submit the
// forms that submit themselves — plus filling the login form when given credentials.
import { Auth0Error, ConfigurationError, NetworkError, TimeoutError } from '../errors.js';
import { responseError } from '../http/map-error.js';
import { parseBody } from '../http/response.js';
import { HeadlessCookieJar } from './cookie-jar.js';
import { type HtmlForm, parseForms } from './html-form.js';

/** A username and password for a login form (the dev server's `interactions: 'form'`). */
export interface HeadlessCredentials {
  /** Typed into the form's text field (the dev server takes the test user's `sub` or `email`). */
  username: string;
  /** Typed into the form's password field. */
  password: string;
}

/** Options shared by the headless flows. */
export interface HeadlessOptions {
  /** The cookies to send and keep; share one jar between a login and its logout. @defaultValue a new jar */
  cookies?: HeadlessCookieJar;
  /** Fills a login form (a page with a password field) with these. @defaultValue none: a login form is an error */
  credentials?: HeadlessCredentials;
  /** Steps (redirects and form submissions) followed before giving up. @defaultValue 10 */
  maxRedirects?: number;
  /** Milliseconds each request may take. @defaultValue 10000 */
  timeout?: number;
  /** Aborts the flow; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Where a flow ended. */
export type BrowseEnd =
  /** At the stop URL, reached by a redirect (a query or fragment response). */
  | { kind: 'redirect'; url: URL }
  /** At a form that posts to the stop URL (`response_mode=form_post`); not submitted. */
  | { kind: 'form_post'; url: URL; fields: URLSearchParams }
  /** At a page that asks nothing the driver can answer (a success page, or a form needing a person). */
  | { kind: 'page'; url: URL; status: number; hasForm: boolean };

interface Step {
  url: URL;
  body?: URLSearchParams;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `origin` + `pathname`: where a request goes, without its parameters. */
export function endpointOf(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function positiveInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`${option} must be a positive integer`, option);
  }
  return value;
}

/** An absolute http(s) URL given as `option`. */
export function httpUrl(value: string | URL, option: string): URL {
  const url = URL.parse(String(value));
  if (url === null || !/^https?:$/.test(url.protocol)) {
    throw new ConfigurationError(`${option} must be an absolute http(s) URL`, option);
  }
  return url;
}

async function send(step: Step, jar: HeadlessCookieJar, timeout: number, signal?: AbortSignal): Promise<Response> {
  const timer = AbortSignal.timeout(timeout);
  const method = step.body === undefined ? 'GET' : 'POST';
  try {
    const cookie = jar.header();
    const response = await fetch(step.url, {
      method,
      redirect: 'manual',
      headers: cookie === '' ? {} : { cookie },
      ...(step.body !== undefined && { body: step.body }),
      signal: signal === undefined ? timer : AbortSignal.any([timer, signal]),
    });
    jar.store(response.headers.getSetCookie());
    return response;
  } catch (failure) {
    if (signal?.aborted) throw signal.reason;
    const target = `${method} ${endpointOf(step.url)}`;
    if (timer.aborted) throw new TimeoutError(`${target} timed out after ${timeout} ms`);
    const cause = (failure as { cause?: { code?: unknown } } | null)?.cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    throw new NetworkError(`${target} failed${code}`);
  }
}

/** The form a browser would post on this page: the first `method="post"` form, if any. */
function postForm(html: string): HtmlForm | undefined {
  return parseForms(html).find((form) => form.method === 'post');
}

/** The fields a form posts as written in the page. */
function fieldsOf(form: HtmlForm): URLSearchParams {
  return new URLSearchParams(form.inputs.map((input): [string, string] => [input.name, input.value]));
}

/** The request that fills `form`'s username and password fields, the other inputs keeping their values. */
function fillLogin(form: HtmlForm, credentials: HeadlessCredentials): URLSearchParams {
  const fields = new URLSearchParams();
  for (const input of form.inputs) {
    if (input.type === 'password') fields.append(input.name, credentials.password);
    else if (input.type === 'text' || input.type === 'email') fields.append(input.name, credentials.username);
    else fields.append(input.name, input.value);
  }
  return fields;
}

/**
 * Browses from `start` as a browser would without a person: follows redirects and submits the forms whose inputs
 * are all hidden (the pages that submit themselves), within the start's origin, until the URL or a form reaches
 * `stopAt`, or a page asks for more. A login form is filled once with the credentials, if any.
 *
 * @throws {Auth0Error} for an error response, a login form without credentials, or one shown again after them.
 * @throws {NetworkError} on a transport failure, a redirect to another origin, or too many steps.
 * @throws {TimeoutError} when a request takes longer than `timeout`.
 */
export async function browse(start: URL, stopAt: URL | undefined, options: HeadlessOptions): Promise<BrowseEnd> {
  const maxSteps = positiveInteger(options.maxRedirects, 'maxRedirects', 10);
  const timeout = positiveInteger(options.timeout, 'timeout', 10_000);
  const jar = options.cookies ?? new HeadlessCookieJar();
  let step: Step = { url: start };
  let credentialsSent = false;
  for (let steps = 0; ; steps++) {
    const { url } = step;
    if (stopAt !== undefined && endpointOf(url) === endpointOf(stopAt)) return { kind: 'redirect', url };
    if (url.origin !== start.origin) {
      throw new NetworkError(
        `the authorization server redirected to another origin (${url.origin}), not to redirectUri`,
      );
    }
    if (steps > maxSteps) throw new NetworkError(`more than ${maxSteps} redirects; the flow did not end`);
    const response = await send(step, jar, timeout, options.signal);
    const location = response.headers.get('location');
    if (REDIRECTS.has(response.status) && location !== null) {
      await response.body?.cancel();
      step = { url: new URL(location, url) };
      continue;
    }
    const text = await response.text();
    if (response.status >= 400) {
      const headers = Object.fromEntries(
        [...response.headers].filter(([name]) => name !== 'set-cookie' && name !== 'location'),
      );
      throw responseError({ status: response.status, headers, body: parseBody(text) });
    }
    const form = postForm(text);
    const action = form === undefined ? undefined : new URL(form.action ?? '', url);
    if (
      form !== undefined &&
      action !== undefined &&
      stopAt !== undefined &&
      endpointOf(action) === endpointOf(stopAt)
    ) {
      return { kind: 'form_post', url: action, fields: fieldsOf(form) };
    }
    if (form === undefined || action === undefined)
      return { kind: 'page', url, status: response.status, hasForm: false };
    if (form.inputs.length > 0 && form.inputs.every((input) => input.type === 'hidden')) {
      step = { url: action, body: fieldsOf(form) };
      continue;
    }
    if (!form.inputs.some((input) => input.type === 'password')) {
      return { kind: 'page', url, status: response.status, hasForm: true };
    }
    if (options.credentials === undefined) {
      throw new Auth0Error(`${endpointOf(url)} is a login form: give credentials (username and password)`, {
        statusCode: response.status,
        errorCode: 'login_required',
      });
    }
    if (credentialsSent) {
      throw new Auth0Error(`${endpointOf(url)} showed the login form again: wrong username or password`, {
        statusCode: response.status,
        errorCode: 'access_denied',
      });
    }
    credentialsSent = true;
    step = { url: action, body: fillLogin(form, options.credentials) };
  }
}
