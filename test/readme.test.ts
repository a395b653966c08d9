import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from '../src/core/errors/index.js';
import { connectionMachine } from '../src/core/machine.js';
import { connectionPaths } from '../src/testing/index.js';
import { errorCodeOf, lifelineErrorCodes } from './support/error-codes.js';
import { transitionSet } from './support/transition-set.js';
import { projectRoot, typecheckSnippets, typescriptBlocks } from './support/typecheck.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

/** The text of the README's section `title`, up to the next section of its level or above. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`the README has no section "${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

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

  it('lists in its API section exactly the names the main entry exports', async () => {
    const entry = await import('../src/index.js');
    const source = readFileSync(join(projectRoot, 'src', 'index.ts'), 'utf8');
    const exported = [...source.matchAll(/export (?:type )?\{([^}]*)\}/g)]
      .flatMap((match) => (match[1] ?? '').split(','))
      .map((name) => name.replace('type ', '').trim())
      .filter(Boolean);
    const listed = section('API')
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('`')[1]);
    expect([...listed].sort()).toEqual([...exported].sort());
    // Every listed value really is exported at run time (types leave no trace).
    const values = Object.keys(entry).sort();
    expect(values.every((name) => listed.includes(name))).toBe(true);
  });

  describe('Errors section', () => {
    const section = readme.split('\n### Errors\n')[1]?.split('\n### ')[0] ?? '';
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim().replaceAll('`', '')));

    it('says to match on error.code', () => {
      expect(section).toContain('Match on `error.code`');
    });

    it('lists exactly the codes of LifelineErrorCode', () => {
      const codes = new Set(rows.map(([, , code]) => code));
      expect([...codes].sort()).toEqual([...lifelineErrorCodes()].sort());
    });

    it('lists every error class once, with its code', () => {
      const classes = Object.entries(errors)
        .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
        .map(([name]) => name)
        .filter((name) => name !== 'LifelineError');
      expect(rows.map(([, name]) => name).sort()).toEqual(classes.sort());
      for (const [, name = '', code] of rows) expect(code, name).toBe(errorCodeOf[name]);
    });
  });

  describe('the recipe "Test your app against every path of the statechart"', () => {
    const recipe = typescriptBlocks(
      section('Test your app against every path of the statechart'),
    )[0];
    const file = readFileSync(join(projectRoot, 'test', 'testing-recipe.test.ts'), 'utf8');

    it('is test/testing-recipe.test.ts, verbatim from its first import on', () => {
      expect(recipe).toBeDefined();
      expect(file.slice(file.search(/^import /m))).toBe(recipe);
    });

    it('imports only the public entry points (and vitest)', () => {
      const imported = [...(recipe ?? '').matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      expect(new Set(imported)).toEqual(new Set(['lifeline-ws', 'lifeline-ws/testing', 'vitest']));
    });

    it('quotes the number of paths connectionPaths() makes', () => {
      expect(readme).toContain(`${connectionPaths().length} for the two default configurations`);
    });
  });
});
