import type { Clock } from '../../core/clock.js';
import { encodeClientFrame, sessionCloseCodes } from '../../protocol/index.js';
import type { IncomingData } from '../incoming-data.js';
import type { WebSocketLike } from '../websocket-like.js';
import type { ResolvedSessionOptions } from './session-options.js';
import type { SessionState } from './session-state.js';

/**
 * The downstream half of a session: offset o is processed only when it is
 * the state's offset + 1; an older one is a duplicate and dropped; a newer
 * one is a gap: nothing past it is delivered, and the socket closes with
 * 4009 so that the reconnect replays. Processed offsets are acknowledged in
 * batches (every `ackEvery`, or `ackDelay` ms after the first pending one),
 * on the connection's clock, and only on a socket past its handshake.
 */
export class Downstream {
  readonly #state: SessionState;
  readonly #options: ResolvedSessionOptions;
  readonly #clock: Clock;
  readonly #deliver: (data: IncomingData) => void;
  /** The socket acks go to: set once its handshake is over. */
  #ackSocket: WebSocketLike | null = null;
  /** The last offset acknowledged to the server (`hello`'s offset counts). */
  #acked = 0;
  #timer: unknown;
  /** A gap closed this socket: nothing more from it is read. */
  #halted = false;

  constructor(
    state: SessionState,
    options: ResolvedSessionOptions,
    clock: Clock,
    deliver: (data: IncomingData) => void,
  ) {
    this.#state = state;
    this.#options = options;
    this.#clock = clock;
    this.#deliver = deliver;
  }

  /** A new socket: its `hello` carries the offset, which acknowledges everything up to it. */
  attach(): void {
    this.#halted = false;
    this.#ackSocket = null;
    this.#acked = this.#state.offset;
    this.#cancelTimer();
  }

  /** The handshake is over: acks may flow on `socket`. */
  ready(socket: WebSocketLike): void {
    this.#ackSocket = socket;
    this.#ackSoon();
  }

  /** The socket is gone. */
  detach(): void {
    this.#ackSocket = null;
    this.#cancelTimer();
  }

  /** The offset moved without processing (a welcome's reset, a fresh session). */
  jumpTo(offset: number): void {
    this.#state.offset = offset;
    this.#acked = offset;
  }

  /** A downstream data frame that arrived on `socket`. */
  receive(socket: WebSocketLike, offset: number, payload: IncomingData): void {
    if (this.#halted) return;
    const next = this.#state.offset + 1;
    if (offset < next) return;
    if (offset > next) {
      this.#halted = true;
      this.#cancelTimer();
      socket.close(sessionCloseCodes.upstreamGap, `gap: expected offset ${next}, got ${offset}`);
      return;
    }
    this.#state.offset = offset;
    this.#deliver(payload);
    this.#ackSoon();
  }

  #ackSoon(): void {
    if (!this.#ackSocket || this.#halted) return;
    const pending = this.#state.offset - this.#acked;
    if (pending <= 0) return;
    if (pending >= this.#options.ackEvery) {
      this.#sendAck();
    } else if (this.#timer === undefined) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        this.#sendAck();
      }, this.#options.ackDelay);
    }
  }

  #sendAck(): void {
    this.#cancelTimer();
    const socket = this.#ackSocket;
    const { offset } = this.#state;
    if (!socket || this.#halted || offset <= this.#acked) return;
    socket.send(encodeClientFrame({ type: 'ack', offset }));
    this.#acked = offset;
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
