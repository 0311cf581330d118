import { AuthenticationClient } from '../authentication/authentication-client.js';
import { ConfigurationError } from '../errors.js';
import {
  chosenLocation,
  CLIENT_FLAGS,
  clientFlags,
  clientOptions,
  locationFlags,
  locationOptions,
} from './client-flags.js';
import { type Command, EXIT, stringFlag, timeoutFlag, timeoutFlagOf } from './command.js';

const LOCATIONS = ['domain', 'issuer', 'discovery-uri'];

/**
 * `authn login --device`: a user login for a shell, a CI job or a machine without a browser, by the device
 * authorization grant (RFC 8628). It prints on stderr where to go and the code to enter, polls until the user
 * approves on another device, and prints the tokens as JSON on stdout.
 *
 * @example
 * await runCli(['login', '--device', '--issuer', 'https://sso.example.com/realms/ops', '--client-id', 'cli'], io);
 */
export const loginCommand: Command = {
  name: 'login',
  summary: 'Log a user in from the shell with the device flow (RFC 8628) and print the tokens',
  usage: 'login --device (--domain HOST | --issuer URL | --discovery-uri URL) --client-id ID [options]',
  description: [
    'Starts a device authorization, prints on stderr the verification URI and the user code to enter there (and',
    'the complete URI, which carries the code), then polls the token endpoint until the user approves on another',
    'device, and prints the token response as JSON on stdout. A public client (no secret) is the usual case; a',
    "confidential one gives its credentials as for 'authn token'. Polling stops when the code expires.",
  ].join('\n'),
  flags: [
    { name: 'device', type: 'boolean', description: 'Use the device authorization grant (the only mode)' },
    ...locationFlags(LOCATIONS),
    ...CLIENT_FLAGS,
    { name: 'scope', type: 'string', value: 'SCOPES', description: 'Space-separated scopes (default openid)' },
    { name: 'audience', type: 'string', value: 'AUD', description: 'API the access token is for (Auth0 audience)' },
    timeoutFlagOf('Request', 10_000),
  ],
  failure: 'the login was refused, expired, or a request failed',
  examples: [
    'authn login --device --issuer https://sso.example.com/realms/ops --client-id cli --scope "openid offline_access" > tokens.json',
    'ACCESS_TOKEN=$(authn login --device --domain tenant.us.auth0.com --client-id cli --audience https://api.example.com/ | jq -r .access_token)',
  ],

  async run({ values, given }, io) {
    if (values.device !== true) {
      throw new ConfigurationError('--device is required: the device flow is the only login from a shell', 'device');
    }
    const location = chosenLocation(values, LOCATIONS);
    const timeout = timeoutFlag(values);
    const client = clientOptions(await clientFlags(values, given, io, 'any'));
    const auth = new AuthenticationClient({ ...locationOptions(values, location), ...client, timeout });
    const started = await auth.deviceAuthorization.start({
      scope: stringFlag(values, 'scope') ?? 'openid',
      audience: stringFlag(values, 'audience'),
    });
    // Google names it verification_url, as the drafts of RFC 8628 did.
    const uri = started.verification_uri ?? started.verification_url;
    io.stderr.write(
      `To sign in, open ${String(uri)} and enter the code ${String(started.user_code)}\n` +
        (started.verification_uri_complete === undefined
          ? ''
          : `or open ${String(started.verification_uri_complete)}\n`) +
        'Waiting for the approval…\n',
    );
    const tokens = await auth.getToken.pollDeviceCode({
      deviceCode: started.device_code,
      interval: started.interval,
      expiresIn: started.expires_in,
    });
    io.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
    return EXIT.ok;
  },
};
