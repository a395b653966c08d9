import RwsModule from 'reconnecting-websocket';
import { CountingWebSocket, registerClient } from './counting-ws.js';
import { Attempts, type BenchClient, Listeners, type Peer } from './types.js';

/** CommonJS: `module.exports` is the class, while its types declare a default export. */
export const ReconnectingWebSocket = ((RwsModule as unknown as { default?: unknown }).default ??
  RwsModule) as unknown as typeof RwsModule.default;

/** The part of reconnecting-websocket and partysocket (its fork) the adapter uses. */
export interface RwsLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
}

/** Wraps a reconnecting-websocket-style client, whose 'close' also fires for failed attempts. */
export function rwsClient(
  url: string,
  create: (url: string, WebSocket: typeof CountingWebSocket) => RwsLike,
): BenchClient {
  const attempts = new Attempts();
  const opens = new Listeners();
  const closes = new Listeners();
  const socket = create(
    registerClient(url, () => attempts.record()),
    CountingWebSocket,
  );
  let open = false;
  socket.addEventListener('open', () => {
    open = true;
    opens.emit();
  });
  socket.addEventListener('close', () => {
    if (open) closes.emit();
    open = false;
  });
  socket.addEventListener('error', () => undefined);
  return {
    get attempts() {
      return attempts.count;
    },
    attemptTimes: attempts.times,
    get isOpen() {
      return open && socket.readyState === 1;
    },
    pending: () => (socket as unknown as { _messageQueue: unknown[] })._messageQueue.length,
    send: (data) => socket.send(data),
    onMessage: (listener) =>
      socket.addEventListener('message', (event) => listener(String(event.data))),
    onOpen: (listener) => opens.add(listener),
    onClose: (listener) => closes.add(listener),
    close: () => socket.close(),
  };
}

/**
 * reconnecting-websocket 4.4 with its defaults. Its default
 * `minReconnectionDelay` is `1000 + Math.random() * 4000`, evaluated once
 * when the module loads: every instance in one process would share it. A
 * fleet is many processes, so each client here gets the same expression
 * drawn for itself; nothing else is set but `WebSocket` (ws, required in Node).
 */
export const rwsPeer: Peer = {
  id: 'reconnecting-websocket',
  label: 'reconnecting-websocket',
  library: 'reconnecting-websocket',
  server: 'ws',
  reconnects: true,
  configuration:
    'new ReconnectingWebSocket(url, undefined, { WebSocket: ws, minReconnectionDelay: 1000 + Math.random() * 4000 }) (its default expression, drawn per client as separate processes would)',
  connect: (url) =>
    rwsClient(
      url,
      (unique, WebSocket) =>
        new ReconnectingWebSocket(unique, undefined, {
          WebSocket,
          minReconnectionDelay: 1000 + Math.random() * 4000,
        }) as unknown as RwsLike,
    ),
};
