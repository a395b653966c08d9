/**
 * scripts/mutation-score.ts, the per-file mutation gate, run on small
 * fabricated reports and Stryker configs in a temporary directory: each way
 * the gate must fail, and the case where it passes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../scripts/mutation-score.js';
import { projectRoot } from './support/typecheck.js';

const dir = mkdtempSync(join(tmpdir(), 'lifeline-mutation-score-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let written = 0;
/** Writes `content` as JSON to a fresh file in the temporary directory and returns its path. */
function file(content: unknown): string {
  written += 1;
  const path = join(dir, `${written}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function mutants(counts: Record<string, number>): { status: string }[] {
  return Object.entries(counts).flatMap(([status, n]) =>
    Array.from({ length: n }, () => ({ status })),
  );
}

const config = file({
  mutate: ['src/a.ts', 'src/b.ts'],
  thresholds: { high: 90, low: 85, break: 85 },
});
const passing = {
  schemaVersion: '1',
  files: {
    'src/a.ts': { mutants: mutants({ Killed: 90, Survived: 10, CompileError: 7 }) },
    'src/b.ts': { mutants: mutants({ Killed: 40, Timeout: 5, NoCoverage: 5 }) },
  },
};

/** Runs the gate in-process, collecting what it prints. */
function gate(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the mutation gate passes', () => {
  it('when every mutated file is in the report and at or above the floor', () => {
    const result = gate(file(passing), '--config', config);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('| src/a.ts | 90 | 0 | 10 | 0 | 7 | 90.00 % |');
    expect(result.out).toContain('| src/b.ts | 40 | 5 | 0 | 5 | 0 | 90.00 % |');
  });

  it("takes its floor from --floor, else from the config's thresholds.break", () => {
    const report = file(passing);
    expect(gate(report, '--config', config, '--floor', '90').code).toBe(0);
    expect(gate(report, '--config', config, '--floor', '90.5').code).toBe(1);
    const strict = file({ mutate: ['src/a.ts'], thresholds: { break: 95 } });
    const result = gate(report, '--config', strict);
    expect(result.code).toBe(1);
    expect(result.err).toContain('src/a.ts: 90.00 % is below 95 %');
  });
});

describe('the mutation gate fails', () => {
  it('when a file scores below the floor, naming it', () => {
    const report = file({
      files: { ...passing.files, 'src/b.ts': { mutants: mutants({ Killed: 8, Survived: 2 }) } },
    });
    const result = gate(report, '--config', config);
    expect(result.code).toBe(1);
    expect(result.err).toBe('src/b.ts: 80.00 % is below 85 %');
  });

  it('on a report with no files', () => {
    const result = gate(file({ files: {} }), '--config', config);
    expect(result.code).toBe(1);
    expect(result.err).toContain('has no files: nothing was measured');
  });

  it("on a report that lacks a file of the config's mutate list", () => {
    const report = file({ files: { 'src/a.ts': passing.files['src/a.ts'] } });
    const result = gate(report, '--config', config);
    expect(result.code).toBe(1);
    expect(result.err).toContain('src/b.ts is in ');
    expect(result.err).toContain('`mutate` list but not in the report');
  });

  it('on a file with no score: every mutant a compile error', () => {
    const report = file({
      files: { ...passing.files, 'src/b.ts': { mutants: mutants({ CompileError: 3 }) } },
    });
    const result = gate(report, '--config', config);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'src/b.ts: no score (no mutant was killed, survived or left uncovered)',
    );
  });

  it('on a file with no mutants at all', () => {
    const report = file({ files: { ...passing.files, 'src/b.ts': { mutants: [] } } });
    expect(gate(report, '--config', config).code).toBe(1);
  });

  it('on mutants without a final status (an interrupted run)', () => {
    const report = file({
      files: { ...passing.files, 'src/b.ts': { mutants: mutants({ Killed: 50, Pending: 1 }) } },
    });
    const result = gate(report, '--config', config);
    expect(result.code).toBe(1);
    expect(result.err).toContain('src/b.ts: 1 mutants have no final status');
  });

  it.each([
    ['--floor without a value', ['--floor']],
    ['--floor followed by another option', ['--floor', '--config', 'x']],
    ['--floor 85%', ['--floor', '85%']],
    ['--floor eighty', ['--floor', 'eighty']],
    ['--floor 1e2', ['--floor', '1e2']],
    ['--floor above 100', ['--floor', '101']],
    ['--floor negative', ['--floor', '-5']],
    ['an unknown option', ['--flor', '85']],
  ])('on %s, with a usage error', (_case, args) => {
    const result = gate(file(passing), '--config', config, ...args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^mutation-score: /);
    expect(result.out).toBe('');
  });

  it('reads the report it is given, not the default one', () => {
    const missing = join(dir, 'nowhere.json');
    const result = gate(missing, '--config', config);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`cannot read the report ${missing}`);
    const low = file({ files: { 'src/a.ts': { mutants: mutants({ Survived: 1 }) } } });
    expect(gate(low, '--config', config).err).toContain('src/a.ts: 0.00 % is below 85 %');
  });

  it('on a file that is not a Stryker report, or a config without a mutate list', () => {
    expect(gate(file('{"files": '), '--config', config).err).toContain('is not JSON');
    expect(gate(file({ mutants: [] }), '--config', config).err).toContain('no `files` object');
    expect(
      gate(file({ files: { 'src/a.ts': { mutants: [{}] } } }), '--config', config).err,
    ).toContain('src/a.ts has no list of mutants with a status');
    expect(gate(file(passing), '--config', file({ thresholds: {} })).err).toContain(
      'has no `mutate` list of files',
    );
  });

  it('on a mutate list of patterns, which it cannot check file by file', () => {
    const globbed = file({ mutate: ['src/**/*.ts', '!src/cli/main.ts'] });
    const result = gate(file(passing), '--config', globbed);
    expect(result.code).toBe(2);
    expect(result.err).toContain(
      'must list files, not patterns or ranges (src/**/*.ts, !src/cli/main.ts)',
    );
  });
});

describe('the mutation gate as a command', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/mutation-score.ts', ...args], {
      cwd: projectRoot,
      encoding: 'utf8',
    });

  it('exits 0 on a passing report and non-zero on a failing one', () => {
    expect(run(file(passing), '--config', config).status).toBe(0);
    const failed = run(file({ files: {} }), '--config', config);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('has no files');
    expect(run(file(passing), '--config', config, '--floor', '85%').status).toBe(2);
  });

  it("checks this project's report against stryker.config.json, which sets thresholds.break", () => {
    const report = file({ files: { 'src/core/machine.ts': { mutants: mutants({ Killed: 1 }) } } });
    const result = run(report);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "src/core/backoff.ts is in stryker.config.json's `mutate` list but not in the report",
    );
    expect(result.stdout).toContain('floor 85 %');
  });
});
