import { readFileSync } from 'node:fs';
import type { StatusState } from '../../src/client/status.js';
import type { ReportMessage, StatusMessage } from './client-process.js';
import type { Timeline } from './status-moves.js';

/** One message the server accepted, from its log. */
export interface Accepted {
  at: number;
  id: number;
  n: number;
  sentAt: number;
  bytes: number;
  /** The connection it came on: `<server pid>.<number>`. */
  connection: string;
}

/** What the server log (both processes, when one was killed and restarted) says. */
export interface ServerLog {
  accepted: Accepted[];
  /** Resends of ids already accepted, dropped by the server's de-duplication. */
  dropped: { at: number; id: number; connection: string }[];
  /** Ids accepted where a lower one was due. */
  gaps: number;
  /** WebSocket connections accepted: when each opened, by `<server pid>.<number>`. */
  connections: Map<string, number>;
  /** Server processes that ran. */
  starts: number;
  /**
   * Ping frames (heartbeat probes) the server read. `behindAtLeast` is a lower
   * bound on how long the ping waited in the stream: the time from the sending
   * of the next message on that connection (written after the ping) to the
   * ping's arrival; null when no message followed it.
   */
  pings: { at: number; connection: string; behindAtLeast: number | null }[];
}

export function readServerLog(file: string): ServerLog {
  const log: ServerLog = {
    accepted: [],
    dropped: [],
    gaps: 0,
    connections: new Map(),
    starts: 0,
    pings: [],
  };
  /** Pings per connection still waiting for the message that followed them. */
  const unfollowed = new Map<string, ServerLog['pings']>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [kind, ...fields] = line.split(' ');
    const numbers = fields.map(Number);
    if (kind === 'A') {
      const [at = 0, id = 0, n = 0, sentAt = 0, bytes = 0] = numbers;
      const connection = fields[5] ?? '';
      log.accepted.push({ at, id, n, sentAt, bytes, connection });
      for (const ping of unfollowed.get(connection) ?? []) ping.behindAtLeast = ping.at - sentAt;
      unfollowed.delete(connection);
    } else if (kind === 'P') {
      const connection = fields[1] ?? '';
      const ping: ServerLog['pings'][number] = {
        at: numbers[0] ?? 0,
        connection,
        behindAtLeast: null,
      };
      log.pings.push(ping);
      unfollowed.set(connection, [...(unfollowed.get(connection) ?? []), ping]);
    } else if (kind === 'D') {
      const [at = 0, id = 0] = numbers;
      log.dropped.push({ at, id, connection: fields[2] ?? '' });
    } else if (kind === 'G') log.gaps += 1;
    else if (kind === 'C') log.connections.set(`${fields[1]}.${fields[2]}`, numbers[0] ?? 0);
    else if (kind === 'S') log.starts += 1;
  }
  return log;
}

/** The fault's window on the wall clock: in effect from `start` to `end`. */
export interface FaultWindow {
  start: number;
  end: number;
  /** Extra rows for the table (what exactly was done). */
  notes: [string, string][];
}

