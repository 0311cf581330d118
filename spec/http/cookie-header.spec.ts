import { expect } from 'chai';
import { parseCookies } from '../../lib/http/cookie-header.js';

describe('parseCookies', () => {
  it('reads the name=value pairs of a Cookie header', () => {
    const cookies = parseCookies('appSession=v1.abc; theme=dark;empty=');
    expect([...cookies]).to.deep.equal([
      ['appSession', 'v1.abc'],
      ['theme', 'dark'],
      ['empty', ''],
    ]);
  });

  it('keeps the first of a repeated name, as browsers send the most specific path first', () => {
    expect(parseCookies('a=1; a=2').get('a')).to.equal('1');
  });

  it('drops the quotes of a quoted value and skips pairs without a name or an equals sign', () => {
    const cookies = parseCookies('q="quoted"; junk; =nameless');
    expect([...cookies]).to.deep.equal([['q', 'quoted']]);
  });

  it('reads every line of a repeated header, and nothing of an absent one', () => {
    expect([...parseCookies(['a=1', 'b=2'])]).to.deep.equal([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(parseCookies(undefined).size).to.equal(0);
  });
});
