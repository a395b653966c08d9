import { defineConfig } from 'vitest/config';

// Real network faults (`sudo npm run test:chaos`): needs root and iproute2.
// The files are named *.chaos.ts so that vitest.config.ts (test/**/*.test.ts) leaves them out.
// The session protocol's property test runs here too, with 3,000 cases instead of 1,000.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts', 'test/session.property.test.ts'],
    env: { LIFELINE_PROPERTY_RUNS: '3000' },
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
