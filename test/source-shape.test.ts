import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './support/typecheck.js';

/** The redesign's bounds: a file holds one concept, a function one step. */
const maxFileLines = 320;
const maxFunctionLines = 80;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(join(projectRoot, 'src')).map((path) => ({
  name: relative(projectRoot, path),
  text: readFileSync(path, 'utf8'),
}));

/** Every function, method and arrow function with a body, and how many lines it spans. */
function functionLengths(name: string, text: string): { where: string; lines: number }[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: { where: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ where: `${name}:${start + 1}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('the shape of src/', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it(`has no file over ${maxFileLines} lines`, () => {
    const long = files
      .map(({ name, text }) => ({ name, lines: text.split('\n').length }))
      .filter(({ lines }) => lines > maxFileLines);
    expect(long).toEqual([]);
  });

  it(`has no function over ${maxFunctionLines} lines`, () => {
    const long = files
      .flatMap(({ name, text }) => functionLengths(name, text))
      .filter(({ lines }) => lines > maxFunctionLines);
    expect(long).toEqual([]);
  });

  it('keeps src/index.ts a list of exports', () => {
    const index = files.find(({ name }) => name === join('src', 'index.ts'));
    const statements = index?.text.split(/;\s*\n/).filter((part) => part.trim() !== '') ?? [];
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(statement.trim()).toMatch(/^export /);
  });
});
