import { FaultProxy } from '../test/support/fault-proxy.js';
import { ChatServer } from './chat-server.js';

/**
 * The demo's own little internet: a session server (`createSessionServer`),
 * and a fault-injecting TCP proxy in front of it that the client connects through.
 */
export class EmbeddedNetwork {
  private constructor(
    readonly server: ChatServer,
    readonly proxy: FaultProxy,
  ) {}

  /** `serverSendEvery`: the pace of the server's own lines to the client, in ms. */
  static async start(serverSendEvery: number): Promise<EmbeddedNetwork> {
    const server = new ChatServer(serverSendEvery);
    await server.start();
    const proxy = await FaultProxy.start(server.port);
    return new EmbeddedNetwork(server, proxy);
  }

  /** Where the client connects: the proxy, never the server directly. */
  get url(): string {
    return this.proxy.url;
  }

  /** Every connection dies at once, as when Wi-Fi drops. */
  cutNetwork(): void {
    this.proxy.cut();
  }

  /** The server crashes: connections destroyed, new ones reset (the proxy's upstream connects fail). */
  async stopServer(): Promise<void> {
    await this.server.crash();
  }

  /** The server is back on the same port, with its session store (as a real one keeps its database). */
  async startServer(): Promise<void> {
    this.server.restart();
  }

  /** Traffic vanishes both ways but no connection closes: only a heartbeat notices. */
  blackhole(on: boolean): void {
    this.proxy.blackhole(on);
  }

  /**
   * The server crash-loops: the open connection is closed (1012 service
   * restart) and each new upgrade is accepted, then closed at once (1011).
   */
  flap(on: boolean): void {
    this.server.flap(on);
    if (on) this.server.closeClients(1012, 'service restart');
  }

  async close(): Promise<void> {
    await this.proxy.close();
    await this.server.close();
  }
}
