import type { ReceiptState } from '../src/index.js';

/** What the server saw, when the demo can look inside it (the embedded one). */
export interface ServerView {
  /** Lines the server accepted, after de-duplication by id, in arrival order. */
  received: readonly string[];
  /** Resends the server recognised by their id and dropped. */
  resentDropped: number;
  /** Ids that arrived after a higher one. */
  outOfOrder: number;
}

/** Everything the summary is computed from; nothing in it is assumed. */
export interface Measurements {
  sentLines: readonly string[];
  receiptStates: readonly ReceiptState[];
  /** null against someone else's server: delivery is then only known from receipts. */
  server: ServerView | null;
  reconnects: number;
  /** null when the connection was never usable. */
  longestOutageMs: number | null;
  runTimeMs: number;
}

export interface Delivery {
  delivered: number;
  /** Lines sent that the server never accepted. */
  lost: number;
  resentDeduplicated: number;
  /** Lines the server accepted more than once: de-duplication by id failed. */
  duplicatedAfterDedup: number;
  outOfOrder: number;
}

export interface Summary {
  sent: number;
  delivery: Delivery | null;
  receipts: Map<ReceiptState, number>;
  reconnects: number;
  longestOutageMs: number | null;
  runTimeMs: number;
}

function deliveryOf(sentLines: readonly string[], server: ServerView): Delivery {
  const received = new Set(server.received);
  return {
    delivered: server.received.length,
    // Counted line by line rather than as sent - delivered, so a duplicate cannot hide a loss.
    lost: sentLines.filter((line) => !received.has(line)).length,
    resentDeduplicated: server.resentDropped,
    duplicatedAfterDedup: server.received.length - received.size,
    outOfOrder: server.outOfOrder,
  };
}

function tally(states: readonly ReceiptState[]): Map<ReceiptState, number> {
  const counts = new Map<ReceiptState, number>();
  for (const state of states) counts.set(state, (counts.get(state) ?? 0) + 1);
  return counts;
}

export function summarize(measured: Measurements): Summary {
  return {
    sent: measured.sentLines.length,
    delivery: measured.server ? deliveryOf(measured.sentLines, measured.server) : null,
    receipts: tally(measured.receiptStates),
    reconnects: measured.reconnects,
    longestOutageMs: measured.longestOutageMs,
    runTimeMs: measured.runTimeMs,
  };
}

/**
 * Whether the run kept its promise. With a view of the server: nothing lost
 * and nothing accepted twice. Without one: every receipt confirmed.
 */
export function passed(summary: Summary): boolean {
  if (summary.delivery) {
    return summary.delivery.lost === 0 && summary.delivery.duplicatedAfterDedup === 0;
  }
  const confirmed = (summary.receipts.get('acked') ?? 0) + (summary.receipts.get('delivered') ?? 0);
  return confirmed === summary.sent;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function row(label: string, value: string | number, note = ''): string {
  return `  ${label.padEnd(24)}${String(value).padStart(9)}${note ? `   ${note}` : ''}`;
}

function deliveryRows(delivery: Delivery | null): string[] {
  if (!delivery) {
    return [row('delivered', 'n/a', 'no view inside your server: see the receipts below')];
  }
  return [
    row('delivered', delivery.delivered, 'accepted by the server, after de-dup by id'),
    row('lost', delivery.lost, 'sent, never accepted'),
    row('duplicated', delivery.resentDeduplicated, 'resent, de-duplicated by id'),
    row('duplicated after de-dup', delivery.duplicatedAfterDedup, 'accepted twice (must be 0)'),
    row('out of order', delivery.outOfOrder),
  ];
}

/** The summary as a table for the terminal. */
export function renderSummary(summary: Summary): string {
  const receipts = [...summary.receipts].map(([state, count]) => `${count} ${state}`).join(', ');
  const lines = [
    `── summary ${'─'.repeat(61)}`,
    row('sent', summary.sent),
    ...deliveryRows(summary.delivery),
    row('receipts', summary.sent, receipts || 'none'),
    row('reconnects', summary.reconnects),
    summary.longestOutageMs === null
      ? row('longest outage', 'n/a', 'never connected')
      : row('longest outage', seconds(summary.longestOutageMs), 'as the status showed it'),
    row('run time', seconds(summary.runTimeMs)),
  ];
  return lines.join('\n');
}

/** One line saying whether the run kept its promise, and which promise. */
export function verdict(summary: Summary): string {
  if (!passed(summary)) return 'FAIL: see the counts above';
  return summary.delivery
    ? 'PASS: nothing lost, nothing accepted twice'
    : 'PASS: every line confirmed by the server';
}
