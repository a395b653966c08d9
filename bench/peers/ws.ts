import { createRequire } from 'node:module';
import WebSocket from 'ws';
import { CountingWebSocket, registerClient } from './counting-ws.js';
import { Attempts, type BenchClient, Listeners, type Peer } from './types.js';

/** Raw `ws`: one socket, no reconnection, messages sent while it is not open are dropped. The baseline. */
export const wsPeer: Peer = {
  id: 'ws',
  label: 'ws (raw, no reconnection)',
  library: 'ws',
  server: 'ws',
  reconnects: false,
  configuration: 'new WebSocket(url); send only while OPEN',
  connect(url: string): BenchClient {
    const attempts = new Attempts();
    const opens = new Listeners();
    const closes = new Listeners();
    const socket = new CountingWebSocket(registerClient(url, () => attempts.record()));
    let open = false;
    socket.on('error', () => undefined);
    socket.on('open', () => {
      open = true;
      opens.emit();
    });
    socket.on('close', () => {
      if (open) closes.emit();
      open = false;
    });
    return {
      get attempts() {
        return attempts.count;
      },
      attemptTimes: attempts.times,
      get isOpen() {
        return open;
      },
      pending: () => 0,
      send: (data) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(data);
      },
      onMessage: (listener) => {
        socket.on('message', (data, isBinary) => listener(isBinary ? '' : String(data)));
      },
      onOpen: (listener) => opens.add(listener),
      onClose: (listener) => closes.add(listener),
      close: () => socket.terminate(),
    };
  },
};

/** The version of an installed package. */
export function versionOf(name: string): string {
  const require = createRequire(import.meta.url);
  return (require(`${name}/package.json`) as { version: string }).version;
}
