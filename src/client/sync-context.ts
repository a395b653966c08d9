import type { OutgoingData } from './delivery/outgoing-data.js';
import type { IncomingData } from './incoming-data.js';

/**
 * What the `sync` option receives on every new socket, before the outbox
 * flows: enough to resume the session and catch up.
 *
 * @example
 * ```ts
 * import { createConnection, type SyncContext } from 'lifeline-ws';
 *
 * async function resume({ lastInboundId, send, onMessage, signal }: SyncContext) {
 *   send(JSON.stringify({ type: 'resume', after: lastInboundId }));
 *   await new Promise<void>((resolve, reject) => {
 *     const stop = onMessage((data) => {
 *       if (String(data).includes('"resumed"')) {
 *         stop();
 *         resolve();
 *       }
 *     });
 *     signal.addEventListener('abort', () => reject(signal.reason));
 *   });
 * }
 *
 * createConnection({ url: 'ws://127.0.0.1:9/', sync: resume }).close();
 * ```
 */
export interface SyncContext {
  /** Whether this socket replaces an earlier one (attempt >= 1). */
  isReconnect: boolean;
  /** The attempt that opened this socket. */
  attempt: number;
  /** The id of the last inbound message seen (see the `messageId` option). */
  lastInboundId: string | number | undefined;
  /** The highest id the server has acknowledged (ack mode), 0 if none. */
  lastAckedId: number;
  /** Writes straight to the fresh socket, ahead of the outbox. */
  send(data: OutgoingData): void;
  /**
   * Listens to inbound frames during the sync; returns an unsubscribe. While
   * at least one such listener is registered, inbound frames go to the sync
   * only, not to `connection.onMessage` (so history fetched here is not also
   * processed by the main handler); hand a frame on with `deliver`. Frames
   * that arrive while the sync has no listener go to `connection.onMessage`.
   */
  onMessage(listener: (data: IncomingData) => void): () => void;
  /**
   * Hands a frame to the connection's `onMessage` listeners now: for live
   * messages the sync received but does not own.
   */
  deliver(data: IncomingData): void;
  /** Aborted when the sync is abandoned (timeout, drop, close). */
  signal: AbortSignal;
}

/** What `sync` may return. */
export interface SyncResult {
  /** The server's high-water mark: messages up to this id arrived and are not resent. */
  ackedThrough?: number;
}
