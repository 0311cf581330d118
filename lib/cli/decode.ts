import { decodeJwt } from '../token-verifier/jwt.js';
import { type Command, EXIT, tokenArgument } from './command.js';
import { tokenJson } from './json-output.js';

/** The time claims shown in readable form on stderr. */
const TIMES = ['iat', 'nbf', 'auth_time', 'exp'] as const;

/** `exp 2030-01-01T00:00:00Z (expired)`, for each time claim that is a number. */
function timeLines(payload: Record<string, unknown>, now: number): string[] {
  const lines: string[] = [];
  for (const claim of TIMES) {
    const value = payload[claim];
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 8.64e12) continue;
    const when = new Date(value * 1000).toISOString().replace('.000Z', 'Z');
    const note = claim === 'exp' ? (value * 1000 <= now ? ' (expired)' : ' (not expired)') : '';
    lines.push(`authn decode: ${claim} ${when}${note}\n`);
  }
  return lines;
}

/**
 * `authn decode`: prints a JWT's header and payload as one JSON object (`{ "header": …, "payload": … }`) on
 * stdout, **without verifying anything**; the `UNVERIFIED` warning and the readable times go to stderr, so that
 * `authn decode T | jq .payload.sub` works. Decoding is the library's JWT parser's (no second parser): a token
 * that is not a well-formed compact JWS is exit 1 with the parser's reason, and so is one too deep or too large
 * to print (`tokenJson`).
 *
 * @example
 * await runCli(['decode', '-'], io);
 */
export const decodeCommand: Command = {
  name: 'decode',
  summary: 'Print the header and payload of a JWT, UNVERIFIED',
  usage: 'decode (TOKEN | -)',
  description: [
    'Decodes a JWT without checking its signature or its claims, and prints {"header": …, "payload": …} as JSON',
    'on stdout. stderr says UNVERIFIED and shows iat, nbf, auth_time and exp as dates. Give - instead of the token',
    "to read it from stdin. Nothing here says the token is genuine: use 'authn verify' for that.",
  ].join('\n'),
  positionals: true,
  flags: [],
  failure: 'the token is not a well-formed JWT, or too deep or too large to print',
  examples: ['authn decode "$TOKEN" | jq .payload', 'pbpaste | authn decode - 2>/dev/null | jq -r .payload.sub'],

  async run(input, io) {
    const { header, payload } = decodeJwt(await tokenArgument(input, io));
    const text = tokenJson({ header, payload });
    io.stderr.write('authn decode: UNVERIFIED: the signature and the claims were not checked\n');
    for (const line of timeLines(payload, Date.now())) io.stderr.write(line);
    io.stdout.write(`${text}\n`);
    return EXIT.ok;
  },
};
