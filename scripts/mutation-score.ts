/**
 * The mutation score of each mutated file, from Stryker's JSON report, and a
 * gate: exits with 1 when a file scores below the floor (85 % unless
 * `--floor N`). Run after `npm run test:mutation`:
 *
 *   npx tsx scripts/mutation-score.ts [reports/mutation/mutation.json] [--floor 85]
 *
 * The score is Stryker's: (killed + timeout) / (killed + timeout + survived +
 * no coverage). Compile errors (mutants the type checker rejects) do not count.
 */
import { readFileSync } from 'node:fs';

export interface FileScore {
  file: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  compileErrors: number;
  /** Percent, or null when no mutant counts. */
  score: number | null;
}

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

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
        score: valid === 0 ? null : (100 * detected) / valid,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

export function belowFloor(scores: FileScore[], floor: number): FileScore[] {
  return scores.filter((s) => s.score !== null && s.score < floor);
}

function main(args: string[]): number {
  const floorAt = args.indexOf('--floor');
  const floor = floorAt === -1 ? 85 : Number(args[floorAt + 1]);
  const path =
    args.find((arg, i) => !arg.startsWith('--') && i !== floorAt + 1) ??
    'reports/mutation/mutation.json';
  const scores = fileScores(JSON.parse(readFileSync(path, 'utf8')) as Report);
  console.log('| file | killed | timeout | survived | no coverage | compile errors | score |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of scores) {
    const score = s.score === null ? 'n/a' : `${s.score.toFixed(2)} %`;
    console.log(
      `| ${s.file} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.compileErrors} | ${score} |`,
    );
  }
  const failing = belowFloor(scores, floor);
  for (const s of failing) console.error(`${s.file}: ${s.score?.toFixed(2)} % is below ${floor} %`);
  return failing.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replaceAll('\\', '/'))) {
  process.exitCode = main(process.argv.slice(2));
}
