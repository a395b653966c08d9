import { defineConfig } from 'vitest/config';

// Real Chromium (`npm run test:browser`): needs Debian's `chromium` at /usr/bin/chromium.
// The files are named *.browser.ts so that vitest.config.ts (test/**/*.test.ts) leaves them out.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
