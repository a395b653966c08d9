import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // Tests that use the package as a user would (`lifeline-ws`, `lifeline-ws/testing`) get the source.
  resolve: {
    alias: [
      { find: /^lifeline-ws$/, replacement: source('index.ts') },
      { find: /^lifeline-ws\/(.+)$/, replacement: source('$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
