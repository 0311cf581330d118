import { ConfigurationError, StoreUnavailableError } from '../errors.js';

/**
 * Default of the `storeTimeout` option of every store on a shared server (Redis): milliseconds one store command
 * may take before the library stops waiting for it.
 */
export const DEFAULT_STORE_TIMEOUT = 1000;

/**
 * Checks a `storeTimeout` option: a whole number of milliseconds from 1 to 60000.
 *
 * @throws {ConfigurationError} naming `option` otherwise.
 * @example
 * const timeout = checkStoreTimeout(options.storeTimeout); // 1000 when absent
 */
export function checkStoreTimeout(value: unknown, option = 'storeTimeout'): number {
  if (value === undefined) return DEFAULT_STORE_TIMEOUT;
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 60_000)) {
    throw new ConfigurationError(`${option} must be an integer from 1 to 60000 milliseconds`, option);
  }
  return value;
}

/** The first line of a failure's message, shortened: enough to tell what went wrong, never a stored value. */
function reasonOf(failure: unknown): string {
  return failure instanceof Error ? String(failure.message.split('\n')[0]).slice(0, 200) : 'unknown failure';
}

/**
 * Runs one store command under a deadline of the library's own, whatever the client's settings: a Redis client
 * such as ioredis queues commands while it is disconnected and retries them for as long as its own options say,
 * which would stall every caller. The command's failure, or no answer within `timeout` ms, rejects with a
 * {@link StoreUnavailableError} naming the store and the operation (never a key's value); the callers then do
 * without the store, as each documents. A command that answers after the deadline is ignored.
 *
 * @param store - what the store is, for the message, e.g. `Redis token store`.
 * @param operation - the command, for the message, e.g. `GET`.
 * @param timeout - milliseconds to wait, as {@link checkStoreTimeout} returns them.
 * @param command - starts the command.
 * @throws {StoreUnavailableError} (rejects) when the command fails or does not answer in time.
 * @example
 * const value = await storeCall('Redis token store', 'GET', this.storeTimeout, () => redis.get(key));
 */
export function storeCall<T>(store: string, operation: string, timeout: number, command: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new StoreUnavailableError(`${store}: ${operation} did not answer within ${timeout} ms`));
    }, timeout);
    let pending: Promise<T>;
    try {
      pending = command();
    } catch (failure) {
      pending = Promise.reject(failure);
    }
    Promise.resolve(pending).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (failure: unknown) => {
        clearTimeout(timer);
        reject(new StoreUnavailableError(`${store}: ${operation} failed: ${reasonOf(failure)}`));
      },
    );
  });
}
