import type { CloseDisposition } from '../../core/close-policy.js';
import {
  ConnectionClosedError,
  type ConnectionError,
  InvalidDataError,
  MessageTooLargeError,
} from '../../core/errors/index.js';
import { jsonAck } from '../json-ack.js';
import type { ResolvedConnectionOptions } from '../options.js';
import { isBlob } from '../session/session-data.js';
import type { SocketSession } from '../transport.js';
import { admitEntry, describeData, stampEntry } from './admission.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { isOutgoing, type OutgoingData, sizeOf } from './outgoing-data.js';
import { isFinalState, Receipt } from './receipt.js';

/** What delivery tells the connection around it. */
export interface DeliveryEvents {
  report(error: ConnectionError): void;
  /** The outbox's counters changed (the status shows them). */
  countsChanged(): void;
}

/**
 * The outgoing half of a connection: admission, ids, the outbox, writes,
 * resends on a new socket, acknowledgements, and what is settled at close.
 * Ids are given at the first write and stay contiguous.
 */
export class Delivery {
  readonly outbox: Outbox;
  readonly #options: ResolvedConnectionOptions;
  readonly #events: DeliveryEvents;
  /** The socket messages flow to: the session's, between sync done and leaving `live`. */
  #writable: SocketSession | null = null;
  /** The socket the in-flight messages were last written to; a new one means resend. */
  #inFlightOn: unknown = null;
  #lastId = 0;
  /** The highest id the server has acknowledged (ack mode). */
  lastAckedId = 0;
  /**
   * Session mode: the protocol's envelope is a pure function of a message
   * and its id, so an in-flight message keeps only its data and is stamped
   * again if it is resent. Held until acked, a stamped frame would more than
   * double what each message keeps alive.
   */
  readonly #restamps: boolean;

  constructor(options: ResolvedConnectionOptions, events: DeliveryEvents) {
    this.#options = options;
    this.#events = events;
    this.outbox = new Outbox(options.outbox);
    this.#restamps = options.session !== null;
  }

