#!/usr/bin/env node
// The `authn` executable (package.json "bin"): runs the command line on this process's streams.
import { runCli } from './main.js';

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
