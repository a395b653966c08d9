/**
 * The mutation score of each mutated file, from Stryker's JSON report, and a
 * per-file gate. Run after `npm run test:mutation`:
 *
 *   npx tsx scripts/mutation-score.ts [report] [--floor N] [--config stryker.config.json]
 *
 * `report` defaults to reports/mutation/mutation.json; `--floor` to the
 * config's `thresholds.break`, else 85. Exits with 1 when a file scores below
 * the floor, and also when the gate cannot vouch for every file: the report
 * has no files, lacks a file the config's `mutate` list names, has a file
 * with no score (every mutant a compile error) or with mutants Stryker did
 * not finish. Exits with 2 on a bad argument or an unreadable report or
 * config. Paths are relative to the working directory, as Stryker's are.
 *
 * The score is Stryker's: (killed + timeout) / (killed + timeout + survived +
 * no coverage). Compile errors (mutants the type checker rejects), runtime
 * errors and ignored mutants do not count.
 */
import { readFileSync } from 'node:fs';

export interface FileScore {
  file: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  compileErrors: number;
  /** Mutants whose status is not a final verdict (`Pending`) or not one Stryker defines. */
  unfinished: number;
  /** Percent, or null when no mutant counts. */
  score: number | null;
}

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

/** Statuses that end a mutant's run; `Pending` and anything unknown mean the report is incomplete. */
const finalStatuses = new Set([
  'Killed',
  'Timeout',
  'Survived',
  'NoCoverage',
  'CompileError',
  'RuntimeError',
  'Ignored',
]);

