import { checkNumber, checkOneOf, checkOptionsObject, prefixed } from '../../core/validate.js';
import type { OutgoingData } from './outgoing-data.js';
import type { Receipt } from './receipt.js';

/** What happens when a message does not fit in the outbox. */
export type OverflowPolicy = 'reject' | 'drop-oldest';

/** Bounds on what the outbox holds (queued and, in ack mode, sent but unacknowledged). */
export interface OutboxOptions {
  /**
   * The most messages held at once.
   * @default 10000
   */
  maxMessages?: number;
  /**
   * The most bytes held at once (UTF-8 length of text, size of binary).
   * @default 8388608 (8 MiB)
   */
  maxBytes?: number;
  /**
   * `reject`: the new message is refused with an error receipt, the others
   * stay. `drop-oldest`: the oldest messages are dropped, each reported.
   * @default 'reject'
   */
  overflow?: OverflowPolicy;
}

/** Outbox options with defaults filled in and every value checked. */
export type ResolvedOutboxOptions = Readonly<Required<OutboxOptions>>;

const outboxOptionNames = ['maxMessages', 'maxBytes', 'overflow'] as const;

/**
 * Fills in defaults and checks the outbox options, naming any bad one.
 *
 * @example
 * ```ts
 * import { resolveOutboxOptions } from './outbox.js'; // internal
 *
 * resolveOutboxOptions({ overflow: 'drop-oldest' }).maxMessages; // 10000
 * ```
 */
export function resolveOutboxOptions(
  options: OutboxOptions = {},
  path = '',
): ResolvedOutboxOptions {
  const given = checkOptionsObject(path, options, outboxOptionNames);
  return Object.freeze({
    maxMessages: checkNumber(prefixed(path, 'maxMessages'), given.maxMessages ?? 10_000, {
      min: 1,
      integer: true,
      orInfinity: true,
    }),
    maxBytes: checkNumber(prefixed(path, 'maxBytes'), given.maxBytes ?? 8 * 1024 * 1024, {
      min: 1,
      orInfinity: true,
    }),
    overflow: checkOneOf(prefixed(path, 'overflow'), given.overflow ?? 'reject', [
      'reject',
      'drop-oldest',
    ] as const),
  });
}

/** One message held by the outbox: its receipt, the frame to write (stamped in ack mode), its size. */
export interface OutboxEntry {
  readonly receipt: Receipt;
  /** The message as given to `send()`. */
  readonly data: OutgoingData;
  /** The frame written (stamped in ack mode), which resends repeat; `data` until it is first written. */
  frame: OutgoingData;
  /** The size of the message as given to `send()`. */
  readonly bytes: number;
}

/** A FIFO with O(1) push and shift. */
class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i += 1) yield this.#items[i] as T;
  }

  /** Puts `items` ahead of everything queued, in their order. */
  prepend(items: readonly T[]): void {
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** Removes and returns the items from the first one `from` accepts to the end. */
  takeFrom(from: (item: T) => boolean): T[] {
    const items = [...this];
    const index = items.findIndex(from);
    if (index < 0) return [];
    this.#items = items.slice(0, index);
    this.#head = 0;
    return items.slice(index);
  }

  drain(): T[] {
    const items = [...this];
    this.#items = [];
    this.#head = 0;
    return items;
  }
}

/** What `enqueue` did: whether the entry was taken, and what was dropped to make room. */
export interface EnqueueResult {
  readonly accepted: boolean;
  /** Shared and frozen when empty: read it, never change it. */
  readonly dropped: OutboxEntry[];
}

const noneDropped = Object.freeze([]) as unknown as OutboxEntry[];
/** The common outcomes, shared: admitting a message allocates nothing. */
const takenAlone: EnqueueResult = Object.freeze({ accepted: true, dropped: noneDropped });
const refusedAlone: EnqueueResult = Object.freeze({ accepted: false, dropped: noneDropped });

/**
 * The bounded outbox: messages waiting for a live socket (`queued`) and, in
 * ack mode, messages written but not yet acknowledged (`inFlight`), oldest
 * first. Pure bookkeeping: it never touches a socket or a receipt's state.
 *
 * @example
 * ```ts
 * import { Receipt } from 'lifeline-ws';
 * import { Outbox, resolveOutboxOptions } from './outbox.js'; // internal
 *
 * const outbox = new Outbox(resolveOutboxOptions({ maxMessages: 2, overflow: 'drop-oldest' }));
 * for (const id of [1, 2, 3]) outbox.enqueue({ receipt: new Receipt(id), data: 'x', frame: 'x', bytes: 1 });
 * outbox.queuedCount; // 2: message 1 was dropped
 * ```
 */
