import { expect } from 'chai';
import { defaultClientInfo, telemetryHeader } from '../../lib/http/telemetry.js';
import { VERSION } from '../../lib/version.js';

describe('telemetry', () => {
  it('encodes name, version and node version as base64url JSON', () => {
    const decoded = JSON.parse(Buffer.from(telemetryHeader(), 'base64url').toString()) as unknown;
    expect(decoded).to.deep.equal({ name: 'authn-client', version: VERSION, env: { node: process.version } });
    expect(telemetryHeader()).to.match(/^[A-Za-z0-9_-]+$/);
  });

  it('lets clientInfo replace the whole payload', () => {
    const info = { name: 'wrapper-sdk', version: '9.9.9', extra: [1] };
    expect(JSON.parse(Buffer.from(telemetryHeader(info), 'base64url').toString())).to.deep.equal(info);
    expect(defaultClientInfo().name).to.equal('authn-client');
  });
});
