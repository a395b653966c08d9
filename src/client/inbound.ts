import { describeError } from '../core/describe-error.js';
import { type ConnectionError, InboundFrameError } from '../core/errors/index.js';
import type { IncomingData } from './incoming-data.js';
import { callEach } from './listeners.js';
import type { ResolvedConnectionOptions } from './options.js';
import type { FrameReceiver } from './transport-binding.js';

/** What takes the acks that arrive (the connection's delivery). */
export interface Acknowledger {
  acknowledge(through: number): void;
}

/**
 * The incoming half of a connection: acks go to delivery, the message id is
 * remembered for `sync`, and every other frame goes to the listeners: the
 * sync's while it listens (history must not reach `onMessage` twice), else
 * the connection's.
 */
export class Inbound {
  readonly #options: ResolvedConnectionOptions;
  readonly #acks: Acknowledger;
  readonly #report: (error: ConnectionError) => void;
  /** No ack mode and no `messageId`: a frame goes straight to the listeners. */
  readonly #plain: boolean;
  /** The connection's `onMessage` listeners, made with the first. */
  #messageListeners: Set<(data: IncomingData) => void> | undefined;
  /** The sync's listeners while it has any (undefined otherwise). */
  #syncListeners: Set<(data: IncomingData) => void> | undefined;
  /** Session mode: every frame is the session protocol's, read by the session client. */
  sessionFrames: FrameReceiver | undefined;
  /** The id of the last inbound message (see the `messageId` option). */
  lastInboundId: string | number | undefined;

  constructor(
    options: ResolvedConnectionOptions,
    acks: Acknowledger,
    report: (error: ConnectionError) => void,
  ) {
    this.#options = options;
    this.#acks = acks;
    this.#report = report;
    this.#plain = !options.ack && !options.messageId;
  }

  /** An inbound frame. Called per frame: the plain case touches nothing but the listeners. */
  receive(data: IncomingData): void {
    if (this.#plain) {
      const listeners = this.#syncListeners ?? this.#messageListeners;
      if (listeners) callEach(listeners, data);
      return;
    }
    if (this.sessionFrames) {
      this.sessionFrames.receive(data);
      return;
    }
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
        this.#acks.acknowledge(through);
        return;
      }
    }
    if (messageId) this.#rememberId(messageId, data);
    const listeners = this.#syncListeners ?? this.#messageListeners;
    if (listeners) callEach(listeners, data);
  }

  /** A message the session protocol unwrapped: to the sync's listeners while it listens, else the connection's. */
  hand(data: IncomingData): void {
    const { messageId } = this.#options;
    if (messageId) this.#rememberId(messageId, data);
    const listeners = this.#syncListeners ?? this.#messageListeners;
    if (listeners) callEach(listeners, data);
  }

  /** Hands a frame to the connection's listeners (frames the sync received but does not own). */
  deliver(data: IncomingData): void {
    if (this.#messageListeners) callEach(this.#messageListeners, data);
  }

  /** An `onMessage` listener; returns its removal. */
  listen(listener: (data: IncomingData) => void): () => void {
    this.#messageListeners ??= new Set();
    const listeners = this.#messageListeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** A listener of the sync: while any is registered, frames go to the sync only. */
  listenForSync(listener: (data: IncomingData) => void): () => void {
    this.#syncListeners ??= new Set();
    const listeners = this.#syncListeners;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#syncListeners === listeners)
        this.#syncListeners = undefined;
    };
  }

  #rememberId(messageId: NonNullable<ResolvedConnectionOptions['messageId']>, data: IncomingData) {
    try {
      const id = messageId(data);
      if (typeof id === 'string' || typeof id === 'number') this.lastInboundId = id;
    } catch (error) {
      this.#report(
        new InboundFrameError(`messageId() failed: ${describeError(error)}`, { cause: error }),
      );
    }
  }
}
