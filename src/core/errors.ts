import type { OutgoingData } from '../client/delivery/outbox.js';
import { printable } from './printable.js';

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
  | 'ERR_LIFELINE_SYNC_FAILED';

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

/** How an error names a message: by its id once it has one. */
export function messageLabel(messageId: number | undefined): string {
  return messageId === undefined ? 'a message' : `message ${messageId}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function optionMessage(option: string, expected: string, value: unknown): string {
  return `\`${option}\` must be ${expected}, got ${describe(value)}`;
}

/**
 * An option of the wrong type (a string where a number is expected, an
 * unknown name). Thrown before anything starts. It is a `TypeError`, not a
 * `LifelineError`: match it on `code`, `'ERR_LIFELINE_INVALID_OPTION'`.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * try {
 *   createConnection({ url: 'ws://127.0.0.1:9/', backoff: { jitter: 'random' as never } });
 * } catch (error) {
 *   if ((error as { code?: unknown }).code === 'ERR_LIFELINE_INVALID_OPTION') {
 *     console.error((error as Error).message);
 *     // `backoff.jitter` must be one of "none", "full", "equal", "decorrelated", got "random"
 *   }
 * }
 * ```
 */
export class OptionTypeError extends TypeError {
  readonly code = 'ERR_LIFELINE_INVALID_OPTION' as const satisfies LifelineErrorCode;
  /** The option's path, as the user wrote it (`backoff.factor`). */
  readonly option: string;
  /** The value that was rejected. */
  readonly value: unknown;

  constructor(option: string, expected: string, value: unknown, message?: string) {
    super(message ?? optionMessage(option, expected, value));
    this.name = 'OptionTypeError';
    this.option = option;
    this.value = value;
  }
}

/**
 * A number outside the accepted range (negative, NaN, Infinity where a finite
 * number is needed, a factor below 1). Thrown before anything starts. It is a
 * `RangeError`, not a `LifelineError`: match it on `code`,
 * `'ERR_LIFELINE_INVALID_OPTION'`.
 *
 * @example
 * ```ts
 * import { resolveBackoffOptions } from 'lifeline-ws';
 *
 * resolveBackoffOptions({ initialDelay: Number.NaN });
 * // OptionRangeError: `initialDelay` must be a finite number >= 0, got NaN
 * ```
 */
export class OptionRangeError extends RangeError {
  readonly code = 'ERR_LIFELINE_INVALID_OPTION' as const satisfies LifelineErrorCode;
  /** The option's path, as the user wrote it (`backoff.factor`). */
  readonly option: string;
  /** The value that was rejected. */
  readonly value: unknown;

  constructor(option: string, expected: string, value: unknown) {
    super(optionMessage(option, expected, value));
    this.name = 'OptionRangeError';
    this.option = option;
    this.value = value;
  }
}

/**
 * A message did not fit in the outbox: refused under `overflow: 'reject'`, or
 * dropped to make room under `'drop-oldest'`. `receipt` is the message's.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', outbox: { maxMessages: 1 } });
 * connection.send('one');
 * connection.send('two').error?.code; // 'ERR_LIFELINE_OUTBOX_OVERFLOW'
 * connection.close();
 * ```
 */
export class OutboxOverflowError extends LifelineError {
  /**
   * The id of the message refused or dropped, when it had one. Ids are given
   * when a message is first written, so a refused or dropped message has none.
   */
  readonly messageId: number | undefined;
  /** What was done with it. */
  readonly policy: 'reject' | 'drop-oldest';
  /** The message refused or dropped, as it was given to `send()`: to log it, or send it again later. */
  readonly data: OutgoingData | undefined;

  constructor(
    messageId: number | undefined,
    policy: 'reject' | 'drop-oldest',
    detail: string,
    data?: OutgoingData,
  ) {
    super('ERR_LIFELINE_OUTBOX_OVERFLOW', `${messageLabel(messageId)} ${detail}`);
    this.data = data;
    this.name = 'OutboxOverflowError';
    this.messageId = messageId;
    this.policy = policy;
  }
}

