// Property tests (fast-check, seeded and bounded): random strings and bytes, and random mutations of valid
// tokens, are only ever rejected with a TokenValidationError (or subclass) — never another exception, never an
// unhandled rejection, never a pass unless the token is byte-identical to the valid one. Re-signed tokens with
// random headers and random claims are accepted exactly when an independent model of the rules says so.
import { expect } from 'chai';
import fc from 'fast-check';
import { TokenValidationError } from '../../lib/errors.js';
import { JwksFetcher } from '../../lib/token-verifier/jwks-fetcher.js';
import { b64url } from '../helpers/jwt.js';
import {
  API,
  catalogue,
  type Claims,
  CLIENT,
  goodJwk,
  KID,
  KINDS,
  type Kind,
  L,
  NONCE,
  SECRET,
  sign,
  T,
  type Verify,
} from './fixtures.js';
import { describeEachOffload } from '../helpers/offload.js';

const SEED = 20_240_611;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Runs a verification: 'pass', or the code of the TokenValidationError; anything else fails the property. */
async function outcome(verify: Verify, token: unknown): Promise<string> {
  try {
    await verify(token);
    return 'pass';
  } catch (error) {
    if (!(error instanceof TokenValidationError)) {
      throw new Error(`not a TokenValidationError: ${String(error)}`, { cause: error });
    }
    return error.code;
  }
}

/** One mutation of a token, as a description fast-check can shrink and print. */
type Mutation =
  | { op: 'flip'; at: number; char: string }
  | { op: 'insert'; at: number; char: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'segments'; order: [number, number, number] }
  | { op: 'bits'; segment: number; bit: number }
  | { op: 'header' | 'payload'; json: unknown }
  | { op: 'headerMembers' | 'claims'; members: Record<string, unknown> };

const char = fc.constantFrom(...BASE64URL, '.', '=', '+', '/', ' ', '\n', '\u0000', 'é', '\u{1F98A}');
const memberName = fc.constantFrom(
  'alg',
  'kid',
  'typ',
  'crit',
  'cty',
  'zip',
  'b64',
  'jku',
  'jwk',
  'x5u',
  'x5c',
  'foo',
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'nonce',
  'azp',
  'events',
  'constructor',
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), char }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), char }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('segments' as const),
    order: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2)),
  }),
  // Flips a bit of the last character of a segment: the low bits are unused padding, so this often keeps the
  // decoded bytes and only makes the encoding non-canonical.
  fc.record({ op: fc.constant('bits' as const), segment: fc.nat(2), bit: fc.nat(3) }),
  fc.record({ op: fc.constantFrom('header' as const, 'payload' as const), json: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    op: fc.constantFrom('headerMembers' as const, 'claims' as const),
    members: fc.dictionary(memberName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  }),
);

/** The decoded header and payload of a (possibly already mutated) token; empty objects where undecodable. */
function decoded(token: string): { header: Claims; payload: Claims } {
  const parts = token.split('.');
  const part = (text: string | undefined): Claims => {
    try {
      const value: unknown = JSON.parse(Buffer.from(text ?? '', 'base64url').toString('utf8'));
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Claims) : {};
    } catch {
      return {};
    }
  };
  return { header: part(parts[0]), payload: part(parts[1]) };
}

function mutate(token: string, m: Mutation): string {
  const parts = token.split('.');
  switch (m.op) {
    case 'flip': {
      const at = m.at % token.length;
      return `${token.slice(0, at)}${m.char}${token.slice(at + 1)}`;
    }
    case 'insert': {
      const at = m.at % (token.length + 1);
      return `${token.slice(0, at)}${m.char}${token.slice(at)}`;
    }
    case 'delete': {
      const at = m.at % token.length;
      return `${token.slice(0, at)}${token.slice(at + m.length)}`;
    }
    case 'truncate':
      return token.slice(0, m.at % token.length);
    case 'segments':
      return m.order.map((index) => parts[index] ?? '').join('.');
    case 'bits': {
      const text = parts[m.segment] ?? '';
      const index = BASE64URL.indexOf(text.charAt(text.length - 1));
      if (index < 0) return token;
      parts[m.segment] = `${text.slice(0, -1)}${BASE64URL.charAt(index ^ (1 << m.bit))}`;
      return parts.join('.');
    }
    case 'header':
      return [b64url(JSON.stringify(m.json)), ...parts.slice(1)].join('.');
    case 'payload':
      return [parts[0], b64url(JSON.stringify(m.json)), ...parts.slice(2)].join('.');
    case 'headerMembers':
      return [b64url({ ...decoded(token).header, ...m.members }), ...parts.slice(1)].join('.');
    case 'claims':
      return [parts[0], b64url({ ...decoded(token).payload, ...m.members }), ...parts.slice(2)].join('.');
  }
}

