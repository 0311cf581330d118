// `npm run demo:login`: starts the embedded OpenID Provider and a small Express app that logs people in through it,
// prints the URL to open, and runs until Ctrl-C. PORT chooses the app's port (default: a free one).
import { startLoginDemo } from './login-demo/demo.js';

const demo = await startLoginDemo({ port: Number(process.env.PORT ?? 0) });
console.log(`Login demo: open ${demo.url}/ in a browser and log in as ${demo.provider.user.sub}, password "password".`);
console.log(`(provider ${demo.provider.issuer}; Ctrl-C stops both)`);
const stop = () => {
  void demo.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
