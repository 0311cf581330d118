import { expect } from 'chai';
import { Enterprise } from '../../lib/authentication/enterprise.js';
import { Auth0Error } from '../../lib/errors.js';
import { DOMAIN, record } from '../helpers/capture.js';
import { rejectionOf } from '../helpers/secrets.js';

const XML = '<?xml version="1.0"?><EntityDescriptor entityID="urn:tenant"/>';

describe('Enterprise', () => {
  it('samlMetadata GETs /samlp/metadata/{clientId} and resolves to the XML text', async () => {
    const server = record('GET', '/samlp/metadata/c%2Fid', {
      body: XML,
      headers: { 'content-type': 'application/xml' },
    });
    expect(await new Enterprise({ domain: DOMAIN, clientId: 'c/id' }).samlMetadata()).to.equal(XML);
    expect(server.request.encoding).to.equal('none');
    expect(server.request.headers.accept).to.include('application/xml');
  });

  it('wsfedMetadata GETs the WS-Federation metadata and resolves to the XML text', async () => {
    record('GET', '/wsfed/FederationMetadata/2007-06/FederationMetadata.xml', { body: XML });
    expect(await new Enterprise({ domain: DOMAIN, clientId: 'cid' }).wsfedMetadata()).to.equal(XML);
  });

  it('resolves to text even when the server answers JSON', async () => {
    record('GET', '/samlp/metadata/cid', { body: { odd: true } });
    expect(await new Enterprise({ domain: DOMAIN, clientId: 'cid' }).samlMetadata()).to.equal('{"odd":true}');
  });

  it('maps a 404 to an Auth0Error', async () => {
    record('GET', '/samlp/metadata/cid', { status: 404, body: 'Not Found' });
    const err = (await rejectionOf(new Enterprise({ domain: DOMAIN, clientId: 'cid' }).samlMetadata())) as Auth0Error;
    expect(err).to.be.instanceOf(Auth0Error);
    expect([err.statusCode, err.message]).to.deep.equal([404, 'Not Found']);
  });
});
