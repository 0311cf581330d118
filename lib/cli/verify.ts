import { ConfigurationError, NetworkError } from '../errors.js';
import { DiscoveryCache, discover, discoveryUrl } from '../oidc/discovery.js';
import { AccessTokenVerifier } from '../token-verifier/access-token-verifier.js';
import type { AsymmetricAlgorithm } from '../token-verifier/algorithms.js';
import { JwksFetcher } from '../token-verifier/jwks-fetcher.js';
import type { JwtPayload } from '../token-verifier/jwt.js';
import { AsymmetricSignatureVerifier } from '../token-verifier/signature-verifier.js';
import { TokenVerifier } from '../token-verifier/token-verifier.js';
import {
  type Command,
  EXIT,
  fileFlag,
  type FlagValues,
  stringFlag,
  timeoutFlag,
  timeoutFlagOf,
  tokenArgument,
} from './command.js';
import { tokenJson } from './json-output.js';

function required(values: FlagValues, name: string): string {
  const value = stringFlag(values, name);
  if (value === undefined) throw new ConfigurationError(`--${name} (or AUTHN_${name.toUpperCase()}) is required`, name);
  return value;
}

function leewayFlag(values: FlagValues): number | undefined {
  const text = stringFlag(values, 'leeway');
  if (text === undefined) return undefined;
  const leeway = Number(text);
  if (text.trim() === '' || !Number.isFinite(leeway)) {
    throw new ConfigurationError('--leeway must be a number of seconds', 'leeway');
  }
  return leeway;
}

/**
 * The audience, which for an ID token is the client id: `--audience` or `--client-id`. A flag given on the command
 * line wins over the variables, which `authn token` may have set for another purpose (AUTHN_CLIENT_ID is the M2M
 * client there): a variable that does not apply is ignored, and two that disagree are refused.
 */
function audienceFlag(values: FlagValues, given: ReadonlySet<string>, idToken: boolean): string {
  if (!idToken) {
    if (given.has('client-id')) throw new ConfigurationError('--client-id goes with --id-token', 'client-id');
    return required(values, 'audience');
  }
  const onCommandLine = ['audience', 'client-id'].filter((name) => given.has(name));
  const candidates = new Set(
    (onCommandLine.length > 0 ? onCommandLine : ['audience', 'client-id'])
      .map((name) => stringFlag(values, name))
      .filter((value) => value !== undefined),
  );
  if (candidates.size > 1) {
    throw new ConfigurationError(
      'with --id-token, --audience and --client-id (or their variables) both name the client and differ: give one',
      'audience',
    );
  }
  const [value] = candidates;
  if (value === undefined) {
    throw new ConfigurationError('--audience (or --client-id: the client the ID token is for) is required', 'audience');
  }
  return value;
}

/**
 * The keys of `--jwks-file`: a JSON Web Key Set, or one JWK, held as a local key set (nothing is fetched).
 *
 * @throws {ConfigurationError} when the file cannot be read, is not JSON, or holds no usable key.
 */
function jwksFileFlag(values: FlagValues): JwksFetcher | undefined {
  const text = fileFlag(values, 'jwks-file');
  if (text === undefined) return undefined;
  if (stringFlag(values, 'jwks-uri') !== undefined) {
    throw new ConfigurationError('give --jwks-file or --jwks-uri, not both', 'jwks-file');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigurationError('--jwks-file must hold JSON: a JSON Web Key Set or one JWK', 'jwks-file');
  }
  const single = typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, 'kty');
  try {
    return new JwksFetcher((single ? { keys: [parsed] } : parsed) as ConstructorParameters<typeof JwksFetcher>[0]);
  } catch (failure) {
    if (!(failure instanceof ConfigurationError)) throw failure;
    throw new ConfigurationError(`--jwks-file: ${failure.message}`, 'jwks-file');
  }
}

/** What the verifiers are built with, from the flags. */
interface Settings {
  issuer: string;
  audience: string;
  jwksUri?: string;
  /** The local key set of `--jwks-file`. */
  jwks?: JwksFetcher;
  algorithms?: AsymmetricAlgorithm[];
  leeway?: number;
  timeout?: number;
}

/** An ID-token verifier: the keys of `--jwks-file` or `--jwks-uri`, else from the issuer's discovery document. */
function idTokenVerifier(settings: Settings, nonce: string | undefined): (token: string) => Promise<JwtPayload> {
  const { issuer, audience, algorithms, leeway, timeout } = settings;
  const build = (jwks: string | JwksFetcher) =>
    new TokenVerifier({
      signatureVerifier: new AsymmetricSignatureVerifier(
        jwks,
        typeof jwks === 'string' ? { algorithm: algorithms, timeout } : { algorithm: algorithms },
      ),
      issuer,
      audience,
      leeway,
    });
  const given = settings.jwks ?? settings.jwksUri;
  if (given !== undefined) {
    const verifier = build(given);
    return (token) => verifier.verify(token, { nonce });
  }
  discoveryUrl(issuer); // checks the issuer before any request
  return async (token) => {
    const metadata = await discover(issuer, { timeout });
    if (typeof metadata.jwks_uri !== 'string') {
      throw new ConfigurationError(
        `the discovery document of "${issuer}" has no jwks_uri: give --jwks-uri`,
        'jwks-uri',
      );
    }
    return build(metadata.jwks_uri).verify(token, { nonce });
  };
}

