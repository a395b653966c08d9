import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root: children run there so that `--import tsx` resolves. */
export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A message from a child: one JSON object per line of its stdout. */
export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

export interface SpawnedScript {
  command: string;
  args: string[];
  /** Names the child in errors. */
  label: string;
}

/**
 * A child process spoken to in JSON lines: commands on its stdin, messages
 * on its stdout (every message is kept, in order). Its stderr is kept for
 * error reports. A child of this suite exits when its stdin closes, so it
 * cannot outlive the test process.
 */
export class ChildChannel {
  readonly label: string;
  readonly messages: ChildMessage[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #process: ChildProcess;
  readonly #waiters = new Set<() => void>();
  #stderr = '';
  #stdoutRest = '';
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor({ command, args, label }: SpawnedScript) {
    this.label = label;
    this.#process = spawn(command, args, {
      cwd: repositoryRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#process.stdout?.setEncoding('utf8');
    this.#process.stdout?.on('data', (chunk: string) => this.#read(chunk));
    this.#process.stderr?.setEncoding('utf8');
    this.#process.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-8000);
    });
    this.#process.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.#process.on('exit', (code, signal) => {
        this.#exit = { code, signal };
        this.#wake();
        resolve({ code, signal });
      });
    });
  }

  /** The process id (`ip netns exec` execs the command, so this is node's own). */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  get stderr(): string {
    return this.#stderr;
  }

  send(command: object): void {
    this.#process.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  /** Sends a signal to this child (only this one, by its pid); ignored once it has exited. */
  kill(signal: NodeJS.Signals): void {
    if (this.#exit === null) this.#process.kill(signal);
  }

  /**
   * Resolves with the first message, at index `from` or later, that
   * satisfies `predicate`; rejects after `ms`, or if the child exits first.
   */
  waitFor<T extends ChildMessage = ChildMessage>(
    predicate: (message: ChildMessage) => boolean,
    ms: number,
    what: string,
    from = 0,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      let index = from;
      const check = () => {
        for (; index < this.messages.length; index += 1) {
          const message = this.messages[index] as ChildMessage;
          if (predicate(message)) {
            done();
            resolve(message as T);
            return;
          }
        }
        if (this.#exit) {
          done();
          reject(
            new Error(
              `${this.label} exited (${JSON.stringify(this.#exit)}) before ${what}${this.#stderrTail()}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.label}: no ${what} within ${ms} ms${this.#stderrTail()}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  #stderrTail(): string {
    const tail = this.#stderr.trim().split('\n').slice(-15).join('\n');
    return tail ? `\n--- ${this.label} stderr ---\n${tail}` : '';
  }

  #read(chunk: string): void {
    const lines = (this.#stdoutRest + chunk).split('\n');
    this.#stdoutRest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        this.messages.push(JSON.parse(line) as ChildMessage);
      } catch {
        this.messages.push({ type: 'text', text: line });
      }
    }
    this.#wake();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
