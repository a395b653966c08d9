import type { OutgoingData } from '../client/delivery/outgoing-data.js';
import type { WebSocketConstructor } from '../client/websocket-like.js';
import { FakeSocket } from './fake-socket.js';

/**
 * A controllable transport: pass its `WebSocket` as the `WebSocket` option of
 * `createConnection`, and every socket the connection opens is a
 * {@link FakeSocket} the test drives (open it, deliver frames, close it,
 * refuse it) and reads (what the client wrote). No network is involved.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 * import { FakeTransport, settle, TestClock } from 'lifeline-ws/testing';
 *
 * const clock = new TestClock();
 * const transport = new FakeTransport();
 * const connection = createConnection({ url: 'ws://app.test/', WebSocket: transport.WebSocket, clock });
 * await settle();
 * transport.socket.refuse(503, { 'retry-after': '7' });
 * await settle();
 * connection.status.retryAt; // about 7000 (plus jitter) on the simulated clock
 * clock.advance(connection.status.retryAt ?? 0);
 * await settle();
 * transport.sockets.length; // 2: the second attempt
 * connection.close();
 * ```
 */
export class FakeTransport {
  /** Every socket the client created, oldest first. */
  readonly sockets: FakeSocket[] = [];
  /** The WebSocket constructor to give the client: each socket it makes is recorded in `sockets`. */
  readonly WebSocket: WebSocketConstructor;

  constructor() {
    const sockets = this.sockets;
    this.WebSocket = class extends FakeSocket {
      constructor(url: string, protocols?: string | string[], options?: unknown) {
        super(url, protocols, options);
        sockets.push(this);
      }
    };
  }

  /** The socket the client created last; throws when it created none. */
  get socket(): FakeSocket {
    const latest = this.sockets.at(-1);
    if (!latest) throw new Error('the client has created no socket yet (await settle() first?)');
    return latest;
  }

  /** Every frame the client wrote, on every socket, in order. */
  get sent(): OutgoingData[] {
    return this.sockets.flatMap((socket) => socket.sent);
  }
}
