import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Type-checks snippets as if they were files at the project root that import
 * `lifeline-ws` (resolved to src/). Returns the diagnostics, formatted.
 */
export function typecheckSnippets(snippets: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    baseUrl: projectRoot,
    paths: {
      'lifeline-ws': ['src/index.ts'],
      'lifeline-ws/inspect': ['src/inspect/index.ts'],
      'lifeline-ws/testing': ['src/testing/index.ts'],
      'lifeline-ws/*': ['src/*/index.ts'],
    },
  };
  const files = new Map(
    Object.entries(snippets).map(([name, text]) => [join(projectRoot, name), text]),
  );
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.readFile = (file) => files.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = files.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, ...rest)
      : ts.createSourceFile(file, text, language);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) =>
    ts.formatDiagnostic(diagnostic, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => projectRoot,
      getNewLine: () => '\n',
    }),
  );
}

/** The ```ts blocks of a Markdown text, in order. */
export function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}
