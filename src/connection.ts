import { type Actor, createActor, fromPromise } from 'xstate';
import { isCloseDisposition } from './classify-close.js';
import { type ConnectionConfig, resolveConnectionConfig } from './connection-config.js';
import {
  type ConnectionOptions,
  type IncomingData,
  type ResolvedConnectionOptions,
  resolveConnectionOptions,
  type WebSocketLike,
} from './connection-options.js';
import { describeError } from './describe-error.js';
import {
  ConnectionClosedError,
  FatalCloseError,
  InboundFrameError,
  LifelineError,
  OptionRangeError,
  OptionTypeError,
  OutboxOverflowError,
  UserCallbackError,
} from './errors.js';
import { type ConnectionMachine, connectionMachine, type SyncInput } from './machine.js';
import { isOutgoing, Outbox, type OutboxEntry, type OutgoingData, sizeOf } from './outbox.js';
import { printable } from './printable.js';
import { Receipt } from './receipt.js';
import { type Status, sameStatus, statusOf } from './status.js';
import type { SyncContext, SyncResult } from './sync-context.js';
import {
  type ActorLookup,
  type SocketSession,
  type TransportBinding,
  transportLogic,
} from './transport.js';

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
  /** Listens to errors worth knowing (overflow drops, fatal closes, unreadable frames); returns an unsubscribe. */
  onError(listener: (error: LifelineError) => void): () => void;
  /** The current status, computed when read. */
  readonly status: Status;
  /** Listens to status changes; returns an unsubscribe. Not called with the current status. */
  subscribe(listener: (status: Status) => void): () => void;
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

function checkCloseCode(code: unknown, reason: unknown): void {
  if (typeof code !== 'number' || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    throw new OptionRangeError('code', '1000 or an integer from 3000 to 4999', code);
  }
  if (!Number.isInteger(code)) {
    throw new OptionRangeError('code', '1000 or an integer from 3000 to 4999', code);
  }
  if (typeof reason !== 'string') throw new OptionTypeError('reason', 'a string', reason);
  if (new TextEncoder().encode(reason).length > 123) {
    throw new OptionRangeError('reason', 'at most 123 bytes of UTF-8', reason);
  }
}

function callEach<T>(listeners: Set<(value: T) => void>, value: T): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      // A listener's bug must not corrupt the connection; it still surfaces, as EventEmitter's would.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** What the shared machine's actors and actions reach a connection through. */
interface ConnectionBinding extends TransportBinding {
  sync(input: SyncInput, signal: AbortSignal): Promise<SyncResult | undefined>;
  flush(): void;
  hold(): void;
}

const connectionSystemId = 'lifeline.connection';
const bindings = new WeakMap<object, ConnectionBinding>();

function bindingOf(system: ActorLookup): ConnectionBinding {
  const root = system.get(connectionSystemId);
  const binding = root ? bindings.get(root) : undefined;
  if (!binding) throw new Error('lifeline: this actor belongs to no connection');
  return binding;
}

/**
 * One provided machine for every connection: each actor finds its
 * connection through its system. A machine per connection (`provide()` in the
 * constructor) would cost about 30 KiB of heap per idle connection.
 */
const connectionLogic = connectionMachine.provide({
  actors: {
    transport: transportLogic(bindingOf),
    sync: fromPromise<unknown, SyncInput>(({ input, signal, system }) =>
      bindingOf(system).sync(input, signal),
    ),
  },
  actions: {
    flushOutbox: ({ self }) => bindings.get(self)?.flush(),
    holdOutbox: ({ self }) => bindings.get(self)?.hold(),
  },
});

