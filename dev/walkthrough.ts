// `npm start`: the walkthrough of the library's main jobs against an embedded OpenID Provider on 127.0.0.1.
// Runs from source with tsx (no build needed); exits 0 when every step passed, 1 with a one-line reason otherwise.
import { runWalkthrough } from './walkthrough/run.js';

// Nothing leaves the machine: keep loopback requests away from any HTTP(S)_PROXY of the environment.
const noProxy = [process.env.no_proxy, process.env.NO_PROXY, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
process.env.no_proxy = noProxy;
process.env.NO_PROXY = noProxy;

const { ok } = await runWalkthrough();
process.exitCode = ok ? 0 : 1;
