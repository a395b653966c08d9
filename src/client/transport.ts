import { fromCallback } from 'xstate';
import { describeError } from '../core/describe-error.js';
import { UserCallbackError } from '../core/errors/index.js';
import {
  abnormalClosure,
  type ConnectionEvent,
  type DropEvent,
  type TransportInput,
} from '../core/machine.js';
import { isOutgoing } from './delivery/outgoing-data.js';
import { WriteLedger } from './delivery/receipt.js';
import type { IncomingData } from './incoming-data.js';
import { Liveness, type LivenessHost } from './liveness.js';
import type { ResolvedConnectionOptions } from './options.js';
import { platformWebSocket, resolveUrl } from './resolve-url.js';
import {
  abandon,
  protocolViolation,
  tlsFailure,
  type UpgradeRefusal,
  type UpgradeResponse,
  upgradeRefusal,
} from './socket-faults.js';
import { redactUrl } from './socket-url.js';
import type {
  ActorLookup,
  FrameReceiver,
  SocketSession,
  TransportBinding,
} from './transport-binding.js';
import type { WebSocketLike } from './websocket-like.js';

const connecting = 0;
const open = 1;
/** How long a polite close may take before the socket is destroyed. */
const closeGrace = 1000;

/**
 * How often, at most, a socket with writes not yet confirmed is pinged to
 * confirm them (without ack mode), in ms: a receipt stays `sent` about this
 * long on a healthy socket, however busy the socket is.
 */
export const receiptConfirmInterval = 1000;
/** How soon after a write that no ping covers a check may ping for it, in ms (writes made meanwhile share the ping). */
const receiptConfirmDelay = 250;

export type {
  ActorLookup,
  FrameReceiver,
  SocketSession,
  TransportBinding,
} from './transport-binding.js';

/**
 * One session's socket: opens it, reports OPEN and DROP, owns the
 * heartbeat, and closes the socket when the session ends. Events from the
 * socket after that are ignored. Once open, it is also the session the
 * connection writes through, the host of the socket's liveness and the
 * watcher of its write ledger: one object per session, not closures.
 */
class SocketTransport implements SocketSession, LivenessHost {
  readonly #binding: TransportBinding;
  readonly #options: ResolvedConnectionOptions;
  readonly #sendBack: (event: ConnectionEvent) => void;
  readonly #inbound: FrameReceiver;
  /** The session's (plain fields: delivery reads them per message). */
  readonly ledger = new WriteLedger();
  /** Set once the socket is made; read as the session's once it is open. */
  socket!: WebSocketLike;
  /** Open, and handed to the connection as its session. */
  #isSession = false;
  #liveness: Liveness | undefined;
  #over = false;
  #refusal: UpgradeRefusal | undefined;
  #socketError: unknown;
  #lastConfirmPing = Number.NEGATIVE_INFINITY;

  constructor(binding: TransportBinding, sendBack: (event: ConnectionEvent) => void) {
    this.#binding = binding;
    this.#options = binding.options;
    this.#inbound = binding.inbound;
    this.#sendBack = sendBack;
    this.ledger.watcher = this;
  }

  /** The page became visible again: probe the socket now. */
  probeNow(): void {
    this.#liveness?.probeNow();
  }

  /** A write that no ping covers: a check soon (a quiet socket's heartbeat may be far off) pings for it. */
  unpinged(): void {
    this.#liveness?.checkWithin(receiptConfirmDelay);
  }

