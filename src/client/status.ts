import type { SnapshotFrom } from 'xstate';
import type { CloseInfo } from '../core/close-policy.js';
import type { ConnectionMachine } from '../core/machine.js';
import { printable } from '../core/printable.js';
import { type StatusState, statusStates, statusTags } from '../core/status-tags.js';

/** The connection as a person sees it: one of the machine's `status:` tags. */
export type { StatusState } from '../core/status-tags.js';

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
  /**
   * Session mode: true from a `ResyncRequiredError` until
   * `connection.acknowledgeReset()` (the app must reload from its source of
   * truth). Always false without `session`.
   */
  reset: boolean;
}

type Snapshot = Pick<SnapshotFrom<ConnectionMachine>, 'hasTag' | 'matches' | 'context'>;

/** The status state the snapshot's tags name. */
function statusStateOf(snapshot: Snapshot): StatusState {
  for (const state of statusStates) {
    if (snapshot.hasTag(statusTags[state])) return state;
  }
  // Every state of the chart carries a status tag (a test checks it); a new one without is a bug.
  throw new Error('lifeline: a state of the connection machine has no status tag');
}

/**
 * The status of a connection whose machine is at `snapshot` and whose outbox
 * holds `queued` and `inFlight` messages.
 *
 * @example
 * ```ts
 * import { createConnectionActor, statusOf } from 'lifeline-ws';
 *
 * statusOf(createConnectionActor().getSnapshot()).state; // 'connecting'
 * ```
 */
export function statusOf(
  snapshot: Snapshot,
  outbox: { queued: number; inFlight: number; reset?: boolean } = { queued: 0, inFlight: 0 },
): Status {
  const { context } = snapshot;
  // While waiting, the attempt shown is the one being waited for.
  const waiting = snapshot.matches({ disconnected: 'waiting' });
  return {
    state: statusStateOf(snapshot),
    attempt: waiting ? context.attempt + 1 : context.attempt,
    retryAt: context.retryAt,
    lastClose: context.lastClose,
    queued: outbox.queued,
    inFlight: outbox.inFlight,
    reset: outbox.reset ?? false,
  };
}

/** Whether two statuses show the same thing. */
export function sameStatus(a: Status, b: Status, { counts = true } = {}): boolean {
  return (
    a.state === b.state &&
    a.attempt === b.attempt &&
    a.retryAt === b.retryAt &&
    a.lastClose?.code === b.lastClose?.code &&
    a.lastClose?.reason === b.lastClose?.reason &&
    a.reset === b.reset &&
    (!counts || (a.queued === b.queued && a.inFlight === b.inFlight))
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
  if (status.reset) parts.push('resync required');
  return parts.length > 0 ? `, ${parts.join(', ')}` : '';
}

/** How `formatStatus` renders. */
export interface FormatStatusOptions {
  /**
   * The time `retryAt` is compared with, on the connection's clock.
   * @default Date.now()
   */
  now?: number;
  /**
   * Add how the last socket closed to `reconnecting` and `offline`
   * (`failed` always shows it).
   * @default false
   */
  showClose?: boolean;
}

/** Seconds until `retryAt`: whole seconds from 1 s up, tenths below, so a 100 ms wait reads 0.1 s. */
function secondsUntil(retryAt: number, now: number): string {
  const ms = Math.max(0, retryAt - now);
  if (ms >= 1000) return String(Math.ceil(ms / 1000));
  return String(Math.ceil(ms / 100) / 10);
}

/**
 * Renders a status for a terminal: `● connected`, `◐ syncing`,
 * `◌ reconnecting in 4 s (attempt 3)`, `◌ reconnecting in 0.3 s (attempt 1)`,
 * `○ offline`, `✕ failed: 4401 bad token`. With `showClose`, a reconnecting
 * or offline status says how the last socket closed. Text from the server is
 * stripped of escape sequences and control characters.
 *
 * @example
 * ```ts
 * import { formatStatus } from 'lifeline-ws';
 *
 * const status = {
 *   state: 'reconnecting',
 *   attempt: 3,
 *   retryAt: 4000,
 *   lastClose: { code: 1006, reason: 'heartbeat timeout' },
 *   queued: 2,
 *   inFlight: 0,
 *   reset: false,
 * } as const;
 * formatStatus(status, 0); // '◌ reconnecting in 4 s (attempt 3, 2 queued)'
 * formatStatus(status, { now: 0, showClose: true });
 * // '◌ reconnecting in 4 s (attempt 3, 2 queued; last close 1006 heartbeat timeout)'
 * ```
 */
export function formatStatus(
  status: Status,
  options: number | FormatStatusOptions = Date.now(),
): string {
  const { now = Date.now(), showClose = false } =
    typeof options === 'number' ? { now: options } : options;
  const extra = backlog(status);
  const close = showClose ? describeClose(status.lastClose) : '';
  const lastClose = close ? `last close ${close}` : '';
  switch (status.state) {
    case 'connected':
      return `● connected${extra ? ` (${extra.slice(2)})` : ''}`;
    case 'syncing':
      return `◐ syncing${extra ? ` (${extra.slice(2)})` : ''}`;
    case 'connecting':
      return `◌ connecting${extra ? ` (${extra.slice(2)})` : ''}`;
    case 'reconnecting': {
      const when = status.retryAt === null ? '' : ` in ${secondsUntil(status.retryAt, now)} s`;
      return `◌ reconnecting${when} (attempt ${status.attempt}${extra}${lastClose ? `; ${lastClose}` : ''})`;
    }
    case 'offline': {
      const details = [extra.slice(2), lastClose].filter(Boolean).join('; ');
      return `○ offline${details ? ` (${details})` : ''}`;
    }
    case 'failed': {
      const why = describeClose(status.lastClose);
      return `✕ failed${why ? `: ${why}` : ''}${extra ? ` (${extra.slice(2)})` : ''}`;
    }
    case 'closed':
      return '· closed';
  }
}
