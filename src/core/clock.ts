/**
 * The time source of a connection: its machine's timers, its heartbeat and
 * its status stamps all read this clock, so a test can run them on simulated
 * time. XState's `SimulatedClock` fits.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * import { type Clock, createConnection } from 'lifeline-ws';
 *
 * const clock: Clock = new SimulatedClock();
 * createConnection({ url: 'ws://127.0.0.1:9/', clock }).close();
 * ```
 */
export interface Clock {
  /** Milliseconds on this clock's time line (wall clock by default). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The platform's clock: `Date.now` and the global timers. A pending reconnect
 * keeps a Node process alive, as a reconnecting client should; `close()`
 * clears every timer so that the process can exit.
 *
 * @example
 * ```ts
 * import { systemClock } from 'lifeline-ws';
 *
 * systemClock.now(); // same as Date.now()
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};
