import type { InspectionEvent, Observer } from 'xstate';
import { type Connection, createConnection, isFinalState, type Receipt } from '../src/index.js';
import type { ClientTimings } from './client-timings.js';

/** How the client talks to the server: plain frames, the ack envelope, or the session protocol. */
export type ChatMode = 'plain' | 'ack' | 'session';

export interface ChatClientOptions {
  url: string;
  mode: ChatMode;
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
  /** Messages from the server, in the order the app got them. */
  readonly receivedLines: string[] = [];
  /**
   * Of those, the ones delivered while the connection was syncing: in session
   * mode, the replay of what the server sent while the client was away.
   */
  replayed = 0;
  #replayedUnreported = 0;
  /** The pace of the chat, in ms between lines. */
  readonly sendEvery: number;
  #sender: NodeJS.Timeout | undefined;

  constructor({ url, mode, timings, inspect }: ChatClientOptions) {
    this.sendEvery = timings.sendEvery;
    this.connection = createConnection({
      url,
      ...(mode === 'session' ? { session: true } : { ack: mode === 'ack' }),
      heartbeat: timings.heartbeat,
      backoff: timings.backoff,
      connectTimeout: timings.connectTimeout,
      syncTimeout: timings.syncTimeout,
      stableAfter: timings.stableAfter,
      // A long outage queues hundreds of lines; the default bounds would hold them, but say so.
      outbox: { maxMessages: 100_000 },
      ...(inspect ? { inspect } : {}),
    });
    this.connection.onMessage((data) => {
      this.receivedLines.push(String(data));
      if (this.connection.status.state !== 'syncing') return;
      this.replayed += 1;
      this.#replayedUnreported += 1;
    });
  }

  /** Resolves once the app has got every one of `lines` from the server. */
  receivedAll(lines: readonly string[]): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        const got = new Set(this.receivedLines);
        if (!lines.every((line) => got.has(line))) return;
        stop();
        resolve();
      };
      const stop = this.connection.onMessage(check);
      check();
    });
  }

  /** Lines replayed since the last call. */
  takeReplayed(): number {
    const count = this.#replayedUnreported;
    this.#replayedUnreported = 0;
    return count;
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