class LifelineConnection implements Connection {
  readonly actor: Actor<ConnectionMachine>;
  readonly #options: ResolvedConnectionOptions;
  readonly #outbox: Outbox;
  readonly #messageListeners = new Set<(data: IncomingData) => void>();
  readonly #syncListeners = new Set<(data: IncomingData) => void>();
  readonly #errorListeners = new Set<(error: LifelineError) => void>();
  readonly #statusListeners = new Set<(status: Status) => void>();
  /** The open socket of the current session, from open to the end of the session. */
  #session: SocketSession | null = null;
  /** The socket messages flow to: the session's, between sync done and leaving `live`. */
  #writable: SocketSession | null = null;
  /** The socket the in-flight messages were last written to; a new one means resend. */
  #inFlightOn: WebSocketLike | null = null;
  #lastId = 0;
  #lastAckedId = 0;
  #lastInboundId: string | number | undefined;
  #status: Status;
  #statusPending = false;
  #closeRequest: { code: number; reason: string } | null = null;
  #stopWatchingNetwork: () => void = () => undefined;

  constructor(options: ConnectionOptions) {
    this.#options = resolveConnectionOptions(options);
    this.#outbox = new Outbox(this.#options.outbox);
    const binding: ConnectionBinding = {
      options: this.#options,
      opened: (session) => {
        this.#session = session;
      },
      frame: (data) => this.#receive(data),
      ended: (session) => {
        if (this.#session === session) this.#session = null;
      },
      closeRequest: () => this.#closeRequest,
      wokeToDeadSocket: () => queueMicrotask(() => this.actor.send({ type: 'RETRY' })),
      report: (error) => this.#report(error),
      sync: (input, signal) => this.#sync(input, signal),
      flush: () => this.#flush(),
      hold: () => {
        this.#writable = null;
      },
    };
    this.actor = createActor(connectionLogic, {
      input: this.#reportingMachineConfig(),
      clock: this.#options.clock,
      systemId: connectionSystemId,
      ...(this.#options.inspect ? { inspect: this.#options.inspect } : {}),
    });
    bindings.set(this.actor, binding);
    this.#status = statusOf(this.actor.getSnapshot(), this.#counts());
    let failedBefore = false;
    this.actor.subscribe({
      next: (snapshot) => {
        const failed = snapshot.value === 'failed';
        if (failed && !failedBefore && snapshot.context.failure === 'fatal-close') {
          const close = snapshot.context.lastClose;
          this.#report(new FatalCloseError(close?.code ?? 1006, close?.reason ?? ''));
        }
        failedBefore = failed;
        this.#publishStatus();
      },
      error: (error) => {
        this.#report(
          new LifelineError(
            'ERR_LIFELINE_CALLBACK',
            `the statechart stopped: ${describeError(error)}`,
            {
              cause: error,
            },
          ),
        );
      },
    });
    this.actor.start();
    this.actor.send({ type: 'START' });
    if (this.#options.watchNetwork) this.#watchNetwork();
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
    return resolveConnectionConfig({
      ...config,
      backoff: {
        ...config.backoff,
        random: () => this.#watched('random', random, isDraw, 'not a number in [0, 1)'),
      },
      classifyClose: (close) =>
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
    return statusOf(this.actor.getSnapshot(), this.#counts());
  }

  send(data: OutgoingData): Receipt {
    if (!isOutgoing(data)) {
      throw new OptionTypeError('data', 'a string, an ArrayBuffer, a typed array or a Blob', data);
    }
    this.#lastId += 1;
    const id = this.#lastId;
    if (this.#closeRequest) return new Receipt(id, 'rejected', new ConnectionClosedError());
    let frame: OutgoingData = data;
    const { ack } = this.#options;
    if (ack) {
      let stamped: unknown;
      try {
        stamped = ack.stamp(data, id);
      } catch (error) {
        const problem = new UserCallbackError('ack.stamp', `threw: ${describeError(error)}`, {
          cause: error,
        });
        return new Receipt(id, 'rejected', problem);
      }
      if (!isOutgoing(stamped)) {
        const problem = new UserCallbackError(
          'ack.stamp',
          `returned ${describeError(stamped)}, not a frame`,
        );
        return new Receipt(id, 'rejected', problem);
      }
      frame = stamped;
    }
    const writable = this.#writable;
    if (writable && !ack && this.#outbox.queuedCount === 0) {
      // The hot path: straight to the socket, no bookkeeping beyond the ledger's counter.
      const receipt = new Receipt(id);
      writable.socket.send(frame);
      writable.ledger.record(receipt);
      return receipt;
    }
    const entry: OutboxEntry = { receipt: new Receipt(id), frame, bytes: sizeOf(frame) };
    if (writable && this.#outbox.queuedCount === 0) {
      if (!this.#admit(entry, 'in-flight')) return entry.receipt;
      writable.socket.send(frame);
      entry.receipt.update('sent');
    } else if (!this.#admit(entry, 'queued')) {
      return entry.receipt;
    }
    this.#countsChanged();
    return entry.receipt;
  }

  /** Puts an entry in the outbox; false (and a rejected receipt) when it does not fit. */
  #admit(entry: OutboxEntry, as: 'queued' | 'in-flight'): boolean {
    const { accepted, dropped } =
      as === 'queued' ? this.#outbox.enqueue(entry) : this.#outbox.holdInFlight(entry);
    for (const old of dropped) {
      const error = new OutboxOverflowError(
        old.receipt.id,
        'drop-oldest',
        'was dropped to make room (overflow: drop-oldest)',
      );
      old.receipt.update('dropped', error);
      this.#report(error);
    }
    if (!accepted) {
      const { maxMessages, maxBytes, overflow } = this.#outbox.options;
      const detail = this.#outbox.fitsAlone(entry)
        ? `was rejected: the outbox is full (maxMessages ${maxMessages}, maxBytes ${maxBytes})`
        : `was rejected: ${entry.bytes} bytes exceed outbox.maxBytes ${maxBytes}`;
      entry.receipt.update(
        'rejected',
        new OutboxOverflowError(
          entry.receipt.id,
          overflow === 'reject' ? 'reject' : 'drop-oldest',
          detail,
        ),
      );
    }
    if (dropped.length > 0) this.#countsChanged();
    return accepted;
  }

  #flush(): void {
    const session = this.#session;
    if (!session) return;
    const { socket, ledger } = session;
    if (this.#options.ack && this.#inFlightOn !== socket) {
      for (const entry of this.#outbox.inFlight()) socket.send(entry.frame);
    }
    this.#inFlightOn = socket;
    for (let entry = this.#outbox.takeQueued(); entry; entry = this.#outbox.takeQueued()) {
      socket.send(entry.frame);
      if (this.#options.ack) {
        this.#outbox.markInFlight(entry);
        entry.receipt.update('sent');
      } else {
        ledger.record(entry.receipt);
      }
    }
    this.#writable = session;
    this.#countsChanged();
  }

  #receive(data: IncomingData): void {
    const { ack, messageId } = this.#options;
    if (ack) {
      let through: unknown;
      try {
        through = ack.read(data);
      } catch (error) {
        const reason = describeError(error);
        this.#report(new InboundFrameError(`unreadable ack frame: ${reason}`, { cause: error }));
        return;
      }
      if (typeof through === 'number') {
        this.#acknowledge(through);
        return;
      }
    }
    if (messageId) {
      try {
        const id = messageId(data);
        if (typeof id === 'string' || typeof id === 'number') this.#lastInboundId = id;
      } catch (error) {
        this.#report(
          new InboundFrameError(`messageId() failed: ${describeError(error)}`, { cause: error }),
        );
      }
    }
    if (this.#syncListeners.size > 0) callEach(this.#syncListeners, data);
    callEach(this.#messageListeners, data);
  }

  #acknowledge(through: number): void {
    if (!Number.isFinite(through)) return;
    if (through > this.#lastAckedId) this.#lastAckedId = Math.min(through, this.#lastId);
    const released = this.#outbox.acknowledge(through);
    for (const entry of released) entry.receipt.update('acked');
    if (released.length > 0) this.#countsChanged();
  }

  async #sync(input: SyncInput, signal: AbortSignal): Promise<SyncResult | undefined> {
    const userSync = this.#options.sync;
    const session = this.#session;
    if (!userSync || !session) return undefined;
    const listeners = new Set<(data: IncomingData) => void>();
    const context: SyncContext = {
      isReconnect: input.isReconnect,
      attempt: input.attempt,
      lastInboundId: this.#lastInboundId,
      lastAckedId: this.#lastAckedId,
      send: (data) => {
        if (!signal.aborted) session.socket.send(data);
      },
      onMessage: (listener) => {
        const wrapped = (data: IncomingData) => listener(data);
        listeners.add(wrapped);
        this.#syncListeners.add(wrapped);
        return () => {
          listeners.delete(wrapped);
          this.#syncListeners.delete(wrapped);
        };
      },
      signal,
    };
    const cleanUp = () => {
      for (const listener of listeners) this.#syncListeners.delete(listener);
    };
    signal.addEventListener('abort', cleanUp, { once: true });
    try {
      const result = await userSync(context);
      if (result !== undefined && result !== null) {
        const through = (result as SyncResult).ackedThrough;
        if (through !== undefined) {
          if (typeof through !== 'number' || Number.isNaN(through)) {
            throw new TypeError(
              `sync() returned ackedThrough ${shownValue(through)}: expected a number`,
            );
          }
          this.#acknowledge(through);
        }
      }
      return result ?? undefined;
    } finally {
      cleanUp();
    }
  }

  onMessage(listener: (data: IncomingData) => void): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onError(listener: (error: LifelineError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  subscribe(listener: (status: Status) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
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
    checkCloseCode(code, reason);
    if (this.#closeRequest) return;
    this.#closeRequest = { code, reason };
    this.#stopWatchingNetwork();
    this.actor.send({ type: 'CLOSE', code, reason });
    for (const entry of this.#outbox.clear()) {
      if (entry.receipt.state === 'sent') entry.receipt.update('unconfirmed');
      else entry.receipt.update('dropped', new ConnectionClosedError('closed before it was sent'));
    }
    this.actor.stop();
    this.#publishStatus();
  }

  #report(error: LifelineError): void {
    callEach(this.#errorListeners, error);
  }

  #counts() {
    return { queued: this.#outbox.queuedCount, inFlight: this.#outbox.inFlightCount };
  }

  /** Outbox counts change per message: publish once per tick, not per message. */
  #countsChanged(): void {
    if (this.#statusPending) return;
    this.#statusPending = true;
    queueMicrotask(() => {
      this.#statusPending = false;
      this.#publishStatus();
    });
  }

  #publishStatus(): void {
    const next = statusOf(this.actor.getSnapshot(), this.#counts());
    if (sameStatus(next, this.#status)) return;
    this.#status = next;
    callEach(this.#statusListeners, next);
  }

  #watchNetwork(): void {
    const target = globalThis as {
      addEventListener?: (type: string, listener: () => void) => void;
      removeEventListener?: (type: string, listener: () => void) => void;
      navigator?: { onLine?: boolean };
    };
    if (
      typeof target.addEventListener !== 'function' ||
      typeof target.navigator?.onLine !== 'boolean'
    ) {
      return;
    }
    const online = () => this.setOnline(true);
    const offline = () => this.setOnline(false);
    target.addEventListener('online', online);
    target.addEventListener('offline', offline);
    this.#stopWatchingNetwork = () => {
      target.removeEventListener?.('online', online);
      target.removeEventListener?.('offline', offline);
    };
    if (target.navigator.onLine === false) this.setOnline(false);
  }
}

/**
 * Opens a WebSocket that reconnects with backoff, queues messages while
 * disconnected and sends them in order once `sync` is done, notices dead
 * sockets with a heartbeat, and reports its status.
 *
 * @example
 * ```ts
 * import { createConnection, formatStatus } from 'lifeline';
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

/** A returned value for an error message, without calling anything the value defines. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(printable(value, 40));
  if (typeof value === 'number') return String(value);
  return `of type ${value === null ? 'null' : typeof value}`;
}
