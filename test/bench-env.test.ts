import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environment, versionOf } from '../bench/support/env.js';

const installed = (name: string) =>
  (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string })
    .version;

describe("the benchmark page's package versions", () => {
  it('finds packages whose exports hide their package.json (vega, vega-lite, partysocket)', () => {
    for (const name of ['vega', 'vega-lite', 'partysocket', 'ws', 'xstate']) {
      expect(versionOf(name), name).toBe(installed(name));
    }
  });

  it('lists every measured package as installed, and says so for one that is not', () => {
    const missing = environment().versions.filter((v) => v.version === 'not installed');
    expect(missing).toEqual([]);
    expect(versionOf('a-package-that-is-not-installed')).toBe('not installed');
  });
});
