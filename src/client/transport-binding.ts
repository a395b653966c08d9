import type { CloseDisposition } from '../core/close-policy.js';
import type { ConnectionError } from '../core/errors/index.js';
import type { CloseRequest } from '../core/machine.js';
import type { WriteLedger } from './delivery/receipt.js';
import type { IncomingData } from './incoming-data.js';
import type { ResolvedConnectionOptions } from './options.js';
import type { WebSocketLike } from './websocket-like.js';

/** One socket's life, as the connection sees it. */
export interface SocketSession {
  readonly socket: WebSocketLike;
  /** Numbers the writes made on this socket (receipts without ack mode read their fate from it). */
  readonly ledger: WriteLedger;
  /** Probes the socket now (the page became visible again). */
  probeNow(): void;
}

/** Where inbound frames go. */
export interface FrameReceiver {
  /** An inbound frame (called per frame). */
  receive(data: IncomingData): void;
}

/** What the transport needs from the connection that owns it. */
export interface TransportBinding {
  readonly options: ResolvedConnectionOptions;
  /** The socket opened; nothing is written to it until sync is done. */
  opened(session: SocketSession): void;
  /** Takes the inbound frames, handed straight from the socket. */
  readonly inbound: FrameReceiver;
  /** The open socket closed with `code` (before the DROP it causes). */
  socketClosed(code: number): void;
  /** The session is over: the socket is detached and closing. */
  ended(session: SocketSession): void;
  /** The close the user asked for, if they did (the machine keeps it in its context). */
  closeRequest(): CloseRequest | null;
  /** A function from the options misbehaved; the transport carried on without it. */
  report(error: ConnectionError): void;
  /**
   * The server closed with 1009 (message too big): the connection rejects
   * the message to blame and says to retry, or finds none (undefined).
   */
  refusedAsTooLarge(session: SocketSession): CloseDisposition | undefined;
}

/** The part of an XState actor system a shared actor finds its connection through. */
export interface ActorLookup {
  get(systemId: string): object | undefined;
}
