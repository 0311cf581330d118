// `npm run demo:login`: starts the embedded OpenID Provider and a small Express app that logs people in through it,
// prints the URL to open, and runs until Ctrl-C, SIGTERM or SIGHUP, or until the npm process that started it ends
// (as `authn dev-server` does). PORT chooses the app's port (default: a free one).
import { stopRequest } from '../lib/dev-server/launcher-watch.js';
import { startLoginDemo } from './login-demo/demo.js';

// Listen for the stop request before starting, so that a Ctrl-C during start-up is not lost.
const stop = stopRequest(undefined, process.env);
const demo = await startLoginDemo({ port: Number(process.env.PORT ?? 0) });
console.log(`Login demo: open ${demo.url}/ in a browser and log in as ${demo.provider.user.sub}, password "password".`);
console.log(`(provider ${demo.provider.issuer}, pid ${process.pid}; Ctrl-C stops both)`);
await stop.requested;
await demo.stop();
process.exit(0);
