import { expect } from 'chai';
import { TokenValidationError } from '../../lib/errors.js';
import type { JwsAlgorithm } from '../../lib/token-verifier/algorithms.js';
import { decodeJwt, HeaderCache, type ParseOptions, parseJwt } from '../../lib/token-verifier/jwt.js';
import { MAX_SCRATCH_BYTES } from '../../lib/token-verifier/scratch.js';
import { b64url } from '../helpers/jwt.js';
import { thrownBy } from '../helpers/secrets.js';

const SIG = b64url(Buffer.from('signature-bytes'));
const PAYLOAD = { iss: 'https://tenant.example.com/', sub: 'u1' };

function options(overrides: Partial<ParseOptions> = {}): ParseOptions {
  return {
    algorithms: ['RS256'],
    maxLength: 16_384,
    kind: 'ID token',
    types: new Set(['jwt']),
    untyped: true,
    ...overrides,
  };
}

/** A token from raw segments: objects are JSON-encoded, strings used as the JSON text itself. */
function token(header: object | string = { alg: 'RS256' }, payload: object | string = PAYLOAD, sig = SIG): string {
  return `${b64url(header)}.${b64url(payload)}.${sig}`;
}

function failure(text: string, parseOptions: ParseOptions = options()): TokenValidationError {
  const err = thrownBy(() => parseJwt(text, parseOptions));
  expect(err).to.be.instanceOf(TokenValidationError);
  return err as TokenValidationError;
}

function expectMalformed(text: string, parseOptions?: ParseOptions): void {
  const err = failure(text, parseOptions);
  expect(err.code).to.equal('ERR_TOKEN_MALFORMED');
  expect(err.message).to.equal('token could not be decoded.');
}

