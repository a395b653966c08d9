export {
  type Connection,
  createConnection,
  type SubscribeOptions,
} from './client/create-connection.js';
export {
  type EnqueueResult,
  Outbox,
  type OutboxEntry,
  type OutboxOptions,
  type OutgoingData,
  type OverflowPolicy,
  type ResolvedOutboxOptions,
  resolveOutboxOptions,
} from './client/delivery/outbox.js';
export { isFinalState, Receipt, type ReceiptState } from './client/delivery/receipt.js';
export type { HeartbeatTiming } from './client/liveness.js';
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
} from './client/options.js';
export {
  type FormatStatusOptions,
  formatStatus,
  type Status,
  type StatusState,
  statusOf,
} from './client/status.js';
export type { SyncContext, SyncResult } from './client/sync-context.js';
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
} from './core/backoff.js';
export { type Clock, systemClock } from './core/clock.js';
export {
  type ClassifyClose,
  type CloseDisposition,
  type CloseInfo,
  defaultClassifyClose,
  isCloseDisposition,
  tryAgainLaterDelay,
} from './core/close-policy.js';
export { type ConnectionActorOptions, createConnectionActor } from './core/connection-actor.js';
export {
  ConnectionState,
  connectionStateOf,
  isInState,
} from './core/connection-state.js';
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
} from './core/errors/index.js';
export {
  type ConnectionContext,
  type ConnectionEvent,
  type ConnectionMachine,
  connectionMachine,
  type DropEvent,
  type FailureReason,
  type SyncInput,
  type TransportInput,
} from './core/machine.js';
export {
  type ConnectionConfig,
  type ConnectionMachineInput,
  resolveConnectionConfig,
} from './core/machine-config.js';
export { printable } from './core/printable.js';
export { parseRetryAfter, parseRetryAfterMs, retryAfterPrecision } from './core/retry-after.js';
