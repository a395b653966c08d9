// What a passing run of the chaos suite records (docs/chaos-figures.json) and
// the figures section of docs/reliability.md rendered from it, in Markdown tables.
import { type Figures, ms } from './figures.js';

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
      row('upstream sent', (s) => String(s.figures.sent)),
      row('upstream delivered', (s) => String(s.figures.delivered)),
      row('upstream lost', (s) => String(s.figures.lost)),
      row('upstream duplicated', (s) => String(s.figures.duplicated)),
      row('upstream out of order', (s) => String(s.figures.outOfOrder)),
      row('upstream resends refused by the store', (s) => String(s.figures.resendsDropped)),
      row('downstream sent', (s) => String(s.figures.downstream.sent)),
      row('downstream delivered', (s) => String(s.figures.downstream.delivered)),
      row('downstream lost', (s) => String(s.figures.downstream.lost)),
      row('downstream duplicated', (s) => String(s.figures.downstream.duplicated)),
      row('downstream out of order', (s) => String(s.figures.downstream.outOfOrder)),
      row('downstream appended while away (replayed)', (s) =>
        String(s.figures.downstream.appendedWhileAway),
      ),
      row('ResyncRequiredError', (s) => String(s.figures.resyncs)),
      row('read from the abandoned socket', (s) => {
        const { first, resent } = s.figures.lateFromAbandoned;
        return `${first} + ${resent} resent`;
      }),
      row('drops', (s) => String(s.figures.drops)),
      row('time to detect', (s) => (s.figures.drops === 0 ? '-' : ms(s.figures.detectMs))),
      row('quiet before the drop', (s) => ms(s.figures.quietBeforeDropMs)),
      row('time to recover', (s) => ms(s.figures.recoverMs)),
      row('worst send-to-ack (upstream)', (s) => ms(s.figures.worstAckMs)),
      row('worst send-to-onMessage (downstream)', (s) => ms(s.figures.downstream.worstMs)),
      row('heartbeat probes read during the fault', (s) => String(s.figures.faultProbes)),
    ],
  );
}

/** The figures section of docs/reliability.md, from a recorded run. */
export function chaosFiguresSection(record: ChaosRecord): string {
  const lines = [
    `One run of \`npm run test:chaos\` on ${record.date.slice(0, 10)}, ${record.cores} cores, Node ${record.node}, ${Math.round(record.suiteSeconds)} s of wall time for the whole suite; backoff ${record.backoff.initialDelay}-${record.backoff.maxDelay} ms, one message every ${record.sendEvery} ms each way (client to server and server to client) outside the slow link's fault:`,
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
        `${kib(figures.faultThroughput)} of upstream frames reached the server during the fault, send to onMessage p50 ${secondsOf(p50)}, p95 ${secondsOf(p95)}, max ${secondsOf(max)}`,
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
