import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type ClientFrame,
  decodeClientFrame,
  encodeServerFrame,
  type InvalidFrame,
  type ServerFrame,
} from '../../src/protocol/index.js';
import { until } from './integration.js';

/** One socket a client opened, as the scripted server sees it. */
export class PeerSocket {
  readonly frames: (ClientFrame | InvalidFrame)[] = [];
  /** Whether each frame came as a binary frame. */
  readonly binary: boolean[] = [];
  closeCode: number | undefined;
  #read = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.frames.push(decodeClientFrame(isBinary ? new Uint8Array(data) : data.toString()));
      this.binary.push(isBinary);
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  /** The next frame not yet read by `next`, waiting for it. */
  async next(what = 'a frame'): Promise<ClientFrame | InvalidFrame> {
    await until(() => this.frames.length > this.#read, 10_000, what);
    const frame = this.frames[this.#read] as ClientFrame | InvalidFrame;
    this.#read += 1;
    return frame;
  }

  send(frame: ServerFrame): void {
    this.ws.send(encodeServerFrame(frame));
  }

  /** `welcome` then `replayed` with these fields. */
  welcome(fields: {
    clientId: string;
    epoch: string;
    ackedThrough?: number;
    offset?: number;
    token?: string;
    reset?: 'epoch-changed' | 'history-trimmed' | 'offset-ahead';
  }): void {
    const { clientId, epoch, ackedThrough = 0, offset = 0, token = 'secret-token', reset } = fields;
    this.send({
      type: 'welcome',
      v: 1,
      clientId,
      token,
      ackedThrough,
      epoch,
      offset,
      ...(reset ? { reset } : {}),
    });
  }

  close(code: number, reason = ''): void {
    this.ws.close(code, reason);
  }
}

/**
 * A server a test scripts frame by frame, speaking the session protocol over
 * real `ws` on 127.0.0.1 (a free port): the client's side of the contract,
 * checked without the real session server.
 */
export class ProtocolPeer {
  readonly sockets: PeerSocket[] = [];
  readonly #server: WebSocketServer;
  #taken = 0;

  private constructor(server: WebSocketServer) {
    this.#server = server;
    server.on('connection', (ws) => this.sockets.push(new PeerSocket(ws)));
  }

  static async start(): Promise<ProtocolPeer> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new ProtocolPeer(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The next socket a client opens, waiting for it. */
  async nextSocket(): Promise<PeerSocket> {
    await until(() => this.sockets.length > this.#taken, 10_000, 'a socket');
    const socket = this.sockets[this.#taken] as PeerSocket;
    this.#taken += 1;
    return socket;
  }

  async close(): Promise<void> {
    for (const { ws } of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
