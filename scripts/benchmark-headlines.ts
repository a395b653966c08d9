/**
 * The README's benchmark headlines, read from docs/benchmarks.md (the page
 * `npm run bench` writes from one run), so that the README quotes nothing the
 * page does not say. `npx tsx scripts/benchmark-headlines.ts` rewrites the
 * README's section; `npm run bench` does it after writing the page, and
 * test/readme.test.ts fails when the README is behind the page.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceSection } from './generated-section.js';

export interface MarkdownTable {
  /** The bold line (`**...**`) above the table, without the stars. */
  title: string;
  columns: string[];
  rows: string[][];
  /** Italic lines (`_..._`) right after the table. */
  notes: string[];
}

const splitRow = (line: string) =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll('\\|', '|'));

/** Every pipe table in a Markdown text, with the bold title above it and the notes below. */
export function markdownTables(markdown: string): MarkdownTable[] {
  const lines = markdown.split('\n');
  const tables: MarkdownTable[] = [];
  for (let i = 0; i + 1 < lines.length; i += 1) {
    const line = lines[i] as string;
    if (!line.startsWith('|') || !/^\|(\s*-{3,}\s*\|)+\s*$/.test(lines[i + 1] as string)) continue;
    let above = i - 1;
    while (above >= 0 && (lines[above] as string).trim() === '') above -= 1;
    const bold = /^\*\*(.*)\*\*$/.exec((lines[above] ?? '').trim());
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && (lines[j] as string).startsWith('|'); j += 1) {
      rows.push(splitRow(lines[j] as string));
    }
    const notes: string[] = [];
    while (j < lines.length && (lines[j] as string).trim() === '') j += 1;
    for (; j < lines.length && /^_.*_$/.test((lines[j] as string).trim()); j += 1) {
      notes.push((lines[j] as string).trim().slice(1, -1));
    }
    tables.push({ title: bold?.[1] ?? '', columns: splitRow(line), rows, notes });
    i = j - 1;
  }
  return tables;
}

/** One table of the page, found by the start of its title. */
function tableOf(tables: MarkdownTable[], titleStart: string): MarkdownTable {
  const table = tables.find((t) => t.title.startsWith(titleStart));
  if (!table) throw new Error(`docs/benchmarks.md has no table titled "${titleStart}..."`);
  return table;
}

/** A cell, by the row's first cell and the start of the column's name. */
function cellOf(table: MarkdownTable, rowLabel: string, columnStart: string): string {
  const column = table.columns.findIndex((c) => c.startsWith(columnStart));
  const row = table.rows.find((r) => r[0] === rowLabel);
  const value = column < 0 ? undefined : row?.[column];
  if (value === undefined) {
    throw new Error(`table "${table.title}" has no cell (${rowLabel}, ${columnStart}...)`);
  }
  return value;
}

/** The goal row whose text contains `words`: its goal, measured figure and verdict. */
function goalOf(goals: MarkdownTable, benchmark: string, words: string) {
  const row = goals.rows.find((r) => r[0] === benchmark && r[1]?.includes(words));
  if (!row) throw new Error(`docs/benchmarks.md has no ${benchmark} goal with "${words}"`);
  return { goal: row[1] as string, measured: row[2] as string, verdict: row[3] as string };
}

function match(text: string, pattern: RegExp, what: string): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined)
    throw new Error(`docs/benchmarks.md: cannot read ${what} from "${text}"`);
  return found;
}

/** The first token of a ratio cell, `0.98x (0.96-1.01)` -> `0.98x`. */
const first = (cell: string) => cell.split(' ')[0] as string;
const number = (cell: string) => Number(cell.replaceAll(',', ''));

