/**
 * Vitest plumbing for `npm run test:mutation` (vitest.mutation.config.ts only;
 * the everyday suite does not use it).
 */
import type { RunnerTestCase, RunnerTestFile } from 'vitest';
import { BaseSequencer, type TestSpecification, type Vitest } from 'vitest/node';
import type { Reporter } from 'vitest/reporters';

/**
 * Turns a test file that failed to load into one failed test.
 *
 * A mutant of code that runs at import time (the machine definition, module
 * constants) can make a module throw as it loads. Vitest then reports the
 * file as failed with no tests, and Stryker's vitest runner (9.6, and 10.0
 * still) builds its verdict from the tests it collected only: no test, no
 * failure, so the mutant counts as survived although no test file importing
 * that module can even run (stryker-js issue 6150). With this reporter the
 * file holds one failed test, "loads", carrying the load error, and the
 * mutant counts as killed. A file that loaded is left alone.
 */
export class LoadFailureAsFailedTest implements Reporter {
  #vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunEnd(): void {
    for (const file of this.#vitest?.state.getFiles() ?? []) markLoadFailure(file);
  }
}

/** Adds the failed "loads" test to `file` when it failed before collecting any test. */
export function markLoadFailure(file: RunnerTestFile): void {
  if (file.result?.state !== 'fail' || file.tasks.length > 0) return;
  // Vitest types a test with a context only it can build; nothing reads it after the run.
  const loads = {
    type: 'test',
    id: `${file.id}_loads`,
    name: 'loads',
    mode: 'run',
    meta: {},
    file,
    suite: file,
    timeout: 0,
    annotations: [],
    artifacts: [],
    result: { state: 'fail', errors: file.result.errors ?? [] },
  } as unknown as RunnerTestCase;
  file.tasks.push(loads);
}

/**
 * Runs the quick, focused test files first and the slow property tests last.
 * Stryker bails at the first failing test, so a mutant that a quick file
 * kills never waits for the slow ones. The default sequencer puts the longest
 * files first, the worst order for a mutation run. Files are ranked by the
 * first prefix of `order` they start with; the rest run last, by name.
 */
export class QuickFilesFirst extends BaseSequencer {
  static readonly order: readonly string[] = [
    'test/docs.test.ts',
    'test/validation.test.ts',
    'test/backoff.test.ts',
    'test/seed.test.ts',
    'test/machine.test.ts',
    'test/machine-',
    'test/status',
    'test/outbox',
    'test/backoff.property.test.ts',
    'test/model/',
    'test/machine.property.test.ts',
  ];

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { order } = QuickFilesFirst;
    const root = `${this.ctx.config.root.replaceAll('\\', '/')}/`;
    const key = (file: TestSpecification) => {
      const path = file.moduleId.replaceAll('\\', '/').replace(root, '');
      const rank = order.findIndex((prefix) => path.startsWith(prefix));
      return { path, rank: rank === -1 ? order.length : rank };
    };
    return files
      .map((file) => ({ file, ...key(file) }))
      .sort((a, b) => a.rank - b.rank || a.path.localeCompare(b.path))
      .map(({ file }) => file);
  }
}
