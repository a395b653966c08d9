import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { projectRoot } from './typecheck.js';

/** A `lifeline` CLI process run from source, with what it printed so far. */
export interface CliRun {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Writes lines to stdin. */
  type(...lines: string[]): void;
  /** Ends stdin (Ctrl-D). */
  end(): void;
  /** Resolves once `pattern` appears in the stream (after `from` characters); rejects after `ms`. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, ms?: number, from?: number): Promise<void>;
  /** The exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

/** Spawns `lifeline ...args` from src/ (no build needed); killed when the test ends. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    wake();
  });
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      wake();
    });
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const text = (stream: 'stdout' | 'stderr') => (stream === 'stdout' ? stdout : stderr);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    type: (...lines) => {
      child.stdin.write(lines.map((line) => `${line}\n`).join(''));
    },
    end: () => child.stdin.end(),
    waitFor: (stream, pattern, ms = 10_000, from = 0) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(text(stream).slice(from))) {
            finish();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`exited before ${pattern} on ${stream}:\n${stdout}\n---\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(`no ${pattern} on ${stream} within ${ms} ms:\n${stdout}\n---\n${stderr}`),
          );
        }, ms);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    exited,
  };
}