/** Whether `typ` is accepted for a kind (the documented policy, restated). */
function typAccepted(kind: Kind, typ: unknown): boolean {
  if (typ === undefined) return true;
  if (typeof typ !== 'string') return false;
  const media = typ.toLowerCase().replace(/^application\//, '');
  return kind === 'ID token' ? media === 'jwt' : media === 'jwt' || media === 'at+jwt';
}

const numericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The rules of docs/token-verification.md, restated independently: should these claims pass? */
function claimsAccepted(kind: Kind, issuer: string, c: Claims): boolean {
  if (c.events !== undefined || c.iss !== issuer) return false;
  const mine = kind === 'ID token' ? CLIENT : API;
  const { aud, exp, iat, nbf } = c;
  const audOk =
    typeof aud === 'string'
      ? aud === mine
      : Array.isArray(aud) && aud.every((a) => typeof a === 'string') && aud.includes(mine);
  if (!audOk || !numericDate(exp) || !(T < exp + L)) return false;
  if (kind === 'ID token' ? !numericDate(iat) : iat !== undefined && !numericDate(iat)) return false;
  if (numericDate(iat) && (iat > T + L || exp < iat)) return false;
  if (nbf !== undefined && (!numericDate(nbf) || nbf > T + L)) return false;
  if (kind === 'access token') return c.sub === undefined || typeof c.sub === 'string';
  if (typeof c.sub !== 'string' || c.sub === '' || c.nonce !== NONCE) return false;
  if (Array.isArray(aud) && aud.length > 1 && c.azp === undefined) return false;
  return c.azp === undefined || c.azp === CLIENT;
}

describeEachOffload('security properties (fast-check)', function (offload) {
  this.timeout(30_000);
  const c = catalogue(offload);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  /** Verifiers shared by the properties, per kind: JWKS (cold, and cached with the valid token) and HS256. */
  let verifiers: Record<Kind, { rs: Verify; cached: Verify; hs: Verify }>;

  /** When the shared key set was last fetched for sure: the start of each test. */
  let started = 0;

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    // One key set for every JWKS verifier, so that its cooldown bounds all their requests together.
    c.server.setKeys([goodJwk()]);
    const jwks = new JwksFetcher(c.server.jwksUri);
    const build = (kind: Kind) => ({
      rs: c.of(kind).verifier({ jwks }),
      cached: c.of(kind).verifier({ jwks, cache: true }),
      hs: c.of(kind).verifier({ secret: SECRET }),
    });
    verifiers = { 'ID token': build('ID token'), 'access token': build('access token') };
    await jwks.reload();
  });

  beforeEach(() => {
    started = Date.now();
  });

  /** JWKS requests allowed since the test began: at most one per started 30 s cooldown window. */
  const allowedRequests = () => 1 + Math.floor((Date.now() - started) / 30_000);

  after(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  afterEach(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled, 'unhandled rejections').to.deep.equal([]);
  });

  it('random strings and bytes as tokens are always rejected with a TokenValidationError', async () => {
    const segment = fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 60 });
    const token = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'binary-ascii', maxLength: 200 }),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
      fc
        .tuple(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }), fc.uint8Array({ maxLength: 300 }))
        .map(
          ([header, payload, signature]) =>
            `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${b64url(signature)}`,
        ),
      fc.anything({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(token, async (value) => {
        for (const kind of KINDS) {
          for (const verify of Object.values(verifiers[kind])) {
            expect(await outcome(verify, value)).not.to.equal('pass');
          }
        }
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(c.jwksRequests()).to.be.at.most(allowedRequests());
  });

  it('random mutations of valid tokens pass only when byte-identical, else reject with a TokenValidationError', async () => {
    const valid: Array<[Kind, keyof (typeof verifiers)[Kind], string]> = [];
    for (const kind of KINDS) {
      const rs = c.of(kind).good();
      valid.push([kind, 'rs', rs], [kind, 'cached', rs], [kind, 'hs', c.of(kind).good({}, { alg: 'HS256' })]);
      expect(await verifiers[kind].cached(rs)).to.have.property('sub');
    }
    let identical = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(valid.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (pick, ms) => {
          const [kind, name, token] = valid[pick] as [Kind, 'rs' | 'cached' | 'hs', string];
          let mutated = token;
          for (const m of ms) mutated = mutate(mutated, m);
          const result = await outcome(verifiers[kind][name], mutated);
          if (mutated === token) {
            identical++;
            expect(result).to.equal('pass');
          } else {
            expect(result, `${kind} ${name}: ${JSON.stringify(ms)}`).not.to.equal('pass');
          }
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
    expect(identical).to.be.below(1000);
    // Unknown kids refetch at most once per 30 s cooldown, shared by every verifier of the key set.
    expect(c.jwksRequests()).to.be.at.most(allowedRequests());
  });

  for (const kind of KINDS) {
    it(`re-signed tokens with random header members pass exactly when the header policy allows them (${kind})`, async () => {
      const headers = fc.dictionary(
        fc.constantFrom('kid', 'typ', 'crit', 'cty', 'zip', 'b64', 'jku', 'x5u', 'x5c', 'jwk', 'x5t', 'foo'),
        fc.oneof(
          fc.constantFrom(
            KID,
            'unknown-kid',
            '',
            'JWT',
            'jwt',
            'at+jwt',
            'application/jwt',
            'logout+jwt',
            'DEF',
            ['foo'],
            [],
          ),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        { maxKeys: 4 },
      );
      const verify = verifiers[kind].rs;
      const tally = { pass: 0, reject: 0 };
      await fc.assert(
        fc.asyncProperty(headers, async (members) => {
          const typ = Object.hasOwn(members, 'typ') ? members.typ : 'JWT';
          const token = sign(c.of(kind).claims(), { typ: null, kid: null, header: { typ, ...members } });
          const { kid } = members;
          const expected =
            !['crit', 'cty', 'zip', 'b64'].some((name) => Object.hasOwn(members, name)) &&
            typAccepted(kind, typ) &&
            (kid === undefined || kid === KID);
          const result = await outcome(verify, token);
          tally[result === 'pass' ? 'pass' : 'reject']++;
          expect(result === 'pass', `${JSON.stringify(members)} → ${result}`).to.equal(expected);
        }),
        { seed: SEED, numRuns: 300 },
      );
      // Both outcomes were exercised, so the property is not vacuous.
      expect(tally.pass).to.be.above(30);
      expect(tally.reject).to.be.above(30);
      expect(c.jwksRequests()).to.be.at.most(allowedRequests());
    });

    it(`re-signed tokens with random claims pass exactly when an independent model of the rules says so (${kind})`, async () => {
      const around = (center: number) =>
        fc.oneof(
          fc.integer({ min: center - 2 * L, max: center + 2 * L }),
          fc.constantFrom(center - L, center - L + 1, center + L, center + L + 1, center + 0.5, center - 0.5),
        );
      const issuer = c.server.issuer;
      const mine = kind === 'ID token' ? CLIENT : API;
      const value = (good: unknown, ...others: unknown[]) =>
        fc.oneof(
          { weight: 12, arbitrary: fc.constant(good) },
          { weight: 2, arbitrary: fc.constantFrom(undefined, ...others) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
        );
      const claims = fc.record({
        iss: value(issuer, `${issuer}x`, issuer.slice(0, -1), 'https://evil.example/', [issuer]),
        sub: value('auth0|user-1', '', 42),
        aud: value(mine, [mine], [mine, 'other'], ['other'], `${mine}1`, [], [mine, 1]),
        exp: fc.oneof(around(T), value(T + 3600, String(T + 3600), null)),
        iat: fc.oneof(around(T), value(T, String(T), null)),
        nbf: fc.oneof(value(undefined, 'x'), around(T)),
        nonce: value(NONCE, `${NONCE}1`, 1),
        azp: value(undefined, CLIENT, 'other-client', 7),
        events: value(undefined, {}),
      });
      const verify = verifiers[kind].rs;
      const tally = { pass: 0, reject: 0 };
      await fc.assert(
        fc.asyncProperty(claims, async (drawn) => {
          const payload = Object.fromEntries(Object.entries(drawn).filter(([, v]) => v !== undefined));
          const result = await outcome(verify, sign(payload));
          tally[result === 'pass' ? 'pass' : 'reject']++;
          expect(result === 'pass', `${JSON.stringify(payload)} → ${result}`).to.equal(
            claimsAccepted(kind, issuer, payload),
          );
        }),
        { seed: SEED, numRuns: 400 },
      );
      expect(tally.pass).to.be.above(20);
      expect(tally.reject).to.be.above(20);
    });
  }
});
