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
 * The close code with which the server refuses a gap in the ids: retryable
 * under lifeline's default close policy (only 4400-4499 are fatal there), so
 * the client reconnects and resends from the server's `ackedThrough`.
 */
export const gapCloseCode = 4090;

/**
 * A `ws` server on 127.0.0.1, port 0, speaking lifeline's default ack
 * envelope: `{"id":n,"data":...}` in, `{"ack":n}` out (cumulative).
 *
 * Ids must be contiguous: it accepts id n only when n = highestId + 1;
 * n <= highestId is a resend, re-acked and counted in `duplicates`; a larger n
 * is a gap: counted in `gaps`, acknowledged by nothing, and the socket is closed
 * with {@link gapCloseCode} (reason `gap: expected id <highestId + 1>, got <n>`);
 * whatever else arrives on that socket is ignored. Keeping "the highest id seen"
 * instead would turn a gap into loss reported as success: a cumulative ack
 * past the gap acknowledges messages the server never had.
 *
 * When a socket opens and some id was accepted, it first sends
 * `{"ack":highestId}`, so that a reconnected client can trim its resends.
 * It answers `{"hello":...}` (a sync) with `{"welcome":true,"ackedThrough":n}`.
 * Plain frames (not an envelope with a positive integer id) are recorded as
 * they are. One `highestId` for
 * the whole server: one ack-mode client per server.
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
  /** Resends of ids already accepted (re-acked, not recorded again). */
  duplicates = 0;
  /**
   * Envelope ids that did not follow the previous id on the same socket by
   * one (a stream that skips or reorders); a socket's first id may be any.
   */
  outOfOrder = 0;
  /** Ids refused because they skipped past `highestId + 1`; each closed its socket. */
  gaps = 0;
  /** The highest id accepted: every id up to it was accepted, in order. */
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
    if (this.acknowledge && this.highestId > 0) ws.send(`{"ack":${this.highestId}}`);
    /** The previous envelope id on this socket. */
    let previousId: number | undefined;
    /** A gap was refused on this socket: nothing after it is accepted or acknowledged. */
    let refused = false;
    ws.on('message', (raw, isBinary) => {
      const text = isBinary ? Buffer.from(raw as Buffer).toString('base64') : String(raw);
      this.frames.push(text);
      if (refused) return;
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
      if (
        message &&
        typeof message.id === 'number' &&
        Number.isSafeInteger(message.id) &&
        message.id > 0
      ) {
        const { id } = message;
        if (previousId !== undefined && id !== previousId + 1) this.outOfOrder += 1;
        previousId = id;
        if (id > this.highestId + 1) {
          this.gaps += 1;
          refused = true;
          ws.close(gapCloseCode, `gap: expected id ${this.highestId + 1}, got ${id}`);
          return;
        }
        if (id <= this.highestId) {
          this.duplicates += 1;
        } else {
          this.highestId = id;
          this.received.push(String(message.data));
        }
        if (this.acknowledge) ws.send(`{"ack":${this.highestId}}`);
        return;
      }
      this.received.push(text);
    });
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
