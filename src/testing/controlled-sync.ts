import type { SyncReturn } from '../client/options.js';
import type { SyncContext } from '../client/sync-context.js';

interface Waiting {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A `sync` option whose every run waits until the test ends it with
 * `resolve()` (the connection goes live) or `reject(error)` (the attempt
 * fails), so a test can hold a connection in `syncing` as long as it likes.
 * Given your app's own sync, each run runs it first and returns its result.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 * import { ControlledSync, FakeTransport, settle } from 'lifeline-ws/testing';
 *
 * const transport = new FakeTransport();
 * const gate = new ControlledSync();
 * const connection = createConnection({
 *   url: 'ws://app.test/',
 *   WebSocket: transport.WebSocket,
 *   sync: gate.sync,
 * });
 * await settle();
 * transport.socket.open();
 * await settle();
 * connection.status.state; // 'syncing', until:
 * gate.resolve();
 * await settle();
 * connection.status.state; // 'connected'
 * connection.close();
 * ```
 */
export class ControlledSync {
  /** What each run was given, oldest first. */
  readonly runs: SyncContext[] = [];
  readonly #app: ((context: SyncContext) => SyncReturn | Promise<SyncReturn>) | undefined;
  readonly #waiting: Waiting[] = [];

  constructor(app?: (context: SyncContext) => SyncReturn | Promise<SyncReturn>) {
    this.#app = app;
  }

  /** The function to pass as the `sync` option. */
  readonly sync = async (context: SyncContext): Promise<SyncReturn> => {
    this.runs.push(context);
    const result = this.#app ? await this.#app(context) : undefined;
    await new Promise<void>((resolve, reject) => {
      const waiting: Waiting = { resolve, reject };
      this.#waiting.push(waiting);
      // A run the connection abandoned (a drop, a timeout) can no longer be ended.
      context.signal.addEventListener('abort', () => this.#forget(waiting), { once: true });
    });
    return result;
  };

  /** Whether a run waits to be ended. */
  get waiting(): boolean {
    return this.#waiting.length > 0;
  }

  /** Ends the latest waiting run successfully. */
  resolve(): void {
    this.#take('resolve').resolve();
  }

  /** Ends the latest waiting run with `error`. */
  reject(error: unknown = new Error('sync failed')): void {
    this.#take('reject').reject(error);
  }

  #take(action: string): Waiting {
    const latest = this.#waiting.pop();
    if (!latest) throw new Error(`${action}(): no sync is running`);
    return latest;
  }

  #forget(waiting: Waiting): void {
    const index = this.#waiting.indexOf(waiting);
    if (index >= 0) this.#waiting.splice(index, 1);
  }
}
