import { defineConfig } from 'vitest/config';

// Real network faults (`sudo npm run test:chaos`): needs root and iproute2.
// The files are named *.chaos.ts so that vitest.config.ts (test/**/*.test.ts) leaves them out.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
