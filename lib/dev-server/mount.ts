import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { DISCOVERY_PATH } from './profile.js';

/** RFC 8414 §3: the authorization server metadata, at this well-known path followed by the issuer's path. */
const RFC8414_PATH = '/.well-known/oauth-authorization-server';

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: 'not_found', error_description: 'no endpoint here; see the discovery document' }));
}

/**
 * Serves oidc-provider's `callback` under the issuer's path (`/realms/demo`): a request under it is passed on with
 * the path cut from `req.url` and put in `req.baseUrl`, before which oidc-provider puts the paths of the URLs it
 * builds (as when mounted by Express); any other request is answered 404. With `rfc8414`, the RFC 8414 metadata URL (`/.well-known/
 * oauth-authorization-server` followed by the issuer's path) serves the discovery document too.
 */
export function mountAt(issuerPath: string, callback: RequestListener, rfc8414: boolean): RequestListener {
  const metadataUrl = `${RFC8414_PATH}${issuerPath}`;
  return (req: IncomingMessage & { baseUrl?: string }, res: ServerResponse) => {
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    const query = mark === -1 ? '' : url.slice(mark);
    if (rfc8414 && path === metadataUrl) {
      req.url = `${DISCOVERY_PATH}${query}`;
    } else if (issuerPath !== '') {
      if (path !== issuerPath && !path.startsWith(`${issuerPath}/`)) return notFound(res);
      req.url = `${path.slice(issuerPath.length) || '/'}${query}`;
    }
    req.baseUrl = issuerPath;
    callback(req, res);
  };
}
