import { WebSocket as PartySocket } from 'partysocket';
import { type RwsLike, rwsClient } from './reconnecting-websocket.js';
import type { Peer } from './types.js';

/** partysocket's reconnecting WebSocket with its defaults (3 s start, x1.3, cap 10 s); `WebSocket: ws` for Node. */
export const partysocketPeer: Peer = {
  id: 'partysocket',
  label: 'partysocket',
  library: 'partysocket',
  server: 'ws',
  reconnects: true,
  configuration: "new WebSocket(url, undefined, { WebSocket: ws }) from 'partysocket'",
  connect: (url) =>
    rwsClient(
      url,
      (unique, WebSocket) =>
        new PartySocket(unique, undefined, { WebSocket }) as unknown as RwsLike,
    ),
};
