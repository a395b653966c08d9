import type { AnyEventObject } from 'xstate';
import type { Connection } from '../client/create-connection.js';
import type { ConnectionOptions } from '../client/options.js';
import type { ConnectionPath, PathStep } from './connection-paths.js';
import { ControlledSync } from './controlled-sync.js';
import { describeState } from './describe-step.js';
import type { FakeSocket } from './fake-socket.js';
import { FakeTransport } from './fake-transport.js';
import { settle } from './settle.js';
import { TestClock } from './test-clock.js';
import type { TransitionCoverage } from './transition-coverage.js';

const afterPrefix = 'xstate.after.';
/** The fields of a DROP that a socket can produce: a close frame, or a refused upgrade. */
const socketFields = new Set(['type', 'code', 'reason', 'status', 'retryAfter']);

/** What a {@link PathDriver} takes besides the path. */
export interface PathDriverOptions {
  /** Records the transitions the connection takes. */
  coverage?: TransitionCoverage;
  /** Your app's `sync`: each run runs it, then waits for the path to end it. */
  sync?: ConnectionOptions['sync'];
  /** @default 'ws://lifeline.test/' */
  url?: string;
}

/** The options a driver gives `createConnection`: spread them into yours. */
export type DrivenOptions = ConnectionOptions &
  Required<Pick<ConnectionOptions, 'url' | 'WebSocket' | 'clock' | 'sync'>>;

type StepAction = (event: AnyEventObject, connection: Connection) => void;

/**
 * Takes a {@link ConnectionPath} through a real connection: the one
 * `createConnection` returns (with your app around it), given the driver's
 * `options`. Each step goes in the way it would in production, through the
 * public API and the socket: OPEN opens the {@link FakeSocket}, DROP closes
 * or refuses it, `after(...)` lets exactly that much simulated time pass,
 * `done(sync)` and `error(sync)` end the sync, RETRY is `retryNow()`, and so
 * on. An event with no way in through them (a crash of the transport, a
 * DROP with a field no socket event carries) is sent to the actor. After
 * each step it checks that the connection is where the path says, and
 * throws if not.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 * import { connectionPaths, PathDriver } from 'lifeline-ws/testing';
 *
 * for (const path of connectionPaths()) {
 *   const driver = new PathDriver(path);
 *   const connection = createConnection({ ...driver.options });
 *   for (const step of path.steps) {
 *     await driver.take(step, connection);
 *     // check your app here
 *   }
 *   connection.close();
 * }
 * ```
 */
export class PathDriver {
  readonly path: ConnectionPath;
  /** The simulated time the connection runs on. */
  readonly clock = new TestClock();
  /** The sockets the connection opens. */
  readonly transport = new FakeTransport();
  /** The sync the steps `done(sync)` and `error(sync)` end. */
  readonly sync: ControlledSync;
  /**
   * For `createConnection`: the path's machine options, the fake transport,
   * the clock, the controlled sync, and the coverage's `inspect`; the
   * platform's online/offline events are not watched (the path says when).
   */
  readonly options: DrivenOptions;
  readonly #actions: Record<string, StepAction>;

  constructor(path: ConnectionPath, options: PathDriverOptions = {}) {
    this.path = path;
    this.sync = new ControlledSync(options.sync);
    this.options = {
      ...path.options,
      url: options.url ?? 'ws://lifeline.test/',
      WebSocket: this.transport.WebSocket,
      clock: this.clock,
      sync: this.sync.sync,
      watchNetwork: false,
      ...(options.coverage ? { inspect: options.coverage.inspect } : {}),
    };
    this.#actions = {
      // createConnection starts the connection itself.
      START: () => undefined,
      OPEN: () => this.#socket().open(),
      DROP: (event, connection) => this.#drop(event, connection),
      RESYNC: (_, connection) => connection.resync(),
      RETRY: (_, connection) => connection.retryNow(),
      ONLINE: (_, connection) => connection.setOnline(true),
      OFFLINE: (_, connection) => connection.setOnline(false),
      CLOSE: (event, connection) =>
        connection.close(
          typeof event.code === 'number' ? event.code : undefined,
          typeof event.reason === 'string' ? event.reason : undefined,
        ),
      'xstate.done.actor.sync': () => this.sync.resolve(),
      'xstate.error.actor.sync': (event) => this.sync.reject(event.error),
    };
  }

  /** Takes one step of the path, then checks the connection reached the step's state. */
  async take(step: PathStep, connection: Connection): Promise<void> {
    const { event } = step;
    try {
      if (event.type.startsWith(afterPrefix)) this.#letTimePass(event.type, connection);
      else {
        const action = this.#actions[event.type];
        if (action) action(event, connection);
        else connection.actor.send(event as never);
      }
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      throw new Error(`${step.description}: ${problem}`, { cause: error });
    }
    await settle();
    const reached = describeState(connection.actor.getSnapshot());
    if (reached !== step.to) {
      throw new Error(`after ${step.description}: the connection is in ${reached}`);
    }
  }

  /** The socket of the current attempt. */
  #socket(): FakeSocket {
    const { socket } = this.transport;
    if (socket.readyState > 1) throw new Error('the current socket is already closed');
    return socket;
  }

  #drop(event: AnyEventObject, connection: Connection): void {
    if (Object.keys(event).some((field) => !socketFields.has(field))) {
      // A field no socket event carries (the transport's own verdict ...): straight to the actor.
      connection.actor.send(event as never);
      return;
    }
    const socket = this.#socket();
    const { code, reason, status, retryAfter } = event;
    if (typeof status === 'number') {
      const headers: Record<string, string> = {};
      if (typeof retryAfter === 'number' && retryAfter % 1000 === 0) {
        headers['retry-after'] = String(retryAfter / 1000);
      } else if (typeof retryAfter === 'number') {
        headers['retry-after-ms'] = String(retryAfter);
      }
      socket.refuse(status, headers);
    } else {
      socket.serverClose(
        typeof code === 'number' ? code : undefined,
        typeof reason === 'string' ? reason : undefined,
      );
    }
  }

  /**
   * A delayed transition: lets its delay pass, computed from the context as
   * the machine computes it; checks that nothing happened 1 ms before.
   */
  #letTimePass(type: string, connection: Connection): void {
    const name = type.slice(afterPrefix.length).split('.')[0] ?? '';
    const delays = connection.actor.logic.implementations.delays as Record<string, unknown>;
    const delay = delays[name];
    const snapshot = connection.actor.getSnapshot();
    const ms =
      typeof delay === 'function'
        ? (delay as (args: unknown) => number)({ context: snapshot.context, event: { type } })
        : Number(delay);
    if (!Number.isFinite(ms)) throw new Error(`no delay named ${name}`);
    if (ms >= 1) {
      const before = describeState(snapshot);
      this.clock.advance(ms - 1);
      const early = describeState(connection.actor.getSnapshot());
      if (early !== before) throw new Error(`${name} (${ms} ms) fired early: ${early}`);
    }
    this.clock.advance(Math.min(1, ms));
  }
}
