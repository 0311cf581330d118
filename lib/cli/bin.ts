#!/usr/bin/env node
// The `authn` executable (package.json "bin"): runs the command line on this process's streams.
import { runCli } from './main.js';

// A reader that went away (`authn … | head`, a closed terminal, a killed npx) does not make the command fail:
// what it still writes is dropped, and it ends with its own exit code rather than a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
