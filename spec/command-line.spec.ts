import { parseArgs } from 'node:util';
import { expect } from 'chai';
import { type FlagOptions, flagProblem } from '../lib/command-line.js';

const OPTIONS: FlagOptions = {
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** What flagProblem says of the failure of parseArgs (strict, as the commands parse) on `args`. */
function problem(args: string[], options = OPTIONS, refused?: Record<string, string>): string {
  try {
    parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (failure) {
    return flagProblem(failure, args, options, refused);
  }
  throw new Error('expected parseArgs to refuse the arguments');
}

describe('flagProblem', () => {
  it('names an unknown flag and the closest one the command takes', () => {
    expect(problem(['--cliend-id', 'abc'])).to.equal('unknown flag "--cliend-id"; did you mean --client-id?');
    expect(problem(['--client-id', 'a', '--verbose'])).to.equal('unknown flag "--verbose"');
    expect(problem(['-x'])).to.equal('unknown flag "-x"');
  });

  it("never shows a flag's value, given inline or as the next argument", () => {
    expect(problem(['--client-secrt=S3cr3t'])).to.equal('unknown flag "--client-secrt"; did you mean --client-secret?');
    expect(problem(['--client-id', 'S3cr3t-value', '--cliend-id'])).to.equal(
      'unknown flag "--cliend-id"; did you mean --client-id?',
    );
  });

  it('gives the reason of a flag the command refuses, rather than a suggestion', () => {
    const refused = { domain: 'Auth0 has no introspection endpoint' };
    expect(problem(['--domain', 'tenant.auth0.com'], OPTIONS, refused)).to.equal(refused.domain);
    expect(problem(['--constructor'], OPTIONS, refused)).to.equal('unknown flag "--constructor"');
  });

  it('says that a flag needs a value, and how to give one that starts with a dash, without showing it', () => {
    expect(problem(['--client-id'])).to.equal('--client-id needs a value');
    expect(problem(['--client-secret', '-dash-first'])).to.equal(
      '--client-secret needs a value; one that starts with a dash is given as --client-secret=-VALUE',
    );
  });

  it('says that an on/off flag takes no value, without showing the value', () => {
    expect(problem(['--client-secret-stdin=hunter2'])).to.equal(
      '--client-secret-stdin takes no value: give it alone to turn it on, or leave it out',
    );
  });

  it('refuses an argument where only flags go, without showing it', () => {
    expect(problem(['hunter2-secret'])).to.equal('unexpected argument (this command takes only --flags)');
  });

  it("gives the first line of any other failure's message", () => {
    expect(flagProblem(new Error('first\nsecond'), [], OPTIONS)).to.equal('first');
  });
});
