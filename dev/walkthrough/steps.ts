// The steps of `npm start`, in order: each uses the library's public API as an application would, checks the
// outcome, and says in one line what it checked.
import {
  AccessTokenVerifier,
  Auth0Error,
  AsymmetricSignatureVerifier,
  type AuthenticationOptions,
  BackChannelLogin,
  buildAuthorizeUrl,
  ClientCredentialsProvider,
  createPkcePair,
  discover,
  GetToken,
  PushedAuthorizationRequests,
  randomNonce,
  randomState,
  RevokeToken,
  TokenVerifier,
  Users,
} from '../../lib/index.js';
import { type DevServer, headlessLogin } from '../../lib/dev-server/index.js';
import { protectedApi } from './protected-api.js';
import { check, needs, type Step, type WalkthroughContext } from './step.js';

/** The options of the library's Authentication API classes for one of the dev server's clients. */
function clientOptions(server: DevServer, clientId: string): AuthenticationOptions {
  const { clientSecret, privateKey } = server.client(clientId);
  return {
    domain: server.domain, // 127.0.0.1:PORT
    protocol: 'http', // accepted for loopback hosts only
    clientId,
    ...(clientSecret !== undefined && { clientSecret }),
    ...(privateKey !== undefined && { clientAssertionSigningKey: privateKey }),
  };
}

/** The path of a URL of the dev server, to print short lines. */
function pathOf(url: unknown): string {
  return typeof url === 'string' ? new URL(url).pathname : String(url);
}

/** The web app's ID-token verifier, with the keys the discovery document names. */
function idTokenVerifier(context: WalkthroughContext): TokenVerifier {
  const metadata = needs(context.metadata, 'the discovery document');
  return new TokenVerifier({
    signatureVerifier: new AsymmetricSignatureVerifier(needs(metadata.jwks_uri, 'jwks_uri')),
    issuer: context.server.issuer,
    audience: 'web-app',
  });
}

const discovery: Step = {
  name: 'discovery',
  async run(context) {
    const { server } = context;
    const metadata = await discover(server.issuer); // refuses a document that names another issuer
    check(metadata.token_endpoint === server.endpoints.token, `unexpected token_endpoint ${metadata.token_endpoint}`);
    context.metadata = metadata;
    return (
      `issuer ${metadata.issuer} matches exactly; token_endpoint=${pathOf(metadata.token_endpoint)}, ` +
      `jwks_uri=${pathOf(metadata.jwks_uri)}, userinfo_endpoint=${pathOf(metadata.userinfo_endpoint)}`
    );
  },
};

const clientCredentials: Step = {
  name: 'client credentials',
  async run(context) {
    const { server } = context;
    const getToken = new GetToken(clientOptions(server, 'm2m-secret'));
    // As on Auth0, `audience` selects the API the token is for.
    const tokens = await getToken.clientCredentials({ audience: server.audience });
    check(tokens.token_type === 'Bearer', `unexpected token_type ${tokens.token_type}`);
    context.m2mToken = tokens.access_token;
    return `m2m-secret (client secret) got a ${tokens.token_type} token for audience=${server.audience}, expires_in=${tokens.expires_in}`;
  },
};

const verifyAccessToken: Step = {
  name: 'verify access token',
  async run(context) {
    const { server } = context;
    // An API builds one verifier for the process; the JWKS URL comes from the issuer's discovery document.
    const accessTokens = new AccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    context.accessTokens = accessTokens;
    const { header, payload, scopes } = await accessTokens.verifyComplete(needs(context.m2mToken, 'the M2M token'));
    check(payload.sub === 'm2m-secret', `unexpected sub ${payload.sub}`);
    return `access token verified: sub=${payload.sub}, aud=${String(payload.aud)}, scope=${scopes.join(' ')} (${header.alg}, typ ${header.typ}, signature via JWKS)`;
  },
};

