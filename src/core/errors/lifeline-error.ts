/**
 * The stable codes of every error lifeline throws or reports: match on
 * `error.code`, never on the message (which may be reworded) or on the class
 * alone (the option errors are a `TypeError` and a `RangeError`, not
 * `LifelineError`s).
 *
 * - `ERR_LIFELINE_INVALID_OPTION`: a bad option, thrown at once (`OptionTypeError`, `OptionRangeError`)
 * - `ERR_LIFELINE_OUTBOX_OVERFLOW`: a message that did not fit in the outbox (`OutboxOverflowError`)
 * - `ERR_LIFELINE_FATAL_CLOSE`: a close the policy calls fatal (`FatalCloseError`)
 * - `ERR_LIFELINE_CLOSED`: the connection was closed by `close()` (`ConnectionClosedError`)
 * - `ERR_LIFELINE_INBOUND_FRAME`: an inbound frame that could not be read (`InboundFrameError`)
 * - `ERR_LIFELINE_CALLBACK`: a function passed as an option misbehaved (`UserCallbackError`)
 * - `ERR_LIFELINE_INVALID_DATA`: `send()` was given something it cannot send (`InvalidDataError`)
 * - `ERR_LIFELINE_MESSAGE_TOO_LARGE`: a message too large to send (`MessageTooLargeError`)
 * - `ERR_LIFELINE_RETRIES_EXHAUSTED`: `maxAttempts` attempts failed (`RetriesExhaustedError`)
 * - `ERR_LIFELINE_SYNC_FAILED`: `sync` failed or timed out (`SyncFailedError`)
 * - `ERR_LIFELINE_RESYNC_REQUIRED`: a session cannot resume exactly (`ResyncRequiredError`)
 */
export type LifelineErrorCode =
  | 'ERR_LIFELINE_INVALID_OPTION'
  | 'ERR_LIFELINE_OUTBOX_OVERFLOW'
  | 'ERR_LIFELINE_FATAL_CLOSE'
  | 'ERR_LIFELINE_CLOSED'
  | 'ERR_LIFELINE_INBOUND_FRAME'
  | 'ERR_LIFELINE_CALLBACK'
  | 'ERR_LIFELINE_INVALID_DATA'
  | 'ERR_LIFELINE_MESSAGE_TOO_LARGE'
  | 'ERR_LIFELINE_RETRIES_EXHAUSTED'
  | 'ERR_LIFELINE_SYNC_FAILED'
  | 'ERR_LIFELINE_RESYNC_REQUIRED';

/** What a lifeline error may be given besides its code and message. */
export interface LifelineErrorOptions {
  cause?: unknown;
}

/**
 * The base class of lifeline's errors. Every error has a `name` (its class
 * name), a stable `code` to switch on, and, where another error caused it, a
 * `cause`.
 *
 * Match on `error.code`. `instanceof` works the ordinary way, by prototype:
 * it tells the classes of one copy of lifeline apart, and the option errors
 * (an `OptionTypeError` is a `TypeError`, an `OptionRangeError` a
 * `RangeError`, as p-retry, ky and the platform throw) are not
 * `instanceof LifelineError`, though they carry a `code` like every other.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', maxAttempts: 3 });
 * connection.onError((error) => {
 *   switch (error.code) {
 *     case 'ERR_LIFELINE_FATAL_CLOSE':
 *     case 'ERR_LIFELINE_RETRIES_EXHAUSTED':
 *       console.error('gave up:', error.message);
 *       break;
 *     default:
 *       console.warn(error.name, error.message);
 *   }
 * });
 * connection.close();
 * ```
 */
export class LifelineError extends Error {
  /** A stable identifier: match on this, not on the message. */
  readonly code: LifelineErrorCode;

  constructor(code: LifelineErrorCode, message: string, options: LifelineErrorOptions = {}) {
    super(message, options);
    this.name = 'LifelineError';
    this.code = code;
  }
}
