import { defineConfig } from 'vitest/config';
import { LoadFailureAsFailedTest, QuickFilesFirst } from './test/support/mutation-run.js';

/**
 * The docs test compares docs/statechart.md with what the generator makes of
 * the machine, so it fails on nearly any change to the machine's definition,
 * whether or not a user could tell. Left out, the score counts only mutants
 * that tests of behaviour (and the hand-written transition table) detect.
 * `LIFELINE_MUTATION_WITH_DOCS=1 npm run test:mutation` puts it back, to
 * compare.
 */
const docsTest = process.env.LIFELINE_MUTATION_WITH_DOCS === '1' ? ['test/docs.test.ts'] : [];

/**
 * The tests `npm run test:mutation` (Stryker) runs against each mutant of
 * src/core/backoff.ts, src/core/machine.ts, src/core/retry-policy.ts, src/client/delivery/outbox.ts,
 * src/client/delivery/outgoing-data.ts and src/client/status.ts: the unit
 * tests of the pure modules. No sockets, no child processes, no compiler:
 * the integration, reliability, server and demo tests are slow and add
 * nothing for these modules.
 */
export default defineConfig({
  test: {
    include: [
      ...docsTest,
      'test/validation.test.ts',
      'test/backoff*.test.ts',
      'test/seed.test.ts',
      'test/machine*.test.ts',
      'test/model/**/*.test.ts',
      'test/status*.test.ts',
      'test/outbox*.test.ts',
      'test/receipt.test.ts',
      'test/retry-after.test.ts',
      'test/liveness.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: [new LoadFailureAsFailedTest(), 'default'],
    sequence: { sequencer: QuickFilesFirst },
  },
});
