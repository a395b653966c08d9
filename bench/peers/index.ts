import { lifelinePeer } from './lifeline.js';
import { partysocketPeer } from './partysocket.js';
import { rwsPeer } from './reconnecting-websocket.js';
import { socketIoPeer } from './socket-io.js';
import type { Peer } from './types.js';
import { wsPeer } from './ws.js';

export type { BenchClient, Peer, ServerKind } from './types.js';
export { versionOf } from './ws.js';

export const lifeline = lifelinePeer('plain');
export const lifelineAck = lifelinePeer('ack');
export const lifelineSession = lifelinePeer('session');
export const reconnectingWebSocket = rwsPeer;
export const partysocket = partysocketPeer;
export const socketIo = socketIoPeer;
export const ws = wsPeer;

/** The peers that reconnect, lifeline first. */
export const reconnectingPeers: Peer[] = [lifeline, reconnectingWebSocket, partysocket, socketIo];
