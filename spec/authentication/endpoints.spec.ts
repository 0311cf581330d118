import { expect } from 'chai';
import { AUTH0_PATHS, endpointsFromMetadata, METADATA_KEYS } from '../../lib/authentication/endpoints.js';

const ISSUER = 'https://sso.example.com/realms/ops';
const METADATA = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/protocol/openid-connect/auth`,
  token_endpoint: `${ISSUER}/protocol/openid-connect/token`,
  revocation_endpoint: `${ISSUER}/protocol/openid-connect/revoke`,
  userinfo_endpoint: `${ISSUER}/protocol/openid-connect/userinfo`,
  pushed_authorization_request_endpoint: `${ISSUER}/protocol/openid-connect/ext/par/request`,
  backchannel_authentication_endpoint: `${ISSUER}/protocol/openid-connect/ext/ciba/auth`,
  device_authorization_endpoint: `${ISSUER}/protocol/openid-connect/auth/device`,
  introspection_endpoint: `${ISSUER}/protocol/openid-connect/token/introspect`,
  end_session_endpoint: `${ISSUER}/protocol/openid-connect/logout`,
  jwks_uri: `${ISSUER}/protocol/openid-connect/certs`,
  registration_endpoint: `${ISSUER}/clients-registrations/openid-connect`,
};

describe('endpointsFromMetadata', () => {
  it('maps every endpoint the client objects call from its metadata key', () => {
    expect(endpointsFromMetadata(METADATA)).to.deep.equal({
      authorization: METADATA.authorization_endpoint,
      token: METADATA.token_endpoint,
      revocation: METADATA.revocation_endpoint,
      userinfo: METADATA.userinfo_endpoint,
      pushedAuthorizationRequest: METADATA.pushed_authorization_request_endpoint,
      backchannelAuthentication: METADATA.backchannel_authentication_endpoint,
      deviceAuthorization: METADATA.device_authorization_endpoint,
      introspection: METADATA.introspection_endpoint,
      endSession: METADATA.end_session_endpoint,
      jwks: METADATA.jwks_uri,
    });
  });

  it('leaves out endpoints that are absent, empty or not strings', () => {
    const endpoints = endpointsFromMetadata({
      issuer: ISSUER,
      token_endpoint: 'https://t/',
      userinfo_endpoint: '',
      jwks_uri: 7,
    } as never);
    expect(endpoints).to.deep.equal({ token: 'https://t/' });
  });

  it('takes the RFC 8705 mtls_endpoint_aliases with mutual TLS only, where an alias exists', () => {
    const metadata = {
      ...METADATA,
      mtls_endpoint_aliases: {
        token_endpoint: 'https://mtls.sso.example.com/token',
        introspection_endpoint: 'https://mtls.sso.example.com/introspect',
        userinfo_endpoint: 42,
      },
    };
    expect(endpointsFromMetadata(metadata).token).to.equal(METADATA.token_endpoint);
    const mtls = endpointsFromMetadata(metadata, { mutualTls: true });
    expect([mtls.token, mtls.introspection, mtls.userinfo, mtls.revocation]).to.deep.equal([
      'https://mtls.sso.example.com/token',
      'https://mtls.sso.example.com/introspect',
      METADATA.userinfo_endpoint,
      METADATA.revocation_endpoint,
    ]);
    for (const aliases of [null, ['x'], 'x']) {
      expect(
        endpointsFromMetadata({ ...METADATA, mtls_endpoint_aliases: aliases }, { mutualTls: true }).token,
      ).to.equal(METADATA.token_endpoint);
    }
  });

  it("knows a metadata key for every endpoint, and Auth0's path for every endpoint but introspection", () => {
    expect(Object.keys(AUTH0_PATHS)).to.deep.equal(Object.keys(METADATA_KEYS));
    expect(Object.entries(AUTH0_PATHS).filter(([, path]) => path === undefined)).to.deep.equal([
      ['introspection', undefined],
    ]);
  });
});
