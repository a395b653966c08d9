import { type Actor, createActor } from 'xstate';
import { type CloseInfo, defaultClassifyClose, isCloseDisposition } from '../core/close-policy.js';
import { describeError } from '../core/describe-error.js';
import { type ConnectionError, UserCallbackError } from '../core/errors/index.js';
import type { ConnectionMachine } from '../core/machine.js';
import { type ConnectionConfig, withClock } from '../core/machine-config.js';
import { checkCloseArguments } from './check-close.js';
import { ConnectionCore } from './connection-core.js';
import type { OutgoingData } from './delivery/outgoing-data.js';
import type { Receipt } from './delivery/receipt.js';
import type { IncomingData } from './incoming-data.js';
import type { ConnectionOptions } from './options.js';
import { resolveConnectionOptions } from './resolve-options.js';
import { attachRuntime, connectionLogic, connectionSystemId } from './runtime.js';
import type { SessionInfo } from './session/session-state.js';
import type { Status } from './status.js';
import type { SubscribeOptions } from './status-publisher.js';
import { watchNetwork } from './watch-network.js';

export type { SubscribeOptions } from './status-publisher.js';

/**
 * A WebSocket that stays alive: the handle `createConnection` returns.
 */
export interface Connection {
  /**
   * Sends a message, or queues it until the connection is live and synced.
   * Never throws because the socket is down; returns the message's receipt.
   */
  send(data: OutgoingData): Receipt;
  /** Listens to inbound messages (ack frames excluded); returns an unsubscribe. */
  onMessage(listener: (data: IncomingData) => void): () => void;
  /**
   * Listens to every failure (overflow drops, fatal closes, unreadable
   * frames ...); returns an unsubscribe. `error.code` narrows the type.
   */
  onError(listener: (error: ConnectionError) => void): () => void;
  /** The current status, computed when read. */
  readonly status: Status;
  /**
   * Listens to the status: called at once with the current status, then on
   * every change, never twice with the same status. Returns an unsubscribe.
   * With `{ counts: false }` it is called only when something other than the
   * `queued`/`inFlight` counters changes (a badge that shows the state need
   * not re-render for every message sent and acknowledged).
   */
  subscribe(listener: (status: Status) => void, options?: SubscribeOptions): () => void;
  /** Skips the wait: reconnects now, as a fresh series (also leaves `failed`). */
  retryNow(): void;
  /** Tells the connection whether the network is up (browsers do this from `online`/`offline`). */
  setOnline(online: boolean): void;
  /** Re-runs `sync` on the live socket, holding the outbox meanwhile. */
  resync(): void;
  /**
   * Closes for good: the socket closes with `code` and `reason`, timers stop,
   * messages still queued are dropped with a `ConnectionClosedError`.
   */
  close(code?: number, reason?: string): void;
  /** The running XState actor, for the inspector and advanced use. */
  readonly actor: Actor<ConnectionMachine>;
  /**
   * Session mode: the client id, epoch, downstream offset and upstream
   * `ackedThrough` of the session (never its token); undefined without
   * `session`.
   */
  readonly session: SessionInfo | undefined;
  /**
   * Session mode: the app has reloaded its state after a
   * `ResyncRequiredError`; `status.reset` goes back to false.
   */
  acknowledgeReset(): void;
}

class LifelineConnection implements Connection {
  readonly actor: Actor<ConnectionMachine>;
  /** Everything inside; also what the machine's actors and actions reach (see ConnectionCore). */
  readonly #core: ConnectionCore;
  #closeRequest: { code: number; reason: string } | null = null;
  #stopWatchingNetwork: (() => void) | undefined;

