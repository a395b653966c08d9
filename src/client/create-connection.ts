import { type Actor, createActor } from 'xstate';
import { type CloseInfo, isCloseDisposition } from '../core/close-policy.js';
import { describeError } from '../core/describe-error.js';
import {
  type ConnectionError,
  FatalCloseError,
  RetriesExhaustedError,
  SyncFailedError,
  UserCallbackError,
} from '../core/errors/index.js';
import {
  abnormalClosure,
  type ConnectionContext,
  type ConnectionMachine,
} from '../core/machine.js';
import { type ConnectionConfig, withClock } from '../core/machine-config.js';
import { checkCloseArguments } from './check-close.js';
import { Delivery } from './delivery/delivery.js';
import type { OutgoingData } from './delivery/outgoing-data.js';
import type { Receipt } from './delivery/receipt.js';
import { Inbound } from './inbound.js';
import type { IncomingData } from './incoming-data.js';
import { callEach } from './listeners.js';
import type { ConnectionOptions, ResolvedConnectionOptions } from './options.js';
import { resolveConnectionOptions } from './resolve-options.js';
import { runSync } from './run-sync.js';
import { attachRuntime, connectionLogic, connectionSystemId } from './runtime.js';
import { type Status, statusOf } from './status.js';
import { StatusPublisher, type SubscribeOptions } from './status-publisher.js';
import type { SocketSession } from './transport.js';
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
}

class LifelineConnection implements Connection {
  readonly actor: Actor<ConnectionMachine>;
  readonly #options: ResolvedConnectionOptions;
  readonly #delivery: Delivery;
  readonly #inbound: Inbound;
  readonly #statuses: StatusPublisher;
  #errorListeners: Set<(error: ConnectionError) => void> | undefined;
  /** The open socket of the current session, from open to the end of the session. */
  #session: SocketSession | null = null;
  #closeRequest: { code: number; reason: string } | null = null;
  #stopWatchingNetwork: () => void = () => undefined;

  constructor(options: ConnectionOptions) {
    this.#options = resolveConnectionOptions(options);
    const report = (error: ConnectionError) => this.#report(error);
    this.#delivery = new Delivery(this.#options, {
      report,
      countsChanged: () => this.#statuses.countsChanged(),
    });
    this.#inbound = new Inbound(
      this.#options,
      (through) => this.#delivery.acknowledge(through),
      report,
    );
    this.actor = createActor(connectionLogic, {
      input: this.#reportingMachineConfig(),
      clock: this.#options.clock,
      systemId: connectionSystemId,
      ...(this.#options.inspect ? { inspect: this.#options.inspect } : {}),
    });
    attachRuntime(this.actor, {
      options: this.#options,
      opened: (session) => {
        this.#session = session;
      },
      inbound: this.#inbound,
      ended: (session) => {
        if (this.#session === session) this.#session = null;
      },
      closeRequest: () => this.actor.getSnapshot().context.closeRequest,
      report,
      reportFailure: (context) => this.#reportFailure(context),
      reportSyncTimeout: ({ config }) => {
        const detail = `sync did not finish within syncTimeout (${config.syncTimeout} ms)`;
        report(new SyncFailedError(detail, true));
      },
      refusedAsTooLarge: (session) => this.#delivery.refusedAsTooLarge(session),
      sync: (input, signal) => {
        const session = this.#session;
        const userSync = this.#options.sync;
        if (!userSync || !session) return Promise.resolve(undefined);
        const parts = { session, inbound: this.#inbound, delivery: this.#delivery, report };
        return runSync(userSync, input, signal, parts);
      },
      flush: () => {
        if (this.#session) this.#delivery.flush(this.#session);
      },
      hold: () => this.#delivery.hold(),
    });
    this.#statuses = new StatusPublisher(() => this.status);
    this.actor.subscribe({
      next: () => this.#statuses.publish(),
      error: (error) => {
        // Only a callback given to the actor (such as `inspect`) can throw out of it.
        const problem = `threw, and the statechart stopped: ${describeError(error)}`;
        this.#report(new UserCallbackError('inspect', problem, { cause: error }));
      },
    });
    this.actor.start();
    this.actor.send({ type: 'START' });
    if (this.#options.watchNetwork) {
      this.#stopWatchingNetwork = watchNetwork({
        online: (up) => this.setOnline(up),
        visible: () => this.#session?.probeNow(),
      });
    }
  }

  /** The machine entered `failed`: a fatal close, or the last attempt failed. */
  #reportFailure({ failure, lastClose, attempt }: ConnectionContext): void {
    if (failure === 'fatal-close') {
      const options = lastClose?.status === undefined ? {} : { status: lastClose.status };
      const code = lastClose?.code ?? abnormalClosure;
      this.#report(new FatalCloseError(code, lastClose?.reason ?? '', options));
    } else {
      this.#report(new RetriesExhaustedError(attempt, lastClose));
    }
  }

  /**
   * The machine's options with the user's `random` and `classifyClose`
   * watched: a call that throws or answers nonsense is reported here, and the
   * machine falls back to a safe answer, so a bug in a callback never stops
   * the reconnecting.
   */
  #reportingMachineConfig(): ConnectionConfig {
    const config = this.#options.machine;
    const { random } = config.backoff;
    const { classifyClose } = config;
    const isDraw = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 1;
    return withClock(config.clock, {
      ...config,
      backoff: Object.freeze({
        ...config.backoff,
        random: () => this.#watched('random', random, isDraw, 'not a number in [0, 1)'),
      }),
      classifyClose: (close: CloseInfo) =>
        this.#watched(
          'classifyClose',
          () => classifyClose(close),
          isCloseDisposition,
          'not a disposition',
        ),
    });
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
      this.#report(
        new UserCallbackError(option, `threw: ${describeError(error)}`, { cause: error }),
      );
      throw error;
    }
    if (!valid(value)) {
      this.#report(new UserCallbackError(option, `returned ${describeError(value)}, ${expected}`));
    }
    return value;
  }

  get status(): Status {
    const { outbox } = this.#delivery;
    return statusOf(this.actor.getSnapshot(), {
      queued: outbox.queuedCount,
      inFlight: outbox.inFlightCount,
    });
  }

  send(data: OutgoingData): Receipt {
    return this.#delivery.send(data, this.#closeRequest !== null);
  }

  onMessage(listener: (data: IncomingData) => void): () => void {
    this.#inbound.messageListeners.add(listener);
    return () => this.#inbound.messageListeners.delete(listener);
  }

  onError(listener: (error: ConnectionError) => void): () => void {
    this.#errorListeners ??= new Set();
    this.#errorListeners.add(listener);
    return () => this.#errorListeners?.delete(listener);
  }

  subscribe(listener: (status: Status) => void, options: SubscribeOptions = {}): () => void {
    return this.#statuses.subscribe(listener, options);
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
    this.#stopWatchingNetwork();
    // Emptied before the machine closes, so that listeners see `closed` once, with nothing held.
    this.#delivery.settleAtClose();
    this.actor.send({ type: 'CLOSE', code, reason });
    this.actor.stop();
    this.#statuses.publish();
  }

  #report(error: ConnectionError): void {
    if (this.#errorListeners) callEach(this.#errorListeners, error);
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
