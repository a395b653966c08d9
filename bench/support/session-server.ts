import http from 'node:http';
import type net from 'node:net';
import { createSessionServer, type SessionServer } from '../../src/server/index.js';
import { listenLocally } from '../../test/support/listen-locally.js';

/**
 * lifeline-ws/server's `createSessionServer` with its defaults (in-memory
 * store) on 127.0.0.1, for the benchmarks: it records the application
 * messages `onMessage` is given, and `broadcast` appends a message to the
 * stream of every client that ever had a session, connected or not (the
 * session delivers it when it can).
 */
export class SessionBenchServer {
  readonly #http: http.Server;
  readonly #sessions: SessionServer;
  readonly #clients = new Set<string>();
  readonly #sockets = new Set<net.Socket>();
  #port = 0;
  /** Application messages in the order `onMessage` took them. */
  readonly received: string[] = [];
  /** `sessions.send` calls that failed. */
  sendFailures = 0;

  private constructor() {
    this.#http = http.createServer((_request, response) => response.writeHead(426).end());
    this.#http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#sessions = createSessionServer({
      server: this.#http,
      onMessage: (_client, data) => {
        this.received.push(String(data));
      },
      onSession: (client) => {
        this.#clients.add(client.clientId);
      },
    });
  }

  static async start(): Promise<SessionBenchServer> {
    const server = new SessionBenchServer();
    server.#port = await listenLocally(server.#http);
    return server;
  }

  get port(): number {
    return this.#port;
  }

  broadcast(text: string): void {
    for (const clientId of this.#clients) {
      this.#sessions.send(clientId, text).catch(() => {
        this.sendFailures += 1;
      });
    }
  }

  async close(): Promise<void> {
    await this.#sessions.close();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
