import http from 'node:http';
import type net from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { listenLocally } from './listen-locally.js';

/** How the server treats upgrade requests. */
export type Admission =
  | { kind: 'accept' }
  /** Accept the upgrade, then close at once: a flapping server. */
  | { kind: 'flap'; code?: number }
  /** Answer the upgrade with an HTTP status (503 with `Retry-After`, 401 ...). */
  | { kind: 'refuse'; status: number; retryAfter?: string; retryAfterMs?: string };

/**
 * A `ws` server on 127.0.0.1, port 0, speaking lifeline's default ack
 * envelope: `{"id":n,"data":...}` in, `{"ack":n}` out, de-duplicating by id.
 * It answers `{"hello":...}` (a sync) with `{"welcome":true,"ackedThrough":n}`.
 * Plain (non-envelope) frames are recorded as they are.
 */
export class TestServer {
  readonly #http: http.Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<net.Socket>();
  #port = 0;
  admission: Admission = { kind: 'accept' };
  /** Messages accepted, in arrival order, after de-duplication. */
  readonly received: string[] = [];
  /** Raw frames of every kind, as they arrived. */
  readonly frames: string[] = [];
  duplicates = 0;
  /** Ids that arrived after a higher id (a gap, or a reordering). */
  outOfOrder = 0;
  /** The highest id accepted. */
  highestId = 0;
  /** Upgrade requests seen, refused ones included. */
  upgrades = 0;
  /** Whether to acknowledge envelope messages. */
  acknowledge = true;
  /** While down, every TCP connection is reset at once, as a crashed server's port would. */
  #down = false;

  private constructor() {
    this.#http = http.createServer((_request, response) => response.writeHead(426).end());
    this.#wss = new WebSocketServer({ noServer: true });
    this.#http.on('connection', (socket) => {
      if (this.#down) {
        socket.resetAndDestroy();
        return;
      }
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#http.on('upgrade', (request, socket, head) =>
      this.#upgrade(request, socket as net.Socket, head),
    );
    this.#wss.on('connection', (ws) => this.#serve(ws));
  }

  static async start(port = 0): Promise<TestServer> {
    const server = new TestServer();
    await server.listen(port);
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#port}/`;
  }

  get clients(): Set<WebSocket> {
    return this.#wss.clients;
  }

  async listen(port = this.#port): Promise<void> {
    this.#port = await listenLocally(this.#http, port);
  }

  #upgrade(request: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    this.upgrades += 1;
    const admission = this.admission;
    if (admission.kind === 'refuse') {
      const retryAfter =
        (admission.retryAfter ? `Retry-After: ${admission.retryAfter}\r\n` : '') +
        (admission.retryAfterMs ? `Retry-After-Ms: ${admission.retryAfterMs}\r\n` : '');
      socket.end(
        `HTTP/1.1 ${admission.status} Refused\r\n${retryAfter}Connection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      if (admission.kind === 'flap') {
        ws.close(admission.code ?? 1011, 'flap');
        return;
      }
      this.#wss.emit('connection', ws, request);
    });
  }

  #serve(ws: WebSocket): void {
    ws.on('error', () => undefined);
    ws.on('message', (raw, isBinary) => {
      const text = isBinary ? Buffer.from(raw as Buffer).toString('base64') : String(raw);
      this.frames.push(text);
      let message: { id?: unknown; data?: unknown; hello?: unknown } | undefined;
      try {
        message = text.startsWith('{') ? JSON.parse(text) : undefined;
      } catch {
        message = undefined;
      }
      if (message && 'hello' in message) {
        ws.send(JSON.stringify({ welcome: true, ackedThrough: this.highestId }));
        return;
      }
      if (message && typeof message.id === 'number') {
        this.#accept(message.id, String(message.data));
        if (this.acknowledge) ws.send(`{"ack":${this.highestId}}`);
        return;
      }
      this.received.push(text);
    });
  }

  #accept(id: number, data: string): void {
    if (id <= this.highestId) {
      this.duplicates += 1;
      return;
    }
    if (id !== this.highestId + 1) this.outOfOrder += 1;
    this.highestId = id;
    this.received.push(data);
  }

  /** Closes every client connection with a close frame. */
  closeClients(code = 1001, reason = 'going away'): void {
    for (const ws of this.#wss.clients) ws.close(code, reason);
  }

  /**
   * A crash: every connection is destroyed and new ones are reset until
   * `recover()`. The port stays this server's, so that no other test can take
   * it in between (as a stop and a listen on the same port would allow).
   */
  crash(): void {
    this.#down = true;
    for (const ws of this.#wss.clients) ws.terminate();
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Accepts connections again after `crash()`. */
  recover(): void {
    this.#down = false;
  }

  /** Stops listening and destroys every connection. */
  async stop(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stop().catch(() => undefined);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
