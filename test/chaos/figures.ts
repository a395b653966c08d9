import type { StatusState } from '../../src/client/status.js';
import type { ReportMessage, StatusMessage } from './client-process.js';
import type { ServerLog } from './server-log.js';
import type { Timeline } from './status-moves.js';

/** The fault's window on the wall clock: in effect from `start` to `end`. */
export interface FaultWindow {
  start: number;
  end: number;
  /** Extra rows for the table (what exactly was done). */
  notes: [string, string][];
}

/**
 * How a numbered sequence arrived: `delivered` distinct numbers of the
 * expected ones, `lost` expected and never seen, `duplicated` seen more than
 * once, `outOfOrder` steps that were not "the previous number + 1".
 */
export interface SequenceFigures {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

/** Checks `numbers` against first, first + 1, ... `sent` of them, in order, once each. */
export function sequenceFigures(numbers: number[], first: number, sent: number): SequenceFigures {
  const unique = new Set(numbers);
  let outOfOrder = numbers.length > 0 && numbers[0] !== first ? 1 : 0;
  for (let i = 1; i < numbers.length; i += 1) {
    if ((numbers[i] as number) !== (numbers[i - 1] as number) + 1) outOfOrder += 1;
  }
  let lost = 0;
  for (let n = first; n < first + sent; n += 1) if (!unique.has(n)) lost += 1;
  return {
    sent,
    delivered: unique.size,
    lost,
    duplicated: numbers.length - unique.size,
    outOfOrder,
  };
}

/** Downstream: what the client's onMessage got of what the server appended. */
export interface DownstreamFigures extends SequenceFigures {
  /** Messages whose number was not the session offset the client was at. */
  offsetMismatches: number;
  /** Worst time from the server's send to the client's onMessage, over the whole run. */
  worstMs: number;
  /**
   * Messages the server appended between the client's drop and its next
   * `connected`: the client got them in the replay. 0 without a drop.
   */
  appendedWhileAway: number;
}

/** Everything a chaos scenario measured; `sent` ... `outOfOrder` are upstream, at the server's onMessage. */
export interface Figures extends SequenceFigures {
  downstream: DownstreamFigures;
  /** ResyncRequiredErrors the client raised (none may occur: the store is durable). */
  resyncs: number;
  /** Failures the server logged (store, handler, send), and errors the client raised. */
  errors: string[];
  /** Upstream ids the server's store refused as resends. */
  resendsDropped: number;
  /**
   * Data frames the server read, after the client had given a socket up, on
   * that socket: the kernel still delivering what was written to it (first
   * copies / copies of numbers read before).
   */
  lateFromAbandoned: { first: number; resent: number };
  gaps: number;
  acked: number;
  receipts: string;
  drops: number;
  firstClose: string;
  detectMs: number | null;
  /**
   * From the last downstream message the client got before it dropped the
   * socket to the drop: how long the heartbeat heard nothing (at most: acks
   * and pongs are not recorded). Null without a drop.
   */
  quietBeforeDropMs: number | null;
  recoverMs: number | null;
  /** Per server process that ran, the stream's last offset it read back from the store. */
  serverStarts: number[];
  connections: number;
  timeline: Timeline;
  timelineText: string;
  /** Worst time from send to ack, over the whole run. */
  worstAckMs: number;
  /** Sent-to-onMessage (one way, upstream) during the fault: p50, p95, max. */
  faultLatency: { p50: number; p95: number; max: number } | null;
  /** Bytes per second of upstream data frames arriving at the server during the fault. */
  faultThroughput: number | null;
  /** Heartbeat probes (pings) the server read during the fault. */
  faultProbes: number;
  /** The longest a probe read during the fault waited behind data (a lower bound), in ms. */
  worstProbeWaitMs: number | null;
}

/** Keeps the status entries where `state` changed. */
export function collapse(statuses: StatusMessage[]): Timeline {
  const timeline: Timeline = [];
  for (const status of statuses) {
    if (timeline.at(-1)?.state !== status.state)
      timeline.push({ state: status.state, at: status.at });
  }
  return timeline;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const drained = (s: StatusMessage) => s.state === 'connected' && s.queued === 0 && s.inFlight === 0;

/** What the client received downstream, against the `sent` messages the server appended. */
export function downstreamFigures(
  report: ReportMessage,
  sent: number,
  appended: ServerLog['appended'],
  away: { from: number; to: number } | undefined,
): DownstreamFigures {
  const numbers = report.received.map(([, k]) => k);
  return {
    ...sequenceFigures(numbers, 1, sent),
    offsetMismatches: report.received.filter(([offset, k]) => offset !== k).length,
    worstMs: Math.max(0, ...report.received.map(([, , sentAt, at]) => at - sentAt)),
    appendedWhileAway: away ? appended.filter((a) => a.at > away.from && a.at < away.to).length : 0,
  };
}

/** The status moves after the fault: drops, time to detect and to recover, the first close. */
function statusFigures(statuses: StatusMessage[], window: FaultWindow) {
  const timeline = collapse(statuses);
  const after = statuses.filter((s) => s.at >= window.start);
  const firstLeave = after.find((s) => s.state !== 'connected');
  const lastLeave = after.findLast((s) => s.state !== 'connected');
  const settledFrom = Math.max(window.end, lastLeave?.at ?? 0);
  const recovered = statuses.find((s) => s.at >= settledFrom && drained(s));
  let drops = 0;
  for (let i = 1; i < timeline.length; i += 1) {
    const step = timeline[i] as Timeline[number];
    if (step.at >= window.start && timeline[i - 1]?.state === 'connected') drops += 1;
  }
  const close = firstLeave?.lastClose;
  const back = firstLeave && after.find((s) => s.at > firstLeave.at && s.state === 'connected');
  return {
    droppedAt: firstLeave?.at,
    away: firstLeave && back ? { from: firstLeave.at, to: back.at } : undefined,
    drops,
    firstClose: close ? `${close.code}${close.reason ? ` ${close.reason}` : ''}` : '-',
    detectMs: firstLeave ? firstLeave.at - window.start : null,
    recoverMs: recovered ? recovered.at - window.end : null,
    timeline,
    timelineText: describeTimeline(timeline, window.start),
  };
}

/** Upstream timing during the fault: latency to onMessage, throughput, probes. */
function faultFigures(log: ServerLog, window: FaultWindow) {
  const during = log.accepted.filter((a) => a.sentAt >= window.start && a.sentAt <= window.end);
  const latencies = during.map((a) => a.at - a.sentAt).sort((a, b) => a - b);
  const arrived = log.reads.filter((a) => a.at >= window.start && a.at <= window.end);
  const seconds = (window.end - window.start) / 1000;
  const probes = log.pings.filter((p) => p.at >= window.start && p.at <= window.end);
  const probeWaits = probes.flatMap((p) => (p.behindAtLeast === null ? [] : [p.behindAtLeast]));
  return {
    faultLatency:
      latencies.length === 0
        ? null
        : {
            p50: percentile(latencies, 50),
            p95: percentile(latencies, 95),
            max: latencies.at(-1) as number,
          },
    faultThroughput: seconds > 0 ? arrived.reduce((sum, a) => sum + a.bytes, 0) / seconds : null,
    faultProbes: probes.length,
    worstProbeWaitMs: probeWaits.length === 0 ? null : Math.max(...probeWaits),
  };
}

/**
 * The figures of one run: the client's statuses and final report, the
 * server's log, the messages the server appended downstream (`appended`, the
 * last offset) and the error codes the client raised.
 */
export function computeFigures(
  statuses: StatusMessage[],
  report: ReportMessage,
  log: ServerLog,
  window: FaultWindow,
  downstream: { appended: number; clientErrors: string[] },
): Figures {
  const { droppedAt, away, ...status } = statusFigures(statuses, window);
  const lastHeard =
    droppedAt === undefined ? undefined : report.received.findLast(([, , , at]) => at < droppedAt);
  const acks = report.acks.filter((a): a is [number, number] => Array.isArray(a));
  return {
    ...sequenceFigures(
      log.accepted.map((a) => a.n),
      0,
      report.sent,
    ),
    downstream: downstreamFigures(report, downstream.appended, log.appended, away),
    resyncs: downstream.clientErrors.filter((code) => code === 'ERR_LIFELINE_RESYNC_REQUIRED')
      .length,
    errors: [...log.errors, ...downstream.clientErrors.map((code) => `client: ${code}`)],
    resendsDropped: log.duplicates,
    lateFromAbandoned: lateFrom(log, window.start, droppedAt),
    gaps: log.gaps,
    acked: report.receipts.acked ?? 0,
    receipts: Object.entries(report.receipts)
      .map(([state, count]) => `${state} ${count}`)
      .join(', '),
    ...status,
    quietBeforeDropMs:
      droppedAt === undefined || lastHeard === undefined ? null : droppedAt - lastHeard[3],
    serverStarts: log.starts,
    connections: log.connections.size,
    worstAckMs: Math.max(0, ...acks.map(([sent, acked]) => acked - sent)),
    ...faultFigures(log, window),
  };
}

/** Frames on connections opened before the fault that the server read after the client dropped them. */
function lateFrom(log: ServerLog, faultStart: number, droppedAt: number | undefined) {
  if (droppedAt === undefined) return { first: 0, resent: 0 };
  const old = (connection: string) => (log.connections.get(connection) ?? 0) < faultStart;
  const seen = new Set<number>();
  const late = { first: 0, resent: 0 };
  for (const read of log.reads) {
    if (read.at > droppedAt && old(read.connection)) {
      if (seen.has(read.n)) late.resent += 1;
      else late.first += 1;
    }
    seen.add(read.n);
  }
  return late;
}

/** `connecting > syncing > connected | fault | reconnecting +2.01 s > ...` */
export function describeTimeline(timeline: Timeline, faultStart: number): string {
  const before = timeline.filter((t) => t.at < faultStart).map((t) => t.state);
  const after = timeline
    .filter((t) => t.at >= faultStart)
    .map((t) => `${t.state} +${((t.at - faultStart) / 1000).toFixed(2)} s`);
  return [before.join(' > '), '[fault]', ...(after.length ? [after.join(' > ')] : [])].join(' ');
}

/** `123 ms`, or `-` for none. */
export const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);

/** The rows of one fault's table. */
export function figureRows(figures: Figures, window: FaultWindow): [string, string][] {
  const down = figures.downstream;
  const rows: [string, string][] = [
    ...window.notes,
    ['upstream: messages sent', String(figures.sent)],
    ['upstream: delivered to onMessage (unique, in order)', String(figures.delivered)],
    ['upstream: lost', String(figures.lost)],
    ['upstream: duplicated', String(figures.duplicated)],
    ['upstream: out of order at onMessage', String(figures.outOfOrder)],
    ['upstream: resends refused by the store', String(figures.resendsDropped)],
    ['upstream: id gaps at the server', String(figures.gaps)],
    [
      'read from the abandoned socket after the drop',
      `${figures.lateFromAbandoned.first} first copies, ${figures.lateFromAbandoned.resent} resent`,
    ],
    ['downstream: messages appended (server)', String(down.sent)],
    ["downstream: delivered to the client's onMessage", String(down.delivered)],
    ['downstream: lost', String(down.lost)],
    ['downstream: duplicated', String(down.duplicated)],
    ['downstream: out of order', String(down.outOfOrder)],
    ['downstream: number not the session offset', String(down.offsetMismatches)],
    ['downstream: worst send-to-onMessage', ms(down.worstMs)],
    ['downstream: appended while the client was away (replayed)', String(down.appendedWhileAway)],
    ['ResyncRequiredError raised', String(figures.resyncs)],
    ['errors', figures.errors.length === 0 ? 'none' : figures.errors.join('; ')],
    ['receipts', figures.receipts],
    ['drops seen by the client', String(figures.drops)],
    ['first close', figures.firstClose],
    ['time to detect', figures.drops === 0 ? '- (no drop)' : ms(figures.detectMs)],
    ['quiet before the drop (since the last downstream message)', ms(figures.quietBeforeDropMs)],
    ['time to recover (connected, outbox drained)', ms(figures.recoverMs)],
    ['server connections', String(figures.connections)],
    ['server processes: last offset read back from the store', figures.serverStarts.join(', ')],
    ['worst send-to-ack', ms(figures.worstAckMs)],
  ];
  if (figures.faultLatency) {
    const { p50, p95, max } = figures.faultLatency;
    rows.push(['one-way latency during fault p50/p95/max', `${p50} / ${p95} / ${max} ms`]);
  }
  if (figures.faultThroughput !== null && figures.faultThroughput > 0) {
    rows.push([
      'arriving during fault',
      `${(figures.faultThroughput / 1024).toFixed(1)} KiB/s (${((figures.faultThroughput * 8) / 1000).toFixed(0)} kbit/s of frames)`,
    ]);
  }
  rows.push(['heartbeat probes read during fault', String(figures.faultProbes)]);
  if (figures.worstProbeWaitMs !== null) {
    rows.push(['longest a probe waited behind data (at least)', ms(figures.worstProbeWaitMs)]);
  }
  rows.push(['status timeline', figures.timelineText]);
  return rows;
}

/** The state the status ends in, for assertions. */
export function lastState(timeline: Timeline): StatusState | undefined {
  return timeline.at(-1)?.state;
}