export function fileScores(report: Report): FileScore[] {
  return Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const count = (status: string) => mutants.filter((m) => m.status === status).length;
      const killed = count('Killed');
      const timeout = count('Timeout');
      const survived = count('Survived');
      const noCoverage = count('NoCoverage');
      const detected = killed + timeout;
      const valid = detected + survived + noCoverage;
      return {
        file,
        killed,
        timeout,
        survived,
        noCoverage,
        compileErrors: count('CompileError'),
        unfinished: mutants.filter((m) => !finalStatuses.has(m.status)).length,
        score: valid === 0 ? null : (100 * detected) / valid,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

export function belowFloor(scores: FileScore[], floor: number): FileScore[] {
  return scores.filter((s) => s.score !== null && s.score < floor);
}

/** A problem with the command line or the files it names: the gate cannot run. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Arguments {
  report: string;
  /** Null when `--floor` was not given (the config's `thresholds.break` applies). */
  floor: number | null;
  config: string;
}

const numeral = /^\d+(\.\d+)?$/;

/** Parses the command line; throws a UsageError naming what is wrong. */
export function parseArguments(args: readonly string[]): Arguments {
  let report: string | undefined;
  let floor: number | null = null;
  let config = 'stryker.config.json';
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--floor' || arg === '--config') {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(`${arg} needs a value`);
      }
      i += 1;
      if (arg === '--config') {
        config = value;
        continue;
      }
      // Digits only: `85%`, `0x55` or `1e2` would otherwise slip through Number() or be NaN.
      if (!numeral.test(value) || Number(value) > 100) {
        throw new UsageError(
          `--floor must be a percentage from 0 to 100 without a unit, got "${value}"`,
        );
      }
      floor = Number(value);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (report === undefined) {
      report = arg;
    } else {
      throw new UsageError(`one report only, got "${report}" and "${arg}"`);
    }
  }
  return { report: report ?? 'reports/mutation/mutation.json', floor, config };
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the ${what} ${path} is not JSON: ${(error as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A report path as Stryker's `mutate` list spells it: `src/core/machine.ts`. */
function normalise(path: string): string {
  return path.replaceAll('\\', '/').replace(/^\.\//, '');
}

/** What the gate needs from stryker.config.json: the files mutated and the break threshold. */
export function readStrykerConfig(path: string): { mutate: string[]; breakAt: number | null } {
  const config = readJson(path, 'Stryker config');
  if (!isRecord(config)) throw new UsageError(`the Stryker config ${path} is not an object`);
  const { mutate, thresholds } = config;
  if (
    !Array.isArray(mutate) ||
    mutate.length === 0 ||
    !mutate.every((m) => typeof m === 'string')
  ) {
    throw new UsageError(`${path} has no \`mutate\` list of files`);
  }
  // The gate checks files by name; a pattern would make "every mutated file is in the report" unknowable.
  const patterns = mutate.filter((m) => /[*?{}[\]!]|:\d/.test(m));
  if (patterns.length > 0) {
    throw new UsageError(
      `${path}: \`mutate\` must list files, not patterns or ranges (${patterns.join(', ')})`,
    );
  }
  const breakAt = isRecord(thresholds) ? thresholds.break : undefined;
  if (breakAt !== undefined && breakAt !== null && typeof breakAt !== 'number') {
    throw new UsageError(`${path}: \`thresholds.break\` must be a number or null`);
  }
  return { mutate: mutate.map(normalise), breakAt: breakAt ?? null };
}

function checkReport(report: unknown, path: string): Report {
  if (!isRecord(report) || !isRecord(report.files)) {
    throw new UsageError(`${path} is not a Stryker JSON report: it has no \`files\` object`);
  }
  for (const [file, entry] of Object.entries(report.files)) {
    const mutants = isRecord(entry) ? entry.mutants : undefined;
    if (
      !Array.isArray(mutants) ||
      !mutants.every((m) => isRecord(m) && typeof m.status === 'string')
    ) {
      throw new UsageError(`${path}: ${file} has no list of mutants with a status`);
    }
  }
  const files = Object.fromEntries(
    Object.entries(report.files).map(([file, entry]) => [normalise(file), entry]),
  );
  return { files } as Report;
}

function percent(score: number | null): string {
  return score === null ? 'n/a' : `${score.toFixed(2)} %`;
}

/** Where the gate writes: the table to `out`, the reasons it fails to `err`. */
export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs the gate; returns the exit code: 0 pass, 1 the gate fails, 2 it cannot run. */
export function main(args: readonly string[], output: Output = consoleOutput): number {
  try {
    return gate(args, output);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`mutation-score: ${error.message}`);
    return 2;
  }
}

function gate(args: readonly string[], { out, err }: Output): number {
  const options = parseArguments(args);
  const { mutate, breakAt } = readStrykerConfig(options.config);
  const floor = options.floor ?? breakAt ?? 85;
  const report = checkReport(readJson(options.report, 'report'), options.report);
  const scores = fileScores(report);

  out(`${options.report}, floor ${floor} %`);
  out('| file | killed | timeout | survived | no coverage | compile errors | score |');
  out('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of scores) {
    out(
      `| ${s.file} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.compileErrors} | ${percent(s.score)} |`,
    );
  }

  const problems: string[] = [];
  if (scores.length === 0) problems.push(`${options.report} has no files: nothing was measured`);
  const reported = new Set(scores.map((s) => s.file));
  for (const file of mutate) {
    if (!reported.has(file)) {
      problems.push(`${file} is in ${options.config}'s \`mutate\` list but not in the report`);
    }
  }
  for (const s of scores) {
    if (s.unfinished > 0) {
      problems.push(`${s.file}: ${s.unfinished} mutants have no final status (an unfinished run?)`);
    } else if (s.score === null || !Number.isFinite(s.score)) {
      problems.push(`${s.file}: no score (no mutant was killed, survived or left uncovered)`);
    }
  }
  for (const s of belowFloor(scores, floor)) {
    problems.push(`${s.file}: ${percent(s.score)} is below ${floor} %`);
  }
  for (const problem of problems) err(problem);
  return problems.length > 0 ? 1 : 0;
}

const consoleOutput: Output = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replaceAll('\\', '/'))) {
  process.exitCode = main(process.argv.slice(2));
}
