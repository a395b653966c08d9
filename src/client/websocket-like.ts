import type { OutgoingData } from './delivery/outgoing-data.js';

/** The part of a WebSocket lifeline uses: the browser's, Node 22's, or `ws`. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol?: string;
  binaryType?: string;
  send(data: OutgoingData): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  /** `ws` only: a ping frame (the server's WebSocket answers with a pong). */
  ping?: (data?: unknown) => void;
  /** `ws` only: destroys the TCP socket at once. */
  terminate?: () => void;
  /** `ws` only: Node-style events (`pong`, `unexpected-response`, `message`). */
  on?: (event: string, listener: (...args: never[]) => void) => unknown;
  removeAllListeners?: (event?: string) => unknown;
}

/** A WebSocket constructor: `globalThis.WebSocket`, or `ws`'s (whose third argument takes `ca`, `headers` ...). */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: never,
) => WebSocketLike;
