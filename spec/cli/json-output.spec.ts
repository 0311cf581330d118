import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_JSON_CHARS, MAX_JSON_DEPTH, tokenJson } from '../../lib/cli/json-output.js';
import { TokenValidationError } from '../../lib/errors.js';
import { thrownBy } from '../helpers/secrets.js';

/** A value nesting `depth` arrays and objects, alternately. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { a: value };
  return value;
}

describe('tokenJson', () => {
  it('formats exactly as JSON.stringify with an indentation of 2 (fast-check, random JSON values)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(tokenJson(value)).to.equal(JSON.stringify(value, null, 2));
      }),
      { seed: 20_260_513, numRuns: 500 },
    );
  });

  it(`prints ${MAX_JSON_DEPTH} levels of nesting and refuses ${MAX_JSON_DEPTH + 1} with ERR_TOKEN_TOO_DEEP`, () => {
    expect(JSON.parse(tokenJson(nested(MAX_JSON_DEPTH)))).to.deep.equal(nested(MAX_JSON_DEPTH));
    for (const depth of [MAX_JSON_DEPTH + 1, 20_000]) {
      const err = thrownBy(() => tokenJson(nested(depth))) as TokenValidationError;
      expect(err).to.be.instanceOf(TokenValidationError);
      expect(err.code).to.equal('ERR_TOKEN_TOO_DEEP');
    }
  });

  it('prints exactly MAX_JSON_CHARS characters and refuses one more with ERR_TOKEN_TOO_LARGE, naming the size', () => {
    const filler = (extra: number) => ({ a: 'x'.repeat(MAX_JSON_CHARS - '{\n  "a": ""\n}'.length + extra) });
    expect(tokenJson(filler(0))).to.have.length(MAX_JSON_CHARS);
    const err = thrownBy(() => tokenJson(filler(1))) as TokenValidationError;
    expect([err.code, err.message]).to.deep.equal([
      'ERR_TOKEN_TOO_LARGE',
      `the token as JSON would be ${MAX_JSON_CHARS + 1} characters; at most ${MAX_JSON_CHARS} are printed`,
    ]);
  });
});
