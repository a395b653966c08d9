import type {
  FatalCloseError,
  RetriesExhaustedError,
  SyncFailedError,
} from './connection-errors.js';
import type {
  ConnectionClosedError,
  InvalidDataError,
  MessageTooLargeError,
  OutboxOverflowError,
} from './delivery-errors.js';
import type { InboundFrameError, UserCallbackError } from './input-errors.js';
import type { ResyncRequiredError } from './session-errors.js';

/**
 * Every error a connection reports on `onError` (and puts on a receipt): one
 * class per `code`, so checking `error.code` narrows the type to the class,
 * with its fields.
 *
 * @example
 * ```ts
 * import { type ConnectionError, createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/' });
 * connection.onError((error: ConnectionError) => {
 *   if (error.code === 'ERR_LIFELINE_FATAL_CLOSE') console.error(error.closeCode, error.reason);
 *   if (error.code === 'ERR_LIFELINE_OUTBOX_OVERFLOW') console.error('not sent:', error.data);
 * });
 * connection.close();
 * ```
 */
export type ConnectionError =
  | FatalCloseError
  | RetriesExhaustedError
  | SyncFailedError
  | OutboxOverflowError
  | MessageTooLargeError
  | ConnectionClosedError
  | InvalidDataError
  | InboundFrameError
  | UserCallbackError
  | ResyncRequiredError;