  constructor(options: ConnectionOptions) {
    const core = new ConnectionCore(resolveConnectionOptions(options));
    this.#core = core;
    this.actor = createActor(connectionLogic, {
      input: this.#reportingMachineConfig(),
      clock: core.options.clock,
      systemId: connectionSystemId,
      ...(core.options.inspect ? { inspect: core.options.inspect } : {}),
    });
    core.actor = this.actor;
    attachRuntime(this.actor, core);
    this.actor.subscribe(core);
    this.actor.start();
    this.actor.send({ type: 'START' });
    if (core.options.watchNetwork) {
      this.#stopWatchingNetwork = watchNetwork({
        online: (up) => this.setOnline(up),
        visible: () => core.session?.probeNow(),
      });
    }
  }

  /**
   * The machine's options with the user's `random` and `classifyClose`
   * watched: a call that throws or answers nonsense is reported here, and the
   * machine falls back to a safe answer, so a bug in a callback never stops
   * the reconnecting.
   */
  #reportingMachineConfig(): ConnectionConfig {
    const config = this.#core.options.machine;
    const { random } = config.backoff;
    const { classifyClose } = config;
    // The defaults cannot misbehave: nothing to watch, and no config of its own per connection.
    if (random === Math.random && classifyClose === defaultClassifyClose) return config;
    const isDraw = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 1;
    // Object.assign, not spreads: see withClock.
    return withClock(
      config.clock,
      Object.assign({}, config, {
        backoff: Object.freeze(
          Object.assign({}, config.backoff, {
            random: () => this.#watched('random', random, isDraw, 'not a number in [0, 1)'),
          }),
        ),
        classifyClose: (close: CloseInfo) =>
          this.#watched(
            'classifyClose',
            () => classifyClose(close),
            isCloseDisposition,
            'not a disposition',
          ),
      }),
    );
  }

  /** Calls a user callback for the machine, reporting a throw (rethrown) or an answer `valid` refuses. */
  #watched<T>(
    option: string,
    call: () => T,
    valid: (value: unknown) => boolean,
    expected: string,
  ): T {
    let value: T;
    try {
      value = call();
    } catch (error) {
      this.#core.report(
        new UserCallbackError(option, `threw: ${describeError(error)}`, { cause: error }),
      );
      throw error;
    }
    if (!valid(value)) {
      this.#core.report(
        new UserCallbackError(option, `returned ${describeError(value)}, ${expected}`),
      );
    }
    return value;
  }

  get status(): Status {
    return this.#core.status;
  }

  get session(): SessionInfo | undefined {
    return this.#core.protocol?.info;
  }

  acknowledgeReset(): void {
    this.#core.protocol?.acknowledgeReset();
  }

  send(data: OutgoingData): Receipt {
    return this.#core.delivery.send(data, this.#closeRequest !== null);
  }

  onMessage(listener: (data: IncomingData) => void): () => void {
    return this.#core.inbound.listen(listener);
  }

  onError(listener: (error: ConnectionError) => void): () => void {
    const core = this.#core;
    core.errorListeners ??= new Set();
    const listeners = core.errorListeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  subscribe(listener: (status: Status) => void, options: SubscribeOptions = {}): () => void {
    return this.#core.statuses.subscribe(listener, options);
  }

  retryNow(): void {
    this.actor.send({ type: 'RETRY' });
  }

  setOnline(online: boolean): void {
    this.actor.send({ type: online ? 'ONLINE' : 'OFFLINE' });
  }

  resync(): void {
    this.actor.send({ type: 'RESYNC' });
  }

  close(code = 1000, reason = ''): void {
    checkCloseArguments(code, reason);
    if (this.#closeRequest) return;
    this.#closeRequest = { code, reason };
    this.#stopWatchingNetwork?.();
    // Emptied before the machine closes, so that listeners see `closed` once, with nothing held.
    this.#core.delivery.settleAtClose();
    this.actor.send({ type: 'CLOSE', code, reason });
    this.actor.stop();
    this.#core.statuses.publish();
  }
}

/**
 * Opens a WebSocket that reconnects with backoff, queues messages while
 * disconnected and sends them in order once `sync` is done, notices dead
 * sockets with a heartbeat, and reports its status.
 *
 * @example
 * ```ts
 * import { createConnection, formatStatus } from 'lifeline-ws';
 *
 * const connection = createConnection({
 *   url: 'wss://chat.example.com/socket',
 *   ack: true,
 *   sync: async ({ send, lastAckedId }) => send(JSON.stringify({ type: 'resume', lastAckedId })),
 * });
 * connection.subscribe((status) => console.error(formatStatus(status)));
 * connection.onMessage((data) => console.log(String(data)));
 * const receipt = connection.send('hello');
 * await receipt.settled; // acked, or dropped/rejected with an error
 * connection.close();
 * ```
 */
export function createConnection(options: ConnectionOptions): Connection {
  return new LifelineConnection(options);
}
