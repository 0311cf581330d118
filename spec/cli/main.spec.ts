import { expect } from 'chai';
import { ConfigurationError, NetworkError } from '../../lib/errors.js';
import { type Command, envName, EXIT } from '../../lib/cli/command.js';
import { COMMANDS } from '../../lib/cli/commands.js';
import { runCli } from '../../lib/cli/main.js';
import { VERSION } from '../../lib/version.js';
import { memoryIo } from '../helpers/cli.js';

const echo: Command = {
  name: 'echo',
  summary: 'Print the flags',
  usage: 'echo [--word W] [--loud]',
  description: 'Prints its flags.',
  flags: [
    { name: 'word', type: 'string', value: 'W', description: 'A word' },
    { name: 'loud', type: 'boolean', description: 'Shout' },
    { name: 'quiet', type: 'boolean', description: 'Not from the environment', env: false },
  ],
  examples: ['authn echo --word hi'],
  async run({ values, given }, io) {
    if (values.word === 'config') throw new ConfigurationError('bad word', 'word');
    if (values.word === 'network') throw new NetworkError('POST https://idp/token failed: ECONNRESET');
    if (values.word === 'bug') throw new TypeError('x is undefined\n    at somewhere');
    io.stdout.write(`${JSON.stringify({ values, given: [...given].sort() })}\n`);
    return EXIT.ok;
  },
};

describe('runCli', () => {
  it('prints the commands on --help and exits 0', async () => {
    const io = memoryIo();
    expect(await runCli(['--help'], io)).to.equal(0);
    expect(io.out).to.match(/^Usage: authn <command>/);
    expect(io.out).to.include('token');
    expect(io.out).to.include('AUTHN_CLIENT_SECRET');
  });

  it('lists the seven commands in authn --help, each with its summary', async () => {
    const io = memoryIo();
    expect(await runCli(['--help'], io)).to.equal(0);
    const listed = io.out
      .split('\n')
      .filter((line) => /^ {2}\S/.test(line))
      .map((line) => line.trim().split(/\s+/)[0]);
    expect(listed).to.deep.equal(['token', 'verify', 'decode', 'userinfo', 'introspect', 'login', 'dev-server']);
    for (const command of COMMANDS) expect(io.out).to.include(command.summary);
  });

  it("prints every command's help: usage, each flag with its AUTHN_ variable, examples and exit codes", async () => {
    for (const command of COMMANDS) {
      const io = memoryIo();
      expect(await runCli([command.name, '--help'], io)).to.equal(0);
      expect(io.out).to.match(new RegExp(`^Usage: authn ${command.name}`));
      for (const flag of command.flags) {
        expect(io.out).to.include(`--${flag.name}`);
        if (flag.env !== false) expect(io.out).to.include(`[${envName(flag.name)}]`);
      }
      expect(io.out).to.include('Examples:');
      const failure = command.failure ?? 'the request failed';
      expect(io.out).to.include(`Exit codes: 0 success, 1 ${failure}, 2 usage or configuration error.`);
    }
  });

  it('prints the usage on stderr and exits 2 without a command, or with an unknown one', async () => {
    const none = memoryIo();
    expect(await runCli([], none)).to.equal(2);
    expect(none.err).to.match(/^Usage: authn/);
    const unknown = memoryIo();
    expect(await runCli(['tokn'], unknown)).to.equal(2);
    expect(unknown.err).to.match(/^authn: unknown command "tokn"/);
  });

  it('prints the version', async () => {
    const io = memoryIo();
    expect(await runCli(['--version'], io)).to.equal(0);
    expect(io.out).to.equal(`${VERSION}\n`);
  });

  it("prints a command's help with --help, -h or help <command>", async () => {
    for (const argv of [
      ['echo', '--help'],
      ['echo', '-h'],
      ['help', 'echo'],
    ]) {
      const io = memoryIo();
      expect(await runCli(argv, io, [echo])).to.equal(0);
      expect(io.out).to.match(/^Usage: authn echo/);
      expect(io.out).to.include('--word W');
      expect(io.out).to.include('[AUTHN_WORD]');
      expect(io.out).to.not.include('[AUTHN_QUIET]');
      expect(io.out).to.include('Exit codes: 0 success, 1 the request failed, 2 usage or configuration error.');
    }
  });

  it('reads a flag from AUTHN_<FLAG> when it is not given, the flag winning over the variable', async () => {
    const fromEnv = memoryIo({ AUTHN_WORD: 'env', AUTHN_LOUD: 'true', AUTHN_QUIET: '1' });
    await runCli(['echo'], fromEnv, [echo]);
    expect(JSON.parse(fromEnv.out)).to.deep.equal({ values: { word: 'env', loud: true }, given: [] });
    const fromFlag = memoryIo({ AUTHN_WORD: 'env', AUTHN_LOUD: 'no' });
    await runCli(['echo', '--word', 'flag'], fromFlag, [echo]);
    expect(JSON.parse(fromFlag.out)).to.deep.equal({ values: { word: 'flag' }, given: ['word'] });
  });

  it('exits 2 on a boolean variable that is neither true nor false, listing every word it takes', async () => {
    const io = memoryIo({ AUTHN_LOUD: 'maybe' });
    expect(await runCli(['echo'], io, [echo])).to.equal(2);
    expect(io.err).to.equal(
      'authn echo: AUTHN_LOUD must be "true", "1", "yes" or "on" for true, "false", "0", "no", "off" or empty for ' +
        'false (in any case); found "maybe"\n',
    );
    for (const word of ['YES', 'On', '1', 'TRUE']) {
      const on = memoryIo({ AUTHN_LOUD: word });
      await runCli(['echo'], on, [echo]);
      expect(JSON.parse(on.out).values, word).to.deep.equal({ loud: true });
    }
    for (const word of ['', 'Off', '0', 'NO', 'false']) {
      const off = memoryIo({ AUTHN_LOUD: word });
      await runCli(['echo'], off, [echo]);
      expect(JSON.parse(off.out).values, word).to.deep.equal({});
    }
  });

  it('exits 2 on an unknown flag, naming the closest known one, and never quotes a stray argument', async () => {
    const unknown = memoryIo();
    expect(await runCli(['echo', '--wrod', 'x'], unknown, [echo])).to.equal(2);
    expect(unknown.err).to.equal(
      'authn echo: unknown flag "--wrod"; did you mean --word?\nRun \'authn echo --help\' for usage.\n',
    );
    const far = memoryIo();
    expect(await runCli(['echo', '--colour=red'], far, [echo])).to.equal(2);
    expect(far.err).to.match(/^authn echo: unknown flag "--colour"\n/);
    const stray = memoryIo();
    expect(await runCli(['echo', 'hunter2-secret'], stray, [echo])).to.equal(2);
    expect(stray.err).to.not.include('hunter2-secret');
    expect(stray.err).to.match(/^authn echo: unexpected argument/);
  });

  it('exits 2 on a configuration error and 1 on a failed request, with one line on stderr and no stack', async () => {
    const config = memoryIo();
    expect(await runCli(['echo', '--word', 'config'], config, [echo])).to.equal(2);
    expect(config.err).to.equal('authn echo: bad word\n');
    const network = memoryIo();
    expect(await runCli(['echo', '--word', 'network'], network, [echo])).to.equal(1);
    expect(network.err).to.equal('authn echo: POST https://idp/token failed: ECONNRESET\n');
    const bug = memoryIo();
    expect(await runCli(['echo', '--word', 'bug'], bug, [echo])).to.equal(1);
    expect(bug.err).to.equal('authn echo: unexpected failure: x is undefined\n');
  });
});
