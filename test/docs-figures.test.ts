/**
 * The figures the README and docs/reliability.md quote agree with their
 * sources: the README's benchmark headlines with docs/benchmarks.md (the page
 * `npm run bench` writes), the chaos figures with docs/chaos-figures.json
 * (what the last passing `npm run test:chaos` recorded). Each is a generated
 * section; this fails when one was edited by hand or its source moved on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkHeadlines, markdownTables } from '../scripts/benchmark-headlines.js';
import { readSection, replaceSection } from '../scripts/generated-section.js';
import { parseSocketUrl } from '../src/client/socket-url.js';
import { defaultBackoffOptions, nextDelay } from '../src/core/backoff.js';
import { type ChaosRecord, chaosFiguresSection } from './chaos/chaos-record.js';
import { projectRoot } from './support/typecheck.js';

const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');
const readme = read('README.md');
const benchmarks = read('docs/benchmarks.md');
const reliability = read('docs/reliability.md');

describe("the README's benchmark headlines", () => {
  it('are what scripts/benchmark-headlines.ts makes of docs/benchmarks.md', () => {
    expect(readSection(readme, 'benchmark-headlines')).toBe(benchmarkHeadlines(benchmarks));
  });

  it('change when a figure of the page changes (the check can fail)', () => {
    const page = benchmarks.replace(/^\| lifeline \| 25\.0 s \|/m, '| lifeline | 26.5 s |');
    expect(page).not.toBe(benchmarks);
    expect(benchmarkHeadlines(page)).toContain('noticed in 26.5 s');
    expect(benchmarkHeadlines(page)).not.toBe(benchmarkHeadlines(benchmarks));
  });

  it('read the tables of the page, escaped pipes and notes included', () => {
    const tables = markdownTables(
      ['**T**', '', '| a | b |', '| --- | --- |', '| x \\| y | 2 |', '', '_a note_'].join('\n'),
    );
    expect(tables).toEqual([
      { title: 'T', columns: ['a', 'b'], rows: [['x | y', '2']], notes: ['a note'] },
    ]);
  });

  it('refuse a page that lacks a figure they quote', () => {
    expect(() => benchmarkHeadlines(benchmarks.replace('**Flapping server', '**Flap'))).toThrow(
      /Flapping server/,
    );
  });
});

describe("docs/reliability.md's chaos figures", () => {
  const record = JSON.parse(read('docs/chaos-figures.json')) as ChaosRecord;

  it('are the section rendered from docs/chaos-figures.json', () => {
    expect(readSection(reliability, 'chaos-figures')).toBe(chaosFiguresSection(record));
  });

  it('come from a run where every fault passed, with nothing lost', () => {
    expect(record.scenarios.map((s) => s.name)).toEqual([
      'link down 3 s',
      'black hole 10 s',
      'slow link 20 s',
      'server SIGKILL',
    ]);
    for (const { figures } of record.scenarios) {
      expect(figures.lost).toBe(0);
      expect(figures.delivered).toBe(figures.sent);
      expect(figures.downstream.lost).toBe(0);
      expect(figures.downstream.delivered).toBe(figures.downstream.sent);
      expect(figures.resyncs).toBe(0);
    }
  });

  it('are replaced whole by the generator, prose around them untouched', () => {
    const page = replaceSection(reliability, 'chaos-figures', 'x');
    expect(readSection(page, 'chaos-figures')).toBe('x');
    expect(page.split('<!-- end generated: chaos-figures -->')[1]).toBe(
      reliability.split('<!-- end generated: chaos-figures -->')[1],
    );
  });
});

describe("the README's other claims", () => {
  it('equal jitter sends about two thirds of the attempts of full jitter at the cap', () => {
    // Mean delay at the cap, over an even grid of random draws.
    const mean = (jitter: 'equal' | 'full') => {
      const draws = 10_000;
      let sum = 0;
      for (let i = 0; i < draws; i += 1) {
        const random = () => (i + 0.5) / draws;
        sum += nextDelay(64, defaultBackoffOptions.maxDelay, {
          ...defaultBackoffOptions,
          jitter,
          random,
        });
      }
      return sum / draws;
    };
    const attemptsRatio = mean('full') / mean('equal');
    expect(attemptsRatio).toBeCloseTo(2 / 3, 3);
    expect(readme).toContain('about two thirds of the attempts full jitter would send');
    expect(readme).not.toMatch(/sees half the attempts/);
  });

  it('say that http: and https: URLs are accepted, as the option check does', () => {
    expect(parseSocketUrl('https://example.com/socket').protocol).toBe('https:');
    expect(readme).toMatch(/`http:`\/`https:` accepted/);
  });

  it('do not give the reference server a line count', () => {
    expect(readme).not.toMatch(/server in \d+ lines/);
  });

  it('use no internal jargon in user-facing docs and sources', () => {
    const jargon = /seed (plan|schedule|mapping)|the seed's|CONN-0\d/i;
    const sources = readdirSync(join(projectRoot, 'src'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `src/${file}`);
    for (const file of ['README.md', 'docs/reliability.md', 'docs/statechart.md', ...sources]) {
      expect(read(file), file).not.toMatch(jargon);
    }
  });
});