/** An access-token verifier: the keys of `--jwks-file` or `--jwks-uri`, else from the discovery document. */
function accessTokenVerifier(settings: Settings): (token: string) => Promise<JwtPayload> {
  const { issuer, audience, jwksUri, jwks, algorithms, leeway, timeout } = settings;
  const verifier = new AccessTokenVerifier({
    issuer,
    audience,
    jwksUri,
    jwks,
    algorithms,
    leeway,
    jwksOptions: { timeout },
    discovery: new DiscoveryCache({ timeout }),
  });
  return (token) => verifier.verify(token);
}

/**
 * `authn verify`: verifies a JWT access token (RFC 9068 / Auth0, with {@link AccessTokenVerifier}) or, with
 * `--id-token`, an OpenID Connect ID token (with {@link TokenVerifier}), and prints its claims as JSON. A token
 * that fails a check is exit 1 with the check's code and message; a key source that cannot be reached is exit 1
 * with "could not fetch keys" (it says nothing about the token).
 *
 * @example
 * await runCli(['verify', '-', '--issuer', 'https://tenant.auth0.com/', '--audience', 'https://api/'], io);
 */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Verify a JWT (signature and claims) and print its claims',
  usage: 'verify (TOKEN | -) --issuer ISS --audience AUD [options]',
  description: [
    "Verifies the signature of a JWT access token with the issuer's keys (from --jwks-file or --jwks-uri, else found",
    "through the issuer's discovery document) and checks its claims: iss, aud, exp, iat, nbf, typ. With",
    '--id-token, checks an OpenID Connect ID token instead (aud is the client id; nonce, azp, at_hash…). Prints the',
    'claims as JSON on stdout. Give - instead of the token to read it from stdin, so that it stays out of the shell',
    'history. With --jwks-file, nothing is fetched: the keys are those of the file.',
    'A rejected token prints the failed check (its code and message) on stderr and exits 1; so does a key source',
    'that cannot be reached ("could not fetch keys").',
  ].join('\n'),
  positionals: true,
  flags: [
    { name: 'issuer', type: 'string', value: 'ISS', description: 'The expected iss, exactly (Auth0: https://HOST/)' },
    {
      name: 'audience',
      type: 'string',
      value: 'AUD',
      description: 'The expected aud (an API; the client id with --id-token)',
    },
    { name: 'jwks-uri', type: 'string', value: 'URL', description: 'JWKS URL (default: from the discovery document)' },
    {
      name: 'jwks-file',
      type: 'string',
      value: 'PATH',
      description: 'JSON Web Key Set (or one JWK) to verify with, instead of fetching keys',
    },
    {
      name: 'algorithms',
      type: 'string',
      value: 'ALGS',
      description: 'Comma-separated algorithms accepted (default RS256)',
    },
    { name: 'leeway', type: 'string', value: 'S', description: 'Clock skew tolerated, 0 to 300 seconds (default 60)' },
    { name: 'id-token', type: 'boolean', description: 'The token is an OpenID Connect ID token' },
    { name: 'nonce', type: 'string', value: 'N', description: 'With --id-token: the nonce of the request' },
    { name: 'client-id', type: 'string', value: 'ID', description: 'With --id-token: the client (same as --audience)' },
    timeoutFlagOf('Key and discovery request', 5000),
  ],
  failure: 'token rejected or keys unreachable',
  examples: [
    'authn token … | authn verify - --issuer https://tenant.us.auth0.com/ --audience https://api.example.com/',
    'authn verify "$ID_TOKEN" --id-token --issuer https://tenant.us.auth0.com/ --client-id abc123 --nonce n-0S6',
    'authn verify - --issuer https://sso.example.com/realms/ops --audience orders --algorithms RS256,PS256 | jq .sub',
  ],

  async run(input, io) {
    const { values, given } = input;
    const idToken = values['id-token'] === true;
    if (!idToken && given.has('nonce')) {
      throw new ConfigurationError('--nonce goes with --id-token', 'nonce');
    }
    const settings: Settings = {
      issuer: required(values, 'issuer'),
      audience: audienceFlag(values, given, idToken),
      jwksUri: stringFlag(values, 'jwks-uri'),
      jwks: jwksFileFlag(values),
      algorithms: stringFlag(values, 'algorithms')
        ?.split(',')
        .map((alg) => alg.trim())
        .filter((alg) => alg !== '') as AsymmetricAlgorithm[] | undefined,
      leeway: leewayFlag(values),
      timeout: timeoutFlag(values),
    };
    const verify = idToken ? idTokenVerifier(settings, stringFlag(values, 'nonce')) : accessTokenVerifier(settings);
    const token = await tokenArgument(input, io);
    let claims: JwtPayload;
    try {
      claims = await verify(token);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      io.stderr.write(`authn verify: could not fetch keys (${error.code}): ${error.message}\n`);
      return EXIT.failure;
    }
    io.stdout.write(`${tokenJson(claims)}\n`);
    return EXIT.ok;
  },
};
