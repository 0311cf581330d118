/** Resolves once `condition()` holds, polling every few ms; rejects after `timeout` ms. */
export async function until(condition: () => boolean, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Resolves once `url` no longer answers (its server stopped); rejects when it still does after `timeout` ms. */
export async function stopsAnswering(url: string, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await (await fetch(url)).text();
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`${url} still answers`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
