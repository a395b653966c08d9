import type { CloseDisposition, CloseInfo } from './close-policy.js';
import type { ConnectionConfig } from './machine-config.js';

/** The close code lifeline records for closes it decides itself (no frame was received). */
export const abnormalClosure = 1006;

/**
 * The socket went away: a close frame, a network error, a heartbeat timeout.
 * `retryAfter` (ms) is the server's schedule, such as an HTTP 503
 * `Retry-After` at upgrade: the next attempt waits that long (plus spread)
 * instead of the backoff delay.
 */
export interface DropEvent {
  type: 'DROP';
  code: number;
  reason: string;
  /** The HTTP status when the server refused the upgrade. */
  status?: number;
  retryAfter?: number;
  /**
   * How precise `retryAfter` is, in ms: the spread added to it is up to this
   * much (a `Retry-After-Ms` header is precise to the millisecond).
   * @default retryAfterSpread
   */
  retryAfterPrecision?: number;
  /**
   * The transport's own verdict, when it knows better than the close policy:
   * a 1009 caused by one message it has rejected (retry), a `url()` that
   * returned no WebSocket URL (fatal).
   */
  verdict?: CloseDisposition;
  /**
   * The socket died while the process slept: the probe sent on waking went
   * unanswered. The machine reconnects at once, as a fresh series.
   */
  woke?: boolean;
}

/** Everything the connection machine reacts to. Inbound messages are deliberately absent. */
export type ConnectionEvent =
  | { type: 'START' }
  | { type: 'OPEN' }
  | DropEvent
  | { type: 'RESYNC' }
  | { type: 'RETRY' }
  | { type: 'ONLINE' }
  | { type: 'OFFLINE' }
  | { type: 'CLOSE'; code?: number; reason?: string };

/** Why the machine is in `failed`. */
export type FailureReason = 'fatal-close' | 'attempts-exhausted';

/** The close the user asked for: the socket closes with this code and reason. */
export interface CloseRequest {
  code: number;
  reason: string;
}

/** The machine's extended state. */
export interface ConnectionContext {
  /** The resolved options; never changes. */
  readonly config: ConnectionConfig;
  /** 0 on the first attempt of a series; n on the n-th reconnection attempt. */
  attempt: number;
  /** How the last socket closed (or why the attempt was abandoned). */
  lastClose: CloseInfo | null;
  /** The server's schedule for the next attempt, in ms (HTTP `Retry-After`) plus its spread, consumed by the next wait. */
  retryAfter: number | null;
  /** A floor on the next delay, in ms, from the close policy (1013), consumed by the next wait. */
  retryFloor: number | null;
  /** The most recent computed delay, in ms (decorrelated jitter grows from it). */
  retryDelay: number;
  /** When the pending wait ends, on the clock's time line; null when not waiting. */
  retryAt: number | null;
  /** Set while in `failed`. */
  failure: FailureReason | null;
  /** The user's close (CLOSE): the code and reason the socket closes with. */
  closeRequest: CloseRequest | null;
}

/** What the `transport` actor is told about the session it serves. */
export interface TransportInput {
  attempt: number;
  isReconnect: boolean;
}

/** What the `sync` actor is told: the same facts as the transport. */
export type SyncInput = TransportInput;
