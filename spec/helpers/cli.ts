import { Readable } from 'node:stream';
import type { CliIo } from '../../lib/cli/command.js';

/** An in-memory CliIo: what was written, and what stdin and the environment hold. */
export function memoryIo(env: Record<string, string> = {}, stdin = ''): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (text: string) => (io.out += text) },
    stderr: { write: (text: string) => (io.err += text) },
    stdin: Readable.from(stdin === '' ? [] : [stdin]),
    env,
  };
  return io;
}
