import type { OutgoingData } from '../client/delivery/outgoing-data.js';
import type { WebSocketLike } from '../client/websocket-like.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const stateNames = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];

type Listener = (...args: unknown[]) => void;

/** A close as the client's `onclose` sees it. */
interface FakeCloseEvent {
  code: number;
  reason: string;
  wasClean: boolean;
}

/**
 * One socket of a {@link FakeTransport}: the client's side behaves like a
 * `ws` WebSocket (ping frames, `terminate()`, Node-style events), and the
 * test plays the server with `open()`, `deliver()`, `serverClose()`,
 * `refuse()` and `pong()`. What the client did is recorded: `sent`, `pings`,
 * `closedByClient`, `terminated`. Events the test causes reach the client at
 * once; the close that follows the client's own `close()` or `terminate()`
 * arrives a microtask later, as on a real socket.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 * import { FakeTransport, settle } from 'lifeline-ws/testing';
 *
 * const transport = new FakeTransport();
 * const connection = createConnection({ url: 'ws://app.test/', WebSocket: transport.WebSocket });
 * connection.send('hello');
 * await settle(); // the socket is created
 * transport.socket.open();
 * await settle(); // no sync: the outbox flows
 * transport.socket.sent; // ['hello']
 * transport.socket.deliver('welcome');
 * transport.socket.serverClose(1001, 'going away'); // the connection reconnects
 * connection.close();
 * ```
 */
export class FakeSocket implements WebSocketLike {
  readonly url: string;
  readonly protocols: string | string[] | undefined;
  /** The constructor's third argument (`ws`'s options). */
  readonly options: unknown;
  readyState = CONNECTING;
  protocol = '';
  binaryType?: string;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  /** The frames the client wrote, in order. */
  readonly sent: OutgoingData[] = [];
  /** The payloads of the ping frames the client sent, in order. */
  readonly pings: unknown[] = [];
  /**
   * Whether a ping is answered at once with its pong (a healthy server). Set
   * it to false to leave pings unanswered, or to answer them with `pong()`.
   */
  answerPings = true;
  /** The code and reason of the client's `close()`, if it called it. */
  closedByClient: { code: number | undefined; reason: string | undefined } | null = null;
  /** Whether the client destroyed the socket with `terminate()`. */
  terminated = false;
  readonly #listeners = new Map<string, Listener[]>();
  readonly #unanswered: unknown[] = [];

  constructor(url: string, protocols?: string | string[], options?: unknown) {
    this.url = url;
    this.protocols = protocols;
    this.options = options;
  }

  // The client's side: what lifeline calls.

  send(data: OutgoingData): void {
    if (this.readyState === CONNECTING) throw new Error('WebSocket is not open: readyState 0');
    if (this.readyState === OPEN) this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= CLOSING) return;
    this.closedByClient = { code, reason };
    const clean = this.readyState === OPEN;
    this.readyState = CLOSING;
    queueMicrotask(() =>
      this.#closed(
        clean
          ? { code: code ?? 1005, reason: reason ?? '', wasClean: true }
          : { code: 1006, reason: '', wasClean: false },
      ),
    );
  }

  ping(data?: unknown): void {
    this.#expect(OPEN, 'ping');
    this.pings.push(data);
    this.#unanswered.push(data);
    if (this.answerPings) this.pong();
  }

  terminate(): void {
    if (this.readyState === CLOSED) return;
    this.terminated = true;
    this.readyState = CLOSING;
    queueMicrotask(() => this.#closed({ code: 1006, reason: '', wasClean: false }));
  }

  on(event: string, listener: (...args: never[]) => void): this {
    const listeners = this.#listeners.get(event) ?? [];
    listeners.push(listener as Listener);
    this.#listeners.set(event, listeners);
    return this;
  }

  removeAllListeners(event?: string): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  // The server's side: what the test calls.

  /** Accepts the connection: the client sees `open`. */
  open(protocol = ''): void {
    this.#expect(CONNECTING, 'open()');
    this.protocol = protocol;
    this.readyState = OPEN;
    this.onopen?.({ type: 'open' });
  }

  /** Sends the client a frame: text as a string, binary as bytes. */
  deliver(data: string | Uint8Array): void {
    this.#expect(OPEN, 'deliver()');
    const listeners = this.#listeners.get('message');
    if (!listeners) {
      this.onmessage?.({ data });
      return;
    }
    for (const listener of [...listeners]) listener(data, typeof data !== 'string');
  }

  /**
   * Answers the oldest unanswered ping with its pong, echoing its payload
   * (lifeline reads from it how many writes the server has read).
   */
  pong(): void {
    this.#expect(OPEN, 'pong()');
    if (this.#unanswered.length === 0) throw new Error('pong(): no ping waits for an answer');
    const payload = this.#unanswered.shift();
    for (const listener of [...(this.#listeners.get('pong') ?? [])]) listener(payload);
  }

  /**
   * The connection ends from the server's side: a close frame with `code`
   * and `reason`, or with 1006 (the default) a connection lost without one.
   */
  serverClose(code = 1006, reason = ''): void {
    if (this.readyState === CLOSED) throw new Error('serverClose(): the socket is already closed');
    this.#closed({ code, reason, wasClean: code !== 1006 });
  }

  /**
   * The server refuses the upgrade with an HTTP status and headers, such as
   * `refuse(503, { 'retry-after': '7' })`: the client sees `ws`'s
   * `unexpected-response`, then (once it terminates the socket) a 1006 close.
   */
  refuse(status: number, headers: Record<string, string> = {}): void {
    this.#expect(CONNECTING, 'refuse()');
    const listeners = this.#listeners.get('unexpected-response') ?? [];
    const response = { statusCode: status, headers, resume: () => undefined };
    for (const listener of [...listeners]) listener({}, response);
    if (listeners.length === 0) {
      this.#closed({
        code: 1006,
        reason: `Unexpected server response: ${status}`,
        wasClean: false,
      });
    }
  }

  #expect(state: number, action: string): void {
    if (this.readyState !== state) {
      throw new Error(
        `${action} needs a ${stateNames[state]} socket; this one is ${stateNames[this.readyState]}`,
      );
    }
  }

  #closed(event: FakeCloseEvent): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.onclose?.(event);
  }
}