const privateKeyJwt: Step = {
  name: 'private_key_jwt',
  async run(context) {
    const { server } = context;
    const getToken = new GetToken(clientOptions(server, 'm2m-jwt'));
    const { access_token } = await getToken.clientCredentials({ audience: server.audience, scope: 'read:messages' });
    const claims = await needs(context.accessTokens, 'the access-token verifier').verify(access_token);
    check(claims.sub === 'm2m-jwt', `unexpected sub ${claims.sub}`);
    return `m2m-jwt authenticated with a signed assertion (${getToken.clientAuthMethod}); token verified: sub=${claims.sub}, scope=${claims.scope}`;
  },
};

const cachedM2m: Step = {
  name: 'cached M2M token',
  async run(context) {
    const { server } = context;
    const m2m = server.client('m2m-secret');
    const provider = new ClientCredentialsProvider({
      domain: server.domain,
      protocol: 'http',
      clientId: m2m.clientId,
      clientSecret: m2m.clientSecret,
      audience: server.audience,
    });
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => provider.authToken()));
    const later = await provider.authToken();
    const distinct = new Set([...concurrent, later]).size;
    check(distinct === 1, `${distinct} different tokens: the calls did not share one grant`);
    await needs(context.accessTokens, 'the access-token verifier').verify(later);
    const { expiresAt } = await provider.getAccessToken();
    const minutes = Math.round((expiresAt - Date.now()) / 60_000);
    return `ClientCredentialsProvider: 11 calls (10 concurrent) -> 1 grant, token verified, valid ${minutes} more minutes`;
  },
};

/** A headless login of the web app for the API: authorize URL with PKCE, state and nonce; the code exchanged. */
const login: Step = {
  name: 'login (code + PKCE)',
  async run(context) {
    const { server } = context;
    const redirectUri = server.client('web-app').redirectUris[0] as string;
    const { codeVerifier, codeChallenge } = createPkcePair();
    const state = randomState();
    const nonce = randomNonce();
    const maxAge = 300;
    const url = buildAuthorizeUrl({
      domain: server.domain,
      protocol: 'http',
      clientId: 'web-app',
      redirectUri,
      audience: server.audience,
      scope: 'openid profile email offline_access read:messages',
      state,
      nonce,
      codeChallenge,
      maxAge,
    });
    const response = await headlessLogin(url); // the test user logs in and consents on their own
    check(response.error === undefined, `the login failed: ${response.error}: ${response.errorDescription}`);
    check(response.state === state, 'the state that came back is not ours');
    check(response.iss === server.issuer, `the response names another issuer (${response.iss})`);
    const getToken = new GetToken(clientOptions(server, 'web-app'));
    const tokens = await getToken.authorizationCodePkce({
      code: needs(response.code, 'code'),
      codeVerifier,
      redirectUri,
    });
    context.login = { tokens, nonce, maxAge };
    const issued = ['id_token', 'access_token', 'refresh_token'].filter((name) => typeof tokens[name] === 'string');
    return `headless login of ${server.user.sub}: state and iss checked; code + verifier exchanged for ${issued.join(', ')}`;
  },
};

const verifyIdToken: Step = {
  name: 'verify ID token',
  async run(context) {
    const login = needs(context.login, 'the login');
    const { tokens, nonce, maxAge } = login;
    const claims = await idTokenVerifier(context).verify(needs(tokens.id_token, 'id_token'), {
      nonce,
      accessToken: tokens.access_token, // at_hash must match it
      maxAge,
    });
    login.claims = claims;
    return `ID token verified: sub=${claims.sub}, aud=${String(claims.aud)}, nonce matches, at_hash matches the access token, auth_time within max_age=${maxAge}`;
  },
};

const userinfo: Step = {
  name: 'userinfo',
  async run(context) {
    const { server } = context;
    const { tokens, claims } = needs(context.login, 'the login');
    // The response must be about the ID token's user (OIDC Core §5.3.2): `subject` makes userinfo check it.
    const subject = needs(claims, 'the verified ID token').sub;
    const profile = await new Users({ domain: server.domain, protocol: 'http' }).userinfo(tokens.access_token, {
      subject,
    });
    return `GET /userinfo with the access token: sub=${profile.sub} (the ID token's), email=${String(profile.email)}, name=${String(profile.name)}`;
  },
};

