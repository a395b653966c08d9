import type { ConnectionError } from '../../core/errors/index.js';
import { lengthOf, type OutgoingData } from './outgoing-data.js';

/**
 * Where a message is:
 * - `queued`: accepted, waiting for a live, synced socket;
 * - `sent`: written to a socket, not yet confirmed;
 * - `acked`: the server acknowledged it (ack mode). Final;
 * - `delivered`: the server's WebSocket read it, proven by a pong or a clean
 *   close that came after it (without ack mode). Final;
 * - `unconfirmed`: written to a socket that died before confirming it; it may
 *   or may not have arrived (without ack mode; with it, the message is resent
 *   instead). Final;
 * - `dropped`: removed by the `drop-oldest` policy, or still unsent when the
 *   connection was closed. Final, with `error`;
 * - `rejected`: refused by `send` (outbox full under `reject`, connection
 *   closed, data the ack envelope cannot carry). Final, with `error`.
 */
export type ReceiptState =
  | 'queued'
  | 'sent'
  | 'acked'
  | 'delivered'
  | 'unconfirmed'
  | 'dropped'
  | 'rejected';

const finalStates: ReadonlySet<ReceiptState> = new Set([
  'acked',
  'delivered',
  'unconfirmed',
  'dropped',
  'rejected',
]);

/**
 * Whether a receipt in this state will never change again.
 *
 * @example
 * ```ts
 * import { isFinalState } from 'lifeline-ws';
 *
 * isFinalState('sent'); // false: it may yet be acked, delivered or unconfirmed
 * isFinalState('acked'); // true
 * ```
 */
export function isFinalState(state: ReceiptState): boolean {
  return finalStates.has(state);
}

/**
 * The writes made on one socket, and how many of them the server is known to
 * have read. A receipt written on it reads its own fate from here, so that
 * confirming thousands of writes costs one assignment.
 */
export class WriteLedger {
  written = 0;
  confirmed = 0;
  /** The writes the latest ping was sent after: its pong will confirm them. */
  pingedThrough = 0;
  ended = false;
  /**
   * Told at the first write after the latest ping (a write that no ping
   * will confirm yet), so that one can be sent; one check per write.
   */
  watcher: { unpinged(): void } | undefined = undefined;
  /**
   * The longest write since the last confirmation (by `length`, a cheap proxy
   * for bytes), and its receipt: the suspect when the server closes with 1009.
   */
  largest: { receipt: Receipt; data: OutgoingData; length: number; sequence: number } | null = null;
  /** Receipts whose `settled` is awaited, made on the first (most sockets never need one). */
  #waiting: Set<Receipt> | undefined;

  /** Numbers a write; the receipt becomes `sent` on this ledger. */
  record(receipt: Receipt, data: OutgoingData): void {
    this.written += 1;
    receipt.sentOn(this, this.written);
    if (this.written === this.pingedThrough + 1) this.watcher?.unpinged();
    const length = lengthOf(data);
    if (length > (this.largest?.length ?? 0)) {
      this.largest = { receipt, data, length, sequence: this.written };
    }
  }

  /** The first `count` writes have been read by the server (a pong to a ping sent after them). */
  confirmThrough(count: number): void {
    // After end(), what was unconfirmed stays so: `settled` may already have said it.
    if (this.ended || !(count > this.confirmed)) return;
    this.confirmed = Math.min(count, this.written);
    if (this.largest && this.largest.sequence <= this.confirmed) this.largest = null;
    this.#wake();
  }

  /** The socket is gone: whatever was not confirmed never will be. */
  end(): void {
    this.ended = true;
    this.#wake();
  }

  watch(receipt: Receipt): void {
    this.#waiting ??= new Set();
    this.#waiting.add(receipt);
  }

  #wake(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    for (const receipt of waiting) {
      if (receipt.notifyIfFinal()) waiting.delete(receipt);
    }
  }
}

/**
 * What `send()` returns: the message's id and, as it changes, its state.
 * `settled` resolves (never rejects) once the state is final.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', ack: true });
 * const receipt = connection.send('hello');
 * receipt.state; // 'queued'
 * const settled = await receipt.settled; // once acked, dropped or rejected
 * console.log(settled.state, settled.error?.code);
 * connection.close();
 * ```
 */
export class Receipt {
  #id: number | undefined;
  #state: ReceiptState;
  #error: ConnectionError | undefined;
  #ledger: WriteLedger | undefined;
  #sequence = 0;
  #resolve: ((receipt: Receipt) => void) | undefined;
  #settled: Promise<Receipt> | undefined;

  /** @internal */
  constructor(id: number | undefined, state: ReceiptState = 'queued', error?: ConnectionError) {
    this.#id = id;
    this.#state = state;
    this.#error = error;
  }

  /**
   * The message's id, given when it is first written to a socket: 1, 2, 3 ...
   * on this connection with no gaps (a message refused or dropped before it
   * was written takes none). Stamped on the frame in ack mode, and kept by
   * resends. `undefined` while the message has never been written.
   */
  get id(): number | undefined {
    return this.#id;
  }

  /** @internal Back at the head of the queue, to be written again under a new id. */
  requeued(): void {
    this.#id = undefined;
    this.#state = 'queued';
    this.#ledger = undefined;
  }

  /** @internal The message is written for the first time, as message `id`. */
  numbered(id: number): void {
    this.#id = id;
  }

  /** The current state; see {@link ReceiptState}. */
  get state(): ReceiptState {
    const ledger = this.#ledger;
    if (this.#state !== 'sent' || ledger === undefined) return this.#state;
    if (this.#sequence <= ledger.confirmed) return 'delivered';
    return ledger.ended ? 'unconfirmed' : 'sent';
  }

  /** Why the message was dropped or rejected. */
  get error(): ConnectionError | undefined {
    return this.#error;
  }

  /** Resolves with this receipt once its state is final. Never rejects. */
  get settled(): Promise<Receipt> {
    if (!this.#settled) {
      this.#settled = new Promise((resolve) => {
        this.#resolve = resolve;
      });
      if (!this.notifyIfFinal()) this.#ledger?.watch(this);
    }
    return this.#settled;
  }

  /** @internal Written on a socket without ack tracking. */
  sentOn(ledger: WriteLedger, sequence: number): void {
    this.#state = 'sent';
    this.#ledger = ledger;
    this.#sequence = sequence;
    if (this.#resolve) ledger.watch(this);
  }

  /** @internal Moves to `state` (with `error` for dropped and rejected). */
  update(state: ReceiptState, error?: ConnectionError): void {
    this.#state = state;
    this.#ledger = undefined;
    this.#error = error;
    // Only a final state settles; 'sent', once per message in ack mode, has nothing to tell.
    if (this.#resolve !== undefined && state !== 'sent') this.notifyIfFinal();
  }

  /** @internal Resolves `settled` if someone waits and the state is final. */
  notifyIfFinal(): boolean {
    if (!isFinalState(this.state)) return false;
    this.#resolve?.(this);
    this.#resolve = undefined;
    return true;
  }
}
