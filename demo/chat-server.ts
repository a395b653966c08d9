import http from 'node:http';
import type net from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  createMemorySessionStore,
  createSessionServer,
  decodeClientFrame,
  type SessionServer,
} from '../src/server/index.js';
import { listenLocally } from '../test/support/listen-locally.js';

/** What the demo's server saw and sent, for the summary. */
export interface ChatServerRecord {
  /** Chat lines its `onMessage` took, in order: each must be there once. */
  readonly received: string[];
  /** Data frames on the wire with an id seen before: resends the server ignores (and acks again). */
  resent: number;
  /** Server lines appended to the client's stream with `sessions.send`, in order. */
  readonly sent: string[];
}

/**
 * The demo's server: `createSessionServer` on 127.0.0.1, exactly once both
 * ways. It takes the client's chat lines, and sends a numbered server line
 * every `sendEvery` ms to the last client that connected, whether that
 * client is connected or not: the session's stream keeps what the client
 * misses, and replays it when the client is back.
 *
 * A restart keeps the session store (as a real server keeps its database)
 * and makes a new session server on the same port.
 */
export class ChatServer {
  readonly record: ChatServerRecord = { received: [], resent: 0, sent: [] };
  readonly #http: http.Server;
  readonly #store = createMemorySessionStore();
  /** Accepts an upgrade and closes it at once: the server while it flaps. */
  readonly #flapper = new WebSocketServer({ noServer: true });
  readonly #sockets = new Set<net.Socket>();
  readonly #sendEvery: number;
  #sessions: SessionServer | null = null;
  #clientId: string | undefined;
  #highestId = 0;
  #lineNumber = 0;
  readonly #sending = new Set<Promise<unknown>>();
  #flapping = false;
  #sender: NodeJS.Timeout | undefined;
  port = 0;

  constructor(sendEvery: number) {
    this.#sendEvery = sendEvery;
    this.#http = http.createServer((_request, response) => response.writeHead(426).end());
    this.#http.on('connection', (socket) => {
      // Down: every connection is reset at once, as a crashed server's port would.
      if (!this.#sessions) return socket.resetAndDestroy();
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#http.on('upgrade', (request, socket, head) => {
      if (!this.#flapping) return this.#sessions?.handleUpgrade(request, socket, head);
      this.#flapper.handleUpgrade(request, socket, head, (ws) => ws.close(1011, 'flap'));
    });
  }

  async start(): Promise<void> {
    this.port = await listenLocally(this.#http);
    this.#open();
  }

  #open(): void {
    const sessions = createSessionServer({
      noServer: true,
      store: this.#store,
      onMessage: (_client, data) => {
        this.record.received.push(String(data));
      },
      onSession: (client) => {
        this.#clientId = client.clientId;
      },
    });
    sessions.wss.on('connection', (ws: WebSocket) => this.#countResends(ws));
    this.#sessions = sessions;
  }

  /** Counts the data frames whose id was already seen: the client's resends after a drop. */
  #countResends(ws: WebSocket): void {
    ws.on('message', (raw, isBinary) => {
      const frame = decodeClientFrame(isBinary ? (raw as Buffer) : String(raw));
      if (frame.type !== 'data') return;
      if (frame.id <= this.#highestId) this.record.resent += 1;
      else this.#highestId = frame.id;
    });
  }

  /** Starts sending a server line every `sendEvery` ms (skipped while down or before any client). */
  startSending(): void {
    this.#sender ??= setInterval(() => this.#sendLine(), this.#sendEvery);
  }

  stopSending(): void {
    clearInterval(this.#sender);
    this.#sender = undefined;
  }

  #sendLine(): void {
    const sessions = this.#sessions;
    if (!sessions || this.#clientId === undefined) return;
    this.#lineNumber += 1;
    const text = `server line ${this.#lineNumber}`;
    // Appended to the stream whether the client is connected or not; it gets it now or on resume.
    // Counted as sent once appended: one refused by a closing server (a crash) is not.
    const sending = sessions.send(this.#clientId, text).then(
      () => this.record.sent.push(text),
      () => undefined,
    );
    this.#sending.add(sending);
    sending.finally(() => this.#sending.delete(sending));
  }

  /** Resolves once every server line sent so far is appended (or refused). */
  async appended(): Promise<void> {
    await Promise.all(this.#sending);
  }

  /** Closes every session socket with a close frame (the flapping server's first act). */
  closeClients(code: number, reason: string): void {
    const wss = this.#sessions?.wss as WebSocketServer | undefined;
    for (const ws of wss?.clients ?? []) ws.close(code, reason);
  }

  flap(on: boolean): void {
    this.#flapping = on;
  }

  /** A crash: connections destroyed, new ones reset until `restart()`; the store survives. */
  async crash(): Promise<void> {
    const sessions = this.#sessions;
    this.#sessions = null;
    for (const socket of this.#sockets) socket.destroy();
    await sessions?.close();
  }

  /** A new session server on the same port and the same store. */
  restart(): void {
    if (!this.#sessions) this.#open();
  }

  async close(): Promise<void> {
    this.stopSending();
    await this.crash();
    await new Promise<void>((resolve) => this.#flapper.close(() => resolve()));
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.#store.close();
  }
}