  start(): void {
    this.#open().catch((error: unknown) => {
      this.#drop({
        code: abnormalClosure,
        reason: `could not open: ${redactUrl(describeError(error))}`,
      });
    });
  }

  /** The session is over: the socket closes politely if the user asked, else it is abandoned. */
  stop(): void {
    this.#over = true;
    this.#liveness?.stop();
    if (this.#isSession) this.#binding.ended(this);
    const current: WebSocketLike | undefined = this.socket;
    if (!current) return;
    const request = this.#binding.closeRequest();
    if (current.readyState === open && request) {
      current.close(request.code, request.reason);
      const grace = this.#options.clock.setTimeout(() => current.terminate?.(), closeGrace);
      (grace as { unref?: () => void } | undefined)?.unref?.();
      return;
    }
    // Abandoned (timeout, offline, a drop): nothing written to it may arrive after the next socket's data.
    if (current.readyState === connecting || current.readyState === open) abandon(current);
    this.ledger.end();
  }

  async #open(): Promise<void> {
    const outcome = await resolveUrl(this.#options.url);
    if (this.#over) return;
    if ('unusable' in outcome) {
      this.#drop({ code: abnormalClosure, reason: outcome.unusable, verdict: { action: 'fatal' } });
      return;
    }
    if ('failed' in outcome) {
      this.#binding.report(outcome.failed);
      this.#drop({ code: abnormalClosure, reason: outcome.failed.message });
      return;
    }
    const { WebSocket: given, socketOptions, protocols, binaryType } = this.#options;
    const WebSocket = given ?? (await platformWebSocket());
    if (this.#over) return;
    const created =
      socketOptions === undefined
        ? new WebSocket(outcome.url, protocols)
        : new WebSocket(outcome.url, protocols, socketOptions as never);
    this.socket = created;
    if (binaryType !== undefined) created.binaryType = binaryType;
    this.#attach(created);
  }

  #attach(created: WebSocketLike): void {
    created.onopen = () => this.#opened(created);
    if (typeof created.on === 'function') {
      created.on('message', ((data: Buffer, isBinary: boolean) =>
        this.#frame(isBinary ? data : data.toString())) as never);
      created.on('pong', ((data: Buffer) => this.#pong(data)) as never);
      created.on('ping', (() => {
        if (!this.#over) this.#liveness?.touch();
      }) as never);
      created.on('unexpected-response', ((_request: unknown, response: UpgradeResponse) => {
        // Retry-After as an HTTP date counts on the wall clock, whatever clock the connection runs on.
        this.#refusal = upgradeRefusal(response, Date.now());
        response.resume?.();
        created.terminate?.();
      }) as never);
    } else {
      created.onmessage = (event) => this.#frame(event.data as IncomingData);
    }
    created.onerror = (event) => {
      this.#socketError = event;
    };
    created.onclose = (event) => this.#closed(event);
  }

  #opened(created: WebSocketLike): void {
    if (this.#over) return;
    // What only an upgrade can use goes: ws keeps a wrapper per `on...` handler.
    created.onopen = null;
    created.removeAllListeners?.('unexpected-response');
    this.#isSession = true;
    this.#binding.opened(this);
    const { heartbeat, clock } = this.#options;
    if (heartbeat) {
      this.#liveness = new Liveness(clock, heartbeat, this);
      this.#liveness.start();
    }
    this.#sendBack({ type: 'OPEN' });
  }

  /** Per inbound frame: a count for the heartbeat (no clock read), then the connection's listeners. */
  #frame(data: IncomingData): void {
    if (this.#over) return;
    this.#liveness?.touch();
    this.#inbound.receive(data);
  }

  #pong(data: Buffer): void {
    if (this.#over) return;
    this.#liveness?.touch();
    // The pong echoes its ping's payload: the number of writes the server has read.
    const through = Number(String(data));
    if (Number.isSafeInteger(through)) this.ledger.confirmThrough(through);
  }

  #closed(event: { code: number; reason: string; wasClean?: boolean }): void {
    if (this.#over) {
      const request = this.#binding.closeRequest();
      if (request && event.wasClean) this.ledger.confirmThrough(this.ledger.written);
      this.ledger.end();
      return;
    }
    // Asked before the ledger ends, while the message to blame is still unconfirmed.
    const verdict =
      event.code === 1009 && this.#isSession ? this.#binding.refusedAsTooLarge(this) : undefined;
    this.ledger.end();
    if (this.#isSession) this.#binding.socketClosed(event.code);
    const error = this.#socketError;
    const tls = tlsFailure(error);
    const violation = protocolViolation(error);
    if (this.#refusal) {
      const refusal = this.#refusal;
      this.#drop({ code: abnormalClosure, reason: `HTTP ${refusal.status}`, ...refusal });
    } else if (tls) {
      this.#drop({ code: 1015, reason: `TLS: ${tls}` });
    } else if (violation) {
      this.#drop({ code: violation, reason: describeError(error) });
    } else {
      const reason = event.reason || (error ? describeError(error) : '');
      const code = event.code || abnormalClosure;
      this.#drop(verdict ? { code, reason, verdict } : { code, reason });
    }
  }

  #drop(event: Omit<DropEvent, 'type'>): void {
    if (!this.#over) this.#sendBack({ type: 'DROP', ...event });
  }

  /** A ping that carries the number of writes before it: its pong confirms them. */
  #ping(target: WebSocketLike): void {
    this.ledger.pingedThrough = this.ledger.written;
    target.ping?.(String(this.ledger.written));
  }

  /** Each heartbeat check (liveness host): pings for writes no ping covers yet, at most once per receiptConfirmInterval. */
  checked(now: number): void {
    const socket: WebSocketLike | undefined = this.socket;
    if (!socket || socket.readyState !== open || !socket.ping) return;
    if (this.ledger.written <= this.ledger.pingedThrough) return;
    const wait = this.#lastConfirmPing + receiptConfirmInterval - now;
    if (wait > 0) {
      this.#liveness?.checkWithin(wait);
      return;
    }
    this.#lastConfirmPing = now;
    this.#ping(socket);
  }

  /** The heartbeat's probe (liveness host). */
  probe(): void {
    const socket: WebSocketLike | undefined = this.socket;
    if (!socket || socket.readyState !== open) return;
    const { heartbeat } = this.#options;
    if (heartbeat?.message && (heartbeat.preferMessage || !socket.ping)) {
      try {
        const message = heartbeat.message();
        if (!isOutgoing(message)) throw new TypeError(`returned ${describeError(message)}`);
        socket.send(message);
        return;
      } catch (error) {
        this.#binding.report(
          new UserCallbackError('heartbeat.message', `failed: ${describeError(error)}`, {
            cause: error,
          }),
        );
      }
    }
    // A ping frame where there is one; else the probe is the wait itself (passive heartbeat).
    this.#ping(socket);
  }

  /** The heartbeat's verdict (liveness host): the socket is dropped at once. */
  dead(reason: string, woke: boolean): void {
    const socket: WebSocketLike | undefined = this.socket;
    if (this.#over || !socket) return;
    abandon(socket);
    this.#drop(woke ? { code: abnormalClosure, reason, woke } : { code: abnormalClosure, reason });
  }
}

/**
 * The `transport` actor: one {@link SocketTransport} per visit of `session`,
 * stopped (closing its socket) when the session ends.
 */
export function transportLogic(bindingOf: (system: ActorLookup) => TransportBinding) {
  return fromCallback<ConnectionEvent, TransportInput>(({ sendBack, system }) => {
    const transport = new SocketTransport(bindingOf(system), sendBack);
    transport.start();
    return () => transport.stop();
  });
}
