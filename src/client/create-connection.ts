import { type Actor, createActor, fromPromise, type SnapshotFrom } from 'xstate';
import { type CloseDisposition, isCloseDisposition } from '../core/close-policy.js';
import { describeError } from '../core/describe-error.js';
import {
  ConnectionClosedError,
  FatalCloseError,
  InboundFrameError,
  InvalidDataError,
  LifelineError,
  MessageTooLargeError,
  OptionRangeError,
  OptionTypeError,
  OutboxOverflowError,
  RetriesExhaustedError,
  SyncFailedError,
  UserCallbackError,
} from '../core/errors/index.js';
import {
  abnormalClosure,
  type ConnectionMachine,
  connectionMachine,
  type SyncInput,
  syncTimeoutReason,
} from '../core/machine.js';
import { type ConnectionConfig, resolveConnectionConfig } from '../core/machine-config.js';
import { printable } from '../core/printable.js';
import {
  isOutgoing,
  Outbox,
  type OutboxEntry,
  type OutgoingData,
  sizeOf,
} from './delivery/outbox.js';
import { isFinalState, Receipt } from './delivery/receipt.js';
import {
  type ConnectionOptions,
  type IncomingData,
  jsonAck,
  type ResolvedConnectionOptions,
  resolveConnectionOptions,
  type SyncReturn,
  type WebSocketLike,
} from './options.js';
import { type Status, sameStatus, statusOf } from './status.js';

type ConnectionSnapshot = SnapshotFrom<ConnectionMachine>;

/** The part of a browser's `document` that tells whether the page is seen. */
interface PageVisibility {
  readonly visibilityState?: string;
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
}

interface StatusListener {
  readonly listener: (status: Status) => void;
  readonly counts: boolean;
  /** The status this listener was last called with. */
  last: Status;
}

import type { SyncContext, SyncResult } from './sync-context.js';
import {
  type ActorLookup,
  type SocketSession,
  type TransportBinding,
  transportLogic,
} from './transport.js';

/** How `subscribe` listens. */
export interface SubscribeOptions {
  /**
   * Whether a change of the `queued` or `inFlight` counters alone calls the listener.
   * @default true
   */
  counts?: boolean;
}

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

function callSafely<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    // A listener's bug must not corrupt the connection; it still surfaces, as EventEmitter's would.
    queueMicrotask(() => {
      throw error;
    });
  }
}

