export { type Connection, createConnection } from './client/create-connection.js';
export type { OutgoingData } from './client/delivery/outgoing-data.js';
export { isFinalState, type Receipt, type ReceiptState } from './client/delivery/receipt.js';
export type { IncomingData } from './client/incoming-data.js';
export { jsonAck } from './client/json-ack.js';
export type { ConnectionOptions } from './client/options.js';
export type { SessionOptions } from './client/session/session-options.js';
export type { SessionInfo } from './client/session/session-state.js';
export { formatStatus, type Status, type StatusState, statusOf } from './client/status.js';
export type { SyncContext } from './client/sync-context.js';
export { backoff } from './core/backoff.js';
export { type Clock, systemClock } from './core/clock.js';
export { type ClassifyClose, defaultClassifyClose } from './core/close-policy.js';
export { createConnectionActor } from './core/connection-actor.js';
export { ConnectionState, connectionStateOf, isInState } from './core/connection-state.js';
export {
  type ConnectionError,
  LifelineError,
  type LifelineErrorCode,
} from './core/errors/index.js';
export {
  type ConnectionEvent,
  connectionMachine,
  type TransportInput,
} from './core/machine.js';