/**
 * The server closed with a code the close policy calls fatal (policy
 * violation, 4400-4499, an HTTP 401/403 at upgrade, an untrusted
 * certificate): the connection is `failed` until `retryNow()`.
 *
 * @example
 * ```ts
 * import { createConnection, type FatalCloseError } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/' });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_FATAL_CLOSE') {
 *     const { closeCode, reason } = error as FatalCloseError;
 *     console.error(closeCode, reason);
 *   }
 * });
 * connection.close();
 * ```
 */
export class FatalCloseError extends LifelineError {
  readonly closeCode: number;
  readonly reason: string;
  /** The HTTP status, when the server refused the upgrade (401, 403, 404 ...). */
  readonly status: number | undefined;

  constructor(
    closeCode: number,
    reason: string,
    options: LifelineErrorOptions & { status?: number } = {},
  ) {
    // The reason is the server's text: shown cleaned, kept raw in `reason`.
    const shown = printable(reason);
    const status = options.status;
    const refused =
      status === undefined || reason.includes(`HTTP ${status}`)
        ? ''
        : ` (the upgrade was refused with HTTP ${status})`;
    super(
      'ERR_LIFELINE_FATAL_CLOSE',
      `fatal close ${closeCode}${shown ? `: ${shown}` : ''}${refused}`,
      options,
    );
    this.name = 'FatalCloseError';
    this.closeCode = closeCode;
    this.reason = reason;
    this.status = options.status;
  }
}

/**
 * The connection was closed by `close()`: `send` after it is rejected, and
 * messages still queued are dropped with this error.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/' });
 * connection.close();
 * connection.send('late').error?.code; // 'ERR_LIFELINE_CLOSED'
 * ```
 */
export class ConnectionClosedError extends LifelineError {
  /** The id of the message this is about, when it had one (it was written). */
  readonly messageId: number | undefined;

  constructor(message = 'the connection was closed by close()', messageId?: number) {
    super('ERR_LIFELINE_CLOSED', message);
    this.name = 'ConnectionClosedError';
    this.messageId = messageId;
  }
}

/**
 * An inbound frame lifeline had to read (an ack, a message id) could not be
 * read. The frame is not delivered; the connection carries on.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', ack: true });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_INBOUND_FRAME') console.warn(error.message);
 * });
 * connection.close();
 * ```
 */
export class InboundFrameError extends LifelineError {
  constructor(message: string, options: LifelineErrorOptions = {}) {
    super('ERR_LIFELINE_INBOUND_FRAME', message, options);
    this.name = 'InboundFrameError';
  }
}

/**
 * A function passed as an option threw, or returned something it may not
 * (`random` outside [0, 1), a `classifyClose` result that is no disposition,
 * an `ack.stamp` frame that cannot be sent). lifeline carries on with its
 * default for that call; `option` names the function.
 *
 * @example
 * ```ts
 * import { createConnection, type UserCallbackError } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', random: () => 2 });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_CALLBACK') {
 *     console.error((error as UserCallbackError).option, error.message);
 *   }
 * });
 * connection.close();
 * ```
 */
export class UserCallbackError extends LifelineError {
  /** The option whose function misbehaved (`classifyClose`, `ack.stamp` ...). */
  readonly option: string;

  constructor(option: string, problem: string, options: LifelineErrorOptions = {}) {
    super('ERR_LIFELINE_CALLBACK', `\`${option}\` ${problem}`, options);
    this.name = 'UserCallbackError';
    this.option = option;
  }
}

