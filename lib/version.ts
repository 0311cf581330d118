/** The version of authn-client, sent in the `Auth0-Client` telemetry header. Kept equal to package.json's by a test. */
export const VERSION = '0.1.0';
