import { AuthenticationBase, type RequestOptions } from './base.js';

const XML = { Accept: 'application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1' };

function asText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/**
 * Enterprise federation metadata: the SAML and WS-Federation metadata documents of the tenant, as XML text.
 *
 * @throws {ConfigurationError} for invalid options.
 * @throws {Auth0Error} when the server refuses (e.g. 404 for an unknown client).
 * @example
 * const enterprise = new Enterprise({ domain: 'tenant.auth0.com', clientId });
 * const xml = await enterprise.samlMetadata();
 */
export class Enterprise extends AuthenticationBase {
  /**
   * `GET /samlp/metadata/{clientId}`: the SAML IdP metadata for this client.
   *
   * @example
   * const xml: string = await enterprise.samlMetadata();
   */
  async samlMetadata(options: RequestOptions = {}): Promise<string> {
    const body = await this.get<unknown>(`/samlp/metadata/${encodeURIComponent(this.clientId)}`, {
      ...options,
      headers: XML,
    });
    return asText(body);
  }

  /**
   * `GET /wsfed/FederationMetadata/2007-06/FederationMetadata.xml`: the tenant's WS-Federation metadata.
   *
   * @example
   * const xml: string = await enterprise.wsfedMetadata();
   */
  async wsfedMetadata(options: RequestOptions = {}): Promise<string> {
    const body = await this.get<unknown>('/wsfed/FederationMetadata/2007-06/FederationMetadata.xml', {
      ...options,
      headers: XML,
    });
    return asText(body);
  }
}
