/** The version of authn-client, sent in the `Auth0-Client` telemetry header. Kept equal to package.json's by a test. */
export const VERSION = '0.1.0';

/**
 * The address of one of the guides of this version (a file of the `docs/` folder, which ships in the package) on
 * unpkg, which serves the files of every published version: a link that works wherever a help text is read.
 *
 * @example
 * guideUrl('dev-server.md'); // 'https://unpkg.com/authn-client@0.1.0/docs/dev-server.md'
 */
export function guideUrl(file: string): string {
  return `https://unpkg.com/authn-client@${VERSION}/docs/${file}`;
}
