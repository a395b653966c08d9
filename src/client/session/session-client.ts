import type { Clock } from '../../core/clock.js';
import {
  type ConnectionError,
  InboundFrameError,
  ResyncRequiredError,
} from '../../core/errors/index.js';
import { decodeServerFrame, sessionCloseReaction } from '../../protocol/index.js';
import type { Delivery } from '../delivery/delivery.js';
import type { IncomingData } from '../incoming-data.js';
import type { WebSocketLike } from '../websocket-like.js';
import { Downstream } from './downstream.js';
import { frameOf, payloadOf } from './session-data.js';
import { applyWelcome, HandshakeFailure, helloFrame } from './session-handshake.js';
import type { ResolvedSessionOptions } from './session-options.js';
import { type SessionInfo, SessionState } from './session-state.js';

/** Where a socket is in the protocol. */
type Phase = 'closed' | 'awaiting-welcome' | 'replaying' | 'live';

/** What the session client reaches of its connection. */
export interface SessionHost {
  readonly delivery: Delivery;
  readonly clock: Clock;
  report(error: ConnectionError): void;
  /** Hands a message to the app's listeners. */
  deliver(data: IncomingData): void;
  /** Something the status shows changed (`reset`). */
  statusChanged(): void;
}

/**
 * The client side of the session protocol on one connection: the handshake
 * on every new socket (`hello`, `welcome`, the replay, `replayed`), then
 * the frames of a live socket (acks to delivery, data to downstream), and
 * what a close code means for the session.
 */
export class SessionClient {
  readonly state: SessionState;
  readonly #host: SessionHost;
  readonly #downstream: Downstream;
  #phase: Phase = 'closed';
  #socket: WebSocketLike | null = null;
  #waiter: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(options: ResolvedSessionOptions, host: SessionHost) {
    this.state = new SessionState(options.clientId);
    this.#host = host;
    this.#downstream = new Downstream(this.state, options, host.clock, (data) =>
      host.deliver(data),
    );
  }

  /** The session as the app may see it (no token). */
  get info(): SessionInfo {
    const { clientId, epoch, offset } = this.state;
    return { clientId, epoch, offset, ackedThrough: this.#host.delivery.lastAckedId };
  }

  /** Runs the handshake on a new socket: resolves on `replayed`, rejects when the attempt fails. */
  handshake(socket: WebSocketLike, signal: AbortSignal): Promise<void> {
    // `resync()` on a socket past its handshake: a second hello would break the protocol.
    if (this.#phase === 'live' && this.#socket === socket) return Promise.resolve();
    this.#socket = socket;
    this.#phase = 'awaiting-welcome';
    this.#downstream.attach();
    return new Promise<void>((resolve, reject) => {
      const abort = () => {
        this.#waiter = undefined;
        reject(signal.reason);
      };
      if (signal.aborted) return abort();
      signal.addEventListener('abort', abort, { once: true });
      this.#waiter = {
        resolve: () => {
          signal.removeEventListener('abort', abort);
          resolve();
        },
        reject: (error) => {
          signal.removeEventListener('abort', abort);
          reject(error);
        },
      };
      socket.send(helloFrame(this.state, this.#host.delivery));
    });
  }

  /** An inbound frame of the current socket. */
  receive(data: IncomingData): void {
    const socket = this.#socket;
    if (this.#phase === 'closed' || !socket) return;
    const problem = this.#route(data, socket);
    if (problem !== undefined)
      this.#fail(new HandshakeFailure(`session protocol: ${problem}`), true);
  }

  /** Takes a frame; returns what breaks the protocol, if anything does. */
  #route(data: IncomingData, socket: WebSocketLike): string | undefined {
    const raw = frameOf(data);
    if (raw === undefined) return 'a binary frame of an unreadable kind';
    const frame = decodeServerFrame(raw);
    switch (frame.type) {
      case 'invalid':
        return `a malformed frame: ${frame.problem}`;
      case 'welcome':
        if (this.#phase !== 'awaiting-welcome') return 'a second welcome';
        this.#welcome(frame);
        return undefined;
      case 'replayed':
        if (this.#phase !== 'replaying') return 'replayed outside a handshake';
        this.#phase = 'live';
        this.#downstream.ready(socket);
        this.#waiter?.resolve();
        this.#waiter = undefined;
        return undefined;
      case 'ack':
        if (this.#phase === 'awaiting-welcome') return 'an ack before welcome';
        this.#host.delivery.acknowledge(frame.id);
        return undefined;
      case 'data':
        if (this.#phase === 'awaiting-welcome') return 'data before welcome';
        this.#downstream.receive(socket, frame.offset, payloadOf(data, frame.data));
        return undefined;
    }
  }

  /** The socket closed with `code`: 4013 and 4022 start a fresh session. */
  closed(code: number): void {
    if (sessionCloseReaction(code) !== 'fresh-session') return;
    const hadReceived = this.state.offset > 0;
    const { epoch, offset } = this.state;
    this.startFresh();
    if (hadReceived) this.#raiseReset(new ResyncRequiredError('session-rejected', epoch, offset));
  }

  /** The socket is gone. */
  ended(): void {
    this.#phase = 'closed';
    this.#socket = null;
    this.#downstream.detach();
  }

  /** A fresh session: a new client id, no token or epoch, offset 0, pending renumbered from 1. */
  startFresh(): void {
    this.state.fresh();
    this.#downstream.jumpTo(0);
    this.#host.delivery.renumberFrom(1);
  }

  /** The app has resynced: `status.reset` goes back to false. */
  acknowledgeReset(): void {
    if (!this.state.reset) return;
    this.state.reset = false;
    this.#host.statusChanged();
  }

  #raiseReset(error: ResyncRequiredError): void {
    this.state.reset = true;
    this.#host.statusChanged();
    this.#host.report(error);
  }

  #welcome(frame: Parameters<typeof applyWelcome>[0]): void {
    const host = this.#host;
    try {
      applyWelcome(frame, {
        state: this.state,
        delivery: host.delivery,
        downstream: this.#downstream,
        report: (error) => {
          host.statusChanged();
          host.report(error);
        },
        startFresh: () => this.startFresh(),
      });
    } catch (error) {
      if (!(error instanceof HandshakeFailure)) throw error;
      this.#fail(error, !error.reported);
      return;
    }
    this.#phase = 'replaying';
  }

  /** During a handshake the attempt fails; on a live socket the frame is reported and dropped. */
  #fail(error: HandshakeFailure, report: boolean): void {
    if (report) this.#host.report(new InboundFrameError(error.message));
    const waiter = this.#waiter;
    if (this.#phase === 'live' || !waiter) return;
    this.#phase = 'closed';
    this.#waiter = undefined;
    waiter.reject(error);
  }
}
