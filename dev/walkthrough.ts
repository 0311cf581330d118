// `npm start`: the walkthrough of the library's main jobs against an embedded OpenID Provider on 127.0.0.1.
// Runs from source with tsx (no build needed); exits 0 when every step passed, 1 with a one-line reason otherwise.
import { runWalkthrough } from './walkthrough/run.js';

const { ok } = await runWalkthrough();
process.exitCode = ok ? 0 : 1;
