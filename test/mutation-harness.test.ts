import type { RunnerTestFile } from 'vitest';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { belowFloor, fileScores } from '../scripts/mutation-score.js';
import { markLoadFailure, QuickFilesFirst } from './support/mutation-run.js';

function testFile(overrides: Partial<RunnerTestFile>): RunnerTestFile {
  return {
    type: 'suite',
    id: 'f1',
    name: 'test/machine.test.ts',
    filepath: '/repo/test/machine.test.ts',
    mode: 'run',
    meta: {},
    tasks: [],
    projectName: '',
    file: undefined as never,
    ...overrides,
  } as RunnerTestFile;
}

describe('a test file that fails to load, in a mutation run', () => {
  it('becomes one failed test carrying the load error, so the mutant counts as killed', () => {
    const error = { message: "Child state node '#connection' does not exist" };
    const file = testFile({ result: { state: 'fail', errors: [error] } });
    markLoadFailure(file);
    expect(file.tasks).toHaveLength(1);
    expect(file.tasks[0]).toMatchObject({
      type: 'test',
      name: 'loads',
      file,
      suite: file,
      result: { state: 'fail', errors: [error] },
    });
  });

  it('leaves a file that loaded alone, whether its tests passed or failed', () => {
    const failedTest = testFile({ result: { state: 'fail' } });
    failedTest.tasks.push({ type: 'test', name: 'a test' } as never);
    markLoadFailure(failedTest);
    expect(failedTest.tasks).toHaveLength(1);

    const passed = testFile({ result: { state: 'pass' } });
    markLoadFailure(passed);
    expect(passed.tasks).toEqual([]);

    const notRun = testFile({});
    markLoadFailure(notRun);
    expect(notRun.tasks).toEqual([]);
  });
});

describe('the order of test files in a mutation run', () => {
  it('puts the quick, focused files first, the slow property tests last, the rest by name', async () => {
    const names = [
      'test/machine.property.test.ts',
      'test/retry-after.test.ts',
      'test/model/machine.model.test.ts',
      'test/status.test.ts',
      'test/docs.test.ts',
      'test/liveness.test.ts',
      'test/machine.test.ts',
    ];
    const specs = names.map((name) => ({ moduleId: `/repo/${name}` }) as TestSpecification);
    const sequencer = new QuickFilesFirst({ config: { root: '/repo' } } as Vitest);
    const sorted = await sequencer.sort(specs);
    expect(sorted.map((spec) => spec.moduleId.replace('/repo/', ''))).toEqual([
      'test/docs.test.ts',
      'test/machine.test.ts',
      'test/status.test.ts',
      'test/model/machine.model.test.ts',
      'test/machine.property.test.ts',
      'test/liveness.test.ts',
      'test/retry-after.test.ts',
    ]);
  });
});

describe('the mutation score of each file', () => {
  const mutants = (counts: Record<string, number>) =>
    Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status })));
  const report = {
    files: {
      'src/client/delivery/outbox.ts': {
        mutants: mutants({ Killed: 100, Timeout: 8, Survived: 17, CompileError: 52 }),
      },
      'src/core/machine.ts': { mutants: mutants({ Killed: 139, Timeout: 1, NoCoverage: 1 }) },
      'src/empty.ts': { mutants: mutants({ CompileError: 3 }) },
    },
  };

  it("counts killed and timed-out mutants as detected, and leaves compile errors out, as Stryker's table does", () => {
    const scores = fileScores(report);
    expect(scores.map((s) => s.file)).toEqual([
      'src/client/delivery/outbox.ts',
      'src/core/machine.ts',
      'src/empty.ts',
    ]);
    expect(scores[1]?.score).toBeCloseTo((100 * 140) / 141, 10);
    expect(scores[0]).toMatchObject({ survived: 17, compileErrors: 52 });
    expect(scores[0]?.score).toBeCloseTo(86.4, 10);
    expect(scores[2]?.score).toBeNull();
  });

  it('names the files below the floor, and none without a score', () => {
    const scores = fileScores(report);
    expect(belowFloor(scores, 85)).toEqual([]);
    expect(belowFloor(scores, 90).map((s) => s.file)).toEqual(['src/client/delivery/outbox.ts']);
  });
});
