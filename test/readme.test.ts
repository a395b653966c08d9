import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionMachine } from '../src/core/machine.js';
import { transitionSet } from './support/transition-set.js';
import { projectRoot, typecheckSnippets, typescriptBlocks } from './support/typecheck.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('has TypeScript examples, and every one of them type-checks against the source', () => {
    const blocks = typescriptBlocks(readme);
    expect(blocks.length).toBeGreaterThan(0);
    const snippets = Object.fromEntries(
      blocks.map((code, index) => [`readme-example-${index}.mts`, code]),
    );
    expect(typecheckSnippets(snippets)).toEqual([]);
  }, 60_000);

  it('gives the two Quick start commands', () => {
    expect(readme).toContain('npm install && npm run demo');
    expect(readme).toContain('npm install && npm test');
  });

  it('quotes the transition coverage figure the model test prints', () => {
    const total = transitionSet(connectionMachine).size;
    expect(readme).toContain(`covered ${total}/${total} transitions`);
  });
});
