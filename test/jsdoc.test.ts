import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './support/typecheck.js';

const entryPoints = [
  'src/index.ts',
  'src/server/index.ts',
  'src/inspect/index.ts',
  'src/testing/index.ts',
];

interface ExportDoc {
  name: string;
  isValue: boolean;
  hasDoc: boolean;
  hasExample: boolean;
}

function exportDocs(entry: string): ExportDoc[] {
  const file = join(projectRoot, entry);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${entry}`);
  const module = checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${entry} has no exports`);
  return checker.getExportsOfModule(module).map((exported) => {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const tags = symbol.getJsDocTags(checker);
    const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker));
    return {
      name: exported.name,
      isValue: (symbol.flags & ts.SymbolFlags.Value) !== 0,
      hasDoc: doc.trim().length > 0,
      hasExample: tags.some((tag) => tag.name === 'example'),
    };
  });
}

describe('public API documentation', () => {
  const docs = entryPoints.flatMap(exportDocs);

  it('documents every export', () => {
    expect(docs.filter((d) => !d.hasDoc).map((d) => d.name)).toEqual([]);
  });

  it('gives every exported function, class and constant an @example', () => {
    expect(docs.filter((d) => d.isValue && !d.hasExample).map((d) => d.name)).toEqual([]);
  });
});
