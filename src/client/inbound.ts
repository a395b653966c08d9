import { describeError } from '../core/describe-error.js';
import { type ConnectionError, InboundFrameError } from '../core/errors/index.js';
import type { IncomingData } from './incoming-data.js';
import { callEach } from './listeners.js';
import type { ResolvedConnectionOptions } from './options.js';

/**
 * The incoming half of a connection: acks go to delivery, the message id is
 * remembered for `sync`, and every other frame goes to the listeners: the
 * sync's while it listens (history must not reach `onMessage` twice), else
 * the connection's.
 */
export class Inbound {
  readonly #options: ResolvedConnectionOptions;
  readonly #acknowledge: (through: number) => void;
  readonly #report: (error: ConnectionError) => void;
  readonly messageListeners = new Set<(data: IncomingData) => void>();
  #syncListeners: Set<(data: IncomingData) => void> | undefined;
  /** The id of the last inbound message (see the `messageId` option). */
  lastInboundId: string | number | undefined;

  constructor(
    options: ResolvedConnectionOptions,
    acknowledge: (through: number) => void,
    report: (error: ConnectionError) => void,
  ) {
    this.#options = options;
    this.#acknowledge = acknowledge;
    this.#report = report;
  }

  receive(data: IncomingData): void {
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
    if (messageId) this.#rememberId(messageId, data);
    const sync = this.#syncListeners;
    if (sync && sync.size > 0) callEach(sync, data);
    else callEach(this.messageListeners, data);
  }

  /** Hands a frame to the connection's listeners (frames the sync received but does not own). */
  deliver(data: IncomingData): void {
    callEach(this.messageListeners, data);
  }

  /** A listener of the sync: while any is registered, frames go to the sync only. */
  listenForSync(listener: (data: IncomingData) => void): () => void {
    this.#syncListeners ??= new Set();
    this.#syncListeners.add(listener);
    return () => this.#syncListeners?.delete(listener);
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