/**
 * `send()` was given something that is not a message, or data the ack
 * envelope cannot carry (binary data in the default JSON envelope). Thrown by
 * `send()` for the first; the receipt of the second is `rejected` with it.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/' });
 * try {
 *   connection.send({ text: 'hi' } as never);
 * } catch (error) {
 *   if ((error as { code?: unknown }).code === 'ERR_LIFELINE_INVALID_DATA') {
 *     console.error((error as Error).message); // send() takes a string, ...
 *   }
 * }
 * connection.close();
 * ```
 */
export class InvalidDataError extends LifelineError {
  constructor(message: string) {
    super('ERR_LIFELINE_INVALID_DATA', message);
    this.name = 'InvalidDataError';
  }
}

/**
 * A message is larger than the connection or the server accepts: refused at
 * `send()` when it exceeds `maxMessageSize`, or rejected after the server
 * closed with 1009 (message too big) right after it was written. The other
 * messages carry on.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', maxMessageSize: 4 });
 * connection.send('too long').error?.code; // 'ERR_LIFELINE_MESSAGE_TOO_LARGE'
 * connection.close();
 * ```
 */
export class MessageTooLargeError extends LifelineError {
  /** The message's id, when it had one (it was written before the server refused it). */
  readonly messageId: number | undefined;
  /** The message's size in bytes (UTF-8 for text). */
  readonly bytes: number;

  constructor(messageId: number | undefined, bytes: number, detail: string) {
    super(
      'ERR_LIFELINE_MESSAGE_TOO_LARGE',
      `${messageLabel(messageId)} of ${bytes} bytes ${detail}`,
    );
    this.name = 'MessageTooLargeError';
    this.messageId = messageId;
    this.bytes = bytes;
  }
}

/**
 * The connection gave up: `maxAttempts` reconnection attempts in a row
 * failed. It stays `failed` until `retryNow()` or the network comes back.
 *
 * @example
 * ```ts
 * import { createConnection, type RetriesExhaustedError } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', maxAttempts: 2 });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_RETRIES_EXHAUSTED') {
 *     const { attempts, lastClose } = error as RetriesExhaustedError;
 *     console.error(attempts, lastClose);
 *   }
 * });
 * ```
 */
export class RetriesExhaustedError extends LifelineError {
  /** How many reconnection attempts failed (the first attempt of a series not counted). */
  readonly attempts: number;
  /** How the last attempt ended. */
  readonly lastClose: { code: number; reason: string; status?: number } | null;

  constructor(
    attempts: number,
    lastClose: { code: number; reason: string; status?: number } | null,
  ) {
    const why = lastClose
      ? `; the last ended with ${lastClose.code}${lastClose.reason ? ` ${printable(lastClose.reason)}` : ''}`
      : '';
    super(
      'ERR_LIFELINE_RETRIES_EXHAUSTED',
      `gave up after ${attempts} reconnection attempts (maxAttempts)${why}`,
    );
    this.name = 'RetriesExhaustedError';
    this.attempts = attempts;
    this.lastClose = lastClose;
  }
}

/**
 * The `sync` function threw, rejected or ran past `syncTimeout`. The attempt
 * counts as failed and the connection backs off and tries again.
 *
 * @example
 * ```ts
 * import { createConnection, type SyncFailedError } from 'lifeline-ws';
 *
 * const connection = createConnection({
 *   url: 'ws://127.0.0.1:9/',
 *   sync: async () => {
 *     throw new Error('history service down');
 *   },
 * });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_SYNC_FAILED') {
 *     console.error((error as SyncFailedError).timedOut, error.cause);
 *   }
 * });
 * connection.close();
 * ```
 */
export class SyncFailedError extends LifelineError {
  /** True when the sync ran past `syncTimeout`; false when it threw or rejected (see `cause`). */
  readonly timedOut: boolean;

  constructor(message: string, timedOut: boolean, options: LifelineErrorOptions = {}) {
    super('ERR_LIFELINE_SYNC_FAILED', message, options);
    this.name = 'SyncFailedError';
    this.timedOut = timedOut;
  }
}
