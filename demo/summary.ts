import type { ReceiptState } from '../src/index.js';

/** What the server saw and sent, when the demo can look inside it (the embedded one). */
export interface ServerView {
  /** Chat lines the server's handler took, in order. */
  received: readonly string[];
  /** Data frames that arrived with an id the server had seen: resends it ignored. */
  resent: number;
  /** Server lines appended to the client's stream, in order. */
  sent: readonly string[];
}

/** Everything the summary is computed from; nothing in it is assumed. */
export interface Measurements {
  sentLines: readonly string[];
  receiptStates: readonly ReceiptState[];
  /** null against someone else's server: delivery is then only known from receipts. */
  server: ServerView | null;
  /** What the client's app got from the server, in order. */
  receivedLines: readonly string[];
  /** Of those, the ones replayed on a reconnect (sent while the client was away). */
  replayed: number;
  reconnects: number;
  /** null when the connection was never usable. */
  longestOutageMs: number | null;
  runTimeMs: number;
}

/** One direction's account: what was sent, and what the other side got. */
export interface Delivery {
  sent: number;
  /** Distinct messages the other side got. */
  delivered: number;
  /** Sent, never delivered. */
  lost: number;
  /** Delivered more than once. */
  duplicated: number;
  /** Delivered after one that was sent later. */
  outOfOrder: number;
}

export interface Summary {
  sent: number;
  /** Client → server and server → client; null without a view inside the server. */
  upstream: Delivery | null;
  downstream: Delivery | null;
  resent: number | null;
  received: number;
  replayed: number;
  receipts: Map<ReceiptState, number>;
  reconnects: number;
  longestOutageMs: number | null;
  runTimeMs: number;
}

/** Accounts for each message sent, line by line: a duplicate cannot hide a loss. */
export function deliveryOf(sent: readonly string[], received: readonly string[]): Delivery {
  const position = new Map(sent.map((line, index) => [line, index]));
  const seen = new Set<string>();
  let duplicated = 0;
  let outOfOrder = 0;
  let last = -1;
  for (const line of received) {
    if (seen.has(line)) duplicated += 1;
    seen.add(line);
    const at = position.get(line) ?? -1;
    if (at < last) outOfOrder += 1;
    last = Math.max(last, at);
  }
  return {
    sent: sent.length,
    delivered: sent.filter((line) => seen.has(line)).length,
    lost: sent.filter((line) => !seen.has(line)).length,
    duplicated,
    outOfOrder,
  };
}

function tally(states: readonly ReceiptState[]): Map<ReceiptState, number> {
  const counts = new Map<ReceiptState, number>();
  for (const state of states) counts.set(state, (counts.get(state) ?? 0) + 1);
  return counts;
}

export function summarize(measured: Measurements): Summary {
  const { server } = measured;
  return {
    sent: measured.sentLines.length,
    upstream: server ? deliveryOf(measured.sentLines, server.received) : null,
    downstream: server ? deliveryOf(server.sent, measured.receivedLines) : null,
    resent: server ? server.resent : null,
    received: measured.receivedLines.length,
    replayed: measured.replayed,
    receipts: tally(measured.receiptStates),
    reconnects: measured.reconnects,
    longestOutageMs: measured.longestOutageMs,
    runTimeMs: measured.runTimeMs,
  };
}

function exact(delivery: Delivery): boolean {
  return delivery.lost === 0 && delivery.duplicated === 0 && delivery.outOfOrder === 0;
}

/**
 * Whether the run kept its promise. With a view of the server: exactly once
 * and in order, both ways. Without one: every receipt confirmed.
 */
export function passed(summary: Summary): boolean {
  if (summary.upstream && summary.downstream) {
    return exact(summary.upstream) && exact(summary.downstream);
  }
  const confirmed = (summary.receipts.get('acked') ?? 0) + (summary.receipts.get('delivered') ?? 0);
  return confirmed === summary.sent;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A row with a value per direction: client → server, then server → client. */
function row(label: string, up: string | number, down: string | number = '', note = ''): string {
  const cells = `${String(up).padStart(17)}${String(down).padStart(17)}`;
  return `  ${label.padEnd(22)}${cells}${note ? `   ${note}` : ''}`.trimEnd();
}

function deliveryRows(summary: Summary): string[] {
  const { upstream: up, downstream: down } = summary;
  if (!up || !down) {
    return [
      row('sent', summary.sent, 'n/a'),
      row('delivered', 'n/a', summary.received, 'no view inside your server: see the receipts'),
    ];
  }
  return [
    row('sent', up.sent, down.sent),
    row('delivered', up.delivered, down.delivered, 'once each'),
    row('lost', up.lost, down.lost, 'must be 0'),
    row('duplicated', up.duplicated, down.duplicated, 'must be 0'),
    row('out of order', up.outOfOrder, down.outOfOrder, 'must be 0'),
    row(
      'resent',
      summary.resent ?? 'n/a',
      '',
      'frames resent with their id after a drop, taken once',
    ),
    row('replayed', '', summary.replayed, 'sent while the client was away, given on its return'),
  ];
}

/** The summary as a table for the terminal. */
export function renderSummary(summary: Summary): string {
  const receipts = [...summary.receipts].map(([state, count]) => `${count} ${state}`).join(', ');
  const lines = [
    `── summary ${'─'.repeat(61)}`,
    `  ${''.padEnd(22)}${'client → server'.padStart(17)}${'server → client'.padStart(17)}`,
    ...deliveryRows(summary),
    row('receipts', summary.sent, '', receipts || 'none'),
    row('reconnects', summary.reconnects),
    summary.longestOutageMs === null
      ? row('longest outage', 'n/a', '', 'never connected')
      : row('longest outage', seconds(summary.longestOutageMs), '', 'as the status showed it'),
    row('run time', seconds(summary.runTimeMs)),
  ];
  return lines.join('\n');
}

/** One line saying whether the run kept its promise, and which promise. */
export function verdict(summary: Summary): string {
  if (!passed(summary)) return 'FAIL: see the counts above';
  return summary.upstream
    ? 'PASS: exactly once both ways: nothing lost, nothing duplicated, nothing out of order'
    : 'PASS: every line confirmed by the server';
}
