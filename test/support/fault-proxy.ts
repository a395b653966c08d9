import net from 'node:net';
import { FrameSplitter, payloadOf } from './frame-splitter.js';

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

/** A fault on WebSocket frames: a data frame written twice, or two data frames swapped. */
export type FrameFault = 'duplicate' | 'swap';

interface ArmedFault {
  fault: FrameFault;
  /** Which frames it may hit (by unmasked payload); any data frame when absent. */
  matches: ((payload: Buffer) => boolean) | undefined;
}

/** How long a swapped frame waits for the frame it is to follow. */
const swapWait = 50;

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
  readonly #frameFaults: Record<Direction, ArmedFault[]> = { up: [], down: [] };
  readonly #frames: boolean;
  /** Connections accepted (refused ones included): the client's attempts. */
  accepted = 0;
  /** Where new connections go; `retarget` moves it (a server restarted on another port). */
  targetPort: number;

  private constructor(server: net.Server, targetPort: number, frames: boolean) {
    this.#server = server;
    this.targetPort = targetPort;
    this.#frames = frames;
  }

  /**
   * With `frames: true` the proxy reads WebSocket frames (uncompressed), so
   * that `frameFault` can duplicate or swap them.
   */
  static async start(targetPort: number, options: { frames?: boolean } = {}): Promise<FaultProxy> {
    const server = net.createServer();
    const proxy = new FaultProxy(server, targetPort, options.frames === true);
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
      const write = this.#frames ? this.#frameWriter(to, direction) : undefined;
      from.on('data', (chunk: Buffer) => {
        if (this.#blackholed) lost = true;
        const fate = this.#blackholed ? 'blackholed' : lost ? 'after-loss' : 'forwarded';
        this.#observe({ direction, bytes: chunk.length, fate });
        if (fate !== 'forwarded') return;
        if (write !== undefined) {
          write(chunk);
        } else if (this.#delay > 0) {
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

  /** Writes whole frames to `to`, applying the armed frame faults of `direction`. */
  #frameWriter(to: net.Socket, direction: Direction): (chunk: Buffer) => void {
    const splitter = new FrameSplitter();
    let held: { bytes: Buffer; timer: NodeJS.Timeout } | undefined;
    const release = () => {
      if (!held) return;
      clearTimeout(held.timer);
      to.write(held.bytes);
      held = undefined;
    };
    to.once('close', () => {
      if (held) clearTimeout(held.timer);
    });
    return (chunk) => {
      for (const { bytes, opcode } of splitter.push(chunk)) {
        const isData = opcode === 1 || opcode === 2;
        if (!isData) {
          release();
          to.write(bytes);
          continue;
        }
        if (held) {
          to.write(bytes);
          release();
          continue;
        }
        const fault = this.#takeFault(direction, bytes);
        if (fault === 'duplicate') {
          to.write(bytes);
          to.write(bytes);
        } else if (fault === 'swap') {
          held = { bytes, timer: setTimeout(release, swapWait) };
        } else {
          to.write(bytes);
        }
      }
    };
  }

  /**
   * Arms a fault for the next data frame read in `direction` (on any
   * connection) that `matches` accepts (by its unmasked payload; any data
   * frame without it): `duplicate` writes it twice, `swap` writes it after
   * the data frame that follows it (or after 50 ms if none follows). Needs
   * `frames: true`.
   */
  frameFault(
    direction: Direction,
    fault: FrameFault,
    matches?: (payload: Buffer) => boolean,
  ): void {
    if (!this.#frames) throw new Error('frameFault needs FaultProxy.start(port, { frames: true })');
    this.#frameFaults[direction].push({ fault, matches });
  }

  #takeFault(direction: Direction, frame: Buffer): FrameFault | undefined {
    const armed = this.#frameFaults[direction][0];
    if (!armed || (armed.matches && !armed.matches(payloadOf(frame)))) return undefined;
    this.#frameFaults[direction].shift();
    return armed.fault;
  }

  /** Sends new connections to another port (the server restarted there). */
  retarget(port: number): void {
    this.targetPort = port;
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
