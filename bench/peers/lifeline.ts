import type { WebSocketConstructor } from '../../src/client/websocket-like.js';
import { createConnection } from '../../src/index.js';
import { CountingWebSocket, registerClient } from './counting-ws.js';
import { Attempts, type BenchClient, Listeners, type Peer } from './types.js';

/** lifeline's createConnection with its defaults; `ack` turns on ack mode (the loss and half-open benchmarks ask for it). */
export function lifelinePeer(ack = false): Peer {
  return {
    id: ack ? 'lifeline-ack' : 'lifeline',
    label: ack ? 'lifeline (ack mode)' : 'lifeline',
    library: 'lifeline',
    server: 'ws',
    reconnects: true,
    configuration: ack
      ? 'createConnection({ url, ack: true }), every other option default'
      : 'createConnection({ url }), every option default',
    connect(url: string): BenchClient {
      const attempts = new Attempts();
      const opens = new Listeners();
      const closes = new Listeners();
      const unique = registerClient(url, () => attempts.record());
      const connection = createConnection({
        url: unique,
        // ws, as lifeline loads by default on Node 20, counting its constructions.
        WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
        ...(ack ? { ack: true } : {}),
      });
      const settled = new Map<string, number>();
      let open = false;
      connection.subscribe((status) => {
        const live = status.state === 'connected';
        if (live && !open) {
          open = true;
          opens.emit();
        } else if (!live && open) {
          open = false;
          closes.emit();
        }
      });
      return {
        get attempts() {
          return attempts.count;
        },
        attemptTimes: attempts.times,
        get isOpen() {
          return open;
        },
        pending: () => {
          const { queued, inFlight } = connection.status;
          return queued + inFlight;
        },
        send: (data) => {
          connection.send(data).settled.then((receipt) => {
            settled.set(receipt.state, (settled.get(receipt.state) ?? 0) + 1);
          });
        },
        onMessage: (listener) => {
          connection.onMessage((data) => listener(String(data)));
        },
        onOpen: (listener) => opens.add(listener),
        onClose: (listener) => closes.add(listener),
        close: () => connection.close(),
        extra: () =>
          `receipts: ${[...settled].map(([state, n]) => `${n} ${state}`).join(', ') || 'none settled'}`,
      };
    },
  };
}
