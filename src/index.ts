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
  tryAgainLaterDelay,
} from './classify-close.js';
export { type ConnectionActorOptions, createConnectionActor } from './connection-actor.js';
export {
  type ConnectionConfig,
  type ConnectionMachineInput,
  connectionMachineOptionNames,
  resolveConnectionConfig,
} from './connection-config.js';
export {
  ConnectionState,
  connectionStateOf,
  connectionStatePaths,
  isInState,
} from './connection-state.js';
export {
  LifelineError,
  type LifelineErrorCode,
  OptionRangeError,
  OptionTypeError,
} from './errors.js';
export {
  abnormalClosure,
  type ConnectionContext,
  type ConnectionEvent,
  type ConnectionMachine,
  connectionMachine,
  type DropEvent,
  type FailureReason,
  retryAfterSpread,
  type SyncInput,
  type TransportInput,
} from './machine.js';
export { maxTimerDelay } from './validate.js';
