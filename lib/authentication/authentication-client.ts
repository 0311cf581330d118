import { checkOptionKeys, optionKeys } from '../did-you-mean.js';
import { TRANSPORT_OPTION_KEYS } from '../http/http-client.js';
import { BackChannelLogin } from './back-channel-login.js';
import { type AuthenticationOptions, createSharedTransport, SHARED_TRANSPORT, type SharedOptions } from './base.js';
import type { ClientAuthMethod } from './client-authentication.js';
import { Database } from './database.js';
import { Delegated } from './delegated.js';
import { DeviceAuthorization } from './device-authorization.js';
import { Enterprise } from './enterprise.js';
import { GetToken } from './get-token.js';
import { Mfa } from './mfa.js';
import { Passwordless } from './passwordless.js';
import { PushedAuthorizationRequests } from './pushed-authorization-requests.js';
import { RevokeToken } from './revoke-token.js';
import { TokenIntrospection } from './token-introspection.js';
import { Users } from './users.js';

/** Every option of an {@link AuthenticationClient}. */
const OPTION_KEYS = optionKeys<AuthenticationOptions>({
  ...TRANSPORT_OPTION_KEYS,
  domain: true,
  issuer: true,
  discoveryUri: true,
  endpoints: true,
  protocol: true,
  discovery: true,
  clientId: true,
  clientSecret: true,
  clientAssertionSigningKey: true,
  clientAssertionSigningAlg: true,
  clientAssertionKeyId: true,
  clientAssertionAudience: true,
  clientAuthMethod: true,
});

/** node-auth0's names of options that have other names here. */
const NODE_AUTH0_NAMES = { timeoutDuration: 'timeout', agent: 'httpsAgent' };

/**
 * The whole Authentication API of one tenant for one client: every endpoint class, built from one validated set
 * of options and sharing one transport (one axios instance, so one connection pool) and one client
 * authentication (the signing key is imported once).
 *
 * @throws {ConfigurationError} when `domain` or `clientId` is missing, an option is unknown (named with the closest
 *   known one: `unknown option "clientID"; did you mean clientId?`), or any option is invalid.
 * @example
 * const auth0 = new AuthenticationClient({ domain: 'tenant.us.auth0.com', clientId, clientSecret });
 * const { access_token } = await auth0.getToken.clientCredentials({ audience: 'https://api.example.com/' });
 * const profile = await auth0.users.userinfo(access_token);
 */
export class AuthenticationClient {
  /** The tenant's host, as configured with `domain`. */
  readonly domain: string | undefined;
  /** The client id every request is made for. */
  readonly clientId: string;
  /** The client-authentication method of token-endpoint requests. */
  readonly clientAuthMethod: ClientAuthMethod;
  /** Signup and change-password emails (`/dbconnections/*`). */
  readonly database: Database;
  /** Every `/oauth/token` grant, and the CIBA polling loop. */
  readonly getToken: GetToken;
  /** Passwordless email and SMS (`/passwordless/start`). */
  readonly passwordless: Passwordless;
  /** Refresh-token revocation (`/oauth/revoke`). */
  readonly revokeToken: RevokeToken;
  /** The user's profile (`/userinfo`). */
  readonly users: Users;
  /** SAML and WS-Federation metadata. */
  readonly enterprise: Enterprise;
  /** Legacy delegation (`/delegation`). */
  readonly delegated: Delegated;
  /** Client-Initiated Backchannel Authentication (`/bc-authorize`). */
  readonly backChannelLogin: BackChannelLogin;
  /** Pushed Authorization Requests (`/oauth/par`). */
  readonly pushedAuthorizationRequests: PushedAuthorizationRequests;
  /** The MFA API (`/mfa/*`). */
  readonly mfa: Mfa;
  /** The device authorization grant's first step (RFC 8628). */
  readonly deviceAuthorization: DeviceAuthorization;
  /** Token introspection (RFC 7662). */
  readonly introspection: TokenIntrospection;

  constructor(options: AuthenticationOptions) {
    if (options !== null && typeof options === 'object') {
      checkOptionKeys(options, OPTION_KEYS, { aliases: NODE_AUTH0_NAMES });
    }
    const transport = createSharedTransport(options);
    const shared: SharedOptions<AuthenticationOptions> = { ...options, [SHARED_TRANSPORT]: transport };
    this.domain = options.domain;
    this.clientId = transport.clientId;
    this.clientAuthMethod = transport.clientAuthentication.method;
    this.database = new Database(shared);
    this.getToken = new GetToken(shared);
    this.passwordless = new Passwordless(shared);
    this.revokeToken = new RevokeToken(shared);
    this.users = new Users(shared);
    this.enterprise = new Enterprise(shared);
    this.delegated = new Delegated(shared);
    this.backChannelLogin = new BackChannelLogin(shared);
    this.pushedAuthorizationRequests = new PushedAuthorizationRequests(shared);
    this.mfa = new Mfa(shared);
    this.deviceAuthorization = new DeviceAuthorization(shared);
    this.introspection = new TokenIntrospection(shared);
  }
}
