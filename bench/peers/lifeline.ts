import type { WebSocketConstructor } from '../../src/client/websocket-like.js';
import { createConnection } from '../../src/index.js';
import { CountingWebSocket, registerClient } from './counting-ws.js';
import { Attempts, type BenchClient, Listeners, type Peer } from './types.js';

/** How a lifeline peer is set up: defaults, ack mode, or the session protocol. */
export type LifelineMode = 'plain' | 'ack' | 'session';

const modes = {
  plain: {
    id: 'lifeline',
    label: 'lifeline',
    options: 'createConnection({ url }), every option default',
  },
  ack: {
    id: 'lifeline-ack',
    label: 'lifeline (ack mode)',
    options: 'createConnection({ url, ack: true }), every other option default',
  },
  session: {
    id: 'lifeline-session',
    label: 'lifeline (session)',
    options:
      "createConnection({ url, session: true }), every other option default, against lifeline-ws/server's createSessionServer with its defaults",
  },
} as const;

/** lifeline's createConnection with its defaults; ack mode or session mode on request (the loss and half-open benchmarks ask for them). */
export function lifelinePeer(mode: LifelineMode = 'plain'): Peer {
  const { id, label, options } = modes[mode];
  return {
    id,
    label,
    library: 'lifeline',
    server: 'ws',
    ...(mode === 'session' ? { session: true } : {}),
    reconnects: true,
    configuration: options,
    connect(url: string): BenchClient {
      const attempts = new Attempts();
      const opens = new Listeners();
      const closes = new Listeners();
      const unique = registerClient(url, () => attempts.record());
      const connection = createConnection({
        url: unique,
        // ws, as lifeline loads by default on Node 20, counting its constructions.
        WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
        ...(mode === 'ack' ? { ack: true } : {}),
        ...(mode === 'session' ? { session: true } : {}),
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