const refresh: Step = {
  name: 'refresh',
  async run(context) {
    const login = needs(context.login, 'the login');
    const getToken = new GetToken(clientOptions(context.server, 'web-app'));
    const tokens = await getToken.refreshToken({ refreshToken: needs(login.tokens.refresh_token, 'refresh_token') });
    check(tokens.access_token !== login.tokens.access_token, 'the refresh returned the same access token');
    const payload = await needs(context.accessTokens, 'the access-token verifier').verify(tokens.access_token);
    // A refreshed ID token must keep iss, sub, aud, azp and auth_time, and may repeat the nonce (OIDC Core §12.2).
    const claims = await idTokenVerifier(context).verify(needs(tokens.id_token, 'id_token'), {
      original: needs(login.claims, 'the verified ID token'),
      accessToken: tokens.access_token,
    });
    return `new access token verified (sub=${payload.sub}), new ID token verified (sub=${claims.sub}: same iss, sub, aud and auth_time as the login's; at_hash matches)`;
  },
};

const revoke: Step = {
  name: 'revoke',
  async run(context) {
    const { server } = context;
    const refreshToken = needs(needs(context.login, 'the login').tokens.refresh_token, 'refresh_token');
    await new RevokeToken(clientOptions(server, 'web-app')).revokeRefreshToken({ token: refreshToken });
    try {
      await new GetToken(clientOptions(server, 'web-app')).refreshToken({ refreshToken });
    } catch (error) {
      if (error instanceof Auth0Error && error.errorCode === 'invalid_grant') {
        return `refresh token revoked; refreshing with it now fails: ${error.statusCode} ${error.errorCode} (${error.name})`;
      }
      throw error;
    }
    throw new Error('the revoked refresh token still works');
  },
};

const pushedAuthorizationRequest: Step = {
  name: 'PAR',
  async run(context) {
    const { server } = context;
    const redirectUri = server.client('web-app').redirectUris[0] as string;
    const { codeVerifier, codeChallenge } = createPkcePair();
    const state = randomState();
    const nonce = randomNonce();
    const par = new PushedAuthorizationRequests(clientOptions(server, 'web-app'));
    const pushed = await par.pushedAuthorizationRequest({
      responseType: 'code',
      redirectUri,
      scope: 'openid profile',
      audience: server.audience,
      state,
      nonce,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
    const response = await headlessLogin(pushed.authorizationUrl, { redirectUri });
    check(response.state === state && response.iss === server.issuer, 'state or iss do not match');
    const getToken = new GetToken(clientOptions(server, 'web-app'));
    const tokens = await getToken.authorizationCodePkce({
      code: needs(response.code, 'code'),
      codeVerifier,
      redirectUri,
    });
    await idTokenVerifier(context).verify(needs(tokens.id_token, 'id_token'), {
      nonce,
      accessToken: tokens.access_token,
    });
    return `pushed ${pushed.request_uri.slice(0, 40)}… (expires_in=${pushed.expires_in}); the login through it was exchanged, ID token verified`;
  },
};

const ciba: Step = {
  name: 'CIBA',
  async run(context) {
    const { server } = context;
    const started = await new BackChannelLogin(clientOptions(server, 'web-app')).backChannelLogin({
      bindingMessage: 'Walkthrough 42',
      loginHint: { format: 'iss_sub', iss: server.issuer, sub: server.user.sub },
      scope: 'openid email',
    });
    // The dev server approves at once and sends no interval (CIBA's default is 5 s): poll sooner here.
    const tokens = await new GetToken(clientOptions(server, 'web-app')).pollBackchannelLogin({
      authReqId: started.auth_req_id,
      interval: started.interval ?? 0.1,
      expiresIn: started.expires_in,
    });
    const claims = await idTokenVerifier(context).verify(needs(tokens.id_token, 'id_token'), {
      accessToken: tokens.access_token,
    });
    return `back-channel login of ${claims.sub} approved; tokens polled, ID token verified`;
  },
};

/** Every step of `npm start`, in order. */
export const STEPS: readonly Step[] = [
  discovery,
  clientCredentials,
  verifyAccessToken,
  privateKeyJwt,
  cachedM2m,
  login,
  verifyIdToken,
  userinfo,
  refresh,
  revoke,
  pushedAuthorizationRequest,
  ciba,
  protectedApi,
];
