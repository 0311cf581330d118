import type * as OidcProvider from 'oidc-provider';
import { ConfigurationError } from '../errors.js';

type OidcProviderModule = typeof OidcProvider;

const NOISE = ['oidc-provider WARNING: ', 'oidc-provider NOTICE: '];

/**
 * Runs `action` with oidc-provider's start-up notices filtered out of the console: the "Unsupported runtime"
 * warning (it wants Node 22 LTS; everything the dev server uses works on Node 20) and the quick-start warnings
 * about the in-memory adapter. Other console output passes through untouched.
 */
export async function withoutProviderNotices<T>(action: () => T | Promise<T>): Promise<T> {
  const target = console;
  const { warn, info } = target;
  const filter =
    (write: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      const [first] = args;
      if (!(typeof first === 'string' && NOISE.some((prefix) => first.includes(prefix)))) write.apply(target, args);
    };
  target.warn = filter(warn);
  target.info = filter(info);
  try {
    return await action();
  } finally {
    target.warn = warn;
    target.info = info;
  }
}

/**
 * Loads `oidc-provider` (an optional peer dependency) on first use, so that the library never loads it otherwise.
 *
 * @throws {ConfigurationError} telling how to install it when it is missing.
 */
export async function loadOidcProvider(
  importer: () => Promise<OidcProviderModule> = () => import('oidc-provider'),
): Promise<OidcProviderModule> {
  try {
    return await withoutProviderNotices(importer);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ConfigurationError(
        'the dev server needs the optional package oidc-provider: run npm install -D oidc-provider',
      );
    }
    throw new ConfigurationError(`oidc-provider could not be loaded: ${(error as Error)?.message ?? String(error)}`);
  }
}
