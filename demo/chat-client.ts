import type { InspectionEvent, Observer } from 'xstate';
import { type Connection, createConnection, isFinalState, type Receipt } from '../src/index.js';
import type { ClientTimings } from './client-timings.js';
import { helloSync } from './hello-sync.js';

export interface ChatClientOptions {
  url: string;
  ack: boolean;
  hello: boolean;
  timings: ClientTimings;
  /** An inspection observer, such as the Stately inspector's. */
  inspect?: Observer<InspectionEvent> | undefined;
}

/**
 * A lifeline client that sends numbered chat lines at a steady pace, whatever
 * the network does, and keeps every receipt so the summary can account for
 * each line.
 */
export class ChatClient {
  readonly connection: Connection;
  /** The text of every line sent, in order: what the server must end up with. */
  readonly sentLines: string[] = [];
  readonly receipts: Receipt[] = [];
  /** Frames from the server other than acks (welcomes, echoes ...). */
  inbound = 0;
  /** The pace of the chat, in ms between lines. */
  readonly sendEvery: number;
  #sender: NodeJS.Timeout | undefined;

  constructor({ url, ack, hello, timings, inspect }: ChatClientOptions) {
    this.sendEvery = timings.sendEvery;
    this.connection = createConnection({
      url,
      ack,
      ...(hello ? { sync: helloSync } : {}),
      heartbeat: timings.heartbeat,
      backoff: timings.backoff,
      connectTimeout: timings.connectTimeout,
      syncTimeout: timings.syncTimeout,
      stableAfter: timings.stableAfter,
      // A long outage queues hundreds of lines; the default bounds would hold them, but say so.
      outbox: { maxMessages: 100_000 },
      ...(inspect ? { inspect } : {}),
    });
    this.connection.onMessage(() => {
      this.inbound += 1;
    });
  }

  /** Starts sending a line every `sendEvery` ms; `send` queues while the socket is down. */
  startSending(): void {
    this.#sender ??= setInterval(() => this.sendLine(), this.sendEvery);
  }

  stopSending(): void {
    clearInterval(this.#sender);
    this.#sender = undefined;
  }

  sendLine(): Receipt {
    const text = `chat line ${this.sentLines.length + 1}`;
    this.sentLines.push(text);
    const receipt = this.connection.send(text);
    this.receipts.push(receipt);
    return receipt;
  }

  /** Receipts whose state may still change (queued, or sent and awaiting confirmation). */
  get unsettled(): number {
    return this.receipts.filter((receipt) => !isFinalState(receipt.state)).length;
  }

  /** Resolves once every receipt so far is final (acked, delivered, dropped ...). */
  async allSettled(): Promise<void> {
    await Promise.all(this.receipts.map((receipt) => receipt.settled));
  }

  close(): void {
    this.stopSending();
    this.connection.close();
  }
}