describe('parseJwt', () => {
  it('decodes header, payload, signing input and signature of a well-formed token', () => {
    const text = token({ alg: 'RS256', kid: 'k1', typ: 'JWT' });
    const jwt = parseJwt(text, options());
    expect(jwt.header).to.deep.equal({ alg: 'RS256', kid: 'k1', typ: 'JWT' });
    expect(jwt.payload).to.deep.equal(PAYLOAD);
    expect(jwt.signingInput).to.equal(text.slice(0, text.lastIndexOf('.')));
    expect(jwt.signature.toString()).to.equal('signature-bytes');
    expect(jwt.token).to.equal(text);
  });

  describe('size cap', () => {
    it('rejects a token longer than the cap before decoding anything', () => {
      const huge = `${'!'.repeat(1_048_576)}`;
      const err = failure(huge);
      expect(err.code).to.equal('ERR_TOKEN_TOO_LARGE');
      expect(err.message).to.equal('ID token is too large: 1048576 characters, the maximum is 16384');
    });

    it('accepts a token exactly at the cap', () => {
      const text = token();
      expect(parseJwt(text, options({ maxLength: text.length })).payload).to.deep.equal(PAYLOAD);
      expect(failure(text, options({ maxLength: text.length - 1 })).code).to.equal('ERR_TOKEN_TOO_LARGE');
    });
  });

  describe('structure and encoding', () => {
    for (const [name, text] of [
      ['two segments', `${b64url({ alg: 'RS256' })}.${b64url(PAYLOAD)}`],
      ['four segments', `${token()}.${SIG}`],
      ['five segments (a JWE)', `${token()}.${SIG}.${SIG}`],
      ['an empty header', `.${b64url(PAYLOAD)}.${SIG}`],
      ['an empty payload', `${b64url({ alg: 'RS256' })}..${SIG}`],
      ['a bare string', 'abc'],
      ['the original a.b', 'a.b'],
      ['the original a.b.', 'a.b.'],
      ['the original a.b.c.d', 'a.b.c.d'],
    ] as const) {
      it(`rejects ${name}`, () => expectMalformed(text));
    }

    it('rejects padded, standard-alphabet, space-holding and Bearer-prefixed segments', () => {
      const good = token();
      const [h, p] = good.split('.') as [string, string];
      expectMalformed(`${h}=.${p}.${SIG}`);
      expectMalformed(`${h}.${p}.${SIG}==`);
      expectMalformed(`${h}.${p}.${SIG.replace(/-|_/g, '+')}+/`);
      expectMalformed(`${h}.${p.slice(0, 10)} ${p.slice(10)}.${SIG}`);
      expectMalformed(`${h}.${p.slice(0, 10)}\n${p.slice(10)}.${SIG}`);
      expectMalformed(`Bearer ${good}`);
    });

    it('rejects a segment whose unused trailing bits are not zero', () => {
      const bytes = Buffer.from([1, 2, 3, 4]);
      const canonical = b64url(bytes); // 6 characters, the last one carries 4 unused bits
      expect(parseJwt(token(undefined, undefined, canonical), options()).signature).to.deep.equal(bytes);
      const last = canonical.at(-1) as string;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const flipped = alphabet[alphabet.indexOf(last) + 1] as string;
      expect(Buffer.from(canonical.slice(0, -1) + flipped, 'base64url')).to.deep.equal(bytes);
      expectMalformed(token(undefined, undefined, canonical.slice(0, -1) + flipped));
    });

    it('rejects a segment of impossible length', () => {
      expectMalformed(token(undefined, undefined, 'abcde'));
    });

    it('accepts a segment exactly when it is canonical base64url, whatever character stands at its start, middle or end', () => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const canonical = (text: string) => {
        if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return false;
        const unused = text.length % 4 === 2 ? 0x0f : text.length % 4 === 3 ? 0x03 : 0;
        return text.length === 0 || (alphabet.indexOf(text.at(-1) as string) & unused) === 0;
      };
      // Every character up to U+01FF, and above it every character whose low byte is a base64 or base64url
      // character: Node's decoder reads those by their low byte (U+0141, Ł, decodes as A).
      const characters: number[] = [];
      for (let code = 0; code < 0x200; code++) characters.push(code);
      for (let high = 0x200; high < 0x10000; high += 0x100) {
        for (const low of '+/-_0Aa'.split('')) characters.push(high + low.charCodeAt(0));
      }
      let accepted = 0;
      for (const base of ['QUJD', 'QUJDRA', 'QUJDREU']) {
        for (const at of [0, 2, base.length - 1]) {
          for (const code of characters) {
            const sig = base.slice(0, at) + String.fromCharCode(code) + base.slice(at + 1);
            const text = `${b64url({ alg: 'RS256' })}.${b64url(PAYLOAD)}.${sig}`;
            if (canonical(sig)) {
              expect(parseJwt(text, options()).signature).to.deep.equal(Buffer.from(sig, 'base64url'));
              accepted++;
            } else {
              expect(thrownBy(() => parseJwt(text, options()))).to.have.property('code', 'ERR_TOKEN_MALFORMED');
            }
          }
        }
      }
      expect(accepted).to.be.greaterThan(400);
    });

    it('rejects a character above U+00FF whose low byte would decode as the base64url character it replaces', () => {
      const [h, p] = token().split('.') as [string, string];
      // The same character plus U+0100: Ł (U+0141) for A, ř (U+0159) for Y…
      const forged = `${h}.${p.slice(0, 5)}${String.fromCharCode(0x100 + p.charCodeAt(5))}${p.slice(6)}.${SIG}`;
      expect(Buffer.from(forged.split('.')[1] as string, 'base64url')).to.deep.equal(Buffer.from(p, 'base64url'));
      expectMalformed(forged);
      expect(thrownBy(() => decodeJwt(forged))).to.have.property('code', 'ERR_TOKEN_MALFORMED');
    });

    for (const [name, json] of [
      ['invalid JSON', '{"alg":'],
      ['a JSON array', '["RS256"]'],
      ['a JSON string', '"hello"'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
    ] as const) {
      it(`rejects a header that is ${name}`, () => expectMalformed(token(json)));
      it(`rejects a payload that is ${name}`, () => expectMalformed(token(undefined, json)));
    }

    it('rejects header or payload bytes that are not UTF-8', () => {
      const bad = Buffer.concat([Buffer.from('{"alg":"RS256","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      expectMalformed(`${b64url(bad)}.${b64url(PAYLOAD)}.${SIG}`);
      const badPayload = Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xff]), Buffer.from('"}')]);
      expectMalformed(`${b64url({ alg: 'RS256' })}.${b64url(badPayload)}.${SIG}`);
    });

    it('accepts a U+FFFD the payload really holds, and still rejects invalid UTF-8 beside one', () => {
      expect(parseJwt(token(undefined, { name: 'a\uFFFDb' }), options()).payload.name).to.equal('a\uFFFDb');
      const bad = Buffer.concat([Buffer.from('{"name":"\uFFFD'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      expectMalformed(`${b64url({ alg: 'RS256' })}.${b64url(bad)}.${SIG}`);
    });

    it('decodes segments longer than the shared scratch buffer, with the same checks', () => {
      const big = { ...PAYLOAD, pad: 'é'.repeat(MAX_SCRATCH_BYTES) };
      const large = options({ maxLength: 100_000 });
      expect(parseJwt(token(undefined, big), large).payload).to.deep.equal(big);
      const bad = Buffer.concat([
        Buffer.from(`{"pad":"${'x'.repeat(MAX_SCRATCH_BYTES)}`),
        Buffer.from([0xff]),
        Buffer.from('"}'),
      ]);
      expectMalformed(`${b64url({ alg: 'RS256' })}.${b64url(bad)}.${SIG}`, large);
      const [h, p] = token(undefined, big).split('.') as [string, string];
      expectMalformed(`${h}.${p} .${SIG}`, large);
      // A short token right after: nothing of the long one is left over.
      expect(parseJwt(token(), options()).payload).to.deep.equal(PAYLOAD);
    });

    it('decodes non-ASCII claims as UTF-8', () => {
      expect(parseJwt(token(undefined, { name: 'Zoë 山田' }), options()).payload.name).to.equal('Zoë 山田');
    });

    it('parses an unsigned token so that the algorithm check can name it', () => {
      const err = failure(`${b64url({ alg: 'none' })}.${b64url(PAYLOAD)}.`);
      expect(err.code).to.equal('ERR_TOKEN_ALG_NOT_ALLOWED');
    });
  });

  describe('duplicate and prototype members', () => {
    it('rejects a header with a duplicate member, whatever the values', () => {
      expectMalformed(token('{"alg":"none","alg":"RS256"}'));
      expectMalformed(token('{"alg":"RS256","kid":"a","kid":"a"}'));
      expectMalformed(token('{"alg":"RS256", "kid" : "a",\n "kid":"b"}'));
    });

    it('counts only top-level header members, not nested ones or look-alikes in strings', () => {
      const header = '{"alg":"RS256","jwk":{"kty":"RSA","kid":"x"},"x5c":["\\"alg\\":"],"note":"kid\\":1"}';
      expect(parseJwt(token(header), options()).header.alg).to.equal('RS256');
    });

    it('resolves duplicate claims to the last value, once, for every reader', () => {
      const jwt = parseJwt(token(undefined, '{"sub":"first","sub":"second"}'), options());
      expect(jwt.payload.sub).to.equal('second');
      expect(Object.keys(jwt.payload)).to.deep.equal(['sub']);
    });

    it('rejects a __proto__ member in the payload or the header', () => {
      expectMalformed(token(undefined, '{"sub":"u","__proto__":{"isAdmin":true}}'));
      expectMalformed(token('{"alg":"RS256","__proto__":{"x":1}}'));
      expectMalformed(token(undefined, '{"sub":"u","\\u005f_proto__":{"isAdmin":true}}'));
    });

    it('keeps constructor and prototype claims as plain data that no copy turns into a prototype', () => {
      const jwt = parseJwt(
        token(undefined, '{"sub":"u","constructor":{"isAdmin":true},"prototype":{"x":1}}'),
        options(),
      );
      const copy = Object.assign({}, jwt.payload) as Record<string, unknown>;
      expect(copy.isAdmin).to.equal(undefined);
      expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
      expect(Object.getPrototypeOf(jwt.payload)).to.equal(Object.prototype);
    });
  });

  describe('alg', () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE', 'none ', 'rs256', 'RS512', 'HS256', '']) {
      it(`rejects alg ${JSON.stringify(alg)} outside the allowlist [RS256]`, () => {
        const err = failure(token({ alg }));
        expect(err.code).to.equal('ERR_TOKEN_ALG_NOT_ALLOWED');
        expect(err.claim).to.equal('alg');
        expect(err.message).to.equal(
          `Signature algorithm of ${JSON.stringify(alg)} is not supported. Expected the token to be signed with "RS256"`,
        );
      });
    }

    for (const alg of [undefined, null, 256, ['RS256'], { a: 1 }]) {
      it(`rejects a non-string alg ${JSON.stringify(alg)}`, () => {
        expect(failure(token(alg === undefined ? {} : { alg })).code).to.equal('ERR_TOKEN_ALG_NOT_ALLOWED');
      });
    }

    it('names every allowed algorithm when there are several', () => {
      const err = failure(token({ alg: 'HS256' }), options({ algorithms: ['RS256', 'ES256'] as JwsAlgorithm[] }));
      expect(err.message).to.equal(
        'Signature algorithm of "HS256" is not supported. Expected the token to be signed with one of "RS256", "ES256"',
      );
    });
  });

  describe('header policy', () => {
    for (const crit of [['foo'], ['b64'], ['exp'], [], 'foo', [1]]) {
      it(`rejects crit ${JSON.stringify(crit)}`, () => {
        const err = failure(token({ alg: 'RS256', crit, foo: 1, b64: false }));
        expect(err.code).to.equal('ERR_TOKEN_CRIT_UNSUPPORTED');
        expect(err.claim).to.equal('crit');
      });
    }

    for (const [name, value] of [
      ['b64', false],
      ['b64', true],
      ['zip', 'DEF'],
      ['cty', 'JWT'],
      ['cty', 'application/json'],
    ] as const) {
      it(`rejects the ${name} header ${JSON.stringify(value)}`, () => {
        const err = failure(token({ alg: 'RS256', [name]: value }));
        expect(err.code).to.equal('ERR_TOKEN_HEADER_UNSUPPORTED');
        expect(err.claim).to.equal(name);
      });
    }

    for (const typ of [undefined, 'JWT', 'jwt', 'application/jwt', 'Application/JWT']) {
      it(`accepts typ ${JSON.stringify(typ)} for an ID token`, () => {
        expect(parseJwt(token({ alg: 'RS256', typ }), options()).header.typ).to.equal(typ);
      });
    }

    for (const typ of ['at+jwt', 'application/at+jwt', 'logout+jwt', 'secevent+jwt', 'dpop+jwt', '', 42, null]) {
      it(`rejects typ ${JSON.stringify(typ)} for an ID token`, () => {
        const err = failure(token({ alg: 'RS256', typ }));
        expect(err.code).to.equal('ERR_TOKEN_TYP_INVALID');
        expect(err.message).to.match(/^Type \(typ\) header ".*" is not accepted for an ID token$/);
      });
    }

    it('rejects an untyped token when the policy requires a type', () => {
      expect(failure(token(), options({ untyped: false, types: new Set(['at+jwt']) })).code).to.equal(
        'ERR_TOKEN_TYP_INVALID',
      );
    });

    it('accepts any string typ when the policy names none', () => {
      expect(parseJwt(token({ alg: 'RS256', typ: 'foo+jwt' }), options({ types: null })).header.typ).to.equal(
        'foo+jwt',
      );
    });

    for (const kid of [1, { $ne: null }, ['a'], true, null, '', 'k'.repeat(257)]) {
      it(`rejects kid ${JSON.stringify(kid).slice(0, 20)}`, () => {
        const err = failure(token({ alg: 'RS256', kid }));
        expect(err.code).to.equal('ERR_TOKEN_KID_INVALID');
        expect(err.claim).to.equal('kid');
      });
    }

    it('accepts a kid of 256 characters and hostile-looking kids as opaque strings', () => {
      for (const kid of ['k'.repeat(256), '../../../../dev/null', "' OR 1=1--", 'a\u0000b\r\nc']) {
        expect(parseJwt(token({ alg: 'RS256', kid }), options()).header.kid).to.equal(kid);
      }
    });

    it('passes unknown non-critical headers through, jku, x5u, jwk and x5c included', () => {
      const header = { alg: 'RS256', x5t: 'abc', 'x5t#S256': 'def', foo: 1, jku: 'https://evil.example/', x5u: 'x' };
      expect(parseJwt(token(header), options()).header).to.deep.equal(header);
    });
  });

  describe('header cache', () => {
    it('returns the same frozen header for the same header segment', () => {
      const parseOptions = options({ headers: new HeaderCache() });
      const a = parseJwt(token({ alg: 'RS256', kid: 'k1' }, { sub: 'a' }), parseOptions);
      const b = parseJwt(token({ alg: 'RS256', kid: 'k1' }, { sub: 'b' }), parseOptions);
      expect(b.header).to.equal(a.header);
      expect(Object.isFrozen(a.header)).to.equal(true);
      expect(b.payload.sub).to.equal('b');
    });

    it('still rejects a bad payload or signature behind a cached header', () => {
      const parseOptions = options({ headers: new HeaderCache() });
      parseJwt(token(), parseOptions);
      expectMalformed(token(undefined, '[1]'), parseOptions);
      expectMalformed(token(undefined, undefined, `${SIG}=`), parseOptions);
    });

    it('never remembers a rejected header, and stays bounded', () => {
      const headers = new HeaderCache();
      const parseOptions = options({ headers });
      failure(token({ alg: 'HS256' }), parseOptions);
      expect(headers.size).to.equal(0);
      for (let i = 0; i < 250; i++) parseJwt(token({ alg: 'RS256', kid: `k${i}` }), parseOptions);
      expect(headers.size).to.be.at.most(100);
    });

    it('finds every remembered header, the last one found and the others, and only for its exact segment', () => {
      const headers = new HeaderCache();
      const parseOptions = options({ headers });
      const first = parseJwt(token({ alg: 'RS256', kid: 'k1' }), parseOptions).header;
      const second = parseJwt(token({ alg: 'RS256', kid: 'k2' }), parseOptions).header;
      expect(parseJwt(token({ alg: 'RS256', kid: 'k1' }), parseOptions).header).to.equal(first);
      expect(parseJwt(token({ alg: 'RS256', kid: 'k1' }), parseOptions).header).to.equal(first);
      expect(parseJwt(token({ alg: 'RS256', kid: 'k2' }), parseOptions).header).to.equal(second);
      expect(headers.get(b64url({ alg: 'RS256', kid: 'k2' }))).to.equal(second);
      expect(headers.get(b64url({ alg: 'RS256', kid: 'k2' }).slice(0, -1))).to.equal(undefined);
      expect(headers.get(b64url({ alg: 'RS256', kid: 'k3' }))).to.equal(undefined);
      expect(headers.size).to.equal(2);
    });
  });

  describe('decodeJwt', () => {
    it('decodes header and payload whatever the alg, typ or crit, and with an empty signature', () => {
      const header = { alg: 'none', typ: 'dpop+jwt', crit: ['x'], x: 1 };
      expect(decodeJwt(token(header, PAYLOAD, ''))).to.deep.equal({ header, payload: PAYLOAD });
      expect(decodeJwt(token({ alg: 'HS256' }, PAYLOAD)).header).to.deep.equal({ alg: 'HS256' });
    });

    it('has no size cap', () => {
      const big = { ...PAYLOAD, pad: 'x'.repeat(40_000) };
      expect(decodeJwt(token(undefined, big)).payload).to.deep.equal(big);
    });

    it('applies the structural guards of parseJwt', () => {
      const [h, p] = token().split('.') as [string, string];
      for (const text of [
        'opaque',
        'a.b',
        `${token()}.${SIG}`,
        `${h}=.${p}.${SIG}`,
        token('[1]'),
        token(undefined, 'not json'),
        token('{"alg":"RS256","alg":"none"}'),
        token(undefined, '{"__proto__":{"admin":true}}'),
        undefined as unknown as string,
      ]) {
        const err = thrownBy(() => decodeJwt(text));
        expect(err).to.be.instanceOf(TokenValidationError).with.property('code', 'ERR_TOKEN_MALFORMED');
        expect(err.message).to.equal('token could not be decoded.');
      }
    });
  });
});