/** Everything a chaos scenario measured. */
export interface Figures {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  resendsDropped: number;
  /**
   * Frames the server read, after the client had given a socket up, on that
   * socket: the kernel still delivering what was written to it (accepted /
   * dropped as resends).
   */
  lateFromAbandoned: { accepted: number; dropped: number };
  gaps: number;
  acked: number;
  receipts: string;
  drops: number;
  firstClose: string;
  detectMs: number | null;
  recoverMs: number | null;
  connections: number;
  timeline: Timeline;
  timelineText: string;
  /** Worst time from send to ack, over the whole run. */
  worstAckMs: number;
  /** Sent-to-arrival (one way) during the fault: p50, p95, max. */
  faultLatency: { p50: number; p95: number; max: number } | null;
  /** Bytes per second arriving at the server during the fault. */
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

export function computeFigures(
  statuses: StatusMessage[],
  report: ReportMessage,
  log: ServerLog,
  window: FaultWindow,
): Figures {
  const numbers = log.accepted.map((a) => a.n);
  const unique = new Set(numbers);
  let outOfOrder = 0;
  for (let i = 1; i < numbers.length; i += 1) {
    if ((numbers[i] as number) !== (numbers[i - 1] as number) + 1) outOfOrder += 1;
  }
  if (numbers.length > 0 && numbers[0] !== 0) outOfOrder += 1;
  let lost = 0;
  for (let n = 0; n < report.sent; n += 1) if (!unique.has(n)) lost += 1;

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

  const acks = report.acks.filter((a): a is [number, number] => Array.isArray(a));
  const worstAckMs = Math.max(0, ...acks.map(([sent, acked]) => acked - sent));
  const during = log.accepted.filter((a) => a.sentAt >= window.start && a.sentAt <= window.end);
  const latencies = during.map((a) => a.at - a.sentAt).sort((a, b) => a - b);
  const arrived = log.accepted.filter((a) => a.at >= window.start && a.at <= window.end);
  const seconds = (window.end - window.start) / 1000;
  const probes = log.pings.filter((p) => p.at >= window.start && p.at <= window.end);
  const probeWaits = probes.flatMap((p) => (p.behindAtLeast === null ? [] : [p.behindAtLeast]));

  return {
    sent: report.sent,
    delivered: unique.size,
    lost,
    duplicated: numbers.length - unique.size,
    outOfOrder,
    resendsDropped: log.dropped.length,
    lateFromAbandoned: lateFrom(log, window.start, firstLeave?.at),
    gaps: log.gaps,
    acked: report.receipts.acked ?? 0,
    receipts: Object.entries(report.receipts)
      .map(([state, count]) => `${state} ${count}`)
      .join(', '),
    drops,
    firstClose: close ? `${close.code}${close.reason ? ` ${close.reason}` : ''}` : '-',
    detectMs: firstLeave ? firstLeave.at - window.start : null,
    recoverMs: recovered ? recovered.at - window.end : null,
    connections: log.connections.size,
    timeline,
    timelineText: describeTimeline(timeline, window.start),
    worstAckMs,
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

/** Frames on connections opened before the fault that the server read after the client dropped them. */
function lateFrom(log: ServerLog, faultStart: number, droppedAt: number | undefined) {
  if (droppedAt === undefined) return { accepted: 0, dropped: 0 };
  const old = (connection: string) => (log.connections.get(connection) ?? 0) < faultStart;
  const late = (entry: { at: number; connection: string }) =>
    entry.at > droppedAt && old(entry.connection);
  return { accepted: log.accepted.filter(late).length, dropped: log.dropped.filter(late).length };
}

/** `connecting > syncing > connected | fault | reconnecting +2.01 s > ...` */
export function describeTimeline(timeline: Timeline, faultStart: number): string {
  const before = timeline.filter((t) => t.at < faultStart).map((t) => t.state);
  const after = timeline
    .filter((t) => t.at >= faultStart)
    .map((t) => `${t.state} +${((t.at - faultStart) / 1000).toFixed(2)} s`);
  return [before.join(' > '), '[fault]', ...(after.length ? [after.join(' > ')] : [])].join(' ');
}

const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);

/** The rows of one fault's table. */
export function figureRows(figures: Figures, window: FaultWindow): [string, string][] {
  const rows: [string, string][] = [
    ...window.notes,
    ['messages sent', String(figures.sent)],
    ['delivered (unique, in order)', String(figures.delivered)],
    ['lost', String(figures.lost)],
    ['duplicated after de-duplication', String(figures.duplicated)],
    ['out of order at the server', String(figures.outOfOrder)],
    ['resends dropped by id (server)', String(figures.resendsDropped)],
    ['id gaps at the server', String(figures.gaps)],
    [
      'read from the abandoned socket after the drop',
      `${figures.lateFromAbandoned.accepted} accepted, ${figures.lateFromAbandoned.dropped} dropped as resends`,
    ],
    ['receipts', figures.receipts],
    ['drops seen by the client', String(figures.drops)],
    ['first close', figures.firstClose],
    ['time to detect', figures.drops === 0 ? '- (no drop)' : ms(figures.detectMs)],
    ['time to recover (connected, outbox drained)', ms(figures.recoverMs)],
    ['server connections', String(figures.connections)],
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

/** An aligned text table (Markdown pipes, so it pastes into the docs as is). */
export function formatTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(3, ...all.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The state the status ends in, for assertions. */
export function lastState(timeline: Timeline): StatusState | undefined {
  return timeline.at(-1)?.state;
}

/** One scenario as docs/chaos-figures.json keeps it. */
export interface RecordedScenario {
  name: string;
  heartbeat: { interval: number; timeout: number };
  notes: [string, string][];
  figures: Omit<Figures, 'timeline'>;
}

/** What a passing run of the whole chaos suite records (docs/chaos-figures.json). */
export interface ChaosRecord {
  date: string;
  node: string;
  cores: number;
  suiteSeconds: number;
  backoff: { initialDelay: number; maxDelay: number };
  sendEvery: number;
  scenarios: RecordedScenario[];
}

const kib = (bytesPerSecond: number) =>
  `${(bytesPerSecond / 1024).toFixed(1)} KiB/s (${((bytesPerSecond * 8) / 1000).toFixed(0)} kbit/s of frames)`;
const secondsOf = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;

/** The summary table, one column per fault (the console and the docs print the same). */
export function summaryTable(scenarios: RecordedScenario[]): string {
  const row = (label: string, pick: (s: RecordedScenario) => string) => [
    label,
    ...scenarios.map(pick),
  ];
  return formatTable(
    ['', ...scenarios.map((s) => s.name)],
    [
      row('heartbeat', (s) => `${s.heartbeat.interval}/${s.heartbeat.timeout} ms`),
      row('sent', (s) => String(s.figures.sent)),
      row('delivered', (s) => String(s.figures.delivered)),
      row('lost', (s) => String(s.figures.lost)),
      row('duplicated', (s) => String(s.figures.duplicated)),
      row('resends dropped by id', (s) => String(s.figures.resendsDropped)),
      row('read from the abandoned socket', (s) => {
        const { accepted, dropped } = s.figures.lateFromAbandoned;
        return `${accepted} + ${dropped} resent`;
      }),
      row('drops', (s) => String(s.figures.drops)),
      row('time to detect', (s) => (s.figures.drops === 0 ? '-' : ms(s.figures.detectMs))),
      row('time to recover', (s) => ms(s.figures.recoverMs)),
      row('worst send-to-ack', (s) => ms(s.figures.worstAckMs)),
      row('heartbeat probes read during the fault', (s) => String(s.figures.faultProbes)),
    ],
  );
}

/** The figures section of docs/reliability.md, from a recorded run. */
export function chaosFiguresSection(record: ChaosRecord): string {
  const lines = [
    `One run of \`npm run test:chaos\` on ${record.date.slice(0, 10)}, ${record.cores} cores, Node ${record.node}, ${Math.round(record.suiteSeconds)} s of wall time for the whole suite; backoff ${record.backoff.initialDelay}-${record.backoff.maxDelay} ms, one message every ${record.sendEvery} ms outside the slow link's fault:`,
    '',
    summaryTable(record.scenarios),
    '',
    "Status timelines (times from the fault's start):",
    '',
    formatTable(
      ['fault', 'timeline'],
      record.scenarios.map((s) => [s.name, s.figures.timelineText]),
    ),
  ];
  for (const { name, figures, notes } of record.scenarios) {
    const said: string[] = [];
    if (figures.faultThroughput !== null && figures.faultThroughput > 0 && figures.faultLatency) {
      const { p50, p95, max } = figures.faultLatency;
      said.push(
        `${kib(figures.faultThroughput)} reached the server during the fault, one-way latency p50 ${secondsOf(p50)}, p95 ${secondsOf(p95)}, max ${secondsOf(max)}`,
      );
    }
    if (figures.faultProbes > 0 && figures.worstProbeWaitMs !== null) {
      said.push(
        `${figures.faultProbes} heartbeat probes were read during the fault, the longest after waiting at least ${secondsOf(figures.worstProbeWaitMs)} behind data`,
      );
    }
    for (const [label, value] of notes) {
      if (label.startsWith('restarted server')) said.push(`the ${label} ${value}`);
    }
    if (said.length > 0) lines.push('', `${name}: ${said.join('; ')}.`);
  }
  return lines.join('\n');
}