export class Outbox {
  readonly options: ResolvedOutboxOptions;
  readonly #queued = new Queue<OutboxEntry>();
  readonly #inFlight = new Queue<OutboxEntry>();
  #queuedBytes = 0;
  #inFlightBytes = 0;

  constructor(options: ResolvedOutboxOptions = resolveOutboxOptions()) {
    this.options = options;
  }

  /** Messages waiting for a live socket. */
  get queuedCount(): number {
    return this.#queued.length;
  }

  /** Messages written and awaiting acknowledgement (ack mode). */
  get inFlightCount(): number {
    return this.#inFlight.length;
  }

  /** Bytes held, queued and in flight. */
  get byteCount(): number {
    return this.#queuedBytes + this.#inFlightBytes;
  }

  /** Whether `entry` could ever fit, whatever is dropped. */
  fitsAlone(entry: OutboxEntry): boolean {
    return entry.bytes <= this.options.maxBytes;
  }

  #fits(entry: OutboxEntry): boolean {
    const count = this.#queued.length + this.#inFlight.length;
    return (
      count < this.options.maxMessages && this.byteCount + entry.bytes <= this.options.maxBytes
    );
  }

  /** Holds an entry, subject to the bounds and the overflow policy. */
  enqueue(entry: OutboxEntry): EnqueueResult {
    return this.#admit(entry, 'queued');
  }

  /** Holds an entry that was written straight to the socket, awaiting its ack. */
  holdInFlight(entry: OutboxEntry): EnqueueResult {
    return this.#admit(entry, 'in-flight');
  }

  /**
   * Whether dropping every queued entry would make room: in-flight entries
   * are never dropped, since each was written with an id the server may be
   * waiting for, and a hole in the ids would stop the server.
   */
  #couldFit(entry: OutboxEntry): boolean {
    return (
      this.#inFlight.length < this.options.maxMessages &&
      this.#inFlightBytes + entry.bytes <= this.options.maxBytes
    );
  }

  #admit(entry: OutboxEntry, as: 'queued' | 'in-flight'): EnqueueResult {
    if (!this.fitsAlone(entry)) return refusedAlone;
    let dropped: OutboxEntry[] | undefined;
    if (!this.#fits(entry)) {
      if (this.options.overflow === 'reject' || !this.#couldFit(entry)) return refusedAlone;
      dropped = [];
      while (!this.#fits(entry)) dropped.push(this.takeQueued() as OutboxEntry);
    }
    if (as === 'queued') {
      this.#queued.push(entry);
      this.#queuedBytes += entry.bytes;
    } else {
      this.markInFlight(entry);
    }
    return dropped ? { accepted: true, dropped } : takenAlone;
  }

  /** The oldest queued entry, removed from the queue. */
  takeQueued(): OutboxEntry | undefined {
    const entry = this.#queued.shift();
    if (entry) this.#queuedBytes -= entry.bytes;
    return entry;
  }

  /** Moves an entry taken from the queue to in flight: written, awaiting its ack. */
  markInFlight(entry: OutboxEntry): void {
    this.#inFlight.push(entry);
    this.#inFlightBytes += entry.bytes;
  }

  /**
   * Takes the in-flight entries from message `id` on out of the outbox: the
   * server refused that message, so it and everything written after it must
   * be written again, under new ids.
   */
  takeInFlightFrom(id: number): OutboxEntry[] {
    const taken = this.#inFlight.takeFrom((entry) => (entry.receipt.id ?? 0) >= id);
    for (const entry of taken) this.#inFlightBytes -= entry.bytes;
    return taken;
  }

  /** Puts entries back at the head of the queue, ahead of newer messages. */
  requeueFirst(entries: readonly OutboxEntry[]): void {
    this.#queued.prepend(entries);
    for (const entry of entries) this.#queuedBytes += entry.bytes;
  }

  /** The in-flight entries, oldest first, to resend after a reconnect. */
  inFlight(): IterableIterator<OutboxEntry> {
    return this.#inFlight[Symbol.iterator]();
  }

  /** Releases every in-flight entry with an id <= `throughId` (a cumulative ack). */
  acknowledge(throughId: number): OutboxEntry[] {
    const released: OutboxEntry[] = [];
    for (let entry = this.#inFlight.peek(); entry && (entry.receipt.id ?? 0) <= throughId; ) {
      this.#inFlight.shift();
      this.#inFlightBytes -= entry.bytes;
      released.push(entry);
      entry = this.#inFlight.peek();
    }
    return released;
  }

  /** Empties the outbox, returning what it held: in flight first, then queued. */
  clear(): OutboxEntry[] {
    const all = [...this.#inFlight.drain(), ...this.#queued.drain()];
    this.#queuedBytes = 0;
    this.#inFlightBytes = 0;
    return all;
  }
}
