import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import {
  ConfigurationError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  JwksError,
  KeyNotFoundError,
  KeySourceUnavailableError,
  NetworkError,
  ServiceUnavailableError,
  TimeoutError,
  TokenValidationError,
  UnauthorizedError,
} from '../../lib/errors.js';
import {
  authErrorBody,
  challenge,
  checkParameter,
  checkScopes,
  describeRejection,
  insufficientScope,
  invalidRequest,
  toBearerError,
  unauthorized,
  writeAuthError,
} from '../../lib/middleware/challenge.js';
import { thrownBy } from '../helpers/secrets.js';

describe('challenge', () => {
  it('builds RFC 6750 §3 challenges with the parameters given', () => {
    expect(challenge('api')).to.equal('Bearer realm="api"');
    expect(challenge('api', 'invalid_token', 'the token has expired')).to.equal(
      'Bearer realm="api", error="invalid_token", error_description="the token has expired"',
    );
    expect(challenge('api', 'insufficient_scope', 'No', 'a b')).to.equal(
      'Bearer realm="api", error="insufficient_scope", error_description="No", scope="a b"',
    );
  });
});

describe('checkParameter', () => {
  it('accepts printable ASCII and refuses quotes, backslashes, control and non-ASCII characters', () => {
    expect(checkParameter('https://api.example.com/', 'realm')).to.equal('https://api.example.com/');
    for (const bad of ['', 'a"b', 'a\\b', 'a\r\nSet-Cookie: x', 'é', 42, undefined]) {
      const err = thrownBy(() => checkParameter(bad, 'realm'));
      expect(err).to.be.instanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).to.equal('realm');
    }
  });
});

describe('checkScopes', () => {
  it('splits space-separated scopes, flattens lists and drops duplicates', () => {
    expect(checkScopes(['read:a write:a', ['admin', 'read:a']], 'scopes')).to.deep.equal([
      'read:a',
      'write:a',
      'admin',
    ]);
  });

  it('refuses no scope, non-strings and characters RFC 6749 §3.3 forbids', () => {
    for (const bad of [[], [''], ['  '], ['a"b'], ['a\\b'], ['é'], [42]] as unknown as string[][]) {
      expect(thrownBy(() => checkScopes(bad, 'scopes'))).to.be.instanceOf(ConfigurationError);
    }
  });
});

describe('the BearerError factories', () => {
  it('give 401 without an error code when no credentials came', () => {
    const err = unauthorized('api');
    expect(err).to.be.instanceOf(UnauthorizedError);
    expect(err.status).to.equal(401);
    expect(err.statusCode).to.equal(401);
    expect(err.error).to.equal(undefined);
    expect(err.headers).to.deep.equal({ 'WWW-Authenticate': 'Bearer realm="api"' });
  });

  it('give 400 invalid_request with its description in the challenge', () => {
    const err = invalidRequest('api', 'Bad');
    expect(err).to.be.instanceOf(InvalidRequestError);
    expect([err.status, err.error, err.message]).to.deep.equal([400, 'invalid_request', 'Bad']);
    expect(err.headers['WWW-Authenticate']).to.equal(
      'Bearer realm="api", error="invalid_request", error_description="Bad"',
    );
  });

  it('give 403 insufficient_scope with the needed scopes in the challenge and the lacking ones on the error', () => {
    const err = insufficientScope('api', 'Lacks', ['a', 'b'], ['b']);
    expect(err).to.be.instanceOf(InsufficientScopeError);
    expect(err.status).to.equal(403);
    expect(err.scopes).to.deep.equal(['b']);
    expect(err.headers['WWW-Authenticate']).to.equal(
      'Bearer realm="api", error="insufficient_scope", error_description="Lacks", scope="a b"',
    );
    expect(insufficientScope('api', 'Claim').headers['WWW-Authenticate']).to.not.include('scope=');
  });
});

