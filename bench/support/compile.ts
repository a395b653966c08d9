import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = fileURLToPath(new URL('../.scratch/build/', import.meta.url));

/**
 * Compiles the sources and the benchmark's client to plain JavaScript under
 * bench/.scratch/build/, file by file (as the package's own tsc build does),
 * and returns the path of `file` there. The client then runs on plain node.
 *
 * Running it through tsx instead would measure tsx: it keeps function names
 * by wrapping every closure in `__name()`, which gives each closure a
 * property dictionary of its own (about 256 bytes a closure, and a call per
 * closure created), which neither the published package nor a user's
 * bundler adds.
 */
export async function compiled(file: string): Promise<string> {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/**/*.ts', 'bench/*.ts', 'bench/peers/*.ts', 'bench/support/*.ts'],
    outbase: '.',
    outdir: out,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  return `${out}${file.replace(/\.ts$/, '.js')}`;
}
