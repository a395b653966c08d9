export {
  type Backoff,
  type BackoffOptions,
  backoff,
  defaultBackoffOptions,
  exponentialDelay,
  type Jitter,
  jitterStrategies,
  nextDelay,
  type ResolvedBackoffOptions,
  resolveBackoffOptions,
} from './backoff.js';
export {
  type ClassifyClose,
  type CloseDisposition,
  type CloseInfo,
  defaultClassifyClose,
  isCloseDisposition,
  tryAgainLaterDelay,
} from './classify-close.js';
export { type Clock, systemClock } from './clock.js';
export { type Connection, createConnection, type SubscribeOptions } from './connection.js';
export { type ConnectionActorOptions, createConnectionActor } from './connection-actor.js';
export {
  type ConnectionConfig,
  type ConnectionMachineInput,
  resolveConnectionConfig,
} from './connection-config.js';
export {
  type AckOptions,
  type ConnectionOptions,
  type HeartbeatOptions,
  type IncomingData,
  jsonAck,
  type ResolvedConnectionOptions,
  type ResolvedHeartbeat,
  redactUrl,
  resolveConnectionOptions,
  type SyncReturn,
  type WebSocketConstructor,
  type WebSocketLike,
} from './connection-options.js';
export {
  ConnectionState,
  connectionStateOf,
  isInState,
} from './connection-state.js';
export {
  ConnectionClosedError,
  FatalCloseError,
  InboundFrameError,
  InvalidDataError,
  LifelineError,
  type LifelineErrorCode,
  MessageTooLargeError,
  OptionRangeError,
  OptionTypeError,
  OutboxOverflowError,
  RetriesExhaustedError,
  SyncFailedError,
  UserCallbackError,
} from './errors.js';
export type { HeartbeatTiming } from './liveness.js';
export {
  type ConnectionContext,
  type ConnectionEvent,
  type ConnectionMachine,
  connectionMachine,
  type DropEvent,
  type FailureReason,
  type SyncInput,
  type TransportInput,
} from './machine.js';
export {
  type EnqueueResult,
  Outbox,
  type OutboxEntry,
  type OutboxOptions,
  type OutgoingData,
  type OverflowPolicy,
  type ResolvedOutboxOptions,
  resolveOutboxOptions,
} from './outbox.js';
export { printable } from './printable.js';
export { isFinalState, Receipt, type ReceiptState } from './receipt.js';
export { parseRetryAfter, parseRetryAfterMs, retryAfterPrecision } from './retry-after.js';
export {
  type FormatStatusOptions,
  formatStatus,
  type Status,
  type StatusState,
  statusOf,
} from './status.js';
export type { SyncContext, SyncResult } from './sync-context.js';
