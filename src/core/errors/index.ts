export type { ConnectionError } from './connection-error.js';
export { FatalCloseError, RetriesExhaustedError, SyncFailedError } from './connection-errors.js';
export {
  ConnectionClosedError,
  InvalidDataError,
  MessageTooLargeError,
  OutboxOverflowError,
} from './delivery-errors.js';
export { InboundFrameError, UserCallbackError } from './input-errors.js';
export {
  LifelineError,
  type LifelineErrorCode,
  type LifelineErrorOptions,
} from './lifeline-error.js';
export { OptionRangeError, OptionTypeError } from './option-errors.js';
export { type ResyncReason, ResyncRequiredError } from './session-errors.js';
