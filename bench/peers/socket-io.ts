import { io } from 'socket.io-client';
import { Attempts, type BenchClient, Listeners, type Peer } from './types.js';

/** socket.io-client with its defaults (long-polling first, then the WebSocket upgrade, over ws in Node). */
export const socketIoPeer: Peer = {
  id: 'socket.io',
  label: 'socket.io-client',
  library: 'socket.io-client',
  server: 'socket.io',
  reconnects: true,
  configuration:
    'io(url) with every option default, against a socket.io 4.8 server with its defaults',
  connect(url: string): BenchClient {
    const attempts = new Attempts();
    const opens = new Listeners();
    const closes = new Listeners();
    attempts.record();
    const socket = io(url);
    socket.io.on('reconnect_attempt', () => attempts.record());
    socket.on('connect', () => opens.emit());
    socket.on('disconnect', () => closes.emit());
    return {
      get attempts() {
        return attempts.count;
      },
      attemptTimes: attempts.times,
      get isOpen() {
        return socket.connected;
      },
      pending: () => {
        const engine = socket.io.engine as unknown as { writeBuffer?: unknown[] } | undefined;
        return socket.sendBuffer.length + (engine?.writeBuffer?.length ?? 0);
      },
      send: (data) => {
        socket.send(data);
      },
      onMessage: (listener) => {
        socket.on('message', (data: unknown) => listener(String(data)));
      },
      onOpen: (listener) => opens.add(listener),
      onClose: (listener) => closes.add(listener),
      close: () => {
        socket.disconnect();
      },
    };
  },
};
