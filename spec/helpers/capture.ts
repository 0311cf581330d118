// Records what an endpoint method puts on the wire, so that specs can assert method, path, encoding, body and
// headers exactly.
import nock from 'nock';

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Request headers, lower-cased. */
  headers: Record<string, string>;
  /** `json`, `form`, or `none` when there was no body. */
  encoding: 'json' | 'form' | 'none';
  /** The body, decoded: JSON as parsed, a form as name → value. */
  body: Record<string, unknown>;
  /** The body as sent. */
  raw: string;
}

/** The answer an interceptor gives. */
export interface Reply {
  status?: number;
  body?: nock.Body;
  headers?: Record<string, string>;
}

/** An interceptor and the requests it saw. */
export interface Recorder {
  scope: nock.Scope;
  requests: RecordedRequest[];
  /** The only request; fails when there were none or several. */
  readonly request: RecordedRequest;
}

export const DOMAIN = 'tenant.example.com';
export const ORIGIN = `https://${DOMAIN}`;

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/** Decodes a recorded body by its content type. */
export function decode(raw: string, contentType: string): Pick<RecordedRequest, 'encoding' | 'body'> {
  if (raw === '') return { encoding: 'none', body: {} };
  if (contentType.startsWith('application/json')) {
    return { encoding: 'json', body: JSON.parse(raw) as Record<string, unknown> };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return { encoding: 'form', body: Object.fromEntries(new URLSearchParams(raw)) };
  }
  throw new Error(`unexpected content type ${contentType}`);
}

/**
 * Intercepts `method path` on `origin` (`times` times) and answers with `reply` (or the replies in turn), recording
 * every request.
 */
export function record(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  reply: Reply | Reply[] = {},
  origin: string = ORIGIN,
): Recorder {
  const replies = Array.isArray(reply) ? reply : [reply];
  const requests: RecordedRequest[] = [];
  const scope = nock(origin)
    .intercept(path, method)
    .times(replies.length)
    .reply(function (uri, requestBody) {
      const headers = flatten(this.req.headers as Record<string, string>);
      const raw = typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody);
      requests.push({ method, path: uri, headers, raw, ...decode(raw, headers['content-type'] ?? '') });
      const { status = 200, body = {}, headers: replyHeaders = {} } = replies[requests.length - 1] ?? {};
      return [status, body, replyHeaders];
    });
  return {
    scope,
    requests,
    get request() {
      if (requests.length !== 1) throw new Error(`expected exactly one request, saw ${requests.length}`);
      return requests[0]!;
    },
  };
}

// Captured at load, before any spec installs fake timers: nock answers through real timers.
const realSetTimeout = globalThis.setTimeout;

/**
 * Lets pending I/O, nock's (real) reply timers and promise reactions run, while fake timers hold the client's own
 * waits: a few real milliseconds, each followed by `setImmediate` turns.
 */
export async function settle(rounds = 4): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await new Promise((resolve) => realSetTimeout(resolve, 2));
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
}