  send(data: OutgoingData, closed: boolean): Receipt {
    if (!isOutgoing(data)) {
      throw new InvalidDataError(
        `send() takes a string, an ArrayBuffer, a typed array or a Blob, got ${describeData(data)}`,
      );
    }
    if (closed) return this.#refuse(new ConnectionClosedError('send() was called after close()'));
    const { ack, maxMessageSize } = this.#options;
    const writable = this.#writable;
    if (!ack && writable && this.outbox.queuedCount === 0 && maxMessageSize === Infinity) {
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
    if (this.#options.session && isBlob(data)) {
      return this.#refuse(
        new InvalidDataError(
          'a Blob cannot travel in the session envelope (it cannot be read synchronously): ' +
            'send its bytes (await blob.arrayBuffer())',
        ),
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
    if (writable && this.outbox.queuedCount === 0) {
      if (!ack) {
        this.#write(entry, writable);
        return entry.receipt;
      }
      // Stamped before admission, numbered after it: a refused message takes no id.
      if (!stampEntry(entry, this.#lastId + 1, ack.stamp, this.#events.report)) {
        return entry.receipt;
      }
      if (!this.#admit(entry, 'in-flight')) return entry.receipt;
      this.#number(entry);
      this.#writeStamped(entry, writable.socket);
    } else if (!this.#admit(entry, 'queued')) {
      return entry.receipt;
    }
    this.#events.countsChanged();
    return entry.receipt;
  }

  /** The highest id given so far (0 before the first). */
  get lastId(): number {
    return this.#lastId;
  }

  /**
   * The server's session is new (another epoch, or a fresh session): every
   * unacknowledged message goes back to the head of the queue, to be written
   * again under ids from `next` on, like `refusedAsTooLarge` does.
   */
  renumberFrom(next: number): void {
    const taken = this.outbox.takeInFlightFrom(0);
    for (const entry of taken) {
      entry.frame = entry.data;
      entry.receipt.requeued();
    }
    if (taken.length > 0) this.outbox.requeueFirst(taken);
    this.#lastId = next - 1;
    this.lastAckedId = next - 1;
    this.#inFlightOn = null;
    this.#events.countsChanged();
  }

  /** Lets the outbox flow on the session's socket: resends in-flight messages on a new socket, then the queue. */
  flush(session: SocketSession): void {
    const { socket } = session;
    const ack = this.#options.ack;
    if (ack && this.#inFlightOn !== socket) {
      for (const entry of this.outbox.inFlight()) {
        socket.send(
          this.#restamps ? ack.stamp(entry.data, entry.receipt.id as number) : entry.frame,
        );
      }
    }
    this.#inFlightOn = socket;
    for (let entry = this.outbox.takeQueued(); entry; entry = this.outbox.takeQueued()) {
      if (!ack) {
        this.#write(entry, session);
        continue;
      }
      if (!stampEntry(entry, this.#lastId + 1, ack.stamp, this.#events.report)) continue;
      this.#number(entry);
      this.#writeStamped(entry, socket);
      this.outbox.markInFlight(entry);
    }
    this.#writable = session;
    this.#events.countsChanged();
  }

  /** Stops writing: new messages queue again. */
  hold(): void {
    this.#writable = null;
  }

  /** A cumulative acknowledgement: every id up to `through` arrived. */
  acknowledge(through: number): void {
    if (!Number.isFinite(through)) return;
    if (through > this.lastAckedId) this.lastAckedId = Math.min(through, this.#lastId);
    const released = this.outbox.acknowledge(through);
    for (const entry of released) entry.receipt.update('acked');
    if (released.length > 0) this.#events.countsChanged();
  }

  /**
   * The server closed with 1009 (message too big): the longest message not
   * yet confirmed on that socket is the one it refused. It is rejected; in ack
   * mode it and everything written after it (which the server did not take
   * either) go back to the head of the queue, to be written under new ids, so
   * the ids the server sees stay contiguous. Returns the retry verdict, or
   * undefined when no message is to blame (then 1009 stays fatal).
   */
  refusedAsTooLarge(session: SocketSession): CloseDisposition | undefined {
    const { ack } = this.#options;
    const culprit = ack ? this.#largestInFlight() : session.ledger.largest?.receipt;
    if (!culprit || culprit.id === undefined || isFinalState(culprit.state)) return undefined;
    const id = culprit.id;
    let bytes = 0;
    if (ack) {
      const [refused, ...after] = this.outbox.takeInFlightFrom(id);
      if (!refused) return undefined;
      bytes = refused.bytes;
      for (const entry of after) {
        entry.frame = entry.data;
        entry.receipt.requeued();
      }
      this.outbox.requeueFirst(after);
      this.#lastId = id - 1;
      this.#events.countsChanged();
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
    this.#events.report(error);
    return { action: 'retry' };
  }

  /** close(): every message still held is settled, and each loss reported. */
  settleAtClose(): void {
    for (const entry of this.outbox.clear()) {
      const { receipt } = entry;
      const error =
        receipt.state === 'sent'
          ? new ConnectionClosedError(
              `close() came before the server acknowledged message ${receipt.id}: it may or may not have arrived`,
              receipt.id,
            )
          : new ConnectionClosedError('a message was dropped by close() before it was sent');
      receipt.update(receipt.state === 'sent' ? 'unconfirmed' : 'dropped', error);
      this.#events.report(error);
    }
  }

  /** A receipt for a message refused at `send()`, with the error also reported. */
  #refuse(error: ConnectionError): Receipt {
    this.#events.report(error);
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

  /** Writes a stamped, numbered entry (ack mode): it is `sent`, awaiting its ack. */
  #writeStamped(entry: OutboxEntry, socket: SocketSession['socket']): void {
    socket.send(entry.frame);
    if (this.#restamps) entry.frame = entry.data;
    entry.receipt.update('sent');
  }

  #admit(entry: OutboxEntry, as: 'queued' | 'in-flight'): boolean {
    const { accepted, dropped } = admitEntry(this.outbox, entry, as, this.#events.report);
    if (dropped.length > 0) this.#events.countsChanged();
    return accepted;
  }

  #largestInFlight(): Receipt | undefined {
    let largest: OutboxEntry | undefined;
    for (const entry of this.outbox.inFlight()) {
      if (!largest || entry.bytes > largest.bytes) largest = entry;
    }
    return largest?.receipt;
  }
}
