// Subscribing to the library's diagnostics channels in a test: the messages published, in order, until the
// subscription is ended (in an afterEach, so that no listener outlives its test).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/** The messages of one channel since the subscription began. */
export interface Listener<T> {
  readonly messages: T[];
  /** Ends the subscription. */
  stop(): void;
}

const active: (() => void)[] = [];

/** Subscribes to the channel `name`; every subscription ends with {@link stopListening}. */
export function listen<T>(name: string): Listener<T> {
  const messages: T[] = [];
  const onMessage = (message: unknown) => messages.push(message as T);
  subscribe(name, onMessage);
  const stop = () => unsubscribe(name, onMessage);
  active.push(stop);
  return { messages, stop };
}

/** Ends every subscription made with {@link listen}. */
export function stopListening(): void {
  for (const stop of active.splice(0)) stop();
}
