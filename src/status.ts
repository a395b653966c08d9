import type { SnapshotFrom } from 'xstate';
import type { CloseInfo } from './classify-close.js';
import { connectionStateOf } from './connection-state.js';
import type { ConnectionMachine } from './machine.js';
import { printable } from './printable.js';

/** The connection as a person sees it. */
export type StatusState =
  | 'connecting'
  | 'connected'
  | 'syncing'
  | 'reconnecting'
  | 'offline'
  | 'failed'
  | 'closed';

/**
 * A small plain object derived from the machine's snapshot and the outbox,
 * for status indicators.
 */
export interface Status {
  state: StatusState;
  /**
   * The attempt under way, or the one being waited for: 0 for the first
   * connection, n for the n-th reconnection attempt of a series.
   */
  attempt: number;
  /** When the next attempt starts (on the connection's clock), while waiting. */
  retryAt: number | null;
  /** How the last socket closed, or why an attempt was abandoned. */
  lastClose: CloseInfo | null;
  /** Messages waiting for a live socket. */
  queued: number;
  /** Messages written and awaiting acknowledgement (ack mode). */
  inFlight: number;
}

type Snapshot = Pick<SnapshotFrom<ConnectionMachine>, 'value' | 'context'>;

const stateToStatus = {
  idle: 'connecting',
  session: 'connecting',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  connected: 'syncing',
  syncing: 'syncing',
  live: 'connected',
  probation: 'connected',
  stable: 'connected',
  disconnected: 'reconnecting',
  waiting: 'reconnecting',
  offline: 'offline',
  failed: 'failed',
  closed: 'closed',
} as const satisfies Record<ReturnType<typeof connectionStateOf>, StatusState>;

/**
 * The status of a connection whose machine is at `snapshot` and whose outbox
 * holds `queued` and `inFlight` messages.
 *
 * @example
 * ```ts
 * import { createConnectionActor, statusOf } from 'lifeline';
 *
 * statusOf(createConnectionActor().getSnapshot()).state; // 'connecting'
 * ```
 */
export function statusOf(snapshot: Snapshot, outbox = { queued: 0, inFlight: 0 }): Status {
  const { context } = snapshot;
  const state = connectionStateOf(snapshot);
  return {
    state: stateToStatus[state],
    attempt: state === 'waiting' ? context.attempt + 1 : context.attempt,
    retryAt: context.retryAt,
    lastClose: context.lastClose,
    queued: outbox.queued,
    inFlight: outbox.inFlight,
  };
}

/** Whether two statuses show the same thing. */
export function sameStatus(a: Status, b: Status): boolean {
  return (
    a.state === b.state &&
    a.attempt === b.attempt &&
    a.retryAt === b.retryAt &&
    a.lastClose?.code === b.lastClose?.code &&
    a.lastClose?.reason === b.lastClose?.reason &&
    a.queued === b.queued &&
    a.inFlight === b.inFlight
  );
}

function describeClose(close: CloseInfo | null): string {
  if (!close) return '';
  const reason = printable(close.reason);
  return reason ? `${close.code} ${reason}` : String(close.code);
}

function backlog(status: Status): string {
  const parts = [];
  if (status.queued > 0) parts.push(`${status.queued} queued`);
  if (status.inFlight > 0) parts.push(`${status.inFlight} unacked`);
  return parts.length > 0 ? `, ${parts.join(', ')}` : '';
}

/**
 * Renders a status for a terminal: `● connected`, `◐ syncing`,
 * `◌ reconnecting in 4 s (attempt 3)`, `○ offline`, `✕ failed: 4401 bad token`.
 * Text from the server is stripped of escape sequences and control characters.
 *
 * @example
 * ```ts
 * import { formatStatus } from 'lifeline';
 *
 * formatStatus(
 *   { state: 'reconnecting', attempt: 3, retryAt: 4000, lastClose: null, queued: 2, inFlight: 0 },
 *   0,
 * ); // '◌ reconnecting in 4 s (attempt 3, 2 queued)'
 * ```
 */
export function formatStatus(status: Status, now: number = Date.now()): string {
  const extra = backlog(status);
  switch (status.state) {
    case 'connected':
      return `● connected${extra ? ` (${extra.slice(2)})` : ''}`;
    case 'syncing':
      return `◐ syncing${extra ? ` (${extra.slice(2)})` : ''}`;
    case 'connecting':
      return `◌ connecting${extra ? ` (${extra.slice(2)})` : ''}`;
    case 'reconnecting': {
      const seconds =
        status.retryAt === null ? null : Math.max(0, Math.ceil((status.retryAt - now) / 1000));
      const when = seconds === null ? '' : ` in ${seconds} s`;
      return `◌ reconnecting${when} (attempt ${status.attempt}${extra})`;
    }
    case 'offline':
      return `○ offline${extra ? ` (${extra.slice(2)})` : ''}`;
    case 'failed': {
      const why = describeClose(status.lastClose);
      return `✕ failed${why ? `: ${why}` : ''}${extra ? ` (${extra.slice(2)})` : ''}`;
    }
    case 'closed':
      return '· closed';
  }
}
