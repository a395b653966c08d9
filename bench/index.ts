/**
 * `npm run bench`: every benchmark, then docs/benchmarks.md and its charts, and
 * the README's headlines from that page (scripts/benchmark-headlines.ts).
 * `npm run bench -- storm loss`: only those (tables on the terminal and JSON
 * under bench/.scratch/; the page is written only by a full run, or with --docs).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchmarkHeadlines, headlinesSection } from '../scripts/benchmark-headlines.js';
import { replaceSection } from '../scripts/generated-section.js';
import { runBinaryEnvelope } from './binary-envelope.js';
import { runFlapping } from './flapping.js';
import { runHalfOpen } from './half-open.js';
import { runLoss } from './loss.js';
import { runLossBoth } from './loss-both.js';
import { runOverhead } from './overhead.js';
import { runReplay } from './replay.js';
import { goalsTable, textTable, writeReport } from './report.js';
import { runStormReal } from './storm.js';
import { runStormSim } from './storm-sim.js';
import { environment } from './support/env.js';
import type { BenchResult } from './support/types.js';

/** In the order they run: the noise-sensitive overhead first, on a quiet machine. */
const benchmarks: Record<string, () => Promise<BenchResult>> = {
  overhead: runOverhead,
  'storm-sim': runStormSim,
  storm: runStormReal,
  loss: runLoss,
  'loss-both': runLossBoth,
  flapping: runFlapping,
  'half-open': runHalfOpen,
  replay: runReplay,
  'binary-envelope': runBinaryEnvelope,
};

const args = process.argv.slice(2);
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benchmarks).join(', ')}`,
  );
  process.exit(2);
}
const selected =
  names.length > 0
    ? Object.keys(benchmarks).filter((name) => names.includes(name))
    : Object.keys(benchmarks);
const full = selected.length === Object.keys(benchmarks).length;
const scratch = fileURLToPath(new URL('./.scratch/results/', import.meta.url));
await mkdir(scratch, { recursive: true });

const env = environment();
console.log(
  `lifeline benchmarks on ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, Node ${env.node}; load ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
const started = performance.now();
const results: BenchResult[] = [];
for (const name of selected) {
  console.log(`\n== ${name}`);
  const run = benchmarks[name] as () => Promise<BenchResult>;
  const result = await run();
  results.push(result);
  for (const table of result.tables) console.log(`\n${textTable(table)}`);
  console.log(`\n(${name}: ${(result.durationMs / 1000).toFixed(1)} s)`);
  await writeFile(`${scratch}${name}.json`, JSON.stringify(result, null, 2));
}
const totalMs = performance.now() - started;
console.log(`\n${textTable(goalsTable(results.flatMap((r) => r.goals)))}`);
console.log(`\nTotal: ${(totalMs / 1000).toFixed(1)} s`);
if (full || args.includes('--docs')) {
  const written = await writeReport(results, env, totalMs, os.loadavg());
  // The README quotes the page's headlines: rewritten from the page just written.
  const root = new URL('../', import.meta.url);
  const page = await readFile(new URL('docs/benchmarks.md', root), 'utf8');
  const readme = await readFile(new URL('README.md', root), 'utf8');
  await writeFile(
    new URL('README.md', root),
    replaceSection(readme, headlinesSection, benchmarkHeadlines(page)),
  );
  written.push('README.md (benchmark headlines)');
  console.log(`Wrote ${written.join(', ')}`);
}
// Peers' clients may leave timers behind; the run is over.
process.exit(0);
