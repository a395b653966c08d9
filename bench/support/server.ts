import http from 'node:http';
import type net from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { type WebSocket, WebSocketServer } from 'ws';
import type { VerifyClientCallback } from '../../src/server/upgrade-pacer.js';
import { listenLocally } from '../../test/support/listen-locally.js';
import type { ServerKind } from '../peers/types.js';

/** Decides one attempt, as `ws`'s `verifyClient` does (the pacer's `verifyClient` fits). */
export type Verify = (info: { req: http.IncomingMessage }, callback: VerifyClientCallback) => void;

interface Link {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** A socket.io handshake opens a session; requests that carry a `sid` belong to one. */
function isHandshake(request: http.IncomingMessage): boolean {
  return request.url?.startsWith('/socket.io/') === true && !/[?&]sid=/.test(request.url);
}

/**
 * A server on 127.0.0.1 for the benchmarks, in two flavours: a `ws` server,
 * or a socket.io 4.8 server with its defaults. Both count attempts (a
 * WebSocket upgrade request; a socket.io handshake), can gate them (`verify`,
 * answered with an HTTP status such as 503 and its headers), flap (accept,
 * then close at once), drop every TCP connection, stop and resume listening
 * on the same port, and record application messages. In ack mode (ws only)
 * it speaks lifeline's default envelope as test/support/test-server.ts does:
 * `{"id":n,"data":...}` in, de-duplicated by id, `{"ack":n}` out.
 */
export class BenchServer {
  readonly kind: ServerKind;
  readonly #http: http.Server;
  readonly #wss: WebSocketServer | undefined;
  readonly #io: SocketIoServer | undefined;
  readonly #sockets = new Set<net.Socket>();
  readonly #links = new Set<Link>();
  #port = 0;
  #highestId = 0;
  /** Gate for attempts; null admits everyone. */
  verify: Verify | null = null;
  /** Accept, then close at once. */
  flap = false;
  /** Ack mode: lifeline's default envelope. */
  ack = false;
  /** When each attempt reached the server (performance.now()). */
  readonly attemptTimes: number[] = [];
  /** When each admitted attempt was admitted. */
  readonly admittedTimes: number[] = [];
  /** Application messages in arrival order (ack mode: unwrapped; duplicates by id dropped). */
  readonly received: string[] = [];
  /** Ack mode: envelopes that arrived again after a reconnect and were dropped by id. */
  resentDropped = 0;
  /** Ids refused because one before them was missing (the socket was closed to have them resent). */
  gaps = 0;

  private constructor(kind: ServerKind) {
    this.kind = kind;
    this.#http = http.createServer((_request, response) => response.writeHead(426).end());
    this.#http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    if (kind === 'ws') {
      this.#wss = new WebSocketServer({
        noServer: true,
        verifyClient: (info, callback) => this.#decide(info, callback),
      });
      this.#http.on('upgrade', (request, socket, head) => {
        this.attemptTimes.push(performance.now());
        this.#wss?.handleUpgrade(request, socket, head, (ws) => this.#serveWs(ws));
      });
    } else {
      this.#io = new SocketIoServer(this.#http);
      this.#gateSocketIo();
      this.#io.on('connection', (socket) => {
        if (this.flap) {
          socket.conn.close();
          return;
        }
        const link: Link = {
          send: (text) => socket.send(text),
          close: () => socket.disconnect(true),
        };
        this.#links.add(link);
        socket.on('disconnect', () => this.#links.delete(link));
        socket.on('message', (data: unknown) => this.#receive(String(data), link));
      });
    }
  }

  static async start(kind: ServerKind, port = 0): Promise<BenchServer> {
    const server = new BenchServer(kind);
    await server.listen(port);
    return server;
  }

  get port(): number {
    return this.#port;
  }

  /** The URL clients of this flavour take. */
  get url(): string {
    return this.kind === 'ws' ? `ws://127.0.0.1:${this.#port}/` : `http://127.0.0.1:${this.#port}`;
  }

  /** Open application connections. */
  get connections(): number {
    return this.#links.size;
  }

  async listen(port = this.#port): Promise<void> {
    this.#port = await listenLocally(this.#http, port);
  }

  /** Destroys every TCP connection at once, as a crashed server or a cut network does. */
  dropAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#links.clear();
  }

  /** Stops listening (new connections are refused by the kernel) and drops every connection. */
  async stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    this.dropAll();
    await closed;
  }

  broadcast(text: string): void {
    for (const link of this.#links) link.send(text);
  }

  async close(): Promise<void> {
    this.dropAll();
    this.#io?.close();
    this.#wss?.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #decide(info: { req: http.IncomingMessage }, callback: VerifyClientCallback): void {
    const admit = () => {
      this.admittedTimes.push(performance.now());
      callback(true);
    };
    if (!this.verify) {
      admit();
      return;
    }
    this.verify(info, (result, code, name, headers) => {
      if (result) admit();
      else callback(false, code, name, headers);
    });
  }

  #serveWs(ws: WebSocket): void {
    ws.on('error', () => undefined);
    if (this.flap) {
      ws.close(1011, 'flap');
      return;
    }
    const link: Link = {
      send: (text) => ws.send(text),
      close: (code, reason) => ws.close(code, reason),
    };
    this.#links.add(link);
    ws.on('close', () => this.#links.delete(link));
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.#receive(String(data), link);
    });
  }

  #receive(text: string, link: Link): void {
    if (this.ack && text.startsWith('{"id":')) {
      const { id, data } = JSON.parse(text) as { id: number; data: string };
      if (id <= this.#highestId) this.resentDropped += 1;
      else if (id !== this.#highestId + 1) {
        // A gap: take nothing past it, and close so that the client resends from highestId + 1.
        this.gaps += 1;
        link.close(4090, 'gap');
        return;
      } else {
        this.#highestId = id;
        this.received.push(data);
      }
      link.send(`{"ack":${this.#highestId}}`);
      return;
    }
    this.received.push(text);
  }

  /** Puts `verify` in front of socket.io's handshakes: refused ones get the status and headers at once. */
  #gateSocketIo(): void {
    const server = this.#http;
    const requestListeners = server.listeners('request') as http.RequestListener[];
    const upgradeListeners = server.listeners('upgrade') as ((...args: unknown[]) => void)[];
    server.removeAllListeners('request');
    server.removeAllListeners('upgrade');
    const gate = (
      request: http.IncomingMessage,
      refuse: (code: number, name: string, headers: Record<string, string>) => void,
      forward: () => void,
    ) => {
      if (!isHandshake(request)) {
        forward();
        return;
      }
      this.attemptTimes.push(performance.now());
      this.#decide({ req: request }, (result, code = 401, name = 'Unauthorized', headers = {}) => {
        if (result) forward();
        else refuse(code, name, headers);
      });
    };
    server.on('request', (request, response) =>
      gate(
        request,
        (code, name, headers) =>
          response.writeHead(code, name, { ...headers, Connection: 'close' }).end(),
        () => {
          for (const listener of requestListeners) listener.call(server, request, response);
        },
      ),
    );
    server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) =>
      gate(
        request,
        (code, name, headers) => {
          const lines = Object.entries(headers).map(([key, value]) => `${key}: ${value}\r\n`);
          socket.end(
            `HTTP/1.1 ${code} ${name}\r\n${lines.join('')}Connection: close\r\nContent-Length: 0\r\n\r\n`,
          );
        },
        () => {
          for (const listener of upgradeListeners) listener.call(server, request, socket, head);
        },
      ),
    );
  }
}
