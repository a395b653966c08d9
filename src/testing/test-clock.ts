import { SimulatedClock } from 'xstate';
import type { Clock } from '../core/clock.js';

/**
 * The longest single move of {@link TestClock.advance}, in ms: well under the
 * lateness the heartbeat tolerates from a busy event loop (100 ms), so that
 * an advance never looks like a process that slept.
 */
const stride = 50;

/**
 * Simulated time for a connection: XState's `SimulatedClock` (the machine's
 * timers run on it when given as the actor's `clock`), which is also a
 * lifeline {@link Clock} (the heartbeat and the status read it). Pass it as
 * the `clock` option of `createConnection`; nothing happens until the test
 * moves it. Time starts at 0.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 * import { FakeTransport, TestClock } from 'lifeline-ws/testing';
 *
 * const clock = new TestClock();
 * const transport = new FakeTransport();
 * const connection = createConnection({
 *   url: 'ws://app.test/',
 *   WebSocket: transport.WebSocket,
 *   clock,
 *   connectTimeout: 3000,
 * });
 * clock.advance(3000); // the first attempt times out
 * connection.status.state; // 'reconnecting'
 * connection.close();
 * ```
 */
export class TestClock extends SimulatedClock implements Clock {
  /**
   * Lets `ms` pass as a running process sees it: in steps of at most 50 ms,
   * so each timer fires close to its time and the heartbeat sees no sleep.
   * `increment(ms)` instead jumps, as a laptop waking from sleep does (the
   * heartbeat then probes at once).
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(`advance() takes a finite number of ms >= 0, got ${ms}`);
    }
    if (ms === 0) this.increment(0);
    for (let left = ms; left > 0; left -= stride) this.increment(Math.min(stride, left));
  }
}
