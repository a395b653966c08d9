import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { projectRoot } from '../support/typecheck.js';

/** What a fixture run in a child process did. */
export interface ChildRun<T> {
  /** The exit code; null when it had to be killed (it did not exit on its own). */
  exitCode: number | null;
  /** How long the child ran, in ms, from spawn to exit. */
  ms: number;
  /** The JSON object the fixture printed last on stdout. */
  result: T;
  /** Everything else the child wrote, for failure messages. */
  output: string;
}

/** How long a child may run, and the test's own `onTestFinished` (concurrent tests must pass theirs). */
export interface RunOptions {
  timeout?: number;
  onFinished?: (cleanUp: () => void) => void;
}

/**
 * Runs `test/fixtures/<script>` in a fresh `node --expose-gc --import tsx`
 * and parses the last line of stdout that is a JSON object. The child is
 * killed after `timeout` ms (then `exitCode` is null); it is also killed if
 * the test ends first.
 */
export async function runFixture<T>(
  script: string,
  args: string[] = [],
  { timeout = 100_000, onFinished = onTestFinished }: RunOptions = {},
): Promise<ChildRun<T>> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(projectRoot, 'test/fixtures', script), ...args],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  onFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exitCode = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, timeout);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const ms = Date.now() - started;
  const line = stdout
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('{'));
  const output = `exit ${exitCode} after ${ms} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
  if (line === undefined) throw new Error(`the child printed no JSON result\n${output}`);
  return { exitCode, ms, result: JSON.parse(line) as T, output };
}
