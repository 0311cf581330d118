import { inspect } from 'node:util';
import { expect } from 'chai';

/** Every way an error (or any object) may be shown: message, stack, String, JSON, a deep util.inspect. */
export function renderings(value: unknown): string[] {
  const error = value as { message?: unknown; stack?: unknown };
  return [
    String(error?.message),
    String(error?.stack),
    String(value),
    JSON.stringify(value) ?? '',
    inspect(value, { depth: Infinity, showHidden: true, getters: true }),
  ];
}

/** Asserts that none of the secrets (nor their base64 forms) appears in any rendering of `value`. */
export function expectNoSecrets(value: unknown, secrets: readonly string[]): void {
  const texts = renderings(value);
  for (const secret of secrets) {
    const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')];
    for (const text of texts) {
      for (const form of forms) expect(text, `secret leaked in: ${text.slice(0, 200)}`).not.to.include(form);
    }
  }
}

/** Resolves to the rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject');
}

/** Returns what `fn` throws, failing the test if it returns. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the function to throw');
}
