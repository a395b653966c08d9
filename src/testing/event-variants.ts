import type { AnyEventObject } from 'xstate';

/** One way an event of the connection machine can arrive, for the paths to try. */
export interface EventVariant {
  /** The event as the machine receives it, payload included. */
  readonly event: AnyEventObject;
  /**
   * The states it can arrive in (dotted paths such as `session.connecting`;
   * a state includes its children). Everywhere the machine accepts it, if
   * absent.
   */
  readonly in?: readonly string[];
}

/**
 * The payloads the paths try each event with: every event the machine
 * accepts (read from the machine itself, so a new event is tried without
 * being listed) is tried once as `{ type }`, unless it is listed here; a
 * listed type is tried with each of its payloads instead. A new payload that
 * matters is one more line. The values match what `createConnection` and a
 * {@link FakeTransport}'s sockets produce, so that a {@link PathDriver} can
 * take each step through the public API.
 *
 * @example
 * ```ts
 * import { connectionPaths, eventVariants } from 'lifeline-ws/testing';
 *
 * const withTryAgainLater = connectionPaths({
 *   variants: [...eventVariants, { event: { type: 'DROP', code: 1013, reason: 'busy' } }],
 * });
 * ```
 */
export const eventVariants: readonly EventVariant[] = [
  // A network failure, a fatal close (policy violation), a "try again later" with its floor.
  { event: { type: 'DROP', code: 1006, reason: 'network' } },
  { event: { type: 'DROP', code: 1008, reason: 'policy' } },
  { event: { type: 'DROP', code: 1013, reason: '' } },
  // An upgrade refused with a schedule (HTTP 503, Retry-After: 7): only a socket still opening.
  {
    event: { type: 'DROP', code: 1006, reason: 'HTTP 503', status: 503, retryAfter: 7000 },
    in: ['session.connecting', 'session.reconnecting'],
  },
  // The probe sent on waking went unanswered: only an open socket has a heartbeat.
  {
    event: { type: 'DROP', code: 1006, reason: 'no reply after wake', woke: true },
    in: ['session.connected'],
  },
  // What `connection.close()` sends.
  { event: { type: 'CLOSE', code: 1000, reason: '' } },
  { event: { type: 'xstate.error.actor.sync', error: new Error('boom') } },
  { event: { type: 'xstate.error.actor.transport', error: new Error('boom') } },
];
