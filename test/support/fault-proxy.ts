import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/** Which way a chunk travels: from the client to the server (`up`) or back (`down`). */
export type Direction = 'up' | 'down';

/** One chunk the proxy read, and what it did with it. */
export interface ChunkEvent {
  direction: Direction;
  bytes: number;
  /**
   * `forwarded`, or why not: `blackholed` (read while the black hole was on)
   * or `after-loss` (read after an earlier chunk of the same direction of the
   * same connection was lost: a TCP stream has no gaps, so nothing later gets through).
   */
  fate: 'forwarded' | 'blackholed' | 'after-loss';
}

/**
 * A TCP proxy on 127.0.0.1, port 0, in front of a server, that injects the
 * faults networks produce: cut every connection, black-hole traffic without
 * closing (a half-open socket), delay it, refuse new connections, or write
 * raw bytes to the client.
 *
 * The black hole behaves as TCP does: once a direction of a connection has
 * lost a chunk, it forwards nothing more on that connection (that direction),
 * even after the hole is lifted, and the sockets stay open (half-open). What
 * arrives is always a gap-free prefix of what was written. New connections
 * after the hole are not affected.
 */
export class FaultProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<Pair>();
  #blackholed = false;
  #refusing = false;
  #delay = 0;
  readonly #observers = new Set<(event: ChunkEvent) => void>();
  /** Connections accepted (refused ones included): the client's attempts. */
  accepted = 0;

  private constructor(
    server: net.Server,
    readonly targetPort: number,
  ) {
    this.#server = server;
  }

  static async start(targetPort: number): Promise<FaultProxy> {
    const server = net.createServer();
    const proxy = new FaultProxy(server, targetPort);
    server.on('connection', (client) => proxy.#accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  /** Open connections through the proxy. */
  get connections(): number {
    return this.#pairs.size;
  }

  #accept(client: net.Socket): void {
    this.accepted += 1;
    client.on('error', () => undefined);
    if (this.#refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    upstream.on('error', () => undefined);
    const pair = { client, upstream };
    this.#pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket, direction: Direction) => {
      // The decision is made when the chunk is read, so it must remember a loss:
      // a chunk read after the hole lifted must not overtake one the hole took.
      let lost = false;
      from.on('data', (chunk: Buffer) => {
        if (this.#blackholed) lost = true;
        const fate = this.#blackholed ? 'blackholed' : lost ? 'after-loss' : 'forwarded';
        this.#observe({ direction, bytes: chunk.length, fate });
        if (fate !== 'forwarded') return;
        if (this.#delay > 0) {
          const timer = setTimeout(() => to.write(chunk), this.#delay);
          to.once('close', () => clearTimeout(timer));
        } else {
          to.write(chunk);
        }
      });
    };
    forward(client, upstream, 'up');
    forward(upstream, client, 'down');
    const end = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  }

  /** Calls `listener` for every chunk read, with its fate; returns an unsubscribe. */
  observe(listener: (event: ChunkEvent) => void): () => void {
    this.#observers.add(listener);
    return () => this.#observers.delete(listener);
  }

  #observe(event: ChunkEvent): void {
    for (const listener of this.#observers) listener(event);
  }

  /** Destroys every connection at once, as a dropped network does. */
  cut(): void {
    for (const { client, upstream } of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#pairs.clear();
  }

  /**
   * Silently discards all traffic both ways, closing nothing: a half-open
   * connection. A direction of a connection that lost a chunk stays dead after
   * `blackhole(false)` (as a TCP stream would: no later byte gets past a lost
   * one); connections made after it are not affected.
   */
  blackhole(on: boolean): void {
    this.#blackholed = on;
  }

  /** Closes new connections as soon as they arrive. */
  refuse(on: boolean): void {
    this.#refusing = on;
  }

  /** Delays every chunk by `ms` each way. */
  delay(ms: number): void {
    this.#delay = ms;
  }

  /** Writes raw bytes to every client, as if the server had sent them. */
  inject(bytes: Uint8Array): void {
    for (const { client } of this.#pairs) client.write(bytes);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