function callEach<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const listener of listeners) callSafely(listener, value);
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
  readonly #statusListeners = new Map<(status: Status) => void, StatusListener>();
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
      refusedAsTooLarge: (session) => this.#refusedAsTooLarge(session),
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
    let previous = this.actor.getSnapshot();
    this.actor.subscribe({
      next: (snapshot) => {
        this.#reportGivingUp(previous, snapshot);
        previous = snapshot;
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

  /** Reports what the machine gave up on in this step: a fatal close, the last attempt, a sync that timed out. */
  #reportGivingUp(before: ConnectionSnapshot, after: ConnectionSnapshot): void {
    const close = after.context.lastClose;
    if (after.value === 'failed' && before.value !== 'failed') {
      if (after.context.failure === 'fatal-close') {
        const options = close?.status === undefined ? {} : { status: close.status };
        this.#report(
          new FatalCloseError(close?.code ?? abnormalClosure, close?.reason ?? '', options),
        );
      } else {
        this.#report(new RetriesExhaustedError(after.context.attempt, close));
      }
    }
    const syncTimedOut =
      before.matches({ session: { connected: 'syncing' } }) &&
      !after.matches({ session: { connected: 'syncing' } }) &&
      close !== before.context.lastClose &&
      close?.reason === syncTimeoutReason;
    if (syncTimedOut) {
      this.#report(
        new SyncFailedError(
          `sync did not finish within syncTimeout (${this.#options.machine.syncTimeout} ms)`,
          true,
        ),
      );
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
      throw new InvalidDataError(
        `send() takes a string, an ArrayBuffer, a typed array or a Blob, got ${describeData(data)}`,
      );
    }
    if (this.#closeRequest) {
      return this.#refuse(new ConnectionClosedError('send() was called after close()'));
    }
    const { ack, maxMessageSize } = this.#options;
    const writable = this.#writable;
    if (!ack && writable && this.#outbox.queuedCount === 0 && maxMessageSize === Infinity) {
      // The hot path: straight to the socket, no bookkeeping beyond the ledger's counter.
      this.#lastId += 1;
      const receipt = new Receipt(this.#lastId);
      writable.socket.send(data);
      writable.ledger.record(receipt, data);
      return receipt;
    }
    const bytes = sizeOf(data);
    if (bytes > maxMessageSize) {
      return this.#refuse(
        new MessageTooLargeError(undefined, bytes, `exceeds maxMessageSize ${maxMessageSize}`),
      );
    }
    if (ack?.stamp === jsonAck.stamp && typeof data !== 'string') {
      return this.#refuse(
        new InvalidDataError(
          'the default ack envelope ({"id":n,"data":"..."} in JSON) carries text only: ' +
            'to send binary data in ack mode, pass your own ack.stamp and ack.read',
        ),
      );
    }
    const entry: OutboxEntry = { receipt: new Receipt(undefined), data, frame: data, bytes };
    if (writable && this.#outbox.queuedCount === 0) {
      if (!ack) {
        this.#write(entry, writable);
        return entry.receipt;
      }
      // Stamped before admission, numbered after it: a refused message takes no id.
      if (!this.#stamp(entry)) return entry.receipt;
      if (!this.#admit(entry, 'in-flight')) return entry.receipt;
      this.#number(entry);
      writable.socket.send(entry.frame);
      entry.receipt.update('sent');
    } else if (!this.#admit(entry, 'queued')) {
      return entry.receipt;
    }
    this.#countsChanged();
    return entry.receipt;
  }

  /** A receipt for a message refused at `send()`, with the error also reported. */
  #refuse(error: LifelineError): Receipt {
    this.#report(error);
    return new Receipt(undefined, 'rejected', error);
  }

  /** Gives the entry the next id on this connection: ids stay contiguous. */
  #number(entry: OutboxEntry): void {
    this.#lastId += 1;
    entry.receipt.numbered(this.#lastId);
  }

  /** Writes a message without ack tracking: numbered, and its fate read from the socket's ledger. */
  #write(entry: OutboxEntry, session: SocketSession): void {
    this.#number(entry);
    session.socket.send(entry.data);
    session.ledger.record(entry.receipt, entry.data);
  }

  /**
   * Puts the id the entry will get on its frame (ack mode). False, with the
   * receipt rejected and the error reported, when the user's `ack.stamp`
   * fails; the id is not used up.
   */
  #stamp(entry: OutboxEntry): boolean {
    const stamp = this.#options.ack?.stamp;
    if (!stamp) return true;
    let problem: UserCallbackError | undefined;
    try {
      const frame: unknown = stamp(entry.data, this.#lastId + 1);
      if (isOutgoing(frame)) entry.frame = frame;
      else
        problem = new UserCallbackError(
          'ack.stamp',
          `returned ${describeError(frame)}, not a frame`,
        );
    } catch (error) {
      problem = new UserCallbackError('ack.stamp', `threw: ${describeError(error)}`, {
        cause: error,
      });
    }
    if (!problem) return true;
    entry.receipt.update('rejected', problem);
    this.#report(problem);
    return false;
  }

  /** Puts an entry in the outbox; false (and a rejected receipt, reported) when it does not fit. */
  #admit(entry: OutboxEntry, as: 'queued' | 'in-flight'): boolean {
    const { accepted, dropped } =
      as === 'queued' ? this.#outbox.enqueue(entry) : this.#outbox.holdInFlight(entry);
    for (const old of dropped) {
      const error = new OutboxOverflowError(
        old.receipt.id,
        'drop-oldest',
        'was dropped to make room (overflow: drop-oldest)',
        old.data,
      );
      old.receipt.update('dropped', error);
      this.#report(error);
    }
    if (!accepted) {
      const { maxMessages, maxBytes, overflow } = this.#outbox.options;
      let detail = `was rejected: the outbox is full (maxMessages ${maxMessages}, maxBytes ${maxBytes})`;
      if (!this.#outbox.fitsAlone(entry)) {
        detail = `was rejected: ${entry.bytes} bytes exceed outbox.maxBytes ${maxBytes}`;
      } else if (overflow === 'drop-oldest') {
        detail += ', and unacknowledged messages are never dropped';
      }
      const error = new OutboxOverflowError(undefined, overflow, detail, entry.data);
      entry.receipt.update('rejected', error);
      this.#report(error);
    }
    if (dropped.length > 0) this.#countsChanged();
    return accepted;
  }

  #flush(): void {
    const session = this.#session;
    if (!session) return;
    const { socket } = session;
    const ack = this.#options.ack;
    if (ack && this.#inFlightOn !== socket) {
      for (const entry of this.#outbox.inFlight()) socket.send(entry.frame);
    }
    this.#inFlightOn = socket;
    for (let entry = this.#outbox.takeQueued(); entry; entry = this.#outbox.takeQueued()) {
      if (!ack) {
        this.#write(entry, session);
        continue;
      }
      if (!this.#stamp(entry)) continue;
      this.#number(entry);
      socket.send(entry.frame);
      this.#outbox.markInFlight(entry);
      entry.receipt.update('sent');
    }
    this.#writable = session;
    this.#countsChanged();
  }

  /**
   * The server closed with 1009 (message too big): the longest message not
   * yet confirmed on that socket is the one it refused. It is rejected; in ack
   * mode it and everything written after it (which the server did not take
   * either) go back to the head of the queue, to be written under new ids, so
   * the ids the server sees stay contiguous. Returns the retry verdict, or
   * undefined when no message is to blame (then 1009 stays fatal).
   */
  #refusedAsTooLarge(session: SocketSession): CloseDisposition | undefined {
    const culprit = this.#options.ack ? this.#largestInFlight() : session.ledger.largest?.receipt;
    if (!culprit || culprit.id === undefined || isFinalState(culprit.state)) return undefined;
    const id = culprit.id;
    let bytes = 0;
    if (this.#options.ack) {
      const [refused, ...after] = this.#outbox.takeInFlightFrom(id);
      if (!refused) return undefined;
      bytes = refused.bytes;
      for (const entry of after) {
        entry.frame = entry.data;
        entry.receipt.requeued();
      }
      this.#outbox.requeueFirst(after);
      this.#lastId = id - 1;
      this.#countsChanged();
    } else {
      const largest = session.ledger.largest;
      bytes = largest ? sizeOf(largest.data) : 0;
    }
    const error = new MessageTooLargeError(
      id,
      bytes,
      'was refused by the server (close 1009, message too big); the messages after it carry on',
    );
    culprit.update('rejected', error);
    this.#report(error);
    return { action: 'retry' };
  }

  #largestInFlight(): Receipt | undefined {
    let largest: OutboxEntry | undefined;
    for (const entry of this.#outbox.inFlight()) {
      if (!largest || entry.bytes > largest.bytes) largest = entry;
    }
    return largest?.receipt;
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
    // While the sync listens, its frames are its own: history must not reach onMessage twice.
    if (this.#syncListeners.size > 0) callEach(this.#syncListeners, data);
    else callEach(this.#messageListeners, data);
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
      deliver: (data) => {
        if (!signal.aborted) callEach(this.#messageListeners, data);
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
      let result: SyncReturn;
      try {
        result = await userSync(context);
      } catch (error) {
        if (!signal.aborted) {
          this.#report(
            new SyncFailedError(`sync failed: ${describeError(error)}`, false, { cause: error }),
          );
        }
        throw error;
      }
      if (result !== undefined && result !== null) {
        const through = (result as SyncResult).ackedThrough;
        if (through !== undefined) {
          if (typeof through !== 'number' || Number.isNaN(through)) {
            const problem = `sync() returned ackedThrough ${shownValue(through)}: expected a number`;
            this.#report(new SyncFailedError(problem, false));
            throw new TypeError(problem);
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

  subscribe(listener: (status: Status) => void, options: SubscribeOptions = {}): () => void {
    if (typeof listener !== 'function') {
      throw new OptionTypeError('listener', 'a function', listener);
    }
    if (typeof options !== 'object' || options === null) {
      throw new OptionTypeError('options', 'an object such as { counts: false }', options);
    }
    const counts = options.counts ?? true;
    if (typeof counts !== 'boolean') throw new OptionTypeError('counts', 'a boolean', counts);
    // Wrapped, so the same function subscribed twice is two subscriptions, each with its own unsubscribe.
    const current = this.status;
    const entry: StatusListener = { listener, counts, last: current };
    const key = (status: Status) => listener(status);
    this.#statusListeners.set(key, entry);
    callSafely(listener, current);
    return () => this.#statusListeners.delete(key);
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
    // Emptied before the machine closes, so that listeners see `closed` once, with nothing held.
    for (const entry of this.#outbox.clear()) {
      const { receipt } = entry;
      const error =
        receipt.state === 'sent'
          ? new ConnectionClosedError(
              `close() came before the server acknowledged message ${receipt.id}: it may or may not have arrived`,
              receipt.id,
            )
          : new ConnectionClosedError('a message was dropped by close() before it was sent');
      receipt.update(receipt.state === 'sent' ? 'unconfirmed' : 'dropped', error);
      this.#report(error);
    }
    this.actor.send({ type: 'CLOSE', code, reason });
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
    for (const entry of [...this.#statusListeners.values()]) {
      if (sameStatus(next, entry.last, { counts: entry.counts })) continue;
      entry.last = next;
      callSafely(entry.listener, next);
    }
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
    const page = (globalThis as { document?: PageVisibility }).document;
    // A hidden page's timers are throttled: on its return, ask the socket at once whether it lives.
    const visible = () => {
      if (page?.visibilityState === 'visible') this.#session?.probeNow();
    };
    target.addEventListener('online', online);
    target.addEventListener('offline', offline);
    page?.addEventListener?.('visibilitychange', visible);
    this.#stopWatchingNetwork = () => {
      target.removeEventListener?.('online', online);
      target.removeEventListener?.('offline', offline);
      page?.removeEventListener?.('visibilitychange', visible);
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

/** What `send()` was given instead of a message, for its error. */
function describeData(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object (serialise it first, e.g. JSON.stringify)';
  if (typeof value === 'number' || typeof value === 'boolean')
    return `the ${typeof value} ${value}`;
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/** A returned value for an error message, without calling anything the value defines. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(printable(value, 40));
  if (typeof value === 'number') return String(value);
  return `of type ${value === null ? 'null' : typeof value}`;
}