describe('toBearerError', () => {
  it('maps a refused token to 401 invalid_token with a fixed description and the verifier error as cause', () => {
    const cause = new TokenValidationError(
      'Issuer (iss) claim mismatch; found "https://evil.example/"',
      'ERR_TOKEN_ISS_MISMATCH',
      'iss',
    );
    const err = toBearerError(cause, 'api', 5) as InvalidTokenError;
    expect(err).to.be.instanceOf(InvalidTokenError);
    expect(err.status).to.equal(401);
    expect(err.message).to.equal('the token issuer is not trusted');
    expect(err.cause).to.equal(cause);
    expect(err.headers['WWW-Authenticate']).to.equal(
      'Bearer realm="api", error="invalid_token", error_description="the token issuer is not trusted"',
    );
  });

  it('maps key errors to 401, since the key source answered', () => {
    const notFound = toBearerError(new KeyNotFoundError('no key', undefined, 'kid'), 'api', 5) as InvalidTokenError;
    expect(notFound).to.be.instanceOf(InvalidTokenError);
    expect(notFound.message).to.equal('no key of the token issuer has its key ID');
    const unusable = toBearerError(new JwksError('weak', 'ERR_JWKS_KEY_UNUSABLE', 'kid'), 'api', 5);
    expect((unusable as InvalidTokenError).message).to.equal('no key of the token issuer may verify it');
  });

  it('maps a key source that is down to 503 with Retry-After, whatever the kind of outage', () => {
    for (const cause of [
      new NetworkError('refused'),
      new TimeoutError('slow'),
      new KeySourceUnavailableError('HTTP 500'),
    ]) {
      const err = toBearerError(cause, 'api', 7) as ServiceUnavailableError;
      expect(err).to.be.instanceOf(ServiceUnavailableError);
      expect(err.status).to.equal(503);
      expect(err.headers).to.deep.equal({ 'Retry-After': '7' });
      expect(err.cause).to.equal(cause);
    }
  });

  it('sends in Retry-After the seconds until the key source is tried again when the error says, at least 1', () => {
    const retryAfter = (retryAt: number) =>
      (toBearerError(Object.assign(new TimeoutError('slow'), { retryAt }), 'api', 7) as ServiceUnavailableError)
        .headers['Retry-After'];
    expect(retryAfter(Date.now() + 4_000)).to.be.oneOf(['4', '3']);
    expect(retryAfter(Date.now() + 30_000)).to.be.oneOf(['30', '29']);
    expect(retryAfter(Date.now() + 10)).to.equal('1');
    expect(retryAfter(Date.now() - 5_000)).to.equal('1');
  });

  it('passes BearerErrors and anything else through unchanged', () => {
    const bearer = unauthorized('api');
    expect(toBearerError(bearer, 'other', 5)).to.equal(bearer);
    const config = new ConfigurationError('discovery names another issuer');
    expect(toBearerError(config, 'api', 5)).to.equal(config);
    const own = new Error('resolver failed');
    expect(toBearerError(own, 'api', 5)).to.equal(own);
  });
});

describe('describeRejection', () => {
  it('describes every verifier code with a short text safe for a challenge', () => {
    const codes = [
      'ERR_TOKEN_MALFORMED',
      'ERR_TOKEN_TOO_LARGE',
      'ERR_TOKEN_TYP_INVALID',
      'ERR_TOKEN_ALG_NOT_ALLOWED',
      'ERR_TOKEN_SIGNATURE_INVALID',
      'ERR_TOKEN_AUD_MISMATCH',
      'ERR_TOKEN_AUD_UNTRUSTED',
      'ERR_TOKEN_EXPIRED',
      'ERR_TOKEN_NOT_YET_VALID',
      'ERR_TOKEN_TOO_OLD',
      'ERR_TOKEN_SUB_INVALID',
      'ERR_SOMETHING_NEW',
    ];
    for (const code of codes) {
      const text = describeRejection(new TokenValidationError('detail', code, 'sub'));
      expect(text, code).to.match(/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
      expect(text).to.not.equal('detail');
    }
    expect(describeRejection(new TokenValidationError('x', 'ERR_TOKEN_SUB_INVALID', 'sub'))).to.equal(
      'the token sub claim is invalid',
    );
    expect(describeRejection(new TokenValidationError('x', 'ERR_TOKEN_TOO_OLD', 'iat'))).to.equal(
      'the token was issued too long ago',
    );
    expect(describeRejection(new TokenValidationError('x', 'ERR_TOKEN_IAT_MISSING', 'iat'))).to.equal(
      'the token has no issue time',
    );
    expect(describeRejection(new TokenValidationError('x', 'ERR_X', 'bad"claim'))).to.equal('the token is invalid');
    expect(describeRejection(new TokenValidationError('x'))).to.equal('the token is invalid');
  });
});

describe('authErrorBody', () => {
  it('gives the RFC 6750 code, unauthorized without one, temporarily_unavailable for a 503', () => {
    expect(authErrorBody(invalidRequest('api', 'Bad'))).to.deep.equal({
      error: 'invalid_request',
      error_description: 'Bad',
    });
    expect(authErrorBody(unauthorized('api'))).to.deep.equal({
      error: 'unauthorized',
      error_description: 'authentication required',
    });
    expect(authErrorBody(toBearerError(new NetworkError('down'), 'api', 5) as ServiceUnavailableError).error).to.equal(
      'temporarily_unavailable',
    );
  });
});

describe('writeAuthError', () => {
  let server: Server;
  let url: string;
  let late = false;

  before(async () => {
    server = createServer((req, res) => {
      if (late) {
        res.writeHead(200);
        res.write('partial');
      }
      writeAuthError(res, insufficientScope('api', 'Lacks', ['read:a']));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('writes the status, the headers, no-store and the JSON body', async () => {
    late = false;
    const response = await fetch(url);
    expect(response.status).to.equal(403);
    expect(response.headers.get('www-authenticate')).to.equal(
      'Bearer realm="api", error="insufficient_scope", error_description="Lacks", scope="read:a"',
    );
    expect(response.headers.get('cache-control')).to.equal('no-store');
    expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(await response.json()).to.deep.equal({ error: 'insufficient_scope', error_description: 'Lacks' });
  });

  it('only ends a response whose headers are already sent', async () => {
    late = true;
    const response = await fetch(url);
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal('partial');
  });
});