/** An aligned Markdown table. */
export function formatMarkdownTable(columns: string[], rows: string[][]): string {
  const all = [columns, ...rows];
  const widths = columns.map((_, c) => Math.max(3, ...all.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The README's benchmark headlines (a sentence and a table), from the page's text. */
export function benchmarkHeadlines(page: string): string {
  const tables = markdownTables(page);
  const goals = tableOf(tables, 'Each goal of the benchmark issue');
  const date = match(page, /^Measured on (\d{4}-\d{2}-\d{2})/m, 'the date');
  const cores = match(page, /, (\d+) cores,/, 'the cores');
  const node = match(page, /, Node v(\d+)\./, 'the Node version');
  const met = match(page, /^## Goals: (\d+ of \d+) met$/m, 'the goals met');

  const loss = tableOf(tables, 'Loss under drops');
  const lost = (label: string) => cellOf(loss, label, 'lost');
  const lossTotal =
    number(cellOf(loss, 'lifeline (ack mode)', 'delivered')) + number(lost('lifeline (ack mode)'));
  const lossRow = [
    `Loss: ${lossTotal.toLocaleString('en-US')} messages, ${loss.title.split(', ').at(-1)}`,
    `ack mode: ${lost('lifeline (ack mode)')} lost, ${cellOf(loss, 'lifeline (ack mode)', 'duplicated')} duplicated, ${cellOf(loss, 'lifeline (ack mode)', 'out of order')} out of order; without ack: ${lost('lifeline')} lost`,
    `reconnecting-websocket ${lost('reconnecting-websocket')} lost, partysocket ${lost('partysocket')}, socket.io-client ${lost('socket.io-client')}, raw \`ws\` ${lost('ws (raw, no reconnection)')}`,
  ];

  const both = tableOf(tables, 'Loss under drops, both directions');
  const bothCell = (label: string, column: string) => cellOf(both, label, column);
  const lostBoth = (label: string) =>
    `${bothCell(label, 'up: lost')} / ${bothCell(label, 'down: lost')}`;
  const replay = tableOf(tables, 'Replay of');
  const caughtUp = replay.rows.find((r) => r[0]?.startsWith('network back to the last missed'));
  if (!caughtUp) throw new Error('docs/benchmarks.md: no replay row');
  const bothRow = [
    `Both ways: ${match(both.title, /: (.+)$/, 'the both-ways workload')}`,
    `session: lost up / down ${lostBoth('lifeline (session)')}, duplicated ${bothCell('lifeline (session)', 'up: duplicated')} / ${bothCell('lifeline (session)', 'down: duplicated')}; ${match(replay.title, /^Replay of (\S+) missed/, 'the replay count')} missed messages replayed in ${caughtUp[1]} after a ${match(replay.title, /after a (\S+ s) outage/, 'the outage')} outage (${caughtUp[2]} a raw ws connect + live burst)`,
    `lost up / down: ack mode ${lostBoth('lifeline (ack mode)')}, reconnecting-websocket ${lostBoth('reconnecting-websocket')}, partysocket ${lostBoth('partysocket')}, socket.io-client ${lostBoth('socket.io-client')}`,
  ];

  const hole = tableOf(tables, 'Half-open connection');
  const heartbeat = hole.notes.join(' ');
  const interval = number(match(heartbeat, /interval (\d+) ms/, 'the heartbeat interval')) / 1000;
  const timeout = number(match(heartbeat, /timeout (\d+) ms/, 'the heartbeat timeout')) / 1000;
  const holePeers = ['reconnecting-websocket', 'partysocket', 'socket.io-client'];
  const delivered = (label: string) => cellOf(hole, label, 'delivered').split(' / ')[0] as string;
  const holeRow = [
    'Half-open socket (black hole)',
    `noticed in ${cellOf(hole, 'lifeline', 'noticed after')} (the default heartbeat: ${interval} s + ${timeout} s); ack mode delivered ${delivered('lifeline (ack mode)')} of the ${cellOf(hole, 'lifeline (ack mode)', 'sent into the hole')} messages sent into it`,
    `${holePeers.map((p) => `${p}: ${cellOf(hole, p, 'noticed after')}`).join('; ')}; delivered of what was sent into it: ${holePeers.map((p) => delivered(p)).join(', ')}`,
  ];

  const sim = tableOf(tables, 'Simulated storm, N = 10,000');
  const vsLimit = (label: string) => cellOf(sim, label, 'vs limit');
  const simGoal = goalOf(goals, 'storm-sim', 'recovers within');
  const simRow = [
    'Storm, 10,000 clients (simulated)',
    `with \`lifeline-ws/server\`'s pacing: ${vsLimit('lifeline default + server pacing hint')} the physical limit; blind: ${vsLimit('lifeline default (equal jitter)')} (goal ${match(simGoal.goal, /within (\S+) the physical limit/, 'the storm-sim goal')}: ${simGoal.verdict}), sending ${cellOf(sim, 'lifeline default (equal jitter)', 'vs socket.io')} socket.io-client's attempt rate to a server that stays down`,
    `socket.io-client ${vsLimit('socket.io-client default')}, reconnecting-websocket ${vsLimit('reconnecting-websocket default')}, partysocket ${vsLimit('partysocket default')}`,
  ];

  const storm = tableOf(tables, 'Reconnection storm, real sockets');
  const vsIdeal = (label: string) => cellOf(storm, label, 'vs ideal');
  const stormPeer = (label: string, name: string) =>
    vsIdeal(label) === 'n/a'
      ? `${name} ${cellOf(storm, label, 'reconnected')} back`
      : `${name} ${vsIdeal(label)}`;
  const peakGoal = goalOf(goals, 'storm', 'the lowest peak');
  const lowestPeer = match(peakGoal.measured, /\(([^)]+)\)$/, 'the lowest peer');
  const clients = match(
    cellOf(storm, 'lifeline (blind 503)', 'reconnected'),
    /\/(\d+)$/,
    'the clients',
  );
  const stormRow = [
    `Storm, ${clients} real clients`,
    `with the pacer: ${vsIdeal('lifeline + lifeline-ws/server pacer')} the ideal; blind: ${vsIdeal('lifeline (blind 503)')}; peak per 100 ms ${cellOf(storm, 'lifeline (blind 503)', 'peak attempts')} (goal: lowest of all; ${peakGoal.verdict}, ${lowestPeer}'s is ${cellOf(storm, lowestPeer, 'peak attempts')})`,
    [
      stormPeer('reconnecting-websocket', 'reconnecting-websocket'),
      stormPeer('socket.io-client', 'socket.io-client'),
      stormPeer('partysocket', 'partysocket'),
    ].join(', '),
  ];

  const flapping = tableOf(tables, 'Flapping server');
  const median = (label: string) => cellOf(flapping, label, 'attempts (median)');
  const gaps = cellOf(flapping, 'lifeline', 'gaps').split(', ').map(Number);
  const growing = gaps.every((gap, i) => i === 0 || gap > (gaps[i - 1] as number));
  const flappingRow = [
    `Flapping server, ${match(flapping.title, /attempts in (\d+ s)/, 'the flapping window')}`,
    `at most ${cellOf(flapping, 'lifeline', 'range').split(' - ')[1]} attempts (median ${median('lifeline')})${growing ? ', growing gaps' : ''}`,
    `socket.io-client ${median('socket.io-client')} (median), reconnecting-websocket ${median('reconnecting-websocket')}, partysocket ${median('partysocket')}`,
  ];

  const throughput = tableOf(tables, 'Throughput,');
  const idle = tableOf(tables, 'Idle connections');
  const actor = tableOf(tables, 'The actor');
  const receiveGoal = goalOf(goals, 'overhead', 'receive throughput');
  const heapGoal = goalOf(goals, 'overhead', 'heap per idle connection');
  const overheadPeers = ['reconnecting-websocket', 'partysocket', 'socket.io-client'];
  const ratioOf = (label: string, column: string) => first(cellOf(throughput, label, column));
  const actorRow = actor.rows.find((r) => r[0]?.startsWith('actor events during'));
  if (!actorRow) throw new Error('docs/benchmarks.md: no actor events row');
  const overheadRow = [
    'Overhead vs raw `ws`',
    `send ${ratioOf('lifeline', 'send vs ws')}; receive ${ratioOf('lifeline', 'receive vs ws')} (goal ${match(receiveGoal.goal, /at least (\S+) raw ws/, 'the receive goal')}: ${receiveGoal.verdict}); ${cellOf(idle, 'lifeline', 'heap / connection')} heap per idle connection (goal ${match(heapGoal.goal, /at most (\S+ KiB)/, 'the heap goal')}: ${heapGoal.verdict}); ${actorRow[1]} ${actorRow[0]}`,
    `send: ${overheadPeers.map((p) => `${p} ${ratioOf(p, 'send vs ws')}`).join(', ')}; receive: ${overheadPeers.map((p) => ratioOf(p, 'receive vs ws')).join(', ')}; heap: ${overheadPeers.map((p) => cellOf(idle, p, 'heap / connection').replace(' KiB', '')).join(', ')} KiB`,
  ];

  return [
    `The committed page (${cores} cores, Node ${node}, ${date}) met ${met} goals; the`,
    'headlines, each a ratio or count measured in that run:',
    '',
    formatMarkdownTable(
      ['benchmark', 'lifeline', 'the others'],
      [lossRow, bothRow, holeRow, simRow, stormRow, flappingRow, overheadRow],
    ),
  ].join('\n');
}

export const headlinesSection = 'benchmark-headlines';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const page = readFileSync(`${root}docs/benchmarks.md`, 'utf8');
  const readme = readFileSync(`${root}README.md`, 'utf8');
  writeFileSync(
    `${root}README.md`,
    replaceSection(readme, headlinesSection, benchmarkHeadlines(page)),
  );
  console.log('README.md: benchmark headlines rewritten from docs/benchmarks.md');
}
